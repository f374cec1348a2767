"""Facts cross from the read stage's worker processes to the index writer by pickle: every
field comes back (`Fact.__reduce__` names them one by one)."""

from __future__ import annotations

import dataclasses
import pickle

from mosaicguard.aggregate.facts import Fact


def test_every_field_survives_pickle() -> None:
    fact = Fact("a/b.txt", 3, "amount", "约2470万元", "capacity", ("amt:2.47e7", "bud:2.5e7"), "budget", 41,
                "预算金额：约2470万元")
    assert all(getattr(fact, f.name) != f.default for f in dataclasses.fields(Fact))  # none left at its default
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps([fact, fact], protocol=protocol))
        assert back == [fact, fact]
        assert [getattr(back[0], f.name) for f in dataclasses.fields(Fact)] == [
            getattr(fact, f.name) for f in dataclasses.fields(Fact)]
