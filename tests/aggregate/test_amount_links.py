"""An amount of money links two notices of one project end to end: files read by the engine,
the `amt` comparison in the link's evidence, masked in human formats with `--redact`."""

from __future__ import annotations

import json
from pathlib import Path

from mosaicguard.aggregate.engine import AggregateOptions, Aggregator
from mosaicguard.aggregate.index import SQLiteFactStore
from mosaicguard.aggregate.report import render_html, render_json
from mosaicguard.aggregate.result import AggregationResult
from mosaicguard.model import mask
from mosaicguard.policy.schema import Policy

EIA = """油料洞库建设工程环境影响评价文件受理公示
建设单位：河北省华东营房保障中心
实施地点：河北省保定市涞源县白杨镇黄家庄村
建设内容：拟建油料洞库及配套用房，总投资约2321万元。
"""
PERMIT = """建筑工程施工许可证信息公开
工程名称：设备采购及安装
建设单位：涞源县城乡建设投资有限公司
工程地址：河北省保定市涞源县白杨镇黄家庄村
合同价格：2321.65万元
"""


def aggregate(tmp_path: Path, eia: str, permit: str) -> AggregationResult:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "eia.txt").write_text(eia, encoding="utf-8")
    (corpus / "permit.txt").write_text(permit, encoding="utf-8")
    for i in range(150):  # unrelated notices: a population for priors and term frequencies
        (corpus / f"filler-{i:03d}.txt").write_text(
            f"项目名称：填充{i:03d}号仓库维修工程\n项目编号：FZ2025{i:04d}\n预算金额：{1_200_000 + 7_919 * i}元\n",
            encoding="utf-8")
    options = AggregateOptions(Policy.model_validate({"version": 1}))
    return Aggregator(SQLiteFactStore(), options).aggregate([str(corpus)])


def entity_of(result: AggregationResult, *names: str) -> dict[str, object] | None:
    for ent in result.entities:
        if {Path(d).name for d in ent["documents"]} >= set(names):
            return ent
    return None


def test_an_agreeing_amount_links_the_eia_notice_to_the_permit_and_shows_why(tmp_path: Path) -> None:
    result = aggregate(tmp_path, EIA, PERMIT)
    ent = entity_of(result, "eia.txt", "permit.txt")
    assert ent is not None
    data = json.loads(render_json(result))
    (shown,) = [e for e in data["entities"] if e["id"] == ent["id"]]
    amt = [c for c in shown["weakest_link"]["evidence"] if c["comparison"] == "amt"]
    assert amt and amt[0]["weight"] > 0 and amt[0]["value"] in ("2321万元", "2321.65万元")
    # Masked in the redacted JSON and in the redacted HTML, like every other value.
    redacted = json.loads(render_json(result, redact=True))
    (masked,) = [e for e in redacted["entities"] if e["id"] == ent["id"]]
    (masked_amt,) = [c for c in masked["weakest_link"]["evidence"] if c["comparison"] == "amt"]
    assert masked_amt["value"] == mask(amt[0]["value"]) != amt[0]["value"]
    html = render_html(result, redact=True)
    assert "amt +" in html and amt[0]["value"] not in html


def test_without_the_amount_the_same_notices_stay_apart(tmp_path: Path) -> None:
    # The village alone is not enough (docs/aggregation.md): the amount made the link.
    result = aggregate(tmp_path, EIA.replace("总投资约2321万元", "总投资约5876万元"), PERMIT)
    assert entity_of(result, "eia.txt", "permit.txt") is None


def test_amount_facts_keep_their_role_and_link_keys() -> None:
    from mosaicguard.aggregate.facts import FactExtractor

    facts = FactExtractor(Policy.model_validate({"version": 1})).extract_text("permit.txt", PERMIT + EIA)
    amounts = [(f.value, f.extra, f.attr) for f in facts if f.kind == "amount"]
    assert amounts == [("2321.65万元", "award", None), ("2321万元", "investment", None)]
    eia = next(f for f in facts if f.value == "2321万元")
    assert "amt:CNY:2321e4!" in eia.keys and "amtr:CNY:23e6" in eia.keys
