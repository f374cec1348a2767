"""Terminal text (masked, verdicts) and the JSON contract of CONTRACTS.md."""

from __future__ import annotations

import json

from mosaicguard.model import ALL_CATEGORIES, Severity, mask
from mosaicguard.report.base import get_reporter

FILE_KEYS = {"path", "sha256", "status", "error", "findings"}
FINDING_KEYS = {"id", "category", "severity", "confidence", "match", "layer", "rule", "message", "location"}
LAYERS = {"body", "header", "footer", "table", "metadata", "revision", "comment", "hidden_text", "hidden_sheet",
          "notes", "under_redaction", "history", "embedded", "ocr"}


def test_json_follows_the_contract(scanned) -> None:
    data = json.loads(get_reporter("json").render(scanned.report, redact=False))
    assert data["tool"] == "mosaicguard" and data["report_version"] == 1 and data["version"]
    statuses = {}
    for fr in data["files"]:
        assert set(fr) >= FILE_KEYS
        statuses[fr["path"].rsplit("/", 1)[-1]] = fr["status"]
        assert (fr["error"] is None) == (fr["status"] == "ok")
        for f in fr["findings"]:
            assert set(f) >= FINDING_KEYS
            assert f["category"] in ALL_CATEGORIES
            assert f["severity"] in {"low", "medium", "high", "critical"}
            assert f["layer"] in LAYERS
            assert 0.0 <= f["confidence"] <= 1.0
            assert isinstance(f["location"], dict)
    assert statuses["drawing.dwgx"] == "unsupported"
    assert statuses["broken.pdf"] == "error"
    assert statuses["clean.txt"] == "ok"
    text = json.dumps(data, ensure_ascii=False)
    assert scanned.person_id in text  # machine-facing: raw unless --redact
    # Additive fields: verdicts and a summary for CI.
    assert data["fail_on"] == "high"
    assert data["summary"]["not_checked"] == 2 and data["summary"]["verdict"] == "change"
    assert data["summary"]["files"] == len(data["files"])
    assert {f["verdict"] for f in data["files"]} == {"publish", "review", "change", "unchecked"}


def test_json_redact_masks_matches(scanned) -> None:
    text = get_reporter("json").render(scanned.report, redact=True)
    data = json.loads(text)
    assert scanned.person_id not in text and mask(scanned.person_id) in text
    assert data["redacted"] is True


def test_text_report_is_masked_with_verdicts(scanned) -> None:
    out = get_reporter("text", fail_on=Severity.HIGH).render(scanned.report, redact=False)
    assert scanned.person_id not in out and scanned.mobile not in out
    assert mask(scanned.person_id) in out
    assert "身份证号 / PRC resident ID" in out
    assert "需修改 / must change" in out
    lines = out.splitlines()
    unchecked = [line for line in lines if "drawing.dwgx" in line or "broken.pdf" in line]
    assert len(unchecked) == 2 and all("未检查 / not checked" in line for line in unchecked)
    assert lines[-1].startswith("结论 / Verdict: 需修改 / must change")


def test_text_verdict_follows_the_gate(scanned) -> None:
    out = get_reporter("text", fail_on=Severity.CRITICAL).render(scanned.report, redact=False)
    # Nothing critical: files with findings are "review", the batch is "not checked" (unread files).
    assert "建议复核 / review suggested" in out
    assert out.splitlines()[-1].startswith("结论 / Verdict: 未检查 / not checked")


def test_context_masks_values_cut_by_the_window_and_archives_take_members_verdicts() -> None:
    from mosaicguard.model import FileResult, Finding, Layer, Location, ScanReport

    id_value = "330106198503121235"
    term = Finding("protected_term", Severity.HIGH, 0.9, "7301工程", Layer.BODY, "protected_term.lexicon", "m",
                   Location(start=40, end=46), context_before=id_value[-9:] + "，工期与", context_after="同步")
    idf = Finding("cn_id", Severity.HIGH, 0.9, id_value, Layer.BODY, "cn_id.checksum", "m",
                  Location(start=10, end=28), context_after="，工期与7301")
    member = FileResult("pkg.zip!a.txt", "1", "ok", None, (idf.with_id("a"), term.with_id("a")))
    report = ScanReport((FileResult("pkg.zip", "0", "ok"), member), "0")
    out = get_reporter("text").render(report, redact=False)
    assert id_value[-9:] not in out  # the ID's tail at the start of the window is masked too
    from mosaicguard.report.summary import summarise

    verdicts = {s.result.path: s.verdict for s in summarise(report, Severity.HIGH)}
    assert verdicts == {"pkg.zip": "change", "pkg.zip!a.txt": "change"}  # the zip inherits its member's
