"""`check` on drafts whose verdicts the domain generator wrote (tests/domaingen, docs/domaingen.md).

A 2,000-document corpus with 18 drafts (new location, new link between two entities, traditional
characters, a link between two public fragments, an English schedule, repeats, harmless) is
written to tmp_path, indexed once with `mosaicguard aggregate --index`, then each draft is checked
with the CLI against that index and scored by `domaingen.evaluate.evaluate_check`. The generator
was written from the domain description, not from the extractors or the check, so these are
verdicts the implementation did not shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from domaingen.evaluate import draft_accuracy, evaluate_check
from domaingen.generator import generate
from mosaicguard.cli import main

DOCS = 2000
SEED = 1


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Corpus + drafts + truth, one index, one check report per draft."""
    root = tmp_path_factory.mktemp("domain")
    out, drafts = root / "dg", root / "drafts"
    truth = generate(out, DOCS, SEED, drafts_dir=drafts, jobs=1)
    index = root / "idx.sqlite"
    policy = out / "policy.yaml"
    assert main(["aggregate", str(out / "corpus"), "--policy", str(policy), "--index", str(index),
                 "--format", "json", "-o", str(root / "agg.json"), "--quiet"]) in (0, 1)
    rows: list[dict[str, Any]] = []
    reports: dict[str, dict[str, Any]] = {}
    for draft in sorted(drafts.iterdir()):
        report_path = root / f"{draft.name}.json"
        rc = main(["check", str(draft), "--corpus", str(out / "corpus"), "--policy", str(policy),
                   "--index", str(index), "--format", "json", "-o", str(report_path), "--quiet"])
        assert rc in (0, 1)
        report = json.loads(report_path.read_text(encoding="utf-8"))
        reports[draft.name] = report
        text = draft.read_text(encoding="utf-8")
        rows.append(evaluate_check(report, truth, draft.name, draft_text=text))
    return {"truth": truth, "rows": rows, "reports": reports, "drafts": drafts}


def test_verdicts_on_domain_drafts(checked: dict[str, Any]) -> None:
    """Verdict accuracy over every kind of draft: issue-9 target 0.95, reached 18/18.

    The two former misses were fixed at their causes: the generator printed mobiles in blocks
    the numbering plan does not allocate (169...: not a phone for scan, so it linked nothing;
    docs/domaingen.md), and a harmless notice mentioning the alias look-alike
    `…计划生育服务站` split the subject's public entity (Chinese aliases now match as tokens)."""
    summary = draft_accuracy(checked["rows"])
    assert summary["drafts"] == 18
    assert summary["verdict_accuracy"] >= 0.95, summary
    assert summary["wrong"] == [], summary


def test_fixes_quote_the_draft_and_cut_the_exposure(checked: dict[str, Any]) -> None:
    """Every fix value is verbatim in its draft, names (or is part of) an expected fix value, and
    was verified by re-checking the draft with it cut out."""
    fixed = 0
    for row in checked["rows"]:
        if not row["said_new"]:
            continue
        assert row["fix"], row
        assert row["fix_verbatim"] is True, row
        report = checked["reports"][row["draft"]]
        assert all(e["fix_verified"] for e in report["exposures"] if e["new"]), row
        if row["verdict"] != "new":
            continue  # a wrong verdict (counted above) has no expected fix to hit
        assert all(any(f in w or w in f for w in checked["truth"]["drafts"][row["draft"]]["fix_any_of"])
                   for f in row["fix"]), row
        fixed += 1
    assert fixed >= 7


def test_draft_links_carry_their_evidence(checked: dict[str, Any]) -> None:
    """A draft's links are scored by the corpus's pair model: each carries its match weight,
    probability and the comparisons behind it, at or above the linking threshold."""
    seen = 0
    for name, report in checked["reports"].items():
        for exposure in report["exposures"]:
            for link in exposure["links"]:
                if name not in (Path(link["from"]).name, Path(link["to"]).name):
                    continue
                seen += 1
                assert link["match_probability"] >= 0.8, link
                assert link["evidence"] and any(c["weight"] > 0 for c in link["evidence"]), link
                assert link["by"] in {c["comparison"] for c in link["evidence"]} | {"address"}, link
    assert seen >= 8


def test_two_entities_draft_is_judged_against_both(checked: dict[str, Any]) -> None:
    """The draft that names two protected subjects: one gets a new site, the other is restated."""
    for name, report in checked["reports"].items():
        if not name.endswith("new-two-entities.txt"):
            continue
        new = [e for e in report["exposures"] if e["new"]]
        assert new, name
        assert report["repeats_public"], name
