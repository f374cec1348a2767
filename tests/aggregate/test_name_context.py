"""Two projects of one distinctive name told apart, and the notices of each tied, by the county
and the owner (`model.NAME_CONTEXT_KINDS`, docs/aggregation.md "A shared name").

The 1M domain corpus (session 14): a tender, its candidates list and a news item of one project
share a generated name (`文家湾飞虹北辰专用道路及配套工程`) with another project's three notices in
another province (the name is a village's stem and two code words). The name alone, held by 6
documents, weighs +0.56 over the prior: under the threshold. What a reader uses is the county
(the news item's headline names it, the candidates list gives the site in it) and the buyer (the
tender and the candidates list name one provincial office, in ~300 notices at 1M: neutral before
this change). The records below carry the document frequencies of that corpus."""

from __future__ import annotations

import dataclasses

import pytest

from mosaicguard.aggregate import link as link_module
from mosaicguard.aggregate.facts import FactExtractor
from mosaicguard.aggregate.link import cluster, threshold_weight
from mosaicguard.aggregate.model import (
    AT_NAME_LABEL,
    NAME_CONTEXT_KINDS,
    LinkModel,
    NodeRecord,
    at_name,
    estimate_model,
)
from mosaicguard.aggregate.settings import AggregationSettings
from mosaicguard.aggregate.splink_link import predict_duckdb
from mosaicguard.policy.schema import Policy

FX = FactExtractor(Policy.model_validate({"version": 1}))
N = 1_000_000
NAME = "name:文家湾飞虹北辰专用道路及配套"


def keys_of(text: str) -> set[str]:
    return {k for f in FX.extract_text("doc.txt", text) for k in f.keys}


# -- extraction: the county of a site ---------------------------------------------------------

@pytest.mark.parametrize(("text", "county"), [
    ("项目选址：江西省赣州市信丰县姜家营镇文家湾村\n", "area:江西省/赣州市/信丰县"),
    ("工程地址：方山县太平镇陈家洼村十组\n", "area:山西省/吕梁市/方山县"),
    ("建设地址：赤峰市巴林右旗高峰镇振兴路88号\n", "area:内蒙古自治区/赤峰市/巴林右旗"),
    ("Site: 太平乡, 侯家岭社区, 泰来县 group 2.\n", "area:黑龙江省/齐齐哈尔市/泰来县"),
])
def test_a_site_holds_its_county_as_a_county_mention_does(text: str, county: str) -> None:
    keys = keys_of(text)
    assert county in keys
    assert any(k.startswith(("vil:", "addr:")) for k in keys)  # the site itself is still keyed


def test_a_town_holds_its_county_and_a_county_alone_is_that_county() -> None:
    assert {"area:江西省/赣州市/信丰县", "area:江西省/赣州市/信丰县/姜家营镇"} <= keys_of("信丰县姜家营镇召开推进会\n")
    assert "area:江西省/赣州市/信丰县" in keys_of("信丰县推进文家湾飞虹北辰专用道路及配套工程建设\n")


def test_an_office_address_gives_no_county() -> None:
    keys = keys_of("采购代理机构：河南中信招标代理有限公司\n联系地址：河南省洛阳市西工区工业大道148号，邮编：471000\n")
    assert not any(k.startswith("area:") for k in keys)


# -- linking: the owner and the county at a shared name ---------------------------------------

def node(name: str, **keys: int) -> NodeRecord:
    return NodeRecord((name, 0), {k.replace("__", ":"): v for k, v in keys.items()})


def project(tag: str, county: str, buyer: str, village: str | None) -> list[NodeRecord]:
    """A tender (buyer, budget), a candidates list (buyer, village in the county) and a news
    item (the county), with the document frequencies of the 1M corpus."""
    own = {f"own:{buyer}": 311, f"own:{buyer}!": 192, f"org:{buyer}": 315}
    area = f"area:{county}"
    return [
        NodeRecord((f"{tag}-tender", 0), {NAME: 6, **own, f"bud:CNY:{tag}e6": 50,
                                          "org:河南中信招标代理有限公司": 131_159}),
        NodeRecord((f"{tag}-candidates", 0), {NAME: 6, **own, **({f"vil:{village}": 11} if village else {}), area: 350,
                                              "org:河南中信招标代理有限公司": 131_159}),
        NodeRecord((f"{tag}-news", 0), {NAME: 6, area: 350, "org:融媒体中心": 60_964}),
    ]


