"""Session 11 precision causes (issue 9; counts in docs/benchmarks-aggregate.md, "Session 11 —
precision"): two projects joined by one generated collision (the same road and number in one
town, the same distinctive name) barely above the threshold, while their notices name two
different owners or two different budgets.

Facts come from the real extractors on real text; link weights from the real model, with enough
unrelated nodes that the sampled disagreement rates are those of a corpus."""

from __future__ import annotations

from mosaicguard.aggregate.facts import FactExtractor
from mosaicguard.aggregate.link import threshold_weight
from mosaicguard.aggregate.model import DEVELOPERS_DIFFER, KIND_PRIORS, ONE_SITE_LEVEL, NodeRecord, estimate_model
from mosaicguard.aggregate.settings import AggregationSettings
from mosaicguard.aggregate.splink_link import column_names, record_row
from mosaicguard.detect.facts.orgs import Organisations
from mosaicguard.policy.schema import Policy

POLICY = Policy.model_validate({"protected_subjects": [{"id": "p1", "aliases": ["星河工程"]}]})

TENDER = """{name}招标公告
项目名称：{name}
预算金额：{budget}元
建设内容：新建{purpose}一处及附属用房。
采购人：{owner}
采购代理机构：湖北公诚招标代理有限公司
"""
ACCEPTANCE = """营区道路及附属设施工程竣工环境保护验收公示
建设单位：{owner}
项目名称：营区道路及附属设施工程
项目选址：{site}
"""
CANDIDATES = """2025年垃圾转运站建设项目中标候选人公示
工程地址：{site}
采购人：{owner}
"""


def keys_of(text: str) -> set[str]:
    return {k for f in FactExtractor(POLICY).extract_text("x.txt", text) for k in f.keys}


def test_the_owner_a_label_names_is_read_whole_and_marked() -> None:
    spans = Organisations().extract("招标人：宁夏回族自治区西部工程建设管理中心\n"
                                    "采购人：沅陵县农业农村局\n中标人：葛洲坝集团第五工程有限公司\n"
                                    "采购人：葛洲坝集团第五工程有限公司（盖章）\n采购人：王芳\n")
    owners = [(s.text, s.key) for s in spans if s.get("role") == "owner"]
    # a name longer than the 14 characters read before a suffix is whole; a bureau has no
    # legal suffix but the label says it is an organisation (no `org` key it did not have)
    assert owners == [("宁夏回族自治区西部工程建设管理中心", "宁夏回族自治区西部工程建设管理中心"),
                      ("沅陵县农业农村局", ""), ("葛洲坝集团第五工程有限公司", "葛洲坝集团第五工程有限公司")]
    # the group inside the owner's name is not a second organisation; the winner is no owner
    assert [s.text for s in spans if not s.get("role")] == ["葛洲坝集团", "葛洲坝集团第五工程有限公司"]
    assert "own:沅陵县农业农村局" in keys_of("采购人：沅陵县农业农村局")
    assert not any(k.startswith("own:") for k in keys_of("采购代理机构：湖北公诚招标代理有限公司"))
    assert "own:沅陵县农业农村局!" in keys_of("采购人：沅陵县农业农村局")  # a buyer's mark
    # an EIA's developer and a permit's builder are owners but no buyers (one project may name
    # two of them): the key without the buyer's mark
    developer = {k for k in keys_of(ACCEPTANCE.format(owner="某县城乡建设投资有限公司", site="某县某镇人民路1号"))
                 if k.startswith("own:")}
    assert developer == {"own:某县城乡建设投资有限公司"}


def test_a_budget_compares_at_two_significant_digits() -> None:
    precise = {k for k in keys_of("预算金额：24707593元") if k.startswith("bud:")}
    assert precise == {"bud:CNY:24e6", "bud:CNY:25e6"}
    assert precise & {k for k in keys_of("项目预算：约2470万元") if k.startswith("bud:")}
    assert not precise & {k for k in keys_of("预算金额：10661853元") if k.startswith("bud:")}
    # an award price is no budget
    assert not any(k.startswith("bud:") for k in keys_of("中标价：24707593元"))


def _corpus(pair: list[set[str]], n: int = 3000) -> tuple[list[NodeRecord], int]:
    """The pair's nodes among `n` unrelated ones, each with its own busy owner and budget (so
    that a sampled pair of notices disagrees on both, as in a corpus); every key's df as given
    by the corpus (the owners are busy: each buys for hundreds of projects)."""
    rows: list[set[str]] = [*pair, *({f"own:o{i % 10}", f"own:o{i % 10}!", f"bud:CNY:{10 + i % 89}e6", f"area:县{i}"}
                                     for i in range(n))]
    df: dict[str, int] = {}
    for keys in rows:
        for k in keys:
            df[k] = df.get(k, 0) + 1
    df = {k: v + (300 if k.startswith("own:") else 0) for k, v in df.items()}
    return [NodeRecord((f"d{i}", 0), {k: df[k] for k in keys}) for i, keys in enumerate(rows)], n


