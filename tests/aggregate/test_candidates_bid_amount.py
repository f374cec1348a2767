"""A bid price in a real candidates list's column is its award notice's price (issue 9): the
qingjiang lists of ycggzy.cn (../shared/realworld, read in place) share an amount key."""

from __future__ import annotations

from pathlib import Path

import pytest

from mosaicguard.aggregate.check import read_drafts
from mosaicguard.aggregate.facts import FactExtractor
from mosaicguard.pipeline import ScanOptions
from mosaicguard.policy.schema import Policy

REALWORLD = Path(__file__).resolve().parents[2] / ".." / "shared" / "realworld"
pytestmark = pytest.mark.skipif(not (REALWORLD / "truth.json").is_file(),
                                reason="realworld corpus not present")


def amount_keys(name: str) -> set[str]:
    facts, status, _ = read_drafts([str(REALWORLD / "docs" / name)],
                                   FactExtractor(Policy.model_validate({"version": 1})), ScanOptions())
    assert [s["status"] for s in status] == ["ok"]
    return {k for f in facts if f.kind == "amount" for k in f.keys if k.startswith("amt:") and not k.endswith("!")}


def test_the_candidates_list_and_the_award_share_the_winning_bid() -> None:
    candidates = amount_keys("zh_ycggzy_qingjiang-psh-pipeline-candidates.txt")
    award = amount_keys("zh_ycggzy_qingjiang-psh-pipeline-award.html")
    assert "amt:CNY:567407538e-2" in award
    assert "amt:CNY:567407538e-2" in candidates
