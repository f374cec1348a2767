"""Session 11 precision causes (issue 9; counts in docs/benchmarks-aggregate.md, "Session 11 —
precision"): two projects joined by one generated collision (the same road and number in one
town, the same distinctive name) barely above the threshold, while their notices name two
different owners or two different budgets.

Facts come from the real extractors on real text; link weights from the real model, with enough
unrelated nodes that the sampled disagreement rates are those of a corpus."""

from __future__ import annotations

from mosaicguard.aggregate.facts import FactExtractor
from mosaicguard.aggregate.link import threshold_weight
from mosaicguard.aggregate.model import KIND_PRIORS, NodeRecord, estimate_model
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
    spans = Organisations().extract("建设单位：宁夏回族自治区西部工程建设管理中心\n"
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
    rows: list[set[str]] = [*pair, *({f"own:o{i % 10}", f"bud:CNY:{10 + i % 89}e6", f"area:县{i}"} for i in range(n))]
    df: dict[str, int] = {}
    for keys in rows:
        for k in keys:
            df[k] = df.get(k, 0) + 1
    df = {k: v + (300 if k.startswith("own:") else 0) for k, v in df.items()}
    return [NodeRecord((f"d{i}", 0), {k: df[k] for k in keys}) for i, keys in enumerate(rows)], n


def test_two_owners_or_two_budgets_keep_a_collision_apart() -> None:
    # 1M domain corpus: a harmless tender and a sensitive site's acceptance notice shared
    # `新华镇建设路43号` (+2.6 after the prior, just above the threshold) and named two owners.
    site = "怀化市沅陵县新华镇建设路43号"
    harmless = keys_of(CANDIDATES.format(site=site, owner="沅陵县农业农村局"))
    sensitive = keys_of(ACCEPTANCE.format(site=site, owner="湖南省西部工程建设管理中心"))
    same_owner = keys_of(ACCEPTANCE.format(site=site, owner="沅陵县农业农村局"))
    limit = threshold_weight(AggregationSettings())
    recs, n = _corpus([harmless, sensitive, same_owner])
    model = estimate_model(recs, n)
    assert model.levels["own"][-1].weight < -3.0  # two owners: two projects
    assert model.score_pair(recs[0], recs[2]).weight >= limit  # the site alone still links
    apart = model.score_pair(recs[0], recs[1])
    assert apart.weight < limit, apart
    assert {c.comparison: c.level for c in apart.comparisons}["own"] == "differ"
    # sharing the owner adds nothing: the organisation already counted it
    assert {c.comparison: c.weight for c in model.score_pair(recs[0], recs[2]).comparisons}["own"] == 0.0

    # two tenders of one generated name and one buyer, with two budgets
    name = "孙家堡长缨磐石专用道路及配套工程"
    owner = "湖北省西部工程建设管理中心"
    one, two, again = (keys_of(TENDER.format(name=name, budget=b, purpose="指挥所防护工程", owner=owner))
                       for b in ("24707593", "10661853", "24707593"))
    recs, n = _corpus([one, two, again])
    model = estimate_model(recs, n)
    assert model.score_pair(recs[0], recs[1]).weight < limit
    assert model.score_pair(recs[0], recs[2]).weight >= limit


def test_busy_owners_disagree_in_every_engine() -> None:
    # The splink column holds what the pure-Python model compares: busy owners included.
    assert KIND_PRIORS["own"].busy_differ and not KIND_PRIORS["own"].blocking
    r = NodeRecord(("d", 0), {"own:甲局": 5000, "org:甲局": 5000})
    assert r.specific_keys("own") == {"own:甲局"} and not r.specific_keys("org")
    names = column_names(("org", "own"))
    row = dict(zip(names, record_row(0, r, ("org", "own"), {}), strict=True))
    assert row["own_dfk"] == ["0005000|own:甲局"] and row["own_busy"] == ["own:甲局"]
    assert row["org_dfk"] == []
