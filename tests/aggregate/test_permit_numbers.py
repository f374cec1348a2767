"""A construction permit's number (施工许可证编号): two permit notices with two numbers are two
projects, however much their buyer and site agree; a notice quoting a permit's number is that
permit's project. Extraction from real-shaped notices, the `permit` comparison in every engine,
and the coherent clustering (`model.CONFLICT_KINDS`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregate.test_link_model import filler, linked, make_store, together
from mosaicguard.aggregate.engine import AggregateOptions, Aggregator
from mosaicguard.aggregate.facts import FactExtractor
from mosaicguard.aggregate.index import SQLiteFactStore
from mosaicguard.aggregate.model import estimate_model, records_from_rows
from mosaicguard.policy.schema import Policy

# Two permits of one provincial construction office in one village group (the shape of the
# 住建 publicity of a construction permit): two numbers, two projects, two contractors.
PERMIT_A = """建筑工程施工许可证信息公开
许可证编号：499790178241
工程名称：供电线路改造工程
建设单位：河北省西部工程建设管理中心
项目选址：隆尧县龙门镇冯家营村六组
合同价格：597.42万元
施工单位：江汉油田泓盛油化工程潜江有限责任公司
项目负责人：范志刚  联系电话：176 0718 4225
发证日期：2027年2月16日
"""
PERMIT_B = """建筑工程施工许可证信息公开
施工许可证编号：130525202706030101
工程名称：营区道路及附属设施工程
建设单位：河北省西部工程建设管理中心
工程地址：隆尧县龙门镇冯家营村六组
合同价格：1153.88万元
施工单位：河北建设集团股份有限公司（安全生产许可证编号：(冀)JZ安许证字[2019]000123）
项目负责人：曹海军  联系电话：+86-16579660847
发证日期：2027年6月3日
"""
EIA_A = """供电线路改造工程环境影响评价文件受理公示
建设单位：河北省西部工程建设管理中心
项目选址：隆尧县龙门镇冯家营村六组
建设内容：拟建供电线路及配套设施。
"""


def aggregate(tmp_path: Path, docs: dict[str, str]) -> list[set[str]]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in docs.items():
        (corpus / name).write_text(text, encoding="utf-8")
    for i in range(150):  # unrelated notices: a population for priors and term frequencies
        (corpus / f"filler-{i:03d}.txt").write_text(
            f"项目名称：填充{i:03d}号仓库维修工程\n项目编号：FZ2025{i:04d}\n预算金额：{1_200_000 + 7_919 * i}元\n",
            encoding="utf-8")
    result = Aggregator(SQLiteFactStore(), AggregateOptions(Policy.model_validate({"version": 1}))
                        ).aggregate([str(corpus)])
    return [{Path(d).name for d in e["documents"]} for e in result.entities]


def test_permit_numbers_are_read_from_permit_notices_only() -> None:
    extract = FactExtractor(Policy.model_validate({"version": 1})).extract_text
    permits = [(f.value, f.keys) for f in extract("b.txt", PERMIT_B) if f.kind == "permit"]
    # the contractor's safety licence in the same notice is a firm's, not the project's permit
    assert permits == [("130525202706030101", ("permit:130525202706030101",))]
    assert [f.keys for f in extract("a.txt", PERMIT_A) if f.kind == "permit"] == [("permit:499790178241",)]
    # `许可证编号` outside a notice about a construction permit (a discharge licence) is no permit
    other = "排污许可证信息公开\n许可证编号：91130525MA0CXXXX1Y001P\n单位名称：某化工有限公司\n"
    assert not [f for f in extract("c.txt", other) if f.kind == "permit"]


def test_two_permits_of_one_office_at_one_village_group_stay_two_projects(tmp_path: Path) -> None:
    entities = aggregate(tmp_path, {"permit-a.txt": PERMIT_A, "permit-b.txt": PERMIT_B, "eia-a.txt": EIA_A})
    assert not any({"permit-a.txt", "permit-b.txt"} <= e for e in entities)
    # the EIA of one of them still joins a permit (buyer at a shared village group), never both
    assert sum(1 for e in entities if "eia-a.txt" in e and e & {"permit-a.txt", "permit-b.txt"}) == 1


def test_a_notice_quoting_the_permit_number_is_its_project(tmp_path: Path) -> None:
    record = ("建设工程竣工验收备案公示\n工程名称：供电线路改造工程\n施工许可证号：499790178241\n"
              "竣工验收日期：2028年1月20日\n")
    entities = aggregate(tmp_path, {"permit-a.txt": PERMIT_A, "record.txt": record})
    assert any({"permit-a.txt", "record.txt"} <= e for e in entities)


@pytest.mark.parametrize("engine", ["local", "python"])
def test_permit_disagreement_in_every_engine(engine: str) -> None:
    docs = dict(filler(500))
    vil, grp = ("vil:某县|甲村", "某县甲村"), ("grp:某县|甲村|6", "某县甲村六组")
    office = ("org:某省工程建设管理中心", "某省工程建设管理中心")
    docs["eia-a.txt"] = [vil, grp, office]
    docs["permit-a.txt"] = [vil, grp, office, ("permit:499790178241", "499790178241")]
    docs["permit-b.txt"] = [vil, grp, office, ("permit:553946685960", "553946685960")]
    docs["record-a.txt"] = [("permit:499790178241", "499790178241"), ("area:某县", "某县")]
    linking = linked(docs, engine)
    assert not together(linking, "permit-a.txt", "permit-b.txt")
    assert together(linking, "permit-a.txt", "record-a.txt")
    assert together(linking, "eia-a.txt", "permit-a.txt") != together(linking, "eia-a.txt", "permit-b.txt")
    # the levels: two numbers count against the pair, one quoted number for it; splink agrees
    store = make_store(docs)
    records = records_from_rows(store.node_key_rows(), store.all_coords(), dict(store.key_doc_freqs()))
    model = estimate_model(records, store.doc_count())
    by_doc = {r.node[0]: r for r in records}
    two = {c.comparison: c for c in model.score_pair(by_doc["permit-a.txt"], by_doc["permit-b.txt"]).comparisons}
    assert two["permit"].level == "differ" and two["permit"].weight < -3
    one = {c.comparison: c for c in model.score_pair(by_doc["permit-a.txt"], by_doc["record-a.txt"]).comparisons}
    assert one["permit"].weight > 10
    if engine == "local":
        from mosaicguard.aggregate.splink_link import predict_duckdb

        wanted = [r for r in records if not r.node[0].startswith("filler")]
        scored = predict_duckdb(wanted, model, -100.0)
        assert len(scored) >= 4
        for p in scored:
            ours = model.score_pair(wanted[p.left], wanted[p.right])
            assert p.match_weight == pytest.approx(ours.weight, abs=1e-6)
            assert p.comparison_weights["permit"] == pytest.approx(
                {c.comparison: c.weight for c in ours.comparisons}["permit"], abs=1e-6)
