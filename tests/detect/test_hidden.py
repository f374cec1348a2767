"""Hidden-data detector: each HiddenItem category becomes one finding with the right severity,
layer, rule and message."""

from __future__ import annotations

import pytest

from mosaicguard.detect.engine import Engine
from mosaicguard.detect.hidden import HiddenDataDetector, finding_for
from mosaicguard.detect.registry import get_detector
from mosaicguard.model import HIDDEN_CATEGORIES, Document, HiddenItem, Layer, Location, Severity
from mosaicguard.policy.schema import DetectorSettings, Policy


@pytest.mark.parametrize(
    ("category", "severity", "layer"),
    [
        ("metadata", Severity.LOW, Layer.METADATA),
        ("gps", Severity.HIGH, Layer.METADATA),
        ("revision", Severity.MEDIUM, Layer.REVISION),
        ("comment", Severity.MEDIUM, Layer.COMMENT),
        ("hidden_text", Severity.MEDIUM, Layer.HIDDEN_TEXT),
        ("hidden_sheet", Severity.MEDIUM, Layer.HIDDEN_SHEET),
        ("notes", Severity.MEDIUM, Layer.NOTES),
        ("redaction_failure", Severity.CRITICAL, Layer.UNDER_REDACTION),
        ("pdf_history", Severity.HIGH, Layer.HISTORY),
        ("embedded", Severity.MEDIUM, Layer.EMBEDDED),
    ],
)
def test_defaults_per_category(category: str, severity: Severity, layer: Layer) -> None:
    item = HiddenItem(category, f"a {category} item", value="v", location=Location(page=2, part="p"))
    f = finding_for(item)
    assert (f.category, f.severity, f.layer, f.rule) == (category, severity, layer, f"hidden.{category}")
    assert f.confidence == 0.95
    assert f.match == "v"
    assert f.location == Location(page=2, part="p")
    assert f.message.startswith(f"a {category} item: ")
    assert len(f.message) > len(f"a {category} item: ") + 20, "the message explains why it matters"


def test_every_hidden_category_is_covered() -> None:
    for category in HIDDEN_CATEGORIES:
        assert finding_for(HiddenItem(category, "x")).category == category


@pytest.mark.parametrize(
    ("description", "value", "severity"),
    [
        ("document property Author", "张三", Severity.MEDIUM),
        ("document property Company", "某研究所", Severity.MEDIUM),
        ("template", "C:\\Users\\zs\\Normal.dotm", Severity.MEDIUM),
        ("generator", "\\\\fileserver\\share\\x", Severity.MEDIUM),
        ("document property Generator", "LibreOffice 7.5", Severity.LOW),
        ("page count", "3", Severity.LOW),
    ],
)
def test_metadata_severity_depends_on_what_it_names(description: str, value: str, severity: Severity) -> None:
    assert finding_for(HiddenItem("metadata", description, value=value)).severity == severity


def test_item_severity_wins_and_match_falls_back_to_description() -> None:
    f = finding_for(HiddenItem("comment", "comment by reviewer", severity=Severity.CRITICAL))
    assert f.severity == Severity.CRITICAL
    assert f.match == "comment by reviewer"


def test_unknown_category_is_reported_not_dropped() -> None:
    f = finding_for(HiddenItem("strange", "unknown hidden part", value="x"))
    assert f.category == "embedded" and f.severity == Severity.MEDIUM


def test_detector_is_registered_and_runs_in_the_engine() -> None:
    assert isinstance(get_detector("hidden_data"), HiddenDataDetector)
    doc = Document(path="a.docx", media_type="x", sha256="0",
                   hidden=(HiddenItem("hidden_sheet", "hidden sheet 'Costs'"),
                           HiddenItem("gps", "photo location", value="39.9, 116.4")))
    findings = Engine(Policy(), engine="python").scan(doc)
    assert sorted(f.category for f in findings) == ["gps", "hidden_sheet"]


def test_policy_can_switch_off_or_override() -> None:
    doc = Document(path="a", media_type="x", sha256="0", hidden=(HiddenItem("comment", "c", value="v"),))
    off = Policy(detectors={"hidden_data": DetectorSettings(enabled=False)})
    assert Engine(off, engine="python").scan(doc) == []
    loud = Policy(detectors={"hidden_data": DetectorSettings(severity="high")})
    assert [f.severity for f in HiddenDataDetector().detect_document(doc, loud)] == [Severity.HIGH]
