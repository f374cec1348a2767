"""Notes (what a human must check by hand: a weak OCR reading, pages not read) in every report:
a line per note in the text report, a visible box in the HTML report, warnings in SARIF, and a
"review" verdict instead of "publish" for an otherwise clean file."""

from __future__ import annotations

import json
from typing import Any

from mosaicguard.model import FileResult, Finding, Layer, Location, ScanReport, Severity
from mosaicguard.report.base import get_reporter
from mosaicguard.report.summary import file_verdict, note_text

from .test_sarif import _validate

OCR_NOTE = "page 2: OCR confidence 0.61 is low; text may be missed, check this page by hand"
OTHER_NOTE = "legacy .xls: numbers were not checked <b>by hand</b>"
OCR_NOTE_ZH = "第 2 页：OCR 识别置信度 0.61 偏低，可能漏读文字，请人工核对"


def _report() -> ScanReport:
    phone = Finding("phone", Severity.MEDIUM, 0.9, "13957112345", Layer.OCR, "contact.cn_mobile", "mobile number",
                    Location(page=1, start=5, end=16, part="ocr", bbox=(1.0, 2.0, 3.0, 4.0)), id="abc123")
    return ScanReport(
        files=(
            FileResult("scans/weak.png", "a" * 64, "ok", media_type="image/png", notes=(OCR_NOTE,)),
            FileResult("scans/phone.tif", "b" * 64, "ok", findings=(phone,), media_type="image/tiff",
                       notes=(f"att.png: {OCR_NOTE}", OTHER_NOTE)),
            FileResult("clean.txt", "c" * 64, "ok", media_type="text/plain"),
        ),
        version="test",
    )


def test_notes_make_a_clean_file_a_review() -> None:
    weak, _, clean = _report().files
    assert file_verdict(weak, Severity.HIGH) == "review"
    assert file_verdict(clean, Severity.HIGH) == "publish"


def test_ocr_note_in_chinese_and_others_as_written() -> None:
    assert note_text(OCR_NOTE, "zh") == OCR_NOTE_ZH
    assert note_text(f"att.png: {OCR_NOTE}", "zh").startswith("att.png: 第 2 页：")
    assert note_text(OCR_NOTE, "en") == OCR_NOTE
    assert note_text(OTHER_NOTE, "zh") == OTHER_NOTE


def test_text_report_lists_each_note_under_its_file() -> None:
    lines = get_reporter("text").render(_report(), redact=True).splitlines()
    weak = lines.index(next(ln for ln in lines if ln.startswith("? scans/weak.png")))
    assert lines[weak + 1] == f"    ! 需人工核对 / check by hand: {OCR_NOTE_ZH}"
    phone = lines.index(next(ln for ln in lines if "scans/phone.tif" in ln))
    assert lines[phone + 1].endswith(f"att.png: {OCR_NOTE_ZH}")
    assert lines[phone + 2].endswith(OTHER_NOTE)
    assert not any("clean.txt" in ln for ln in lines)  # clean files stay quiet
    assert "3 note(s) to check by hand" in lines[-2]
    english = get_reporter("text", lang="en").render(_report(), redact=True)
    assert f"check by hand: {OCR_NOTE}" in english


def test_html_report_has_a_check_by_hand_box_per_file() -> None:
    html = get_reporter("html").render(_report(), redact=True)
    assert html.count('<div class="notes">') == 2
    assert "需人工核对" in html and "Check by hand" in html
    assert "第 2 页：OCR 识别置信度 0.61 偏低" in html and OCR_NOTE in html
    assert "<b>by hand</b>" not in html and "&lt;b&gt;by hand&lt;/b&gt;" in html  # escaped
    assert "3 <span class=\"zh\">处需人工核对</span>" in html
    weak_section = html[html.index('id="file-0"'):html.index('id="file-1"')]
    assert '<div class="notes">' in weak_section and "v-review" in weak_section


def test_sarif_notes_are_warning_notifications() -> None:
    doc: dict[str, Any] = json.loads(get_reporter("sarif").render(_report(), redact=False))
    _validate(doc)
    run = doc["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["warning"] * 3
    first = notes[0]
    assert first["descriptor"]["id"] == "file.check_by_hand" and OCR_NOTE in first["message"]["text"]
    location = first["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "scans/weak.png", "index": 0}
    assert notes[2]["locations"][0]["physicalLocation"]["artifactLocation"]["index"] == 1
    assert run["invocations"][0]["executionSuccessful"] is True
    assert len(run["results"]) == 1