A = project("36", "江西省/赣州市/信丰县", "江西省西部工程建设管理中心", "信丰县|文家湾村")
B = project("57", "山东省/临沂市/沂南县", "山东省西部工程建设管理中心", "沂南县|文家湾村")
# a population for the sampled levels: unrelated notices with the kinds compared
POPULATION = [NodeRecord((f"other-{i}", 0), {f"own:office{i % 40}": 300, f"area:county{i % 90}": 350,
                                             f"vil:v{i}": 3, f"bud:CNY:{i}e6": 50}) for i in range(400)]


def model_at_1m() -> LinkModel:
    return estimate_model([*A, *B, *POPULATION], N)


def without_name_context(model: LinkModel) -> LinkModel:
    return dataclasses.replace(model, levels={k: v for k, v in model.levels.items()
                                              if k not in {at_name(kind) for kind in NAME_CONTEXT_KINDS}})


def test_the_notices_of_one_name_link_by_county_and_buyer_and_the_other_project_stays_apart() -> None:
    model, limit = model_at_1m(), threshold_weight(AggregationSettings())
    for project_ in (A, B):
        tender, candidates, news = project_
        assert model.score_pair(tender, candidates).weight >= limit  # the buyer, at a shared name
        assert model.score_pair(candidates, news).weight >= limit  # the county, at a shared name
    for a in A:
        for b in B:
            assert model.score_pair(a, b).weight < limit, (a.node, b.node)
    # the two counties disagree however busy: two projects of one name
    comps = {c.comparison: c for c in model.score_pair(A[1], B[2]).comparisons}
    assert comps["area"].level == "differ" and comps["area"].weight < 0
    own = {c.comparison: c for c in model.score_pair(A[0], A[1]).comparisons}["own"]
    assert own.level == f"share df<=500 {AT_NAME_LABEL}" and own.weight > 5
    # without these levels (the model before): the name alone, under the threshold
    before = without_name_context(model)
    assert before.score_pair(A[0], A[1]).weight < limit
    assert before.score_pair(A[1], A[2]).weight < limit


def test_a_name_held_by_many_documents_or_two_codes_is_no_context() -> None:
    model = model_at_1m()
    tender, candidates, _news = A
    common = {k: (30 if k == NAME else v) for k, v in tender.keys.items()}
    assert "at a shared name" not in {c.comparison: c for c in model.score_pair(
        NodeRecord(("t", 0), common), NodeRecord(("c", 0), {**candidates.keys, NAME: 30})).comparisons}["own"].level
    coded = [NodeRecord((r.node[0], 0), {**r.keys, f"code:ACG2025{i}": 2}) for i, r in enumerate((tender, candidates))]
    assert "at a shared name" not in {c.comparison: c for c in model.score_pair(*coded).comparisons}["own"].level


def test_splink_evaluates_the_same_levels() -> None:
    model = model_at_1m()
    records = [*A, *B]
    scored = predict_duckdb(records, model, -100.0)
    pairs = {frozenset((records[p.left].node, records[p.right].node)) for p in scored}
    assert frozenset((A[1].node, A[2].node)) in pairs  # blocked by the name
    for p in scored:
        assert p.match_weight == pytest.approx(model.score_pair(records[p.left], records[p.right]).weight, abs=1e-6)


def groups_of(records: list[NodeRecord], links: list) -> dict[tuple[str, int], frozenset[tuple[str, int]]]:
    groups: dict[tuple[str, int], set[tuple[str, int]]] = {r.node: {r.node} for r in records}
    for lk in links:
        merged = groups[lk.a] | groups[lk.b]
        for n in merged:
            groups[n] = merged
    return {n: frozenset(g) for n, g in groups.items()}


def test_two_projects_of_one_name_and_one_buyer_are_not_merged_by_the_buyer() -> None:
    """1M corpus: `李家岭星河北辰综合保障设施建设项目` of `云南省华东营房保障中心` in 绥江县 and in
    麻栗坡县, two budgets: the buyer at the shared name ties a notice to its project, never the
    two projects (`link.without_ambiguous_name_ties`, `link._site_tied`)."""
    buyer = "云南省华东营房保障中心"
    c = project("31", "云南省/昭通市/绥江县", buyer, "绥江县|李家岭村")
    d = project("23", "云南省/文山壮族自治州/麻栗坡县", buyer, "麻栗坡县|李家岭村")
    records = [*c, *d]
    model, settings = estimate_model([*records, *POPULATION], N), AggregationSettings()
    limit = threshold_weight(settings)
    assert model.score_pair(c[0], d[1]).weight >= limit  # one name, one buyer: a link alone
    scores = [(i, j, s) for i in range(len(records)) for j in range(i + 1, len(records))
              if (s := model.score_pair(records[i], records[j])).weight >= limit]
    kept = link_module.without_ambiguous_name_ties(records, scores, model, limit)
    groups = groups_of(records, cluster(records, kept, settings, model)[0])
    for project_, other in ((c, d), (d, c)):
        for r in project_:  # the lists tie to both tenders: ambiguous, nothing joins by the buyer
            assert not groups[r.node] & {x.node for x in other}


