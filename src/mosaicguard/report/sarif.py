"""SARIF 2.1.0 for code-scanning dashboards and CI. Machine-facing: matched values appear as
found unless `--redact`. Finding ids go into `partialFingerprints` so that dashboards track a
finding across runs the way `--baseline` does; files that could not be read become tool
execution notifications, so a dashboard shows what was not checked; so do a file's notes (a weak OCR
reading, pages not read), as warnings. Hidden findings are counted by reason in the run's and
each artifact's properties; with `--show-suppressed` they are results with `suppressions`."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..model import FileResult, Finding, ScanReport, mask
from .base import Reporter
from .labels import category_label, fix_label, layer_label, severity_label
from .summary import note_text

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://example.invalid/mosaicguard"  # no public home yet; never fetched

_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
# GitHub code scanning reads this number to rank security results (CVSS-like, 0-10).
_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.0", "low": "2.0"}
FINGERPRINT_KEY = "mosaicguardFindingId/v1"


def artifact_uri(path: str) -> str:
    """A valid URI reference for a report path: `/` and the `!` of archive members kept, other
    reserved and non-ASCII characters percent-encoded (viewers decode them for display)."""
    return quote(path.replace("\\", "/"), safe="/!-._~")


class SarifReporter(Reporter):
    name = "sarif"

    def render(self, report: ScanReport, redact: bool) -> str:
        return json.dumps(self.build(report, redact), ensure_ascii=False, indent=2) + "\n"

    def build(self, report: ScanReport, redact: bool) -> dict[str, Any]:
        rules: dict[str, dict[str, Any]] = {}
        artifacts: list[dict[str, Any]] = []
        results: list[dict[str, Any]] = []
        notifications: list[dict[str, Any]] = []
        for index, fr in enumerate(report.files):
            artifacts.append(_artifact(fr))
            if fr.status != "ok":
                notifications.append(_notification(fr, index))
                continue
            notifications.extend(_note_notification(fr, index, note) for note in fr.notes)
            for f in fr.findings:
                if f.rule not in rules:
                    rules[f.rule] = _rule(f)
                results.append(_result(f, fr, index, redact))
            if self.show_suppressed:
                # SARIF's own place for hidden results: a result with `suppressions`; viewers
                # hide such results by default and can show them with their justification.
                for item in fr.suppressed_findings:
                    f = item.finding
                    if f.rule not in rules:
                        rules[f.rule] = _rule(f)
                    res = _result(f, fr, index, redact)
                    res["suppressions"] = [{"kind": "external", "status": "accepted",
                                            "justification": f"{item.reason}: {item.detail}"}]
                    res["properties"]["suppressedBy"] = item.reason
                    results.append(res)
        rule_ids = sorted(rules)
        rule_index = {rid: i for i, rid in enumerate(rule_ids)}
        for res in results:
            res["ruleIndex"] = rule_index[res["ruleId"]]
        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": "mosaicguard",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "informationUri": INFORMATION_URI,
                    "rules": [rules[rid] for rid in rule_ids],
                }
            },
            "invocations": [
                {
                    "executionSuccessful": True,
                    "toolExecutionNotifications": notifications,
                }
            ],
            "artifacts": artifacts,
            "results": results,
            # Python string offsets count code points, not UTF-16 units (matters for Chinese).
            "columnKind": "unicodeCodePoints",
            "properties": {
                "policy": report.policy,
                "profile": report.profile,
                "redacted": redact,
                "reportVersion": 1,
                # Findings found but not reported, by reason (CONTRACTS.md), in every report.
                "suppressed": report.suppressed_counts(),
            },
        }
        return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rule(f: Finding) -> dict[str, Any]:
    cat = f.category
    zh, en = category_label(cat, "zh"), category_label(cat, "en")
    fix_zh, fix_en = fix_label(cat, "zh"), fix_label(cat, "en")
    sev = f.severity.value
    return {
        "id": f.rule,
        "name": _pascal(f.rule),
        "shortDescription": {"text": f"{en} / {zh}"},
        "fullDescription": {"text": f.message},
        "help": {
            "text": f"{fix_en}\n{fix_zh}".strip(),
            "markdown": f"**{en} / {zh}** ({f.rule})\n\n{f.message}\n\n- {fix_en}\n- {fix_zh}",
        },
        "defaultConfiguration": {"level": _LEVEL[sev]},
        "properties": {
            "category": cat,
            "labels": {"zh": zh, "en": en},
            "tags": ["confidentiality", cat],
            "security-severity": _SECURITY_SEVERITY[sev],
            "severity": sev,
        },
    }


def _result(f: Finding, fr: FileResult, artifact_index: int, redact: bool) -> dict[str, Any]:
    value = mask(f.match) if redact else f.match
    loc = f.location
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": artifact_uri(fr.path), "index": artifact_index},
    }
    if loc.start is not None and loc.end is not None and loc.end >= loc.start:
        physical["region"] = {"charOffset": loc.start, "charLength": loc.end - loc.start}
    location: dict[str, Any] = {"physicalLocation": physical}
    logical = []
    if loc.page is not None:
        logical.append({"name": f"page {loc.page}", "kind": "page"})
    if loc.part:
        logical.append({"name": loc.part, "kind": "part"})
    if loc.pointer:
        logical.append({"name": loc.pointer, "kind": "element"})
    if logical:
        location["logicalLocations"] = logical
    where = {k: v for k, v in loc.to_dict().items() if k not in ("start", "end")}
    if where:
        location["properties"] = where
    sev = f.severity.value
    return {
        "ruleId": f.rule,
        "level": _LEVEL[sev],
        "message": {
            "text": f"{category_label(f.category, 'en')} ({layer_label(f.layer.value, 'en')}): {value} — {f.message}"
        },
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: f.id},
        "properties": {
            "id": f.id,
            "category": f.category,
            "layer": f.layer.value,
            "confidence": round(f.confidence, 3),
            "severity": sev,
            "severityLabel": {"zh": severity_label(sev, "zh"), "en": sev},
            "match": value,
            "path": fr.path,
        },
    }


def _artifact(fr: FileResult) -> dict[str, Any]:
    art: dict[str, Any] = {
        "location": {"uri": artifact_uri(fr.path)},
        "roles": ["analysisTarget"],
        "properties": {"path": fr.path, "status": fr.status, "suppressed": fr.suppressed_counts},
    }
    if fr.sha256:
        art["hashes"] = {"sha-256": fr.sha256}
    if fr.media_type and "/" in fr.media_type:
        art["mimeType"] = fr.media_type
    return art


def _notification(fr: FileResult, artifact_index: int) -> dict[str, Any]:
    not_read = fr.status == "unsupported"
    return {
        "level": "warning" if not_read else "error",
        "message": {
            "text": f"{fr.path}: not checked ({fr.status}): {fr.error or 'no reason given'}",
        },
        "descriptor": {"id": f"file.{fr.status}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(fr.path),
                                                                 "index": artifact_index}}}],
        "properties": {"path": fr.path, "status": fr.status},
    }


def _note_notification(fr: FileResult, artifact_index: int, note: str) -> dict[str, Any]:
    """A file that was read, but where part of it needs a human (a weak OCR reading, pages not
    read): a warning, so a dashboard does not show the file as simply clean."""
    return {
        "level": "warning",
        "message": {"text": f"{fr.path}: check by hand / 需人工核对: {note}"},
        "descriptor": {"id": "file.check_by_hand"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(fr.path),
                                                                 "index": artifact_index}}}],
        "properties": {"path": fr.path, "status": fr.status, "note": note,
                       "noteLabel": {"zh": note_text(note, "zh"), "en": note}},
    }


def _pascal(rule: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in rule.replace(".", "_").split("_") if w)
