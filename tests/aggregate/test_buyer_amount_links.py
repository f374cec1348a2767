"""A permit and an EIA notice of one project tied by the buyer and the EIA's rounded investment
(class C of the missed chains, docs/benchmarks-aggregate.md "Session 12 - recall").

The EIA publicity and the completion notice name the site by road and number; the building
permit names the village of the same town. Nothing in the text relates the two site
descriptions; what the permit shares with the EIA is the builder (建设单位, a works office that
builds for many projects: no candidate pair alone) and the amount (`约6091万元` against
`6091.26万元`: four significant digits, no candidate pair alone). Together they make one
composite blocking token (`model.pair_block_keys`) in every engine, and the buyer then weighs
by its term frequency (`model.ORG_AT_AMOUNT`)."""

from __future__ import annotations

import math
import random
import shutil
from pathlib import Path

import pytest

from mosaicguard.aggregate.engine import AggregateOptions, Aggregator
from mosaicguard.aggregate.index import SQLiteFactStore
from mosaicguard.aggregate.model import (
    ORG_AT_AMOUNT_LABEL,
    estimate_model,
    pair_block_keys,
    records_from_rows,
)
from mosaicguard.aggregate.result import AggregationResult
from mosaicguard.aggregate.splink_link import predict_duckdb
from mosaicguard.policy.schema import Policy

BUYER = "晋中市城乡建设工程管理处"
EIA = f"""营区道路及附属设施工程环境影响报告表受理情况公示
按照建设项目环境影响评价公众参与办法，现对下列项目环评文件受理情况予以公示。
建设单位：{BUYER}
建设地点：山西省晋中市榆次区东阳镇迎宾路58号
项目总投资约6091万元，占地约12亩。
公示期间，公众可通过信函方式反映意见。
"""
ACCEPTANCE = f"""营区道路及附属设施工程竣工环境保护验收情况公示
建设单位：{BUYER}
项目地址：山西省晋中市榆次区东阳镇迎宾路58号
经验收组现场检查，项目环保设施已按要求建成。
"""
PERMIT = f"""建筑工程施工许可信息
工程名称：营区道路及附属设施工程
建设单位：{BUYER}
建设地址：榆次区东阳镇车辋村
合同价款：6091.26万元
施工单位：山西四建集团有限公司
"""
VILLAGES = ("长凝", "修文", "庄子", "郭家堡", "张庆", "北田", "乌金山")


def corpus_files(seed: int = 7) -> dict[str, str]:
    """The project's three notices among 600 unrelated ones: seven other projects of the same
    builder (so its name is held by 10 documents: more than an organisation may block alone) and
    tender notices of other buyers (a population for the priors and term frequencies)."""
    rng = random.Random(seed)
    files = {"eia.txt": EIA, "acceptance.txt": ACCEPTANCE, "permit.txt": PERMIT}
    for i, village in enumerate(VILLAGES):
        files[f"other-{i}.txt"] = (
            f"建筑工程施工许可信息\n建设单位：{BUYER}\n建设地址：榆次区{village}乡{village}村\n"
            f"合同价款：{rng.randint(1000, 9000)}.{rng.randint(10, 99)}万元\n")
    for i in range(590):
        files[f"tender-{i:03d}.txt"] = (
            f"项目编号：JZ2025-{i:04d}\n采购人：晋中市第{i + 1}中学\n"
            f"预算金额：{rng.randint(100_000, 90_000_000)}元\n")
    return files


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def aggregate(index: Path | None, corpus: Path, engine: str = "local") -> AggregationResult:
    store = SQLiteFactStore(str(index) if index else ":memory:")
    try:
        options = AggregateOptions(Policy.model_validate({"version": 1}), engine=engine)
        return Aggregator(store, options).aggregate([str(corpus)])
    finally:
        store.close()


def together(result: AggregationResult, *names: str) -> bool:
    return any({Path(d).name for d in ent["documents"]} >= set(names) for ent in result.entities)


@pytest.mark.parametrize("engine", ["local", "python"])
def test_the_buyer_and_the_amount_tie_the_permit_to_its_eia(tmp_path: Path, engine: str) -> None:
    result = aggregate(None, write(tmp_path / "corpus", corpus_files()), engine)
    assert together(result, "eia.txt", "acceptance.txt", "permit.txt")
    (ent,) = [e for e in result.entities if {Path(d).name for d in e["documents"]} >= {"permit.txt"}]
    assert len(ent["documents"]) == 3  # none of the builder's other permits