def test_a_tender_as_close_to_two_projects_of_one_name_and_buyer_joins_neither(monkeypatch: pytest.MonkeyPatch) -> None:
    """v2w 100k: `叶家河飞虹天山专用道路及配套工程`, one buyer, two counties of Xinjiang, two
    budgets. The two tenders (no county) tie to both candidates lists by the buyer alone: they
    join neither, and nothing joins by these ties (`link.without_ambiguous_name_ties`; as
    before this change, the chains stay open). Without that, one entity held both projects."""
    buyer = "新疆维吾尔自治区北方工程建设管理处"
    c = project("31", "新疆维吾尔自治区/阿克苏地区/沙雅县", buyer, "沙雅县|叶家河村")
    d = project("23", "新疆维吾尔自治区/喀什地区/疏附县", buyer, "疏附县|叶家河村")
    records = [*c, *d]
    model, settings = estimate_model([*records, *POPULATION], N), AggregationSettings()
    limit = threshold_weight(settings)
    scores = [(i, j, s) for i in range(len(records)) for j in range(i + 1, len(records))
              if (s := model.score_pair(records[i], records[j])).weight >= limit]
    kept = link_module.without_ambiguous_name_ties(records, scores, model, limit)
    groups = groups_of(records, cluster(records, kept, settings, model)[0])
    for project_, other in ((c, d), (d, c)):
        assert groups[project_[0].node] == {project_[0].node}
        for r in project_:
            assert not groups[r.node] & {x.node for x in other}
    # the same pairs without the rule: one entity of both projects
    monkeypatch.setattr(link_module, "_site_tied", lambda score, limit: False)
    merged = groups_of(records, cluster(records, scores, settings, model)[0])
    assert any(merged[r.node] & {x.node for x in c} and merged[r.node] & {x.node for x in d} for r in records)


def test_a_draft_as_close_to_two_projects_of_one_name_and_buyer_joins_neither(monkeypatch: pytest.MonkeyPatch) -> None:
    """`check` applies the corpus linking's rule to a draft's ties (`link.score_drafts`): a draft
    tender naming the name and the buyer and no county is as close to the candidates lists of the
    two projects; it joins neither (else the check would judge it against a project it may not be
    about). Without the rule it joins both."""
    from mosaicguard.aggregate.facts import Fact
    from mosaicguard.aggregate.link import DraftCandidates, score_drafts

    buyer = "新疆维吾尔自治区北方工程建设管理处"
    c = project("31", "新疆维吾尔自治区/阿克苏地区/沙雅县", buyer, "沙雅县|叶家河村")
    d = project("23", "新疆维吾尔自治区/喀什地区/疏附县", buyer, "疏附县|叶家河村")
    model = estimate_model([*c, *d, *POPULATION], N)
    lists = {c[1].node: c[1], d[1].node: d[1]}
    draft_keys = {NAME: 6, f"own:{buyer}": 311, f"own:{buyer}!": 192, f"org:{buyer}": 315}
    facts = [Fact("draft.txt", 0, "name", k, keys=(k,)) for k in draft_keys]
    cands = DraftCandidates(model, dict(draft_keys), lists, {c[1].node: "e-31", d[1].node: "e-23"},
                            {("draft.txt", 0): set(lists)})
    settings = AggregationSettings()
    limit = threshold_weight(settings)
    assert all(model.score_pair(r, lists[n]).weight >= limit
               for r in link_module.draft_records(facts, None, cands.corpus_df)  # type: ignore[arg-type]
               for n in lists)  # one name, one buyer: a link to each alone
    assert score_drafts(None, cands, facts, settings)[1] == []  # type: ignore[arg-type]
    monkeypatch.setattr(link_module, "ambiguous_name_ties", lambda *a, **k: set())
    assert {m.other for m in score_drafts(None, cands, facts, settings)[1]} == set(lists)  # type: ignore[arg-type]
