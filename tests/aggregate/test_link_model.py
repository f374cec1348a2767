"""Linking by evidence: the Fellegi-Sunter model, splink agreement, coherent clusters, draft look-ups.

Corpora here are facts put into a real SQLite index (the `Fact` dataclass is the linker's input
contract), so that these tests judge linking alone, whatever the extractors find. Every corpus
has unrelated filler projects, as a real one does: priors and term frequencies need a population.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import pytest

from mosaicguard.aggregate.facts import Fact
from mosaicguard.aggregate.index import DocRecord, SQLiteFactStore
from mosaicguard.aggregate.link import Linking, cluster, link_corpus, link_drafts
from mosaicguard.aggregate.model import (
    ComparisonResult,
    LinkModel,
    NodeRecord,
    PairScore,
    coord_density,
    estimate_model,
    records_from_rows,
    with_coord_df,
)
from mosaicguard.aggregate.settings import AggregationSettings

S = AggregationSettings()
Spec = Sequence[tuple[str, str]]  # (key, value as written); "coord:lat,lon" for coordinates


def facts_of(doc: str, spec: Spec) -> list[Fact]:
    out = []
    for i, (key, value) in enumerate(spec):
        if key.startswith("coord:"):
            out.append(Fact(doc, 0, "coord", value, "location", (), key[6:], i * 10))
        elif key.startswith("purpose:"):
            out.append(Fact(doc, 0, "purpose", value, "purpose", (), "", i * 10))
        else:
            kind = key.split(":", 1)[0]
            out.append(Fact(doc, 0, kind, value, None, (key,), "", i * 10))
    return out


def filler(n: int, start: int = 0) -> dict[str, Spec]:
    """Unrelated projects: each its own code, name, site and mobile; a shared county."""
    return {f"filler-{i}.txt": [(f"code:FZ2025{i:04d}", f"FZ2025{i:04d}"), (f"name:填充项目{i}", f"填充项目{i}工程"),
                                (f"addr:某县某镇{i}号", f"某县某镇{i}号"), (f"phone:139{i:08d}", f"139{i:08d}"),
                                ("area:某县", "某县")]
            for i in range(start, start + n)}


def make_store(docs: dict[str, Spec]) -> SQLiteFactStore:
    store = SQLiteFactStore()
    for doc, spec in docs.items():
        store.put_document(DocRecord(doc, doc, 0, 1), facts_of(doc, spec), 200.0, replace=False)
    store.commit()
    return store


def linked(docs: dict[str, Spec], engine: str = "local") -> Linking:
    return link_corpus(make_store(docs), S, engine)


def together(linking: Linking, *docs: str) -> bool:
    ents = {e for (d, _), e in linking.node_entity.items() if d in docs}
    return len(ents) == 1 and all(any(d == n[0] for n in linking.node_entity) for d in docs)


@pytest.mark.parametrize("engine", ["local", "python"])
def test_busy_phone_address_and_template_phrase_do_not_merge_projects(engine: str) -> None:
    docs = dict(filler(30))
    for i in range(25):  # 25 unrelated projects, all printing the portal's line and agency address
        docs[f"p{i}.txt"] = [(f"code:ZB2025{i:04d}", f"ZB2025{i:04d}"), ("phone:03515555555", "0351-5555555"),
                             ("phone:13900000001", "13900000001"),  # the agency clerk's mobile, on every notice
                             ("addr:太原市小店区长风街1号", "太原市小店区长风街1号"),
                             ("name:山西省政府采购项目", "山西省政府采购项目")]
    linking = linked(docs, engine)
    assert not any(together(linking, f"p{i}.txt", f"p{j}.txt") for i in range(25) for j in range(i + 1, 25))
    assert linking.entities == []


def test_two_notices_sharing_only_a_contact_name_do_not_link() -> None:
    docs = dict(filler(40))
    docs["a.txt"] = [("person:张伟", "联系人:张伟"), ("code:AA20250001", "AA20250001")]
    docs["b.txt"] = [("person:张伟", "联系人:张伟"), ("name:河西水厂改造", "河西水厂改造工程")]
    assert not together(linked(docs), "a.txt", "b.txt")


def test_different_codes_with_the_same_generic_name_do_not_merge() -> None:
    docs = dict(filler(40))
    for i in range(4):
        docs[f"g{i}.txt"] = [(f"code:HN2025{i:04d}", f"HN2025{i:04d}"),
                             ("name:农田水利设施建设", "农田水利设施建设项目"), ("area:石门县", "石门县")]
    linking = linked(docs)
    assert not any(together(linking, f"g{i}.txt", f"g{j}.txt") for i in range(4) for j in range(i + 1, 4))


def test_sibling_section_codes_of_one_site_link_and_the_link_shows_why() -> None:
    # Real case (../shared/realworld, group dianjun_police_station): two awards for one police
    # station, codes DJA990007 / DJA990006, the same building name and the same site text.
    site = "宜昌市点军区五龙大道宜昌减灾备灾中心东侧"
    name = "区分局点军派出所业务技术用房建设"
    docs = dict(filler(40))
    docs["10kv.txt"] = [("code:DJA990007", "DJA990007"), (f"name:{name}", name + "工程"), (f"addr:{site}", site)]
    docs["elv.txt"] = [("code:DJA990006", "DJA990006"), (f"name:{name}", name + "工程"), (f"addr:{site}", site)]
    linking = linked(docs)
    assert together(linking, "10kv.txt", "elv.txt")
    (link,) = [lk for lk in linking.links if {lk.from_doc, lk.to_doc} == {"10kv.txt", "elv.txt"}]
    evidence = {e["comparison"]: e for e in json.loads(link.evidence)}
    assert evidence["code"]["level"] == "differ" and evidence["code"]["weight"] < 0  # counted against
    assert evidence["addr"]["weight"] > 0 and evidence["name"]["weight"] > 0
    assert link.weight >= S.strong_match_weight
    assert math.isclose(link.probability, 1 / (1 + 2 ** -link.weight), rel_tol=1e-3)


def test_three_document_chain_alias_code_purpose_is_one_entity_with_its_weakest_link() -> None:
    docs = dict(filler(40))
    docs["alias.txt"] = [("subject:S1", "北辰计划"), ("addr:甲县乙镇丙村", "甲县乙镇丙村")]
    docs["both.txt"] = [("subject:S1", "北辰计划"), ("code:ZB20267301", "ZB-2026-7301")]
    docs["purpose.txt"] = [("code:ZB20267301", "ZB-2026-7301"), ("purpose:radar", "雷达天线罩")]
    linking = linked(docs)
    assert together(linking, "alias.txt", "both.txt", "purpose.txt")
    (ent,) = [e for e in linking.entities if "alias.txt" in e["documents"]]
    assert ent["size"] == 3 and set(ent["documents"]) == {"alias.txt", "both.txt", "purpose.txt"}
    chain_links = [lk for lk in linking.links if lk.entity == ent["id"]]
    assert ent["weakest_link"]["match_weight"] == pytest.approx(min(lk.weight for lk in chain_links), abs=1e-3)
    assert ent["weakest_link"]["evidence"]


def test_clusters_stay_coherent_when_a_bridge_would_join_two_codes() -> None:
    # A (code X) and C (code Y) are different tenders; B has no code but shares a distinctive name
    # with A and the project manager's mobile with C. Union-find would make one entity of A, B, C.
    docs = dict(filler(40))
    docs["A.txt"] = [("code:XX20250001", "XX20250001"), ("name:青龙湖泵站", "青龙湖泵站工程"),
                     ("addr:某县青龙镇湖村", "某县青龙镇湖村")]
    docs["B.txt"] = [("name:青龙湖泵站", "青龙湖泵站工程"), ("addr:某县青龙镇湖村", "某县青龙镇湖村"),
                     ("phone:13712345678", "13712345678")]
    docs["C.txt"] = [("code:YY20250002", "YY20250002"), ("phone:13712345678", "13712345678")]
    linking = linked(docs)
    assert together(linking, "A.txt", "B.txt")
    assert not together(linking, "A.txt", "C.txt")
    assert linking.stats.refused_merges >= 1


def test_cluster_override_needs_strong_direct_evidence() -> None:
    model = LinkModel(0.01, {})
    recs = [NodeRecord((d, 0), {f"code:{c}": 2}, {}) for d, c in (("a", "X"), ("b", "Y"))]
    from mosaicguard.aggregate.model import ComparisonResult, PairScore

    weak = PairScore(S.strong_match_weight - 1, 0.9, (ComparisonResult("code", "differ", -3.0),))
    strong = PairScore(S.strong_match_weight + 1, 0.99, (ComparisonResult("code", "differ", -3.0),))
    assert cluster(recs, [(0, 1, weak)], S) == ([], 1)
    accepted, refused = cluster(recs, [(0, 1, strong)], S)
    assert refused == 0 and accepted[0].overrode == ("code",)
    assert any(e["comparison"] == "conflict" for e in json.loads(accepted[0].to_stored("e").evidence))
    del model


def test_coordinates_link_near_and_count_against_far() -> None:
    docs = dict(filler(40))
    docs["n1.txt"] = [("coord:30.50000,114.30000", "30.5,114.3"), ("name:东湖站", "东湖站")]
    docs["n2.txt"] = [("coord:30.50050,114.30050", "30.5005,114.3005"), ("name:东湖站", "东湖站")]
    docs["f1.txt"] = [("coord:31.50000,114.30000", "31.5,114.3"), ("name:西湖站", "西湖站"),
                      ("code:QQ20250001", "QQ20250001")]
    docs["f2.txt"] = [("coord:31.60000,114.30000", "31.6,114.3"), ("name:西湖站", "西湖站")]
    store = make_store(docs)
    linking = link_corpus(store, S)
    assert together(linking, "n1.txt", "n2.txt")
    recs = {r.node[0]: r for r in store.node_records([("f1.txt", 0), ("f2.txt", 0), ("n1.txt", 0), ("n2.txt", 0)])}
    near = linking.model.score_pair(recs["n1.txt"], recs["n2.txt"])
    far = linking.model.score_pair(recs["f1.txt"], recs["f2.txt"])
    assert {c.comparison: c.level for c in near.comparisons}["coord"].startswith("<=200m")
    far_coord = {c.comparison: c for c in far.comparisons}["coord"]
    assert far_coord.level == ">1km" and far_coord.weight < 0


def test_splink_and_score_pair_agree_on_every_pair() -> None:
    docs = dict(filler(30))
    docs.update({
        "a.txt": [("code:ZB1", "ZB1"), ("name:北山隧道", "北山隧道"), ("phone:13800000000", "138"),
                  ("area:甲县", "甲县")],
        "b.txt": [("code:ZB1", "ZB1"), ("person:李雷", "李雷"), ("date:2026-03", "2026年3月"), ("area:甲县", "甲县")],
        "c.txt": [("code:ZB2", "ZB2"), ("name:北山隧道", "北山隧道"), ("coord:30.0,120.0", "30,120")],
        "d.txt": [("name:北山隧道", "北山隧道"), ("coord:30.0005,120.0", "30.0005,120"), ("org:某公司", "某公司")],
        "e.txt": [("phone:13800000000", "138"), ("landline:01012345678", "010"), ("person:李雷", "李雷")],
    })
    store = make_store(docs)
    density = coord_density(store.all_coords())
    records = [with_coord_df(r, density)
               for r in records_from_rows(store.node_key_rows(), store.all_coords(), dict(store.key_doc_freqs()))]
    assert {r.coord_df for r in records if r.coord} == {2}  # c and d: within 1 km of each other only
    model = estimate_model(records, store.doc_count())
    from mosaicguard.aggregate.splink_link import predict_duckdb

    scored = predict_duckdb(records, model, -100.0)
    assert len(scored) >= 6
    for p in scored:
        ours = model.score_pair(records[p.left], records[p.right])
        assert p.match_weight == pytest.approx(ours.weight, abs=1e-6)
        assert {c.comparison: c.weight for c in ours.comparisons} == pytest.approx(p.comparison_weights, abs=1e-6)
    # The same candidate pairs as the pure-Python blocking.
    from mosaicguard.aggregate.link import candidate_pairs

    assert {(p.left, p.right) for p in scored} == set(candidate_pairs(records))


def test_model_round_trips_through_the_index_and_scores_drafts() -> None:
    docs = dict(filler(40))
    docs["t.txt"] = [("code:ZB20267301", "ZB-2026-7301"), ("addr:甲县乙镇丙村", "甲县乙镇丙村")]
    store = make_store(docs)
    linking = link_corpus(store, S)
    store.save_entities(((d, s, e) for (d, s), e in linking.node_entity.items()), linking.links,
                        linking.key_dfs, linking.entities)
    store.set_meta("link_model", linking.model.to_json())
    assert LinkModel.from_json(linking.model.to_json()) == linking.model
    draft = facts_of("draft.txt", [("code:ZB20267301", "ZB 2026 7301"), ("purpose:radar", "雷达")])
    draft += facts_of("draft2.txt", [("code:ZZ99", "ZZ99")])
    matches = link_drafts(store, S, draft)
    assert [(m.draft[0], m.other[0]) for m in matches] == [("draft.txt", "t.txt")]
    top = matches[0].score.strongest()
    assert top is not None and top.comparison == "code" and matches[0].score.probability >= S.min_match_probability


REALWORLD = Path(__file__).resolve().parents[2] / ".." / "shared" / "realworld"


def test_real_notices_link_coherently() -> None:
    """The real annotated notices: the police-station pair is one entity, and an entity holding
    two different codes or precise sites shows the strong link that overrode the conflict."""
    from mosaicguard.aggregate.engine import AggregateOptions, Aggregator
    from mosaicguard.policy.schema import Policy

    truth = json.loads((REALWORLD / "truth.json").read_text(encoding="utf-8"))
    store = SQLiteFactStore()
    result = Aggregator(store, AggregateOptions(Policy.model_validate({"version": 1}))).aggregate(
        [str(REALWORLD / "docs")])
    assert result.corpus["documents"] == len(truth["documents"])
    docsets = [{Path(d).name for d in e["documents"]} for e in result.entities]
    police = next(g for g in truth["groups"] if g["group"] == "dianjun_police_station")
    assert any(set(police["documents"]) <= ds for ds in docsets)
    ids = [e["id"] for e in result.entities]
    facts, links = store.entity_facts(ids), store.entity_links(ids)
    for ent in ids:
        overridden = [lk for lk in links[ent] if '"conflict"' in lk.evidence]
        assert all(lk.weight >= S.strong_match_weight for lk in overridden)
        for prefix in ("code:", "addr:"):
            held = {k for f in facts[ent] for k in f.keys if k.startswith(prefix)}
            per_doc = {f.doc for f in facts[ent] if any(k.startswith(prefix) for k in f.keys)}
            if len(per_doc) > 1 and len(held) > 1 and not overridden:
                # Different values are fine when documents also share one of them.
                by_doc: dict[str, set[str]] = {}
                for f in facts[ent]:
                    by_doc.setdefault(f.doc, set()).update(k for k in f.keys if k.startswith(prefix))
                sets = [v for v in by_doc.values() if v]
                assert all(a & b for a in sets for b in sets), (ent, prefix, sets)


def test_records_drop_unknown_prefixes_split_phones_and_names_cut_from_organisations() -> None:
    rows = [("d", 0, "phone:13812345678", "138 1234 5678"), ("d", 0, "phone:07176672378", "0717-6672378"),
            ("d", 0, "widget:42", "42"),
            ("d", 0, "org:宜昌三峡送变电工程有限责任公司", "宜昌三峡送变电工程有限责任公司"),
            ("d", 0, "name:宜昌三峡送变电工程", "宜昌三峡送变电工程"), ("d", 0, "name:北山隧道", "北山隧道")]
    (rec,) = records_from_rows(rows, [], {"phone:07176672378": 7})
    assert set(rec.keys) == {"phone:13812345678", "landline:07176672378", "org:宜昌三峡送变电工程有限责任公司",
                             "name:北山隧道"}
    assert rec.keys["landline:07176672378"] == 7 and rec.keys["phone:13812345678"] == 1
    assert rec.values["landline:07176672378"] == "0717-6672378"


def test_a_busy_shared_value_is_neutral_and_a_rare_one_is_not() -> None:
    model = estimate_model([], 10_000)
    a = NodeRecord(("a", 0), {"addr:X": 2, "org:O": 5000})
    b = NodeRecord(("b", 0), {"addr:X": 2, "org:O": 5000})
    c = NodeRecord(("c", 0), {"addr:Y": 2, "org:O": 5000})
    both = {x.comparison: x for x in model.score_pair(a, b).comparisons}
    # Both hold only a busy organisation: nothing of that kind to compare (weight 0 either way).
    assert both["addr"].weight > 10 and both["org"].weight == 0.0 and both["org"].level == "null"
    other = {x.comparison: x for x in model.score_pair(a, c).comparisons}
    assert other["addr"].level == "differ" and other["addr"].weight < 0
    # An agency's office address printed on 5,000 notices is not the project's: it cannot
    # disagree with a site, while a rare second site does.
    office = NodeRecord(("d", 0), {"addr:AGENCY": 5000})
    assert {x.comparison: x for x in model.score_pair(a, office).comparisons}["addr"].level == "null"
    busy_and_shared = NodeRecord(("e", 0), {"addr:AGENCY": 5000, "addr:X": 2})
    assert {x.comparison: x for x in model.score_pair(a, busy_and_shared).comparisons}["addr"].weight > 10
    assert model.score_pair(a, b).probability >= S.min_match_probability  # a rare precise site alone links
    assert model.score_pair(a, c).probability < 0.001


def amount_facts(doc: str, texts: Sequence[str]) -> list[Fact]:
    """The amount facts the fact extractor makes of each text (the `amt:` keys as indexed)."""
    from mosaicguard.aggregate.facts import FactExtractor
    from mosaicguard.policy.schema import Policy

    extractor = FactExtractor(Policy.model_validate({"version": 1}))
    return [f for t in texts for f in extractor.extract_text(doc, t) if f.kind == "amount"]


def test_amounts_agree_at_the_precision_of_the_less_precise_side_in_splink_and_python() -> None:
    docs = dict(filler(300))
    store = make_store(docs)
    amounts = {
        "eia.txt": ["总投资约6743万元"],
        "permit.txt": ["合同价格：6743.16万元"],
        "other.txt": ["合同价格：6743.40万元"],  # rounds like the permit's, but is another amount
        "budget.txt": ["预算金额：52840000元"],  # a different amount: neutral, not against
        "round-a.txt": ["最高限价：500万元"],  # one digit: no key, never a candidate pair
        "round-b.txt": ["最高限价：500万元"],
        "round-c.txt": ["最高限价：8500万元"],  # two digits: weighs little, makes no pair
        "round-d.txt": ["预算金额：8500万元", "总投资约6743万元"],
        "final.txt": ["结算金额：6743.16万元"],  # the permit's own amount, 6 digits: a candidate pair
    }
    for doc, texts in amounts.items():
        store.put_document(DocRecord(doc, doc, 0, 1), amount_facts(doc, texts), 200.0, replace=False)
    store.commit()
    records = records_from_rows(store.node_key_rows(), store.all_coords(), dict(store.key_doc_freqs()))
    model = estimate_model(records, store.doc_count())
    from mosaicguard.aggregate.link import candidate_pairs
    from mosaicguard.aggregate.splink_link import predict_duckdb

    scored = predict_duckdb(records, model, -100.0)
    index = {r.node[0]: i for i, r in enumerate(records)}
    for p in scored:
        ours = model.score_pair(records[p.left], records[p.right])
        assert p.match_weight == pytest.approx(ours.weight, abs=1e-6)
        assert {c.comparison: c.weight for c in ours.comparisons} == pytest.approx(p.comparison_weights, abs=1e-6)
    assert {(p.left, p.right) for p in scored} == set(candidate_pairs(records))
    amt = {(records[p.left].node[0], records[p.right].node[0]): p.comparison_weights["amt"] for p in scored}
    amt.update({(b, a): w for (a, b), w in amt.items()})
    # 6743万 (约) and 6743.16万 agree at 万元, strongly, but 4 digits repeat by chance at scale:
    # they are compared when other evidence pairs the notices, not a candidate pair on their own
    # (model.AMOUNT_BLOCK_DIGITS); 6743.16万元 in two notices is one
    assert ("eia.txt", "permit.txt") not in amt and ("eia.txt", "other.txt") not in amt
    assert amt[("permit.txt", "final.txt")] > 4
    for other in ("permit.txt", "other.txt"):
        compared = model.score_pair(records[index["eia.txt"]], records[index[other]]).comparisons
        assert {c.comparison: c.weight for c in compared}["amt"] > 3  # 6743万元 is held by 4 notices here
    assert amt.get(("permit.txt", "other.txt"), 0.0) == 0.0  # only their renderings meet
    assert ("eia.txt", "budget.txt") not in amt and ("round-a.txt", "round-b.txt") not in amt
    assert ("round-c.txt", "round-d.txt") not in amt
    round_pair = model.score_pair(records[index["round-c.txt"]], records[index["round-d.txt"]])
    by = {c.comparison: c for c in round_pair.comparisons}
    assert 0 < by["amtr"].weight <= 2.0 and by["amt"].level == "null"
    explained = model.score_pair(records[index["eia.txt"]], records[index["permit.txt"]])
    top = explained.strongest()
    assert top is not None and top.comparison == "amt" and top.value in ("6743万元", "6743.16万元")
    eia_budget = model.score_pair(records[index["eia.txt"]], records[index["budget.txt"]])
    differ = {c.comparison: c for c in eia_budget.comparisons}
    assert differ["amt"].level == "differ" and differ["amt"].weight == 0.0


def test_a_rare_organisation_blocks_a_busy_one_does_not() -> None:
    """An organisation in a few documents (a contractor of one award) makes a candidate pair, in
    pure Python and in splink's DuckDB blocking alike; one above ORG_BLOCK_MAX_DF (an agency)
    does not, and an organisation alone never links (u floor: at most +2.6)."""
    from mosaicguard.aggregate.link import candidate_pairs
    from mosaicguard.aggregate.model import ORG_BLOCK_MAX_DF
    from mosaicguard.aggregate.splink_link import predict_duckdb

    records = [NodeRecord(("a", 0), {"org:gldd": 3, "date:2021-01-29": 2}),
               NodeRecord(("b", 0), {"org:gldd": 3, "date:2021-01-29": 2}),
               NodeRecord(("c", 0), {"org:usace": ORG_BLOCK_MAX_DF + 1}),
               NodeRecord(("d", 0), {"org:usace": ORG_BLOCK_MAX_DF + 1})]
    assert set(candidate_pairs(records)) == {(0, 1)}
    model = estimate_model(records, 100)
    assert {(p.left, p.right) for p in predict_duckdb(records, model, -100.0)} == {(0, 1)}
    org = next(c for c in model.score_pair(records[0], records[1]).comparisons if c.comparison == "org")
    assert 0 < org.weight <= math.log2(0.30 / 0.05) + 1e-9


def test_an_organisation_shared_at_one_village_group_weighs_its_term_frequency() -> None:
    """A buyer named by two notices at one village group counts by its term frequency (the old
    100k domain corpus: such pairs are one project 9 times in 10); the same buyer in another
    group of the village, or the same group without the buyer, stays a weak hint. splink and
    `score_pair` agree on every pair, and both engines link the same documents."""
    docs = dict(filler(2000))
    vil, grp = ("vil:某镇|甲村", "某镇甲村"), lambda g: (f"grp:某镇|甲村|{g}", f"某镇甲村{g}组")
    buyer = ("org:某省工程建设管理处", "某省工程建设管理处")
    docs["eia.txt"] = [vil, grp(3), buyer]
    docs["acceptance.txt"] = [vil, grp(3), buyer]
    docs["same-group-other-buyer.txt"] = [vil, grp(3), ("org:某县交通运输局", "某县交通运输局")]
    docs["same-buyer-other-group.txt"] = [vil, grp(5), buyer]
    docs["same-buyer-village-only.txt"] = [vil, buyer]
    # a notice naming its own project (a distinctive name) is tied by that name, not the buyer
    docs["named-same-group.txt"] = [vil, grp(3), buyer, ("name:甲村专用道路及配套", "甲村专用道路及配套工程")]
    for i in range(15):  # other projects of the village, in other groups
        docs[f"village-{i}.txt"] = [vil, grp(6 + i % 8)]
    for engine in ("local", "python"):
        linking = linked(docs, engine)
        assert together(linking, "eia.txt", "acceptance.txt")
        for other in ("same-group-other-buyer.txt", "same-buyer-other-group.txt", "same-buyer-village-only.txt",
                      "named-same-group.txt"):
            assert not together(linking, "eia.txt", other), (engine, other)
    store = make_store(docs)
    records = records_from_rows(store.node_key_rows(), store.all_coords(), dict(store.key_doc_freqs()))
    model = estimate_model(records, store.doc_count())
    by_doc = {r.node[0]: r for r in records}
    org = {c.comparison: c for c in model.score_pair(by_doc["eia.txt"], by_doc["acceptance.txt"]).comparisons}["org"]
    assert org.level.endswith("at a shared site") and org.weight > math.log2(0.30 / 0.05) + 3
    elsewhere = {c.comparison: c for c in model.score_pair(by_doc["eia.txt"],
                                                           by_doc["same-buyer-village-only.txt"]).comparisons}
    assert not elsewhere["org"].level.endswith("at a shared site")
    named = {c.comparison: c for c in model.score_pair(by_doc["eia.txt"], by_doc["named-same-group.txt"]).comparisons}
    assert not named["org"].level.endswith("at a shared site")
    from mosaicguard.aggregate.splink_link import predict_duckdb

    wanted = [r for r in records if not r.node[0].startswith("filler")]
    scored = predict_duckdb(wanted, model, -100.0)
    assert len(scored) >= 10
    for p in scored:
        ours = model.score_pair(wanted[p.left], wanted[p.right])
        assert p.match_weight == pytest.approx(ours.weight, abs=1e-6)


def test_a_buyer_at_a_shared_site_never_merges_two_multi_document_clusters() -> None:
    """Two projects of one buyer in one village group, each already two notices: the tie between
    them is refused (one buyer, two projects at one site); the same tie attaches a single notice."""
    records = [NodeRecord((f"d{i}", 0), {}) for i in range(5)]
    strong = PairScore(20.0, 1.0, (ComparisonResult("code", "share df<=2", 20.0),))

    def tie(level: str) -> PairScore:
        return PairScore(5.0, 0.97, (ComparisonResult("org", level, 6.5), ComparisonResult("grp", "share df<=2", 3.2)))

    at_site = tie("share df<=6 at a shared site")
    accepted, refused = cluster(records, [(0, 1, strong), (2, 3, strong), (1, 2, at_site), (3, 4, at_site)], S)
    assert refused == 1
    assert {(lk.a[0], lk.b[0]) for lk in accepted} == {("d0", "d1"), ("d2", "d3"), ("d3", "d4")}
    accepted, refused = cluster(records, [(0, 1, strong), (2, 3, strong), (1, 2, tie("share df<=6"))], S)
    assert refused == 0 and len(accepted) == 3
