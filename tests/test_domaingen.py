"""The domain-written aggregation corpus (tests/domaingen): determinism, truth, and its evaluator.

These tests never run mosaicguard's aggregation; they check the generator and score hand-built
reports with the evaluator.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import docx
import phonenumbers
import pytest
from phonenumbers import geocoder

from domaingen import Mix, gazetteer, generate, vocab
from domaingen.evaluate import draft_accuracy, evaluate_aggregate, evaluate_check, main
from domaingen.plan import CHUNK, Planner
from domaingen.world import World, counties_for, divisions, make_world
from mosaicguard.policy.load import load_policy

N = 2500  # three chunks: exercises the process pool and chunk boundaries


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("domaingen")
    truth = generate(root / "out", N, seed=11, drafts_dir=root / "drafts", jobs=2)
    return root / "out", root / "drafts", truth


def _text(path: Path, entry: dict[str, Any]) -> str:
    if entry["format"] == "docx":
        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    return path.read_bytes().decode(entry["encoding"])


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_whatever_the_worker_count(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", 1100, seed=5, drafts_dir=tmp_path / "a" / "drafts", jobs=1)
    b = generate(tmp_path / "b", 1100, seed=5, drafts_dir=tmp_path / "b" / "drafts", jobs=2)
    assert a == b
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    c = generate(tmp_path / "c", 1100, seed=6, jobs=1)
    assert len(c["documents"]) == len(a["documents"])
    assert _tree(tmp_path / "c" / "corpus") != _tree(tmp_path / "a" / "corpus")


def test_document_count_formats_and_encodings(corpus: tuple[Path, Path, dict[str, Any]]) -> None:
    out, _drafts, truth = corpus
    files = [p for p in (out / "corpus").rglob("*") if p.is_file()]
    assert len(files) == len(truth["documents"]) == N
    formats = Counter(e["format"] for e in truth["documents"].values())
    assert formats["txt"] > formats["html"] > 0 and formats["docx"] > 0
    assert any(e["encoding"] == "gb18030" for e in truth["documents"].values())
    for rel, entry in truth["documents"].items():
        if entry["encoding"] == "gb18030":
            with pytest.raises(UnicodeDecodeError):
                (out / rel).read_bytes().decode("utf-8")
            break


def test_every_planted_and_decoy_value_is_verbatim_in_its_file(corpus: tuple[Path, Path, dict[str, Any]]) -> None:
    out, drafts, truth = corpus
    checked = 0
    for rel, entry in truth["documents"].items():
        text = _text(out / rel, entry)
        for values in entry.get("planted", {}).values():
            for value in values:
                assert value in text, (rel, value)
                checked += 1
    for decoy in truth["decoys"]:
        assert decoy["value"] in _text(out / decoy["doc"], truth["documents"][decoy["doc"]]), decoy
    for name, d in truth["drafts"].items():
        text = (drafts / name).read_text(encoding="utf-8")
        for value in d["fix_any_of"]:
            assert value in text, (name, value)
    assert checked > 1000


def test_truth_is_consistent(corpus: tuple[Path, Path, dict[str, Any]]) -> None:
    _out, drafts, truth = corpus
    docs, entities = truth["documents"], truth["entities"]
    for eid, ent in entities.items():
        assert len(ent["documents"]) >= 2 or ent.get("part_of"), eid
        assert all(docs[d]["entity"] == eid for d in ent["documents"])
        for attr, values in ent["reveals"].items():
            planted = {v for d in ent["documents"] for v in docs[d].get("planted", {}).get(attr, [])}
            assert set(values) == planted
        for combo in ent["expected_exposures"]:
            assert ent["sensitive"] and all(ent["reveals"][a] for a in combo)
    assert sum(1 for d in docs.values() if d["entity"]) == sum(len(e["documents"]) for e in entities.values())
    assert len(truth["chains"]) >= 3 * 6
    for chain in truth["chains"]:
        owners = {docs[d]["entity"] for d in chain}
        assert len(owners) == 1 and None not in owners and entities[owners.pop()]["sensitive"]
    three = [c for c in truth["chains"] if [docs[d]["role"] for d in c][:3] == [
        "chain_alias", "chain_alias_code", "chain_code_purpose"]]
    assert three, "alias -> alias+code -> code+purpose chains"
    verdicts = Counter(d["verdict"] for d in truth["drafts"].values())
    assert verdicts["new"] >= 5 and verdicts["repeats"] >= 2 and verdicts["harmless"] >= 2
    for name, d in truth["drafts"].items():
        assert (drafts / name).is_file()
        assert all(e in entities for e in d["entities"])
        assert bool(d["fix_any_of"]) == (d["verdict"] == "new") == bool(d["new_exposures"])
        text = (drafts / name).read_text(encoding="utf-8")
        assert all(v in text for values in d["adds"].values() for vs in values.values() for v in vs)
    assert any(len(d["entities"]) == 2 and d["verdict"] == "new" for d in truth["drafts"].values())


def test_corpus_has_the_hard_cases(corpus: tuple[Path, Path, dict[str, Any]]) -> None:
    out, _drafts, truth = corpus
    kinds = Counter(d["kind"] for d in truth["decoys"])
    for kind in ("busy_phone", "busy_address", "complaint_line", "template_phrase", "common_name", "standard",
                 "one_digit_code", "alias_lookalike", "policy_id", "same_town", "near_coords", "projected_xy",
                 "same_base"):
        assert kinds[kind] > 0, kind
    busiest_phone = max(truth["busy"]["busy_phone"].values())
    assert busiest_phone >= 200, "one agency's phone in hundreds of notices"
    assert max(truth["busy"]["complaint_line"].values()) >= N // 2
    planted = [v for d in truth["documents"].values() for vs in d.get("planted", {}).values() for v in vs]
    assert any(" " in v and "计" in v for v in planted), "spaced alias"
    assert any("－" in v for v in planted), "full-width code or alias"
    assert any("group" in v for v in planted), "mixed zh/en address"
    assert any(v.startswith(("东经", "N")) or "″N" in v for v in planted), "coordinates in several forms"
    assert any(v.startswith(("delayed until", "slipped to", "completed by")) for v in planted)
    policy = load_policy(out / "policy.yaml")  # the project's own loader accepts it
    assert policy is not None
    subjects_ids = {d["value"] for d in truth["decoys"] if d["kind"] == "policy_id"}
    aliases = {a for d in truth["documents"].values() for a in d.get("planted", {}).get("alias", [])}
    assert not subjects_ids & aliases


def test_ten_thousand_documents_in_seconds(tmp_path: Path) -> None:
    start = time.perf_counter()
    truth = generate(tmp_path / "big", 10_000, seed=2, jobs=2)
    took = time.perf_counter() - start
    assert len(truth["documents"]) == 10_000
    assert took < 60, f"10k documents took {took:.1f} s"


def test_small_mix_still_writes_exactly_n(tmp_path: Path) -> None:
    truth = generate(tmp_path / "s", 40, seed=1, mix=Mix(), drafts_dir=tmp_path / "d")
    assert len(list((tmp_path / "s" / "corpus").rglob("*.*"))) == 40 == len(truth["documents"])


# ---- evaluator on hand-built reports -------------------------------------------------------------


def _perfect(truth: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    entities = [{"id": eid, "documents": [prefix + d for d in e["documents"]], "names": [], "weakest_link": None}
                for eid, e in truth["entities"].items()]
    exposures = [{"entity": {"id": eid, "names": []}, "rule": "+".join(combo), "documents": e["documents"],
                  "attributes": {a: [{"value": e["reveals"][a][0], "doc": e["documents"][0]}] for a in combo},
                  "new": False, "minimal_fix": []}
                 for eid, e in truth["entities"].items() for combo in e["expected_exposures"]]
    return {"entities": entities, "exposures": exposures}


def test_perfect_report_scores_one(corpus: tuple[Path, Path, dict[str, Any]]) -> None:
    _out, _drafts, truth = corpus
    m = evaluate_aggregate(_perfect(truth), truth)
    assert m["link_precision"] == m["link_recall"] == m["purity"] == m["chain_recall"] == 1.0
    assert m["false_exposures"] == 0 and m["exposure_recall"] == 1.0 and m["impure_clusters"] == 0
    assert m["largest_cluster"] == max(len(e["documents"]) for e in truth["entities"].values())
    absolute = _perfect(truth, prefix="/abs/somewhere/")
    absolute["entities"][0]["documents"].append("/abs/drafts/c0000-repeats.txt")  # a check report's draft
    m = evaluate_aggregate(absolute, truth)
    assert m["link_precision"] == m["link_recall"] == m["purity"] == 1.0
    assert m["unknown_documents"] == ["/abs/drafts/c0000-repeats.txt"]


def test_merging_two_projects_is_impure_and_loses_precision(corpus: tuple[Path, Path, dict[str, Any]]) -> None:
    _out, _drafts, truth = corpus
    report = _perfect(truth)
    a, b = [e for e in report["entities"] if not truth["entities"][e["id"]]["sensitive"]][:2]
    a["documents"] += b["documents"]
    report["entities"].remove(b)
    m = evaluate_aggregate(report, truth)
    assert m["impure_clusters"] == 1 and m["purity"] < 1.0
    assert m["link_precision"] < 1.0 and m["link_recall"] == 1.0
    assert {a["id"], b["id"]} == set(m["impure"][0]["true_entities"])
    # an exposure built on those harmless documents is false
    report["exposures"].append({"rule": "location+purpose", "documents": a["documents"][:2],
                                "attributes": {"location": [{}], "purpose": [{}]}, "new": False})
    assert evaluate_aggregate(report, truth)["false_exposures"] == 1


def test_a_missed_chain_lowers_chain_recall(corpus: tuple[Path, Path, dict[str, Any]]) -> None:
    _out, _drafts, truth = corpus
    report = _perfect(truth)
    chain = truth["chains"][0]
    owner = truth["documents"][chain[0]]["entity"]
    ent = next(e for e in report["entities"] if e["id"] == owner)
    ent["documents"] = [d for d in ent["documents"] if d != chain[-1]]
    report["exposures"] = [x for x in report["exposures"] if x["entity"]["id"] != owner]
    m = evaluate_aggregate(report, truth)
    assert m["chain_recall"] == pytest.approx(1 - 1 / len(truth["chains"]))
    assert m["link_recall"] < 1.0 and m["link_precision"] == 1.0
    assert m["exposure_recall"] < 1.0 and any(x.startswith(owner) for x in m["missed_exposures"])


def _check_report(draft: str, fix: list[str], new: bool) -> dict[str, Any]:
    return {"exposures": [{"rule": "location+purpose", "documents": [f"/tmp/drafts/{draft}"], "new": new,
                           "minimal_fix": [{"doc": f"/tmp/drafts/{draft}", "value": v} for v in fix]}]}


def test_draft_verdicts_and_fixes_are_scored(corpus: tuple[Path, Path, dict[str, Any]]) -> None:
    _out, drafts, truth = corpus
    name_new = next(n for n, d in truth["drafts"].items() if d["verdict"] == "new")
    name_rep = next(n for n, d in truth["drafts"].items() if d["verdict"] == "repeats")
    text_new = (drafts / name_new).read_text(encoding="utf-8")
    good = evaluate_check(_check_report(name_new, [truth["drafts"][name_new]["fix_any_of"][-1]], True), truth,
                          name_new, text_new)
    assert good["verdict_correct"] and good["fix_correct"] and good["fix_verbatim"]
    not_in_draft = evaluate_check(_check_report(name_new, ["雷达天线罩x"], True), truth, name_new, text_new)
    assert not_in_draft["verdict_correct"] and not not_in_draft["fix_correct"]
    assert not_in_draft["fix_verbatim"] is False
    wrong = evaluate_check(_check_report(name_rep, [], True), truth, name_rep)
    missed = evaluate_check(_check_report(name_new, [], False), truth, name_new)
    assert not wrong["verdict_correct"] and not missed["verdict_correct"]
    summary = draft_accuracy([good, wrong, missed])
    assert summary["verdict_accuracy"] == pytest.approx(1 / 3)
    assert set(summary["wrong"]) == {name_rep, name_new}


def test_evaluate_cli_prints_json(corpus: tuple[Path, Path, dict[str, Any]], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    out, _drafts, truth = corpus
    report = tmp_path / "report.json"
    report.write_text(json.dumps(_perfect(truth)), encoding="utf-8")
    assert main([str(report), str(out / "truth.json")]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["link_precision"] == 1.0 and printed["chains"] == len(truth["chains"])
    assert main([str(tmp_path / "missing.json"), str(out / "truth.json")]) == 2


# ---- the world: dense (the first corpora) and auto (counties grow with the corpus) ----------------

# sha256 over (path, sha256(bytes)) of every file of `generate(out, 1500, seed=7, drafts_dir=out/"drafts")`,
# computed with the generator before `--world` existed (main 4a412c6).
DENSE_1500_SEED7 = "62aa5e0b00362a322178c0b04eac556dfd133d233ddd868de1644af077dce25a"


def _tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def test_dense_world_is_byte_identical_to_the_first_generator(tmp_path: Path) -> None:
    truth = generate(tmp_path / "d", 1500, seed=7, drafts_dir=tmp_path / "d" / "drafts", jobs=2, world="dense")
    assert "world" not in truth
    assert _tree_hash(tmp_path / "d") == DENSE_1500_SEED7
    # below ~20k documents the auto world is the dense one
    generate(tmp_path / "a", 1500, seed=7, drafts_dir=tmp_path / "a" / "drafts", jobs=1, world="auto")
    assert _tree_hash(tmp_path / "a") == DENSE_1500_SEED7
    generate(tmp_path / "w", 1500, seed=7, drafts_dir=tmp_path / "w" / "drafts", jobs=1, world=60)
    assert _tree_hash(tmp_path / "w") != DENSE_1500_SEED7


def _placed_per_village(world: World, seed: int, chunks: list[int]) -> tuple[float, Counter[tuple[int, str, str]]]:
    """Planned Chinese projects with a site per 1,000 documents, and projects per (county, town, village)."""
    per_village: Counter[tuple[int, str, str]] = Counter()
    for ci in chunks:
        plan = Planner(world, seed, ci, CHUNK, Mix()).build()
        projects = {id(pl.doc.project): pl.doc.project for pl in plan.docs if pl.doc.project is not None}
        for p in projects.values():  # singletons included (they are not in plan.projects)
            if p.place is not None:
                per_village[(p.place.county_index, p.place.town, p.place.village)] += 1
    return sum(per_village.values()) / len(chunks), per_village


def test_auto_world_keeps_projects_per_village_in_a_band() -> None:
    villages_per_county = 36
    for n_docs, lo, hi in ((2_000, 0.5, 2.0), (20_000, 10, 16)):  # measured on every chunk of the corpus
        n = counties_for("auto", n_docs)
        assert n == 26
        world = make_world(3, n)
        assert sum(len(v) for t in world.towns for _town, v in t) == n * villages_per_county
        per_1000, per_village = _placed_per_village(world, 3, list(range(n_docs // CHUNK)))
        density = sum(per_village.values()) / (n * villages_per_county)
        assert lo <= density <= hi, (n_docs, density)
        assert 580 <= per_1000 <= 680
    # larger sizes: a sample of chunks of the real world of that size (planning only, no writing)
    for n_docs in (100_000, 1_000_000):
        n = counties_for("auto", n_docs)
        assert n == round(n_docs / 800)
        world = make_world(3, n)
        per_1000, per_village = _placed_per_village(world, 3, list(range(0, n_docs // CHUNK, n_docs // CHUNK // 6)))
        density = per_1000 * n_docs / 1000 / (n * villages_per_county)
        assert 10 <= density <= 16, (n_docs, density)
        assert len({k[0] for k in per_village}) > n // 2, "sites spread over the whole world"
    # the dense world at 1M: the stress case stays available
    assert counties_for("dense", 1_000_000) == 26
    assert 600 * 1000 / (26 * villages_per_county) > 500


def test_every_site_is_in_a_real_division(tmp_path: Path) -> None:
    table = {(prov, city, county): (lat, lon, area) for _code, prov, city, county, lat, lon, area, _src in
             gazetteer.read()}
    assert len(table) >= 1500
    for prov, city, county, lat, lon, area in vocab.COUNTIES:  # the dense world's hand-written counties agree
        t_lat, t_lon, t_area = table[(prov, city, county)]
        assert t_area == area and abs(t_lat - lat) < 1.2 and abs(t_lon - lon) < 2.1, county
    for (prov, _city, county), (lat, lon, area) in table.items():
        assert 18 <= lat <= 54 and 73 <= lon <= 135, county
        numbers = [phonenumbers.parse(f"+86{area[1:]}{'6' * k}") for k in (7, 8)]
        valid = [x for x in numbers if phonenumbers.is_valid_number(x)]
        assert valid and geocoder.description_for_number(valid[0], "zh")[:2] == prov[:2], (county, area)
    n = 400
    truth = generate(tmp_path / "w", 2000, seed=4, jobs=2, world=n)
    assert truth["world"] == {"counties": n, "villages": n * 36}
    world = make_world(4, n)
    assert len(set(world.counties)) == n
    real = {(p, c, k) for p, c, k, *_rest in world.counties}
    assert real <= set(table) | {(p, c, k) for p, c, k, *_rest in vocab.COUNTIES}
    by_county = {k: (p, c, a) for p, c, k, _la, _lo, a in world.counties}
    long_first = sorted(by_county, key=len, reverse=True)
    seen_counties: set[str] = set()
    checked = 0
    for rel, entry in truth["documents"].items():
        text = (tmp_path / "w" / rel).read_bytes().decode(entry["encoding"]) if entry["format"] == "txt" else ""
        for value in entry.get("planted", {}).get("location", []):
            if value[:1].isdigit() or value.startswith(("东经", "北纬", "N", "E", "X")) or "°" in value:
                continue  # coordinates
            if entry["style"] in ("dod", "usace", "ea", "press"):
                continue  # English places
            county = next((k for k in long_first if k in value), None)
            assert county is not None, (rel, value)
            prov, city, _area = by_county[county]
            if value.startswith(prov):
                assert value.startswith(prov + city + county), value  # a real province → prefecture → county
            elif value.startswith(city):
                assert value.startswith(city + county), value
            seen_counties.add(county)
            checked += 1
        for line in text.splitlines():  # a county office's phone carries its county's real area code
            if line.startswith("采购人："):
                office = line.removeprefix("采购人：")
                county = next((k for k in long_first if office.startswith(k)), None)
                buyer_phone = next((x for x in text.splitlines() if x.startswith("采购人电话：")), None)
                if county is not None and buyer_phone is not None:
                    assert buyer_phone.removeprefix("采购人电话：").startswith(by_county[county][2] + "-"), rel
    assert checked > 500 and len(seen_counties) > 200


def test_busy_values_stay_busy_and_hard_cases_keep_their_rates(tmp_path: Path) -> None:
    dense = generate(tmp_path / "d", 3000, seed=3, drafts_dir=tmp_path / "dd", jobs=2, world="dense")
    wide = generate(tmp_path / "w", 3000, seed=3, drafts_dir=tmp_path / "wd", jobs=2, world=1200)

    def shape(t: dict[str, Any]) -> dict[str, Any]:
        docs = t["documents"]
        return {"chains": Counter(tuple(docs[d]["role"] for d in c) for c in t["chains"]),
                "kinds": Counter(e["kind"] for e in t["entities"].values() if e["sensitive"]),
                "drafts": Counter(d["verdict"] for d in t["drafts"].values()),
                "decoys": Counter(d["kind"] for d in t["decoys"]),
                "alias_variants": Counter(docs[c[0]]["planted"]["alias"][0] == docs[c[1]]["planted"]["alias"][0]
                                          for c in t["chains"] if docs[c[0]]["role"] == "chain_alias")}

    assert shape(wide) == shape(dense)  # three-document chains, variants, drafts, decoys: same numbers
    assert shape(wide)["chains"][("chain_alias", "chain_alias_code", "chain_code_purpose")] == 18
    for kind in ("busy_phone", "busy_address", "complaint_line", "common_name", "standard"):
        d, w = max(dense["busy"][kind].values()), max(wide["busy"][kind].values())
        assert w >= 0.9 * d, (kind, w, d)  # the same shared values, as busy (same draws but for the sites)
    assert max(wide["busy"]["busy_phone"].values()) >= 300, "an agency phone in hundreds of notices"
    # the template phrase is per province (`<province>政府采购项目`): the home province keeps it busy
    assert max(wide["busy"]["template_phrase"].values()) >= 0.8 * max(dense["busy"]["template_phrase"].values())
    # harmless projects still share the town of sensitive ones
    same_town = [d for d in wide["decoys"] if d["kind"] == "same_town"]
    assert same_town and all(d["value"] in (tmp_path / "w" / d["doc"]).read_bytes().decode(
        wide["documents"][d["doc"]]["encoding"], errors="replace") for d in same_town
        if wide["documents"][d["doc"]]["format"] == "txt")


def test_the_busiest_province_has_the_same_share_at_every_size() -> None:
    """As in the dense world (2 of 26 counties), one province has 8-12 % of the counties at 100k and 1M:
    its template phrase and sensitive buyers are as busy, not ten times busier at one size."""
    for seed in range(1, 6):
        for n_docs in (100_000, 1_000_000):
            n = counties_for("auto", n_docs)
            counties = divisions(seed, n)
            assert len(set(counties)) == n and counties[:26] == vocab.COUNTIES
            share = Counter(c[0] for c in counties).most_common(1)[0][1] / n
            assert 2 / 26 <= share <= 0.12, (seed, n_docs, share)


def test_world_option_is_checked() -> None:
    assert counties_for("auto", 10_000) == 26 and counties_for("auto", 100_000) == 125
    assert counties_for(300, 10) == 300
    with pytest.raises(ValueError):
        counties_for(100_000, 10)
    with pytest.raises(ValueError):
        counties_for(0, 10)


@pytest.mark.slow
def test_county_table_is_built_from_the_installed_data() -> None:
    assert gazetteer.build() == gazetteer.read()
