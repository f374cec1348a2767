"""The exposure graph: the draft, the public documents, the subject, the forbidden combination
and the minimal fix, as SVG that parses, escapes what documents say, and masks by default."""

from __future__ import annotations

import contextlib
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from mosaicguard.cli import main
from mosaicguard.desk.graph import draft_paths, exposure_svg, exposure_views

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def check_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("check") / "check.json"
    with contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", str(SAMPLES / "drafts"), "--corpus", str(SAMPLES / "corpus"),
                     "--policy", str(SAMPLES / "policy.yaml"), "--format", "json", "-o", str(out)])
    assert code == 1  # the demo draft creates a new exposure
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def _classes(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [el.get("class", "") for el in root.iter() if el.get("class")]


def test_graph_shows_draft_public_documents_subject_combination_and_fix(check_report: dict[str, Any]) -> None:
    drafts = draft_paths(check_report)
    assert len(drafts) == 1 and next(iter(drafts)).endswith("draft-progress-note.txt")
    exposure = next(e for e in check_report["exposures"] if e["new"])
    svg = exposure_svg(exposure, drafts, "zh", display=dict.fromkeys(drafts, "进度说明.txt"))
    classes = _classes(svg)
    assert classes.count("node-draft") == 1
    assert classes.count("node-public") == len(exposure["documents"]) - 1
    assert "node-entity" in classes and "node-fix" in classes
    assert classes.count("node-attr") == len(exposure["rule"].split("+"))
    assert "进度说明.txt" in svg  # the draft under the name the user gave it
    fix_value = exposure["minimal_fix"][0]["value"]
    assert fix_value not in svg  # masked by default
    assert fix_value in exposure_svg(exposure, drafts, "zh", reveal=True)
    assert "Minimal fix" in exposure_svg(exposure, drafts, "en")


def test_views_for_templates(check_report: dict[str, Any]) -> None:
    drafts = draft_paths(check_report)
    views = exposure_views(check_report, drafts, "en")
    assert len(views) == len(check_report["exposures"])
    new = next(v for v in views if v["new"])
    assert new["minimal_fix"] and all("*" in fx["value"] for fx in new["minimal_fix"])
    assert all(d not in drafts for d in new["public_documents"])
    raw = next(e for e in check_report["exposures"] if e["new"])
    assert len(new["linked_entities"]) == len(raw["linked_entities"]) >= 1
    assert all(x not in new["linked_entities"] for x in raw["linked_entities"])  # masked
    assert exposure_views(None, drafts, "en") == []


def test_document_text_is_escaped() -> None:
    hostile = {
        "entity": {"id": "x", "names": ["<script>alert(1)</script>"]}, "rule": "location+purpose",
        "severity": "high", "new": True, "documents": ["a&b.txt", "<img src=x onerror=alert(1)>.html"],
        "attributes": {"location": [{"value": "</svg><script>1</script>", "doc": "a&b.txt"}]},
        "minimal_fix": [{"doc": "a&b.txt", "value": "\"quoted\" <b>"}],
    }
    svg = exposure_svg(hostile, {"a&b.txt"}, "en", reveal=True)
    root = ET.fromstring(svg)  # still one well-formed SVG
    assert not [el for el in root.iter() if el.tag in (f"{SVG}script", f"{SVG}img", "script", "img")]
    assert "<script>" not in svg
