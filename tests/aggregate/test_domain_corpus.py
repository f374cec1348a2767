"""Aggregation on a corpus the implementation did not shape (issue 9, "Data not produced by the
implementation").

2,000 documents written by `tests/domaingen` (seeds 1 and 2) from the domain description by someone who
never read the fact extractors: alias -> code -> purpose chains, written variants, busy agency
phones and addresses, complaint lines, template phrases, standards, one-digit-off codes, common
names, harmless projects in the same towns. `mosaicguard aggregate` runs through the CLI and its
JSON report is scored by the generator's own evaluator (`domaingen.evaluate.evaluate_aggregate`).

The thresholds are the issue's targets where they are reached (no impure cluster, no false
exposure). Where a target is not reached yet (chain recall 0.95, exposure recall), the test
asserts the figure reached today for that seed (docs/benchmarks-aggregate.md, "Quality: errors
and causes") so that a regression fails, and says the target beside it: raise the bound as the
figure improves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from domaingen import generate
from domaingen.evaluate import evaluate_aggregate
from mosaicguard.cli import main

DOCS = 2000
# Per seed: (chain recall, expected-exposure recall) reached today; the targets are 0.95 / 0.9.
REACHED = {1: (0.972, 0.91), 2: (0.944, 0.94)}


@pytest.fixture(scope="module", params=sorted(REACHED))
def metrics(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    seed = int(request.param)
    root = tmp_path_factory.mktemp(f"domaincorpus{seed}")
    truth = generate(root, DOCS, seed, jobs=1)
    out = root / "report.json"
    code = main(["aggregate", str(root / "corpus"), "--policy", str(root / "policy.yaml"),
                 "--format", "json", "-o", str(out), "-q"])
    assert code in (0, 1), "aggregate must run to the end (exit 1 = exposures found)"
    report = json.loads(out.read_text(encoding="utf-8"))
    assert not report["errors"], report["errors"][:3]
    result: dict[str, Any] = evaluate_aggregate(report, truth)
    result["seed"] = seed
    return result


def test_every_document_is_scored(metrics: dict[str, Any]) -> None:
    assert metrics["documents"] == DOCS
    assert metrics["unknown_documents"] == []
    assert metrics["reported_entities"] > 0


def test_link_recall(metrics: dict[str, Any]) -> None:
    assert metrics["link_recall"] >= 0.98, metrics["pairs"]  # issue target 0.9; reached 0.993-0.998


def test_link_precision(metrics: dict[str, Any]) -> None:
    assert metrics["link_precision"] >= 0.99, metrics["impure"][:5]  # reached 1.0


def test_chain_recall(metrics: dict[str, Any]) -> None:
    # alias -> alias+code -> code+purpose (and name/address/phone) chains closed in one entity.
    # issue-9 target: 0.95. Amounts close EIA -> permit (`总投资约6743万元` / `合同价格：6743.16万元`);
    # the chains still missed: an acceptance notice (no amount) joined only by a village (no
    # group) and the buyer's name, at 1.28 against the threshold 2, or a permit whose village
    # the others write as a road and number (amount + buyer: 1.64) (docs/benchmarks-aggregate.md).
    assert metrics["chain_recall"] >= REACHED[metrics["seed"]][0]


def test_no_giant_cluster(metrics: dict[str, Any]) -> None:
    # Busy values (complaint line in ~60 % of the documents, agency phones/addresses in 100+)
    # must not glue projects: the largest true entity has a handful of documents.
    assert metrics["largest_cluster"] <= 8


def test_no_impure_cluster(metrics: dict[str, Any]) -> None:
    # issue-9 target: 0 (was 9 on seed 1: alias look-alikes, villages shared with a harmless
    # project, a datum read as a code).
    assert metrics["impure_clusters"] == 0, metrics["impure"][:5]


def test_no_false_exposure(metrics: dict[str, Any]) -> None:
    # issue-9 target: 0 (was 6 on seed 1, 4 of them the `鲲鹏计划生育服务站` look-alike).
    assert metrics["false_exposures"] == 0, metrics["false"]


def test_expected_exposure_recall_at_least_todays(metrics: dict[str, Any]) -> None:
    # issue-9 target: 0.9 or more.
    assert metrics["exposure_recall"] >= REACHED[metrics["seed"]][1], metrics["missed_exposures"]


def test_evaluator_sees_the_corpus(tmp_path: Path) -> None:
    """The evaluator is not trivially satisfied: an empty report scores zero recall."""
    truth = generate(tmp_path, 200, 1, jobs=1)
    empty = evaluate_aggregate({"entities": [], "exposures": []}, truth)
    assert empty["link_recall"] == 0.0
    assert empty["chain_recall"] == 0.0
