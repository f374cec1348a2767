"""A road and number is a campus (issue 9, session 15, brief `sameaddr`): the 4 impure entities
of the 1M v2w domain corpus were a harmless project's notice naming its tender code, joined by
the address alone (+2.6) to the EIA and acceptance notice of a sensitive project at the same
road and number (model.ADDR_AT_CAMPUS; counts in docs/benchmarks-aggregate.md, "Session 15 -
sameaddr").

Facts come from the real extractors on the corpus's text; link weights from the real model,
with enough unrelated nodes that the sampled rates are those of a corpus."""

from __future__ import annotations

import pytest

from mosaicguard.aggregate.facts import FactExtractor
from mosaicguard.aggregate.link import cluster, threshold_weight
from mosaicguard.aggregate.model import ADDR_AT_CAMPUS, LinkModel, NodeRecord, addr_at_campus, estimate_model
from mosaicguard.aggregate.settings import AggregationSettings
from mosaicguard.policy.schema import Policy

POLICY = Policy.model_validate({"version": 1, "sensitive_purposes": ["雷达"]})
SITE = "黔东南苗族侗族自治州镇远县黎家桥乡解放路82号"
OFFICE = "贵州省北方工程建设管理处"

# the three notices of `镇远县黎家桥乡解放路82号` in the 1M corpus (c0128/eia-0128409,
# c0128/acceptance-0128585: one sensitive project; c0999/acceptance-0999640: a school's)
RADAR_EIA = f"""雷达天线罩建设工程环境影响评价文件受理公示
发布机构：镇远县生态环境分局    发布日期：2027-09-25
项目名称：雷达天线罩建设工程
建设单位：{OFFICE}
建设地点：{SITE}
建设内容：拟建雷达天线罩及配套用房，总投资约4147万元。
"""
RADAR_ACCEPTANCE = f"""营区道路及附属设施工程竣工环境保护验收公示
建设单位：{OFFICE}
项目名称：营区道路及附属设施工程
项目地点：{SITE}
验收结论：工程质量符合GB 50016-2014要求，同意通过验收。
公示时间：2027年10月20日起10个工作日。
"""
SCHOOL_ACCEPTANCE = f"""镇远县黎家桥乡中心小学教学楼改扩建工程竣工环境保护验收公示
建设单位：{{owner}}
项目名称：镇远县黎家桥乡中心小学教学楼改扩建工程
原招标编号：BZB-2025-0999057
项目地点：{SITE}
合同工期：120日历天
公示时间：2025年7月19日起10个工作日。
"""
# c0119/news-0119592: a news item naming no owner
KINDERGARTEN_NEWS = f"""镇远县推进幼儿园新建工程建设
2027年2月13日  来源：融媒体中心
该项目编号为BZB20270119272，已完成招标。
项目位于{SITE}，周边交通便利。
据介绍，项目预计2028年底投入使用。
"""
# one project's tender (code and buyer) and EIA (the buyer as developer): the owner ties them
SCHOOL_TENDER = f"""镇远县黎家桥乡中心小学教学楼改扩建工程招标公告
项目编号：BZB-2025-0999057
采购人：{{owner}}
项目地点：{SITE}
"""
SCHOOL_EIA = f"""中心小学教学楼改扩建工程环境影响评价文件受理公示
项目名称：中心小学教学楼改扩建工程
建设单位：{{owner}}
建设地点：{SITE}
"""
# two plants of one campus, each named, two developers (as the real `gac_panyu_shilou_site`)
PLANT = """{name}环境影响评价信息公开
项目名称：{name}
建设单位：{owner}
建设地点：广州市番禺区石楼镇龙瀛路36号
"""


def keys_of(text: str) -> set[str]:
    return {k for f in FactExtractor(POLICY).extract_text("x.txt", text) for k in f.keys}


def _corpus(nodes: list[set[str]], n: int = 3000) -> list[NodeRecord]:
    """The nodes among `n` unrelated ones (each with its owner and county, as notices of a
    corpus); every key's df as the corpus gives it."""
    rows: list[set[str]] = [*nodes, *({f"own:o{i % 10}", f"area:县{i}"} for i in range(n))]
    df: dict[str, int] = {}
    for keys in rows:
        for k in keys:
            df[k] = df.get(k, 0) + 1
    return [NodeRecord((f"d{i}", 0), {k: df[k] for k in keys}) for i, keys in enumerate(rows)]


def _model(recs: list[NodeRecord]) -> LinkModel:
    return estimate_model(recs, len(recs))


def _addr(model: LinkModel, a: NodeRecord, b: NodeRecord) -> str:
    return {c.comparison: c.level for c in model.score_pair(a, b).comparisons}["addr"]


