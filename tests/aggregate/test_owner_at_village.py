"""The owner at a shared village (`model.OWN_AT_VILLAGE`, docs/aggregation.md "The owner at a
shared village").

The 1M v2w domain corpus (session 15, brief `nogroup`): an EIA publicity, a construction permit
and an acceptance notice of one project give its village without the group
(`…龚家桥乡文家寨村`) and its developer, a provincial construction office printed on ~500 notices
at 1M (~50 at 100k). The EIA and the permit are tied by the village and the amount (`总投资约6271万元`
/ `合同价格：6271.80万元`); the acceptance notice names no amount, and its works title (`土建施工`)
is a template with no key. What ties it to its project is the village and the owner: the village
alone weighs its term frequency, below the prior, and the owner, past 200 notices, was neutral
(at 100k the context floor, +1.5): the acceptance notice stayed apart. The records below carry
the document frequencies of that corpus."""

from __future__ import annotations

import dataclasses

import pytest

from aggregate.test_name_context import groups_of
from mosaicguard.aggregate import link as link_module
from mosaicguard.aggregate.link import candidate_pairs, cluster, threshold_weight
from mosaicguard.aggregate.link_incremental import is_candidate
from mosaicguard.aggregate.model import (
    AT_VILLAGE_LABEL,
    OWN_AT_VILLAGE,
    LinkModel,
    NodeRecord,
    estimate_model,
    owner_at_village,
)
from mosaicguard.aggregate.settings import AggregationSettings
from mosaicguard.aggregate.splink_link import predict_duckdb

N = 1_000_000
OFFICE = "陕西省西部工程建设管理中心"


def project(tag: str, village: str, office: str = OFFICE, amount: int = 6271, office_df: int = 480,
            permit: str = "165071899687") -> list[NodeRecord]:
    """An EIA (owner, village, investment in 万元), a permit (owner, village, contract price,
    permit number) and an acceptance notice (owner, village), 1M document frequencies."""
    own = {f"own:{office}": office_df, f"org:{office}": office_df + 20}
    vil = {f"vil:龚家桥乡|{village}": 16, f"vil:武功县|{village}": 16}
    return [
        NodeRecord((f"{tag}-eia", 0), {**own, **vil, f"amt:CNY:{amount}e4": 110, f"amt:CNY:{amount}e4!": 60,
                                       "area:陕西省/咸阳市/武功县": 900, "org:武功县生态环境分局": 700}),
        NodeRecord((f"{tag}-permit", 0), {**own, **vil, f"amt:CNY:{amount}80e2": 1, f"amt:CNY:{amount}80e2!": 1,
                                          f"amt:CNY:{amount}e4": 110, f"permit:{permit}": 1,
                                          "area:陕西省/咸阳市/武功县": 900}),
        NodeRecord((f"{tag}-acceptance", 0), {**own, **vil, "date:2027-12-02": 3000,
                                              "area:陕西省/咸阳市/武功县": 900}),
    ]


A = project("a", "文家寨村")
# another project of the same office in another village of the county
B = project("b", "钱家坪村", amount=1807, permit="198568209948")
# unrelated notices: a population for the sampled levels
POPULATION = [NodeRecord((f"other-{i}", 0), {f"own:office{i % 40}": 300, f"org:office{i % 40}": 300,
                                             f"area:county{i % 90}": 350, f"vil:t|v{i}": 3}) for i in range(400)]


def model_at_1m(*projects: list[NodeRecord]) -> LinkModel:
    return estimate_model([r for p in projects for r in p] + POPULATION, N)


def without_level(model: LinkModel) -> LinkModel:
    return dataclasses.replace(model, levels={k: v for k, v in model.levels.items() if k != OWN_AT_VILLAGE})


def comps(model: LinkModel, a: NodeRecord, b: NodeRecord) -> dict[str, object]:
    return {c.comparison: c for c in model.score_pair(a, b).comparisons}


def test_the_acceptance_notice_links_to_its_project_by_village_and_owner() -> None:
    model, limit = model_at_1m(A, B), threshold_weight(AggregationSettings())
    eia, permit, acceptance = A
    for other in (eia, permit):
        assert model.score_pair(acceptance, other).weight >= limit, other.node
        own = comps(model, acceptance, other)["own"]
        assert own.level == f"share df<=500 {AT_VILLAGE_LABEL}" and own.weight > 5  # type: ignore[attr-defined]
        # the owner counts once: it is also one of the organisations
        assert comps(model, acceptance, other)["org"].level == "null"  # type: ignore[attr-defined]
    # the model before: the village alone, the owner busy (neutral): apart
    before = without_level(model)
    assert before.score_pair(acceptance, permit).weight < limit
    assert before.score_pair(acceptance, eia).weight < limit
    # the other project of the office, in another village: nothing but the owner
    for a in A:
        for b in B:
            assert model.score_pair(a, b).weight < limit, (a.node, b.node)


def test_a_node_naming_a_project_or_no_shared_village_is_no_such_context() -> None:
    model = model_at_1m(A)
    _eia, permit, acceptance = A
    named = NodeRecord(("named", 0), {**acceptance.keys, "code:ZB20250001": 2})
    assert not owner_at_village(named, permit)
    assert AT_VILLAGE_LABEL not in comps(model, named, permit)["own"].level  # type: ignore[attr-defined]
    elsewhere = NodeRecord(("elsewhere", 0), {k: v for k, v in acceptance.keys.items() if not k.startswith("vil:")})
    assert not owner_at_village(elsewhere, permit)
    # a busy village is no such context either (it is neutral evidence)
    busy = [NodeRecord(r.node, {k: (300 if k.startswith("vil:") else v) for k, v in r.keys.items()})
            for r in (acceptance, permit)]
    assert not owner_at_village(*busy)


