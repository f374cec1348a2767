"""SARIF 2.1.0: valid against the official schema (committed next to this test), finding ids as
partial fingerprints, unread files as notifications, matches raw unless --redact."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mosaicguard.model import FileResult, Finding, Layer, Location, ScanReport, Severity
from mosaicguard.report.base import get_reporter
from mosaicguard.report.sarif import FINGERPRINT_KEY, artifact_uri

SCHEMA = json.loads((Path(__file__).with_name("sarif-schema-2.1.0.json")).read_text(encoding="utf-8"))


def _validate(doc: dict[str, Any]) -> None:
    # No check_schema(): the official schema's `^(?i)...` language pattern is not a valid Python
    # regex (global flag after `^`); it only matters for a `language` property we never emit.
    cls = jsonschema.validators.validator_for(SCHEMA)
    validator = cls(SCHEMA, format_checker=cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def _render(report: ScanReport, redact: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(get_reporter("sarif").render(report, redact=redact))
    return out


@pytest.mark.parametrize("redact", [False, True])
def test_valid_against_official_schema(scanned, redact: bool) -> None:
    _validate(_render(scanned.report, redact))


def test_schema_is_the_official_one() -> None:
    assert SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert len(SCHEMA["definitions"]) == 52


def test_schema_rejects_a_broken_log() -> None:
    # The validator must actually bite: a result without a message is not SARIF.
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "a"}]}]}
    with pytest.raises(AssertionError):
        _validate(broken)


def test_results_carry_ids_categories_and_raw_matches(scanned) -> None:
    sarif = _render(scanned.report)
    run = sarif["runs"][0]
    results = run["results"]
    findings = [f for fr in scanned.report.files for f in fr.findings]
    assert len(results) == len(findings) > 0
    by_id = {r["partialFingerprints"][FINGERPRINT_KEY]: r for r in results}
    assert set(by_id) == {f.id for f in findings}
    id_result = next(r for r in results if r["properties"]["category"] == "cn_id")
    assert scanned.person_id in id_result["message"]["text"]
    assert id_result["level"] == "error"
    assert id_result["properties"]["layer"] == "body"
    assert 0.0 <= id_result["properties"]["confidence"] <= 1.0
    region = id_result["locations"][0]["physicalLocation"]["region"]
    text = (scanned.docs / "notice.txt").read_text(encoding="utf-8")
    assert text[region["charOffset"] : region["charOffset"] + region["charLength"]] == scanned.person_id
    assert run["columnKind"] == "unicodeCodePoints"


def test_rules_are_unique_with_both_languages_and_levels(scanned) -> None:
    driver = _render(scanned.report)["runs"][0]["tool"]["driver"]
    ids = [r["id"] for r in driver["rules"]]
    assert len(ids) == len(set(ids))
    rule = next(r for r in driver["rules"] if r["id"].startswith("cn_id"))
    assert "身份证号" in rule["shortDescription"]["text"]
    assert "resident ID" in rule["shortDescription"]["text"]
    assert rule["help"]["text"]
    assert rule["defaultConfiguration"]["level"] == "error"
    results = _render(scanned.report)["runs"][0]["results"]
    for res in results:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]


def test_redact_masks_every_match(scanned) -> None:
    text = get_reporter("sarif").render(scanned.report, redact=True)
    assert scanned.person_id not in text
    assert scanned.mobile not in text
    assert json.loads(text)["runs"][0]["properties"]["redacted"] is True


def test_unread_files_are_notifications(scanned) -> None:
    run = _render(scanned.report)["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    texts = " ".join(n["message"]["text"] for n in notes)
    assert "drawing.dwgx" in texts and "broken.pdf" in texts
    levels = {n["properties"]["path"].rsplit("/", 1)[-1]: n["level"] for n in notes}
    assert levels["drawing.dwgx"] == "warning"  # unsupported
    assert levels["broken.pdf"] == "error"
    # Every file, read or not, is an artifact (a dashboard shows what was scanned).
    assert len(run["artifacts"]) == len(scanned.report.files)


def test_uris_keep_members_and_encode_the_rest() -> None:
    assert artifact_uri("bundle.zip!inner/notice.docx") == "bundle.zip!inner/notice.docx"
    uri = artifact_uri("公告 目录/a#b.txt")
    assert " " not in uri and "#" not in uri and "%E5%85%AC" in uri


def test_pdf_findings_get_a_page_logical_location() -> None:
    f = Finding("marking", Severity.CRITICAL, 0.9, "机密★5年", Layer.UNDER_REDACTION, "marking.level", "m",
                Location(page=3, start=5, end=11, bbox=(1.0, 2.0, 3.0, 4.0))).with_id("a.pdf")
    report = ScanReport((FileResult("a.pdf", "00", "ok", None, (f,), "application/pdf"),), "0")
    sarif = _render(report)
    _validate(sarif)
    loc = sarif["runs"][0]["results"][0]["locations"][0]
    assert {"name": "page 3", "kind": "page"} in loc["logicalLocations"]
    assert loc["properties"]["page"] == 3
    assert sarif["runs"][0]["results"][0]["properties"]["layer"] == "under_redaction"