def test_a_notice_naming_its_tender_is_not_tied_to_another_project_of_its_campus_by_the_address() -> None:
    limit = threshold_weight(AggregationSettings())
    eia, acceptance = keys_of(RADAR_EIA), keys_of(RADAR_ACCEPTANCE)
    school = keys_of(SCHOOL_ACCEPTANCE.format(owner="镇远县水利局"))
    news = keys_of(KINDERGARTEN_NEWS)
    # what the extractor reads: the code names the school's project, the radar's notices name none
    assert any(k.startswith("code:") for k in school) and any(k.startswith("code:") for k in news)
    assert not any(k.startswith(("code:", "name:", "subject:")) for k in eia | acceptance)
    addr = {k for k in eia if k.startswith("addr:")}
    assert addr and addr <= acceptance & school & news
    recs = _corpus([eia, acceptance, school, news])
    model = _model(recs)
    # the radar's two notices: neither names a project, one developer: the address links them
    assert not addr_at_campus(recs[0], recs[1])
    assert model.score_pair(recs[0], recs[1]).weight >= limit
    # the school's acceptance (another developer) and the news item (no owner) name a tender:
    # the address is the campus, not the project
    for other in (2, 3):
        for radar in (0, 1):
            assert addr_at_campus(recs[radar], recs[other])
            assert _addr(model, recs[radar], recs[other]).endswith("at a campus")
            score = model.score_pair(recs[radar], recs[other])
            assert {c.comparison: c.weight for c in score.comparisons}["addr"] > 0  # shared, it counts
            assert score.weight < limit
    links, _ = cluster(recs[:4], [(i, j, model.score_pair(recs[i], recs[j]))
                                  for i in range(4) for j in range(i + 1, 4)
                                  if model.score_pair(recs[i], recs[j]).weight >= limit],
                       AggregationSettings(), model)
    assert {(lk.a, lk.b) for lk in links} == {(recs[0].node, recs[1].node)}


def test_the_owner_or_both_names_keep_the_address_of_one_project() -> None:
    limit = threshold_weight(AggregationSettings())
    owner = "镇远县教育局"
    tender, eia = keys_of(SCHOOL_TENDER.format(owner=owner)), keys_of(SCHOOL_EIA.format(owner=owner))
    battery = keys_of(PLANT.format(name="广汽自主电池项目", owner="因湃电池科技有限公司"))
    edrive = keys_of(PLANT.format(name="广汽自主电驱产业化建设项目", owner="锐湃动力科技有限公司"))
    assert any(k.startswith("name:") for k in battery) and any(k.startswith("name:") for k in edrive)
    recs = _corpus([tender, eia, battery, edrive])
    model = _model(recs)
    # a tender naming its code and the EIA naming none, of one owner (the buyer is the developer)
    assert not addr_at_campus(recs[0], recs[1])
    assert _addr(model, recs[0], recs[1]).startswith("share df<=2")
    assert model.score_pair(recs[0], recs[1]).weight >= limit
    # two named plants of one campus, two developers: nothing says which project either is
    assert not addr_at_campus(recs[2], recs[3])
    assert model.score_pair(recs[2], recs[3]).weight >= limit


def test_a_model_stored_before_the_campus_levels_scores_as_before() -> None:
    recs = _corpus([keys_of(RADAR_EIA), keys_of(SCHOOL_ACCEPTANCE.format(owner="镇远县水利局"))])
    model = _model(recs)
    old = LinkModel(model.prior, {k: v for k, v in model.levels.items() if k != ADDR_AT_CAMPUS}, model.documents)
    assert _addr(old, recs[0], recs[1]) == "share df<=2"
    assert old.score_pair(recs[0], recs[1]).weight >= threshold_weight(AggregationSettings())


def test_splink_scores_the_campus_levels_as_the_model_does() -> None:
    from mosaicguard.aggregate.splink_link import predict_duckdb

    owner = "镇远县教育局"
    nodes = [keys_of(RADAR_EIA), keys_of(RADAR_ACCEPTANCE), keys_of(SCHOOL_ACCEPTANCE.format(owner="镇远县水利局")),
             keys_of(KINDERGARTEN_NEWS), keys_of(SCHOOL_TENDER.format(owner=owner)),
             keys_of(SCHOOL_EIA.format(owner=owner))]
    recs = _corpus(nodes, 400)
    model = _model(recs)
    scored = [p for p in predict_duckdb(recs, model, -100.0) if p.right < len(nodes)]
    levels = set()
    for p in scored:
        ours = model.score_pair(recs[p.left], recs[p.right])
        assert p.match_weight == pytest.approx(ours.weight, abs=1e-6)
        assert {c.comparison: c.weight for c in ours.comparisons} == pytest.approx(p.comparison_weights, abs=1e-6)
        levels.add(_addr(model, recs[p.left], recs[p.right]))
    assert len(scored) == len(nodes) * (len(nodes) - 1) // 2  # every pair shares the address
    assert any(lv.endswith("at a campus") for lv in levels) and any(not lv.endswith("at a campus") for lv in levels)
