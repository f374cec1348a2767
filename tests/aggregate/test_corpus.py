"""The proof: a generated corpus of 300 notices with planted chains and decoys."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregate.legacy_synth import Manifest, write_corpus
from mosaicguard.aggregate.engine import AggregateOptions, Aggregator
from mosaicguard.aggregate.index import _FACT_INDEXES, DocRecord, SQLiteFactStore
from mosaicguard.aggregate.result import AggregationResult, FixEntry
from mosaicguard.policy.load import load_policy


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Manifest, Aggregator, AggregationResult]:
    manifest = write_corpus(tmp_path_factory.mktemp("agg"))
    aggregator = Aggregator(SQLiteFactStore(), AggregateOptions(load_policy(manifest.policy)))
    return manifest, aggregator, aggregator.aggregate([str(manifest.corpus)])


def test_corpus_is_big_enough(planted: tuple[Manifest, Aggregator, AggregationResult]) -> None:
    manifest, _, result = planted
    assert result.corpus["documents"] >= 300
    assert {c.link for c in manifest.chains} == {"code", "alias", "address", "coord", "phone", "multi"}


def test_every_planted_chain_is_found(planted: tuple[Manifest, Aggregator, AggregationResult]) -> None:
    manifest, _, result = planted
    for chain in manifest.chains:
        hits = [e for e in result.exposures if set(chain.docs) <= set(e.documents) and chain.rule in e.rules]
        assert hits, f"chain {chain.name} ({chain.link}) not found"
        exposure = hits[0]
        # Explainable: the links name the documents and the shared value.
        linked = {d for lk in exposure.links for d in (lk.from_doc, lk.to_doc)}
        assert set(chain.docs) <= linked, chain.name
        assert all(lk.value and lk.by for lk in exposure.links)


def test_no_decoy_is_merged(planted: tuple[Manifest, Aggregator, AggregationResult]) -> None:
    manifest, _, result = planted
    for decoy in manifest.decoys:
        merged = [e.entity_id for e in result.exposures if set(decoy.docs) <= set(e.documents)]
        assert not merged, f"decoy {decoy.name} merged into {merged}"


def test_no_exposure_spans_unrelated_chains(planted: tuple[Manifest, Aggregator, AggregationResult]) -> None:
    manifest, _, result = planted
    chain_of = {d: c.name for c in manifest.chains for d in c.docs}
    for exposure in result.exposures:
        chains = {chain_of[d] for d in exposure.documents if d in chain_of}
        assert len(chains) <= 1, (exposure.entity_id, chains)
        assert len(exposure.documents) <= 4


def test_background_notices_are_not_exposures(planted: tuple[Manifest, Aggregator, AggregationResult]) -> None:
    _, _, result = planted
    assert not [e for e in result.exposures if any("/notice-" in d for d in e.documents)]


def test_contract_fields(planted: tuple[Manifest, Aggregator, AggregationResult]) -> None:
    _, _, result = planted
    data = result.to_dict("test")
    exp = data["exposures"][0]
    assert set(exp) >= {"entity", "attributes", "rule", "severity", "documents", "links", "new", "minimal_fix"}
    assert set(exp["entity"]) == {"id", "names"}
    for values in exp["attributes"].values():
        assert all({"value", "doc"} <= set(v) for v in values)
    assert all({"from", "to", "by", "value"} <= set(lk) for lk in exp["links"])


def _remove_fix(path: Path, fix: tuple[FixEntry, ...], out: Path) -> Path:
    text = path.read_text(encoding="utf-8")
    for fx in fix:
        assert fx.doc == str(path)
        assert text[fx.location.start:fx.location.end] == fx.value  # verbatim, where it says
    for fx in fix:
        text = text.replace(fx.value, "")
    out.write_text(text, encoding="utf-8")
    return out


@pytest.mark.parametrize("draft", ["completes.txt", "two-ways.txt", "harmless.txt", "restates.txt"])
def test_drafts(planted: tuple[Manifest, Aggregator, AggregationResult], draft: str, tmp_path: Path) -> None:
    manifest, aggregator, _ = planted
    expect_new, fix_size = manifest.draft_expect[draft]
    path = manifest.drafts / draft
    result = aggregator.check([str(path)], [str(manifest.corpus)])
    assert result.corpus["read"] == 0  # the index was reused, nothing re-read
    new = [e for e in result.exposures if e.new]
    assert bool(new) is expect_new
    if not expect_new:
        return
    assert len(result.minimal_fix) == fix_size
    assert all(e.fix_method == "exact" and e.fix_verified for e in new)
    assert all(ev.draft for e in new for evs in (dict(e.attributes).values()) for ev in evs if ev.doc == str(path))
    # The fix works: the draft without those values creates no new exposure ...
    fixed = _remove_fix(path, result.minimal_fix, tmp_path / draft)
    after = aggregator.check([str(fixed)], [str(manifest.corpus)])
    assert not [e for e in after.exposures if e.new]
    # ... and it is minimal: leaving out any one of its items is not enough.
    for i in range(len(result.minimal_fix)):
        partial = result.minimal_fix[:i] + result.minimal_fix[i + 1:]
        partial_fixed = tmp_path / f"partial-{i}-{draft}"
        text = path.read_text(encoding="utf-8")
        for fx in partial:
            text = text.replace(fx.value, "")
        partial_fixed.write_text(text, encoding="utf-8")
        assert [e for e in aggregator.check([str(partial_fixed)], [str(manifest.corpus)]).exposures if e.new]


def test_the_read_stage_page_cache_is_given_back_before_linking(tmp_path: Path) -> None:
    """The index spends a big SQLite page cache on the read stage's random inserts only: linking
    then runs with SQLite's default again (a bigger cache there only raised the peak memory)."""
    manifest = write_corpus(tmp_path / "c", background=20)
    store = SQLiteFactStore(str(tmp_path / "idx.sqlite"))
    default = store.db.execute("PRAGMA cache_size").fetchone()[0]
    seen: list[int] = []
    put = store.put_document

    def spy(*args: object, **kwargs: object) -> None:
        seen.append(store.db.execute("PRAGMA cache_size").fetchone()[0])
        put(*args, **kwargs)  # type: ignore[arg-type]

    store.put_document = spy  # type: ignore[method-assign]
    result = Aggregator(store, AggregateOptions(load_policy(manifest.policy))).aggregate([str(manifest.corpus)])
    assert result.corpus["documents"] > 20
    assert seen and all(size < default for size in seen)  # negative: KiB, bigger than the default
    assert store.db.execute("PRAGMA cache_size").fetchone()[0] == default


