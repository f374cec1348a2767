"""Linking in bounded memory (issue 9, "Must have" 6 and the scale proof): the local engine
streams node records from the index into DuckDB and holds only the paired nodes in Python. It
must link exactly as the records-in-memory engines do, keep no readable key in what DuckDB may
spill, and leave no temporary folder behind."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from domaingen import generate
from mosaicguard.aggregate import splink_link
from mosaicguard.aggregate.index import SQLiteFactStore
from mosaicguard.aggregate.link import Linking, link_corpus
from mosaicguard.aggregate.model import KINDS, estimate_model, records_from_rows
from mosaicguard.aggregate.settings import settings_from_policy
from mosaicguard.cli import main
from mosaicguard.policy.load import load_policy

DOCS = 400  # more than 200 nodes: the model samples pairs instead of taking them all


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("streamcorpus")
    generate(root, DOCS, 3, jobs=1)
    code = main(["aggregate", str(root / "corpus"), "--policy", str(root / "policy.yaml"), "--index",
                 str(root / "index.sqlite"), "--format", "json", "-o", str(root / "report.json"), "-q"])
    assert code in (0, 1)
    return root


def _link(root: Path, engine: str) -> Linking:
    store = SQLiteFactStore(str(root / "index.sqlite"))
    try:
        return link_corpus(store, settings_from_policy(load_policy(str(root / "policy.yaml"))), engine)
    finally:
        store.close()


def test_streamed_linking_equals_records_in_memory(corpus: Path) -> None:
    streamed, in_memory = _link(corpus, "local"), _link(corpus, "python")
    assert streamed.stats.candidate_pairs > 50 and streamed.stats.links > 20  # something was linked
    assert streamed.model.to_json() == in_memory.model.to_json()
    assert streamed.node_entity == in_memory.node_entity
    assert [(lk.entity, lk.from_doc, lk.to_doc, lk.evidence) for lk in streamed.links] == \
        [(lk.entity, lk.from_doc, lk.to_doc, lk.evidence) for lk in in_memory.links]
    assert [lk.weight for lk in streamed.links] == pytest.approx([lk.weight for lk in in_memory.links])
    assert streamed.entities == in_memory.entities


def test_sampled_model_equals_the_model_of_every_record(corpus: Path) -> None:
    store = SQLiteFactStore(str(corpus / "index.sqlite"))
    try:
        df = dict(store.key_doc_freqs())
        everything = records_from_rows(store.node_key_rows(), store.all_coords(), df)
        assert len(everything) > 200
        expected = estimate_model(everything, store.doc_count())
    finally:
        store.close()
    assert _link(corpus, "local").model.to_json() == expected.to_json()


def test_duckdb_spills_into_a_private_folder_removed_at_the_end(corpus: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    # A small memory limit makes DuckDB spill (it still has to finish).
    monkeypatch.setattr(splink_link, "DUCKDB_MEMORY_LIMIT", "64MB")
    made: list[tuple[str, int]] = []
    real_mkdtemp = tempfile.mkdtemp

    def mkdtemp(*args: object, **kwargs: object) -> str:
        path = real_mkdtemp(*args, **kwargs)  # type: ignore[call-overload]
        made.append((str(path), os.stat(path).st_mode & 0o777))
        return str(path)

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    linking = _link(corpus, "local")
    assert linking.stats.links > 20
    assert [mode for _, mode in made] == [0o700]
    assert Path(made[0][0]).parent == tmp
    assert list(tmp.iterdir()) == []


def test_rows_given_to_duckdb_hold_no_key_text(corpus: Path) -> None:
    store = SQLiteFactStore(str(corpus / "index.sqlite"))
    try:
        df = dict(store.key_doc_freqs())
        records = [r for _, r in store.stream_records(df, batch_docs=50)]
    finally:
        store.close()
    encode = splink_link.key_hasher(os.urandom(16))
    cells = splink_link.cell_counts(r.coord for r in records if r.coord)
    seen_keys = 0
    for uid, r in enumerate(records):
        row = splink_link.record_row(uid, r, KINDS, cells, encode)
        for value in row:
            items = value if isinstance(value, list) else [value]
            # hashed keys are integers; the compared `_dfk` entries `df|hash` (hex): no key text
            assert all(not isinstance(x, str) or re.fullmatch(r"[0-9]{7}\|-?[0-9a-f]+", x) for x in items), \
                (r.node, value)
            seen_keys += isinstance(value, list) and len(value)
    assert seen_keys > 1000
    # equal keys hash equally (the blocking join needs it), different salts differ
    assert encode("code:ZB-1") == encode("code:ZB-1") != splink_link.key_hasher(b"x" * 16)("code:ZB-1")


def test_duckdb_memory_limit_is_a_quarter_of_the_machine_at_least_1_gb() -> None:
    # 1M notices of a realistic world failed at a fixed 1 GB (splink's de-duplication of blocked
    # pairs cannot spill all of its state): the limit follows the machine.
    assert splink_link.default_memory_limit(24 * 2**30) == "6144MB"
    assert splink_link.default_memory_limit(2 * 2**30) == "1024MB"
    assert splink_link.default_memory_limit(0) == "1024MB"
    here = splink_link.default_memory_limit()
    assert int(here.removesuffix("MB")) >= 1024
