"""Precision and recall of the content detectors over a labelled corpus in every format.

The corpus (see builder.py) is written by the test itself; `scan_paths` runs exactly as the CLI
runs it. A finding is a true positive when its category matches a planted leak in the same file
and the values agree after width/case/space folding (one containing the other, since a
detector may report `password=...`'s value or a coordinate pair's whole text)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from corpus.builder import CATEGORIES, LEXICON, Planted, build
from mosaicguard.model import CONTENT_CATEGORIES
from mosaicguard.pipeline import ScanOptions, scan_paths
from mosaicguard.policy.schema import Policy

THRESHOLD = 0.95


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def _evaluate(truth: list[Planted], found: list[tuple[str, str, str]]) -> tuple[Counter[str], Counter[str],
                                                                               Counter[str], list[str]]:
    """(true positives, false positives, false negatives) per category, and a log of mistakes."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    log: list[str] = []
    remaining = list(truth)
    for path, cat, value in found:
        hit = next((p for p in remaining if p.path == path and p.category == cat
                    and (_norm(p.value) in _norm(value) or _norm(value) in _norm(p.value))), None)
        if hit is not None:
            remaining.remove(hit)
            tp[cat] += 1
        elif any(p.path == path and p.category == cat and _norm(p.value) in _norm(value) for p in truth):
            continue  # a second finding on an already-counted leak (e.g. two rules): not a new claim
        else:
            fp[cat] += 1
            log.append(f"FP {cat:<17} {value!r} in {path}")
    for p in remaining:
        fn[p.category] += 1
        log.append(f"FN {p.category:<17} {p.value!r} in {p.path}")
    return tp, fp, fn, log


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Planted]]:
    folder = tmp_path_factory.mktemp("labelled") / "corpus"
    return folder, build(folder)


def test_corpus_is_broad(corpus: tuple[Path, list[Planted]]) -> None:
    folder, truth = corpus
    files = [p for p in folder.iterdir() if p.is_file()]
    assert len(files) >= 200
    assert {p.suffix for p in files} >= {".txt", ".md", ".html", ".csv", ".json", ".jsonl", ".docx", ".xlsx",
                                         ".pptx", ".pdf", ".zip"}
    per_cat = Counter(p.category for p in truth)
    assert set(per_cat) == set(CATEGORIES)
    assert min(per_cat.values()) >= 20, per_cat


def test_precision_and_recall(corpus: tuple[Path, list[Planted]]) -> None:
    folder, truth = corpus
    policy = Policy.model_validate({"lexicon": list(LEXICON)})
    report = scan_paths([str(folder)], ScanOptions(policy=policy, ocr="off"))
    prefix = str(folder.parent) + "/"
    errors = [f"{fr.path}: {fr.status} {fr.error}" for fr in report.files if fr.status != "ok"]
    assert not errors, errors
    found = [
        (fr.path.removeprefix(prefix), f.category, f.match)
        for fr in report.files
        for f in fr.findings
        if f.category in CONTENT_CATEGORIES
    ]
    tp, fp, fn, log = _evaluate(truth, found)
    lines = [f"{'category':<17} {'tp':>4} {'fp':>4} {'fn':>4} {'prec':>6} {'recall':>6}"]
    failures = []
    for cat in (*CATEGORIES, "all"):
        t = sum(tp.values()) if cat == "all" else tp[cat]
        f_p = sum(fp.values()) if cat == "all" else fp[cat]
        f_n = sum(fn.values()) if cat == "all" else fn[cat]
        precision = t / (t + f_p) if t + f_p else 1.0
        recall = t / (t + f_n) if t + f_n else 1.0
        lines.append(f"{cat:<17} {t:>4} {f_p:>4} {f_n:>4} {precision:>6.3f} {recall:>6.3f}")
        if precision < THRESHOLD or recall < THRESHOLD:
            failures.append(cat)
    summary = "\n".join([*lines, "", *log[:80]])
    print(summary)
    assert not failures, f"below {THRESHOLD} for {failures}\n{summary}"


def test_engines_agree_on_corpus(corpus: tuple[Path, list[Planted]]) -> None:
    """Hyperscan and pure-Python matching give identical reports on every file of the corpus."""
    folder, _ = corpus
    policy = Policy.model_validate({"lexicon": list(LEXICON)})
    reports = [scan_paths([str(folder)], ScanOptions(policy=policy, engine=kind, ocr="off")).to_dict()
               for kind in ("hyperscan", "python")]
    assert reports[0]["files"] == reports[1]["files"]
    assert sum(len(f["findings"]) for f in reports[0]["files"]) > 600