def test_the_same_notices_stay_apart_without_the_amount_or_with_another_buyer(tmp_path: Path) -> None:
    files = corpus_files()
    other_amount = dict(files, **{"permit.txt": PERMIT.replace("6091.26万元", "6391.26万元")})
    assert not together(aggregate(None, write(tmp_path / "a", other_amount)), "eia.txt", "permit.txt")
    other_buyer = dict(files, **{"permit.txt": PERMIT.replace(BUYER, "榆次区城市建设投资有限公司")})
    assert not together(aggregate(None, write(tmp_path / "b", other_buyer)), "eia.txt", "permit.txt")


def test_the_buyer_weighs_its_term_frequency_only_with_a_shared_amount(tmp_path: Path) -> None:
    store = SQLiteFactStore()
    Aggregator(store, AggregateOptions(Policy.model_validate({"version": 1}))).aggregate(
        [str(write(tmp_path / "corpus", corpus_files()))])
    df = dict(store.key_doc_freqs())
    assert df[f"org:{BUYER}"] > 8  # it does not block alone
    records = {Path(r.node[0]).name: r for r in records_from_rows(store.node_key_rows(), store.all_coords(), df)}
    model = estimate_model(list(records.values()), store.doc_count())
    tokens = set(pair_block_keys(records["eia.txt"].keys)) & set(pair_block_keys(records["permit.txt"].keys))
    assert any(t.endswith("amt:CNY:6091e4") for t in tokens) and all(BUYER in t for t in tokens)
    org = {c.comparison: c for c in model.score_pair(records["eia.txt"], records["permit.txt"]).comparisons}["org"]
    assert org.level.endswith(ORG_AT_AMOUNT_LABEL) and org.weight > math.log2(0.30 / 0.05) + 0.5
    other = {c.comparison: c for c in model.score_pair(records["eia.txt"], records["other-0.txt"]).comparisons}["org"]
    assert not other.level.endswith(ORG_AT_AMOUNT_LABEL) and other.weight <= math.log2(0.30 / 0.05) + 1e-9
    # splink (DuckDB) evaluates the same levels: the same weight for every pair it scores
    wanted = [r for name, r in sorted(records.items()) if not name.startswith("tender")]
    scored = predict_duckdb(wanted, model, -100.0)
    assert any({wanted[p.left].node[0], wanted[p.right].node[0]} >= {records["eia.txt"].node[0],
                                                                      records["permit.txt"].node[0]} for p in scored)
    for p in scored:
        assert p.match_weight == pytest.approx(model.score_pair(wanted[p.left], wanted[p.right]).weight, abs=1e-6)
    store.close()


def test_the_incremental_relink_and_the_draft_check_find_the_same_pair(tmp_path: Path) -> None:
    """The permit as a draft: the check reaches the EIA through the composite token and reports
    the site + purpose it completes; the permit then published: the incremental relink links it."""
    files = corpus_files()
    corpus = write(tmp_path / "corpus", files)
    permit = files.pop("permit.txt") + "建设规模：雷达站一座。\n"
    (corpus / "permit.txt").unlink()
    index = tmp_path / "index.sqlite"
    policy = Policy.model_validate({"sensitive_purposes": ["雷达"], "combinations": [
        {"attributes": ["location", "purpose"], "severity": "critical"}]})
    store = SQLiteFactStore(str(index))
    try:
        Aggregator(store, AggregateOptions(policy)).aggregate([str(corpus)])
        draft = write(tmp_path / "drafts", {"permit.txt": permit}) / "permit.txt"
        result = Aggregator(store, AggregateOptions(policy)).check([str(draft)], [str(corpus)])
    finally:
        store.close()
    new = [e for e in result.exposures if e.new]
    assert new and {Path(d).name for d in new[0].documents} >= {"eia.txt", "permit.txt"}
    shutil.copy(draft, corpus / "permit.txt")
    store = SQLiteFactStore(str(index))
    try:
        relinked = Aggregator(store, AggregateOptions(policy)).aggregate([str(corpus)])
    finally:
        store.close()
    assert relinked.to_dict("test")["corpus"]["linking"]["relink"] == "incremental"
    assert together(relinked, "eia.txt", "acceptance.txt", "permit.txt")
