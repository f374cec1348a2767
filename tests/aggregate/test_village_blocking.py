"""Which pairs blocking makes (docs/benchmarks-aggregate.md, "Session 13 - blocking"): a village
makes a candidate pair only together with a second shared value (its group, an organisation...:
`model.VILLAGE_BLOCK_WITH`), and an office's fixed line only while rare
(`model.LANDLINE_BLOCK_MAX_DF`). One rule for every engine: the pure-Python pairs, splink on
DuckDB, the incremental relink's `is_candidate` and the draft check's look-ups."""

from __future__ import annotations

import random
from pathlib import Path

from mosaicguard.aggregate.engine import AggregateOptions, Aggregator
from mosaicguard.aggregate.facts import FactExtractor
from mosaicguard.aggregate.index import SQLiteFactStore
from mosaicguard.aggregate.link import candidate_pairs, draft_candidates
from mosaicguard.aggregate.link_incremental import is_candidate
from mosaicguard.aggregate.model import LANDLINE_BLOCK_MAX_DF, NodeRecord, estimate_model, records_from_rows
from mosaicguard.aggregate.settings import settings_from_policy
from mosaicguard.aggregate.splink_link import cell_counts, predict_duckdb
from mosaicguard.policy.schema import Policy

POLICY = Policy.model_validate({"version": 1})
# One project of the village (a road in its group 3: the permit and the acceptance notice) and an
# unrelated school canteen tender naming the same village, with nothing else in common.
PERMIT = """建筑工程施工许可信息
工程名称：村道硬化工程
建设单位：榆次区交通运输局
建设地址：榆次区东阳镇车辋村三组
施工单位：山西四建集团有限公司
"""
ACCEPTANCE = """竣工验收公示
项目名称：通村公路建设
建设单位：榆次区交通运输局
项目地点：榆次区东阳镇车辋村三组
"""
CANTEEN = """采购公告
项目名称：小学食堂改造
采购人：晋中市第九中学
项目地点：榆次区东阳镇车辋村
"""
OFFICE_LINE = "0354-2345678"


def corpus_files(office_notices: int, seed: int = 3) -> dict[str, str]:
    """The three notices among tender notices of other buyers (a population for the priors),
    `office_notices` of which print one office's fixed line and share nothing else."""
    rng = random.Random(seed)
    files = {"permit.txt": PERMIT, "acceptance.txt": ACCEPTANCE, "canteen.txt": CANTEEN}
    for i in range(60):
        line = f"联系电话：{OFFICE_LINE}\n" if i < office_notices else ""
        files[f"tender-{i:03d}.txt"] = (f"项目编号：JZ2025-{i:04d}\n采购人：晋中市第{i + 1}中学\n"
                                        f"预算金额：{rng.randint(100_000, 90_000_000)}元\n{line}")
    return files


def linked_records(tmp_path: Path, files: dict[str, str]) -> tuple[SQLiteFactStore, dict[str, NodeRecord]]:
    corpus = tmp_path / "corpus"
    corpus.mkdir(parents=True)
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    store = SQLiteFactStore(str(tmp_path / "index.sqlite"))
    Aggregator(store, AggregateOptions(POLICY)).aggregate([str(corpus)])
    df = dict(store.key_doc_freqs())
    return store, {Path(r.node[0]).name: r for r in records_from_rows(store.node_key_rows(), store.all_coords(), df)}


def engine_pairs(records: dict[str, NodeRecord]) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    """The candidate pairs of pure-Python blocking and of splink on DuckDB (every pair it
    scores: threshold far below any weight), as pairs of file names."""
    names = sorted(records)
    recs = [records[n] for n in names]
    python = {frozenset((names[i], names[j])) for i, j in candidate_pairs(recs)}
    model = estimate_model(recs, len(recs))
    splink = {frozenset((names[p.left], names[p.right])) for p in predict_duckdb(recs, model, -1000.0)}
    return python, splink


def test_a_village_shared_alone_makes_no_candidate_pair_with_its_group_it_does(tmp_path: Path) -> None:
    store, records = linked_records(tmp_path, corpus_files(office_notices=0))
    try:
        permit, acceptance, canteen = records["permit.txt"], records["acceptance.txt"], records["canteen.txt"]
        village = {k for k in permit.keys if k.startswith("vil:")} & set(canteen.keys)
        # the village and nothing else (but its county: an `area` key never makes a pair)
        assert village and {k for k in set(permit.keys) & set(canteen.keys) if not k.startswith("area:")} == village
        python, splink = engine_pairs(records)
        assert python == splink
        assert frozenset(("permit.txt", "acceptance.txt")) in python
        assert frozenset(("permit.txt", "canteen.txt")) not in python
        assert frozenset(("acceptance.txt", "canteen.txt")) not in python
        cells = cell_counts([])
        assert is_candidate(permit, acceptance, cells) and is_candidate(acceptance, permit, cells)
        assert not is_candidate(permit, canteen, cells) and not is_candidate(canteen, permit, cells)
        # the draft check: a canteen tender as a draft reaches no notice of the village road; the
        # road's acceptance notice as a draft reaches its permit
        settings = settings_from_policy(POLICY)
        for name, text, reached in (("canteen2.txt", CANTEEN, set()),
                                    ("acceptance2.txt", ACCEPTANCE, {"permit.txt", "acceptance.txt"})):
            facts = FactExtractor(POLICY).extract_text(str(tmp_path / name), text)
            cands = draft_candidates(store, facts, settings)
            assert {Path(n[0]).name for ns in cands.per_draft.values() for n in ns} == reached
    finally:
        store.close()


def test_an_office_line_blocks_only_while_rare(tmp_path: Path) -> None:
    office = [f"tender-{i:03d}.txt" for i in range(LANDLINE_BLOCK_MAX_DF + 1)]
    store, records = linked_records(tmp_path, corpus_files(office_notices=len(office)))
    store.close()
    assert all(f"landline:{OFFICE_LINE.replace('-', '')}" in records[n].keys for n in office)
    python, splink = engine_pairs(records)
    assert python == splink
    assert not any(pair <= set(office) for pair in python)
    rare = [f"tender-{i:03d}.txt" for i in range(2)]
    store, records = linked_records(tmp_path / "rare", corpus_files(office_notices=len(rare)))
    store.close()
    python, splink = engine_pairs(records)
    assert python == splink and frozenset(rare) in python
