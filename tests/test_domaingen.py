"""The domain-written aggregation corpus (tests/domaingen): determinism, truth, and its evaluator.

These tests never run mosaicguard's aggregation; they check the generator and score hand-built
reports with the evaluator.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import docx
import pytest

from domaingen import Mix, generate
from domaingen.evaluate import draft_accuracy, evaluate_aggregate, evaluate_check, main
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