def test_blocking_pairs_a_village_and_a_busy_owner_in_every_engine() -> None:
    """The owner is busy (480 notices): no blocking key of its own, nor a village's second value
    (`VILLAGE_BLOCK_WITH` takes values of at most 200 documents); the composite token of the
    village and the owner pairs the acceptance notice with its project (pure Python, splink, the
    incremental relink's `is_candidate`)."""
    records = [*A, *B]
    acceptance, permit = A[2], A[1]
    pairs = {frozenset((records[i].node, records[j].node)) for i, j in candidate_pairs(records)}
    assert frozenset((acceptance.node, permit.node)) in pairs
    assert frozenset((acceptance.node, B[1].node)) not in pairs  # another village
    assert is_candidate(acceptance, permit, {})
    model = model_at_1m(A, B)
    scored = {frozenset((records[p.left].node, records[p.right].node)) for p in predict_duckdb(records, model, -1000.0)}
    assert scored == pairs


def test_splink_evaluates_the_same_levels() -> None:
    model = model_at_1m(A, B)
    records = [*A, *B]
    scored = predict_duckdb(records, model, -1000.0)
    assert scored
    for p in scored:
        expected = model.score_pair(records[p.left], records[p.right])
        assert p.match_weight == pytest.approx(expected.weight, abs=1e-6)
        for c in expected.comparisons:
            assert p.comparison_weights[c.comparison] == pytest.approx(c.weight, abs=1e-6), c


def linked_groups(records: list[NodeRecord], model: LinkModel) -> dict[tuple[str, int], frozenset[tuple[str, int]]]:
    settings = AggregationSettings()
    limit = threshold_weight(settings)
    scores = [(i, j, s) for i in range(len(records)) for j in range(i + 1, len(records))
              if (s := model.score_pair(records[i], records[j])).weight >= limit]
    kept = link_module.without_ambiguous_name_ties(records, scores, model, limit)
    return groups_of(records, cluster(records, kept, settings, model)[0])


def test_one_project_is_one_entity() -> None:
    records = [*A, *B]
    groups = linked_groups(records, model_at_1m(A, B))
    assert groups[A[0].node] == {r.node for r in A}


def test_an_acceptance_notice_as_close_to_two_projects_of_one_owner_in_one_village_joins_neither() -> None:
    """Two projects of one office in one village, each with its permit: the acceptance notice
    of one of them is tied to both by the village and the owner alone; its permit's number is
    the other's? Nothing says which, so it joins neither (`link.ambiguous_name_ties`: its ties
    reach two permits that disagree), and the two projects are not merged by the owner."""
    c = project("c", "文家寨村", amount=2410, permit="111111111111")
    records = [*A, *c]
    model = model_at_1m(A, c)
    groups = linked_groups(records, model)
    for project_, other in ((A, c), (c, A)):
        for r in project_:
            assert not groups[r.node] & {x.node for x in other}, r.node
    # without the rule (the ties kept and merged like any link) one entity holds both projects
    settings = AggregationSettings()
    limit = threshold_weight(settings)
    scores = [(i, j, s) for i in range(len(records)) for j in range(i + 1, len(records))
              if (s := model.score_pair(records[i], records[j])).weight >= limit]
    merged = groups_of(records, cluster(records, scores, settings, model)[0])
    assert any(merged[r.node] & {x.node for x in A} and merged[r.node] & {x.node for x in c} for r in records)


def test_a_notice_tied_equally_to_two_projects_of_one_owner_in_one_village_joins_neither(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """v2w 100k (session 15): project A's notices give the village without its group; the same
    office's project D gives its group 11 (`…侯家寨社区十一组`), and D's permit and acceptance notice
    name a template works title with a key (`围墙及场坪工程`, 125 notices), so only D's EIA is in
    this situation. A's acceptance notice is tied by the village and the office alone, at one
    weight, to A's EIA and permit and to D's EIA; nothing in those notices disagrees (no group
    against a group is no disagreement). Node order chose D. It joins neither
    (`link._between_projects`)."""
    n = 100_000
    office = "湖南省华东营房保障中心"
    village = "侯家寨社区"
    a = project("a", village, office=office, amount=2754, office_df=76)
    group = {f"grp:朱家岭乡|{village}|十一组": 3}
    name = {"name:围墙及场坪": 125}
    d0 = project("d", village, office=office, amount=1104, office_df=76, permit="198264725020")
    d = [NodeRecord(("0-d-eia", 0), {**d0[0].keys, **group}),
         NodeRecord(("0-d-permit", 0), {**d0[1].keys, **group, **name}),
         NodeRecord(("0-d-acceptance", 0), {**d0[2].keys, **group, **name})]
    records = [*d, *a]
    population = [NodeRecord((f"other-{i}", 0), {f"own:office{i % 40}": 30, f"org:office{i % 40}": 30,
                                                 f"vil:t|v{i}": 3}) for i in range(400)]
    model = estimate_model([*records, *population], n)
    limit = threshold_weight(AggregationSettings())
    acceptance = a[2]
    assert model.score_pair(acceptance, d[0]).weight == pytest.approx(model.score_pair(acceptance, a[0]).weight)
    assert model.score_pair(acceptance, d[0]).weight >= limit
    groups = linked_groups(records, model)
    assert groups[a[0].node] == {a[0].node, a[1].node}  # A's EIA and permit: the amount
    assert groups[d[0].node] == {r.node for r in d}
    assert groups[acceptance.node] == {acceptance.node}  # neither
    monkeypatch.setattr(link_module, "_between_projects", lambda *args: False)
    groups = linked_groups(records, model)
    assert groups[acceptance.node] == {acceptance.node, *(r.node for r in d)}  # node order chose D
