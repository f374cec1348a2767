"""Score a `mosaicguard aggregate|check --format json` report against a generated truth.

Pure functions over two dicts (the report, the truth); nothing here runs mosaicguard.

The report is expected to carry `"entities": [{"id", "documents", "names", "weakest_link"}]` (every
entity of two or more documents; a document in none is a singleton) and `"exposures"` as in
CONTRACTS.md. Paths may be absolute or relative: each is matched to the truth by its file name,
which the generator makes unique (`<style>-<serial>.<ext>`, `cNNNN-<kind>.txt`).

CLI: `PYTHONPATH=tests python -m domaingen.evaluate REPORT.json TRUTH.json [--draft NAME --drafts DIR]`
prints the metrics as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

Report = dict[str, Any]
Truth = dict[str, Any]
LIST_LIMIT = 20


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def path_normaliser(known: Iterable[str]) -> Callable[[str], str]:
    """Map a report path (absolute, relative, Windows-style) to the truth's key for that file."""
    keys = set(known)
    by_name = {k.rsplit("/", 1)[-1]: k for k in keys}

    def norm(path: str) -> str:
        p = path.replace("\\", "/")
        if p in keys:
            return p
        return by_name.get(p.rsplit("/", 1)[-1], p)

    return norm


def _attributes(exposure: dict[str, Any]) -> set[str]:
    attrs = {k for k, v in (exposure.get("attributes") or {}).items() if v}
    if not attrs and exposure.get("rule"):
        attrs = set(str(exposure["rule"]).split("+"))
    return attrs


class _Index:
    """Truth lookups shared by both evaluations."""

    def __init__(self, truth: Truth, merge_fragments: bool = False) -> None:
        self.docs: dict[str, Any] = truth["documents"]
        self.entities: dict[str, Any] = truth["entities"]
        self.norm = path_normaliser(self.docs)
        self.merge = merge_fragments

    def true_of(self, doc: str) -> str:
        """The true entity of a (normalised) document; singletons and unknown files are their own."""
        entry = self.docs.get(doc)
        if entry is None:
            return f"unknown:{doc}"
        eid = entry["entity"]
        if eid is None:
            return f"single:{doc}"
        if self.merge:
            return str(self.entities.get(eid, {}).get("part_of", eid))
        return str(eid)

    def sensitive(self, tid: str) -> bool:
        if tid in self.entities:
            return bool(self.entities[tid]["sensitive"])
        return any(e.get("part_of") == tid and e["sensitive"] for e in self.entities.values())

    def exposure_owner(self, exposure: dict[str, Any]) -> tuple[str | None, Counter[str]]:
        """Majority true entity of an exposure's corpus documents, and the count per entity."""
        docs = [self.norm(d) for d in exposure.get("documents", [])]
        counts = Counter(self.true_of(d) for d in docs if d in self.docs)
        if not counts:
            return None, counts
        return counts.most_common(1)[0][0], counts


def evaluate_aggregate(report: Report, truth: Truth) -> dict[str, Any]:
    """Link precision/recall, purity, chain recall, false exposures and exposure recall of a report."""
    ix = _Index(truth)
    clusters: list[tuple[str, list[str]]] = []
    unknown: set[str] = set()
    for ent in report.get("entities", []):
        named = {ix.norm(d) for d in ent.get("documents", [])}
        unknown |= {d for d in named if d not in ix.docs}  # drafts in a check report, stray files
        docs = sorted(d for d in named if d in ix.docs)
        if len(docs) >= 2:
            clusters.append((str(ent.get("id", len(clusters))), docs))
    true_sizes = Counter(e["entity"] for e in ix.docs.values() if e["entity"] is not None)
    true_pairs = sum(_pairs(n) for n in true_sizes.values())
    reported_pairs = tp = 0
    impure: list[dict[str, Any]] = []
    cluster_of: dict[str, str] = {}
    for cid, docs in clusters:
        reported_pairs += _pairs(len(docs))
        by_true = Counter(ix.true_of(d) for d in docs)
        tp += sum(_pairs(n) for tid, n in by_true.items() if not tid.startswith(("single:", "unknown:")))
        if len(by_true) > 1:
            impure.append({"id": cid, "size": len(docs), "true_entities": dict(by_true.most_common(5))})
        for d in docs:
            cluster_of[d] = cid
    chains = truth.get("chains", [])
    closed = [c for c in chains if len({cluster_of.get(d) for d in c}) == 1 and cluster_of.get(c[0]) is not None]
    false_exp: list[dict[str, Any]] = []
    found: set[tuple[str, tuple[str, ...]]] = set()
    for exp in report.get("exposures", []):
        owner, counts = ix.exposure_owner(exp)
        reason = None
        if owner is None:
            reason = "no corpus document"
        elif len(counts) > 1:
            reason = "documents of several true entities"
        elif owner.startswith("single:") or not ix.sensitive(owner):
            reason = "non-sensitive entity"
        if reason:
            false_exp.append({"rule": exp.get("rule"), "reason": reason, "documents": sum(counts.values()),
                              "true_entities": dict(counts.most_common(8))})
            continue
        assert owner is not None
        attrs = _attributes(exp)
        for combo in truth["entities"].get(owner, {}).get("expected_exposures", []):
            if set(combo) <= attrs:
                found.add((owner, tuple(combo)))
    expected = [(eid, tuple(c)) for eid, e in truth["entities"].items() for c in e.get("expected_exposures", [])]
    missed = [f"{eid}:{'+'.join(c)}" for eid, c in expected if (eid, c) not in found]
    return {
        "documents": len(ix.docs),
        "reported_entities": len(clusters),
        "unknown_documents": sorted(unknown)[:LIST_LIMIT],
        "largest_cluster": max((len(d) for _c, d in clusters), default=0),
        "pairs": {"true": true_pairs, "reported": reported_pairs, "true_positive": tp},
        "link_precision": tp / reported_pairs if reported_pairs else 1.0,
        "link_recall": tp / true_pairs if true_pairs else 1.0,
        "purity": 1 - len(impure) / len(clusters) if clusters else 1.0,
        "impure_clusters": len(impure),
        "impure": sorted(impure, key=lambda x: -int(x["size"]))[:LIST_LIMIT],
        "chains": len(chains),
        "chain_recall": len(closed) / len(chains) if chains else 1.0,
        "exposures": len(report.get("exposures", [])),
        "false_exposures": len(false_exp),
        "false": false_exp[:LIST_LIMIT],
        "expected_exposures": len(expected),
        "exposure_recall": (len(expected) - len(missed)) / len(expected) if expected else 1.0,
        "missed_exposures": missed[:LIST_LIMIT],
    }