def test_two_owners_or_two_budgets_keep_a_name_collision_apart_but_not_one_site() -> None:
    # 1M domain corpus: two tenders of two projects with one generated distinctive name
    # (+3.0 after the prior, just above the threshold) named two owners, or one owner and two
    # budgets.
    name = "丁家河长缨破晓专用道路及配套工程"

    def tender(budget: str, owner: str) -> set[str]:
        return keys_of(TENDER.format(name=name, budget=budget, purpose="弹药储存洞库", owner=owner))

    west, east = "甘肃省西部工程建设管理中心", "甘肃省华东营房保障中心"
    limit = threshold_weight(AggregationSettings())
    recs, n = _corpus([tender("11309150", west), tender("44483795", east), tender("44483795", west),
                       tender("11309150", west)])
    model = estimate_model(recs, n)
    assert model.levels["own"][-1].weight < -3.0 and model.levels["bud"][-1].weight < -3.0
    comps = {c.comparison: c for c in model.score_pair(recs[0], recs[1]).comparisons}
    assert (comps["own"].level, comps["bud"].level) == ("differ", "differ")
    assert model.score_pair(recs[0], recs[1]).weight < limit  # two owners (and two budgets)
    assert model.score_pair(recs[0], recs[2]).weight < limit  # one owner, two budgets
    same = model.score_pair(recs[0], recs[3])
    assert same.weight >= limit  # one owner, one budget: the name links
    # sharing the owner or the budget adds nothing: the organisation and the amount counted it
    assert {c.comparison: c.weight for c in same.comparisons}["own"] == 0.0



def test_two_owners_at_one_street_address_are_two_projects_unless_both_are_developers() -> None:
    # 100k domain corpus (session 12): a village road bought by a county health bureau and a
    # barracks road accepted for a provincial barracks office at one road and number, linked by
    # the address alone (+2.6): a buyer and a developer that differ are two projects, at one
    # site too; two buyers as well.
    site = "怀化市沅陵县新华镇建设路{}号"  # one address per pair: each held by its two notices
    limit = threshold_weight(AggregationSettings())
    recs, n = _corpus([keys_of(CANDIDATES.format(site=site.format(43), owner="沅陵县卫生健康局")),
                       keys_of(ACCEPTANCE.format(site=site.format(43), owner="湖南省华东营房保障中心")),
                       keys_of(CANDIDATES.format(site=site.format(44), owner="沅陵县卫生健康局")),
                       keys_of(CANDIDATES.format(site=site.format(44), owner="湖南省西部工程建设管理中心")),
                       keys_of(ACCEPTANCE.format(site=site.format(45), owner="湖南省华东营房保障中心")),
                       keys_of(ACCEPTANCE.format(site=site.format(45), owner="沅陵县城乡建设投资有限公司")),
                       keys_of(ACCEPTANCE.format(site=site.format(46), owner="湖南省华东营房保障中心")),
                       keys_of(CANDIDATES.format(site=site.format(46), owner="湖南省华东营房保障中心"))])
    model = estimate_model(recs, n)

    def own(i: int, j: int) -> tuple[str, float]:
        score = model.score_pair(recs[i], recs[j])
        return {c.comparison: c.level for c in score.comparisons}["own"], score.weight

    level, weight = own(0, 1)  # buyer against developer
    assert level == "differ" and weight < limit
    level, weight = own(2, 3)  # two buyers
    assert level == "differ" and weight < limit
    # two developers at one address are not compared (an EIA's operator and a permit's local
    # investment company of one project; the real group `gac_panyu_shilou_site`, two
    # subsidiaries' plants at one address): the address links them
    level, weight = own(4, 5)
    assert level == "null" and weight >= limit
    # the developer and the buyer that are one organisation: one project
    level, weight = own(6, 7)
    assert level.startswith("share") and weight >= limit


EIA = """{name}环境影响评价文件受理公示
发布机构：涞源县生态环境分局    发布日期：{date}
项目名称：{name}
建设单位：{owner}
建设地址：涞源县廖家洼乡宋家营社区六组
建设内容：{name}，总投资约{amount}万元。
"""