def _fact_indexes(store: SQLiteFactStore) -> set[str]:
    rows = store.db.execute("SELECT name FROM sqlite_master WHERE type='index'").fetchall()
    return {r[0] for r in rows} & set(_FACT_INDEXES)


def test_a_first_read_builds_the_fact_indexes_once_at_its_end(tmp_path: Path) -> None:
    """An empty index is filled without its secondary indexes, which are built, sorted, when the
    read ends (the writer's random B-tree inserts took half a core at 1M); a later read of a
    changed corpus keeps them (it replaces documents, which needs them). Both reads give the same
    index and the same exposures as a store that keeps its indexes all along."""
    manifest = write_corpus(tmp_path / "c", background=20)
    policy = load_policy(manifest.policy)
    store = SQLiteFactStore(str(tmp_path / "idx.sqlite"))
    seen: list[set[str]] = []
    put = store.put_document

    def spy(*args: object, **kwargs: object) -> None:
        seen.append(_fact_indexes(store))
        put(*args, **kwargs)  # type: ignore[arg-type]

    store.put_document = spy  # type: ignore[method-assign]
    first = Aggregator(store, AggregateOptions(policy)).aggregate([str(manifest.corpus)])
    assert len(seen) > 20 and all(not s for s in seen)
    assert _fact_indexes(store) == set(_FACT_INDEXES)

    kept = SQLiteFactStore(str(tmp_path / "kept.sqlite"))
    kept.bulk_writes = lambda on: None  # type: ignore[method-assign]
    baseline = Aggregator(kept, AggregateOptions(policy)).aggregate([str(manifest.corpus)])
    assert _fact_indexes(kept) == set(_FACT_INDEXES)
    for table in ("facts", "keys", "coords"):
        rows = f"SELECT * FROM {table} ORDER BY 1, 2, 3, 4"
        assert store.db.execute(rows).fetchall() == kept.db.execute(rows).fetchall(), table
    assert sorted(e.entity_id for e in first.exposures) == sorted(e.entity_id for e in baseline.exposures)

    changed = sorted(manifest.corpus.rglob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    seen.clear()
    again = Aggregator(store, AggregateOptions(policy)).aggregate([str(manifest.corpus)])
    assert seen and all(s == set(_FACT_INDEXES) for s in seen)
    assert again.corpus["documents"] == first.corpus["documents"]


def test_an_interrupted_first_read_gets_its_indexes_back(tmp_path: Path) -> None:
    """A first read stopped before its end leaves an index without its secondary indexes; the next
    opening builds them (and the run re-reads what is missing, as after any interruption)."""
    manifest = write_corpus(tmp_path / "c", background=5)
    path = str(tmp_path / "idx.sqlite")
    store = SQLiteFactStore(path)
    store.bulk_writes(True)
    assert not _fact_indexes(store)
    store.put_document(DocRecord("a.txt", "0" * 64, 1, 1), [], 1000.0, replace=False)
    store.commit()
    store.close()
    reopened = SQLiteFactStore(path)
    assert _fact_indexes(reopened) == set(_FACT_INDEXES)
    result = Aggregator(reopened, AggregateOptions(load_policy(manifest.policy))).aggregate([str(manifest.corpus)])
    assert result.corpus["documents"] > 5