def _mentions(exposure: dict[str, Any], name: str) -> bool:
    paths = list(exposure.get("documents", []))
    paths += [f.get("doc", "") for f in exposure.get("minimal_fix", [])]
    for values in (exposure.get("attributes") or {}).values():
        paths += [v.get("doc", "") for v in values if isinstance(v, dict)]
    return any(str(p).replace("\\", "/").rsplit("/", 1)[-1] == name for p in paths)


def evaluate_check(report: Report, truth: Truth, draft_name: str, draft_text: str | None = None) -> dict[str, Any]:
    """Is the verdict on one draft right, and does its minimal fix name draft text from `fix_any_of`?

    A `new: true` exposure that mentions the draft (or, in a one-draft report that names no draft,
    any `new: true` exposure) means the tool says `new`. `draft_text`, when given, lets the
    verbatim check run: every fix value must occur in the draft exactly as written.
    """
    name = draft_name.replace("\\", "/").rsplit("/", 1)[-1]
    want = truth["drafts"][name]
    ix = _Index(truth, merge_fragments=True)
    new = [e for e in report.get("exposures", []) if e.get("new")]
    named = any(_mentions(e, name) for e in report.get("exposures", []))
    mine = [e for e in new if _mentions(e, name)] if named else new
    said_new = bool(mine)
    fixes = [str(f["value"]) for e in mine for f in e.get("minimal_fix", [])
             if not f.get("doc") or str(f["doc"]).replace("\\", "/").rsplit("/", 1)[-1] == name]
    wanted_entities = {truth["entities"].get(e, {}).get("part_of", e) for e in want["entities"]}
    touched = sorted({o for e in mine if (o := ix.exposure_owner(e)[0]) is not None})
    hits = sorted(set(fixes) & set(want["fix_any_of"]))
    overlaps = sorted({f for f in fixes for w in want["fix_any_of"] if len(f) >= 2 and (f in w or w in f)})
    return {
        "draft": name,
        "verdict": want["verdict"],
        "said_new": said_new,
        "verdict_correct": said_new == (want["verdict"] == "new"),
        "new_exposures": len(mine),
        "entities_expected": sorted(wanted_entities),
        "entities_touched": touched,
        "entities_correct": (set(touched) <= wanted_entities) if said_new else None,
        "fix": fixes,
        "fix_verbatim": (all(f in draft_text for f in fixes) if fixes else None) if draft_text is not None else None,
        "fix_hits": hits,
        "fix_correct": bool(hits) if want["verdict"] == "new" and said_new else None,
        "fix_overlaps": overlaps,
    }


def draft_accuracy(results: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Summary over several `evaluate_check` results: verdict accuracy and fix accuracy."""
    rows = list(results)
    fix_rows = [r for r in rows if r["fix_correct"] is not None]
    verbatim = [r for r in rows if r["fix_verbatim"] is not None]
    return {
        "drafts": len(rows),
        "verdict_accuracy": sum(r["verdict_correct"] for r in rows) / len(rows) if rows else 1.0,
        "wrong": [r["draft"] for r in rows if not r["verdict_correct"]],
        "fix_accuracy": sum(bool(r["fix_correct"]) for r in fix_rows) / len(fix_rows) if fix_rows else None,
        "fix_verbatim": sum(bool(r["fix_verbatim"]) for r in verbatim) / len(verbatim) if verbatim else None,
    }


def main(argv: list[str] | None = None) -> int:
    """Print the metrics of REPORT against TRUTH as JSON."""
    ap = argparse.ArgumentParser(prog="domaingen.evaluate", description=__doc__.split("\n\n")[0])
    ap.add_argument("report", type=Path)
    ap.add_argument("truth", type=Path)
    ap.add_argument("--draft", action="append", default=[], help="score a check report for this draft (repeatable)")
    ap.add_argument("--drafts", type=Path, default=None, help="folder holding the drafts (enables the verbatim check)")
    args = ap.parse_args(argv)
    try:
        report = json.loads(args.report.read_text(encoding="utf-8"))
        truth = json.loads(args.truth.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"domaingen.evaluate: {exc}", file=sys.stderr)
        return 2
    if args.draft:
        rows = []
        for name in args.draft:
            text = (args.drafts / name).read_text(encoding="utf-8") if args.drafts else None
            rows.append(evaluate_check(report, truth, name, text))
        out: dict[str, Any] = {"summary": draft_accuracy(rows), "drafts": rows}
    else:
        out = evaluate_aggregate(report, truth)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