def test_two_developers_of_one_village_group_are_two_projects() -> None:
    # v2w 100k domain corpus (session 13): a barracks office's EIA and a county water bureau's
    # EIA of one village group, two names and two investments, joined at +2.1 by the group and
    # the county's EIA bureau that publishes both; the developers were not compared (neither is
    # a buyer). A village group is no campus: two developers there are two projects.
    office, water = "河北省北方工程建设管理处", "涞源县水利局"
    limit = threshold_weight(AggregationSettings())
    first = keys_of(EIA.format(name="弹药库建设工程", owner=office, amount="3047", date="2025-05-10"))
    village = {k for k in first if k.startswith("vil:")}
    recs, n = _corpus([first,
                       keys_of(EIA.format(name="涞源县农村饮水安全巩固提升工程", owner=water, amount="6459",
                                          date="2027-07-07")),
                       keys_of(EIA.format(name="围墙及场坪工程", owner=office, amount="3047", date="2025-07-12")),
                       # other projects of the village (8 documents hold it, as in the corpus)
                       *(village for _ in range(5))])
    model = estimate_model(recs, n)

    def own(i: int, j: int) -> tuple[str, float]:
        score = model.score_pair(recs[i], recs[j])
        return {c.comparison: c.level for c in score.comparisons}["own"], score.weight

    level, weight = own(0, 1)
    assert level == DEVELOPERS_DIFFER and weight < limit
    # the same developer at the same village group: one project (sharing it is neutral)
    level, weight = own(0, 2)
    assert level.startswith("share") and weight >= limit
    # on one campus (a road and number) two developers are still not compared
    a, b = (NodeRecord((f"c{i}", 0), {**r.keys, "addr:涞源县|廖家洼乡|建设路|8号": 2}) for i, r in enumerate(recs[:2]))
    assert {c.comparison: c.level for c in model.score_pair(a, b).comparisons}["own"] == "null"


def test_busy_owners_disagree_in_every_engine() -> None:
    # The splink column holds what the pure-Python model compares: busy owners included.
    assert KIND_PRIORS["own"].busy_differ and not KIND_PRIORS["own"].blocking
    r = NodeRecord(("d", 0), {"own:甲局": 5000, "org:甲局": 5000})
    assert r.specific_keys("own") == {"own:甲局"} and not r.specific_keys("org")
    names = column_names(("org", "own"))
    row = dict(zip(names, record_row(0, r, ("org", "own"), {}), strict=True))
    assert row["own_dfk"] == ["0005000|own:甲局"] and row["own_busy"] == ["own:甲局"]
    assert row["org_dfk"] == []


def test_splink_scores_owners_and_budgets_as_the_model_does() -> None:
    import pytest

    from mosaicguard.aggregate.splink_link import predict_duckdb

    pair_keys = [
        {"name:北山隧道", "own:甲局", "own:甲局!", "bud:CNY:11e6"},
        {"name:北山隧道", "own:乙局", "own:乙局!", "bud:CNY:44e6"},  # two buyers, two budgets
        {"name:北山隧道", "own:甲局", "own:甲局!", "bud:CNY:11e6", "addr:某镇|人民路|1号"},
        {"addr:某镇|人民路|1号", "own:乙局"},  # a buyer and a developer at one address: differ
        {"own:丙局", "bud:CNY:44e6", "area:甲县"},  # points 56 m from 3: two developers, null
        {"addr:某镇|人民路|1号", "own:甲局", "bud:CNY:44e6"},  # the buyer of 2 as developer; budgets at one site
        {"vil:某镇|某村", "grp:某村|一组", "own:丁局"},  # two developers of one village group (no campus): differ
        {"vil:某镇|某村", "grp:某村|一组", "own:戊局"},
    ]
    recs, n = _corpus(pair_keys, 400)
    points = {3: (30.0, 114.0), 4: (30.0005, 114.0), 0: (31.0, 115.0)}
    recs = [NodeRecord(r.node, r.keys, coord=points.get(i)) for i, r in enumerate(recs)]
    model = estimate_model(recs, n)
    scored = predict_duckdb(recs, model, -100.0)
    seen = set()
    for p in scored:
        ours = model.score_pair(recs[p.left], recs[p.right])
        assert p.match_weight == pytest.approx(ours.weight, abs=1e-6)
        assert {c.comparison: c.weight for c in ours.comparisons} == pytest.approx(p.comparison_weights, abs=1e-6)
        seen.add({c.comparison: c.level for c in ours.comparisons}["own"])
        seen.add({c.comparison: c.level for c in ours.comparisons}["bud"])
    assert {"differ", "null", ONE_SITE_LEVEL, DEVELOPERS_DIFFER} <= seen
    weights = {(p.left, p.right): p.comparison_weights for p in scored}
    assert weights[(0, 1)]["own"] < -3.0 and weights[(0, 1)]["bud"] < -3.0
    assert weights[(2, 3)]["own"] < -3.0  # a buyer and another developer at one address
    assert weights[(3, 4)]["own"] == 0.0  # two developers on one campus (points 56 m apart)
    assert weights[(6, 7)]["own"] < -1.9  # two developers of one village group
    assert weights[(2, 5)]["own"] == 0.0 and weights[(2, 5)]["bud"] == 0.0  # one owner; budgets at one site


def test_a_town_is_one_place_in_its_county() -> None:
    # 1M domain corpus: `安平县永安乡建设路89号` and `竹山县永安乡建设路89号` (two counties' 永安乡)
    # shared the town-only key `永安乡|建设路|89号` (+2.6): a harmless award joined a sensitive site.
    def addr(text: str) -> set[str]:
        return {k for k in keys_of(text) if k.startswith("addr:")}

    anping = addr("建设地点：衡水市安平县永安乡建设路89号")
    assert anping and not anping & addr("工程地址：十堰市竹山县永安乡建设路89号")
    assert anping == addr("项目选址：安平县永安乡建设路89号")  # with or without its city
