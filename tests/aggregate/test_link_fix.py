"""Link weights, blocking and the minimal-fix search."""

from __future__ import annotations

from mosaicguard.aggregate.fix import minimal_fix
from mosaicguard.aggregate.link import UnionFind, candidate_pairs
from mosaicguard.aggregate.model import NodeRecord
from mosaicguard.aggregate.settings import AggregationSettings, ignored_settings, settings_from_policy
from mosaicguard.policy.schema import Policy

S = AggregationSettings()


def test_the_per_key_weights_of_version_0_1_are_accepted_ignored_and_named() -> None:
    """An old policy still loads; its per-key weights change nothing, not even the fingerprint
    an index's link state is kept under, and `ignored_settings` names them (the CLI warns)."""
    old = Policy.model_validate({"version": 1, "aggregation": {
        "max_df_fraction": 0.5, "link_kinds": {"org": {"weight": 1.0, "rare_df": 1000}}}})
    assert ignored_settings(old) == ["aggregation.max_df_fraction", "aggregation.link_kinds"]
    assert settings_from_policy(old).fingerprint() == S.fingerprint()
    assert ignored_settings(Policy.model_validate({"version": 1})) == []
    tuned = AggregationSettings.model_validate({"min_match_probability": 0.9})
    assert tuned.fingerprint() != S.fingerprint()  # a setting that links differently relinks


def test_union_find_groups() -> None:
    uf: UnionFind[int] = UnionFind()
    for a, b in [(1, 2), (3, 4), (2, 3)]:
        uf.union(a, b)
    uf.add(9)
    groups = sorted(sorted(g) for g in uf.groups().values())
    assert groups == [[1, 2, 3, 4], [9]]


def test_coordinate_blocking_finds_near_points_only() -> None:
    recs = [NodeRecord((n, 0), {}, {}, (lat, lon), n) for n, lat, lon in [
        ("a", 30.00000, 120.00000), ("b", 30.00100, 120.00050),  # ~120 m
        ("c", 30.00800, 120.00000),  # ~890 m from a: still a candidate (the <=1 km level)
        ("d", 30.10000, 120.00000),  # 11 km: never compared
        ("e", 60.00000, 10.00000), ("f", 60.00000, 10.00300)]]  # ~167 m at 60N
    pairs = {(recs[i].node[0], recs[j].node[0]) for i, j in candidate_pairs(recs)}
    assert {("a", "b"), ("a", "c"), ("e", "f")} <= pairs
    assert not any("d" in p for p in pairs) and ("a", "e") not in pairs


def test_exact_fix_is_smallest() -> None:
    # Exposures: {x needs a and b} and {y needs c}; removing a or b kills x, c kills y.
    def cost(removed: frozenset[tuple[str, str]]) -> int:
        names = {v for _, v in removed}
        return int(not ({"a", "b"} & names)) + int("c" not in names)

    cands = [("d", v) for v in "abcdef"]
    fix, method = minimal_fix(cands, cost, exact_max=16)
    assert method == "exact" and len(fix) == 2 and ("d", "c") in fix


def test_greedy_fix_when_too_many_candidates() -> None:
    def cost(removed: frozenset[tuple[str, str]]) -> int:
        names = {v for _, v in removed}
        return sum(1 for need in ("a", "b", "c") if need not in names)

    cands = [("d", f"x{i}") for i in range(30)] + [("d", v) for v in "abc"]
    fix, method = minimal_fix(cands, cost, exact_max=4)
    assert method == "greedy" and sorted(v for _, v in fix) == ["a", "b", "c"]


def test_no_fix_needed_and_no_fix_possible() -> None:
    assert minimal_fix([("d", "a")], lambda r: 0, 16) == ((), "exact")
    fix, method = minimal_fix([("d", "a")], lambda r: 1, 16)
    assert method == "none" and fix == (("d", "a"),)


def test_default_combinations_only_when_the_policy_has_none() -> None:
    from mosaicguard.aggregate.settings import DEFAULT_COMBINATIONS, combinations_for, settings_from_policy
    from mosaicguard.policy.schema import Policy

    bare = Policy()
    assert combinations_for(bare, settings_from_policy(bare)) == DEFAULT_COMBINATIONS
    off = Policy.model_validate({"aggregation": {"default_combinations": False}})
    assert combinations_for(off, settings_from_policy(off)) == ()
    own = Policy.model_validate({"combinations": [{"attributes": ["location", "purpose"]}]})
    assert [c.rule_name for c in combinations_for(own, settings_from_policy(own))] == ["location+purpose"]


def test_metadata_values_are_read() -> None:
    from mosaicguard.aggregate.facts import FactExtractor
    from mosaicguard.model import Document, MetadataField, Segment
    from mosaicguard.policy.schema import Policy

    doc = Document("a.docx", "x", "0", segments=(Segment("交货地点:青山县王家镇李庄村"),),
                   metadata=(MetadataField("dc:title", "ZB-2026-9191 雷达天线罩"),))
    kinds = {f.kind for f in FactExtractor(Policy()).extract(doc)}
    assert {"code", "purpose", "address"} <= kinds
