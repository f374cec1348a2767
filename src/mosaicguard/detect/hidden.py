"""Hidden data in files: turn the extractors' structural observations (`Document.hidden`) into
findings. The text *inside* hidden layers is scanned by the engine like any other segment; this
detector reports that the hidden part exists at all, because a reader of the published file will
not see it and an analyst with the right tool will."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import HIDDEN_CATEGORIES, Document, Finding, HiddenItem, Layer, Severity
from ..policy.schema import Policy
from .base import Detector

# Default severity per category when the extractor did not set one.
DEFAULT_SEVERITY: dict[str, Severity] = {
    "metadata": Severity.LOW,
    "gps": Severity.HIGH,
    "revision": Severity.MEDIUM,
    "comment": Severity.MEDIUM,
    "hidden_text": Severity.MEDIUM,
    "hidden_sheet": Severity.MEDIUM,
    "notes": Severity.MEDIUM,
    "redaction_failure": Severity.CRITICAL,
    "pdf_history": Severity.HIGH,
    "embedded": Severity.MEDIUM,
}

LAYER_FOR: dict[str, Layer] = {
    "metadata": Layer.METADATA,
    "gps": Layer.METADATA,
    "revision": Layer.REVISION,
    "comment": Layer.COMMENT,
    "hidden_text": Layer.HIDDEN_TEXT,
    "hidden_sheet": Layer.HIDDEN_SHEET,
    "notes": Layer.NOTES,
    "redaction_failure": Layer.UNDER_REDACTION,
    "pdf_history": Layer.HISTORY,
    "embedded": Layer.EMBEDDED,
}

# Why each kind of hidden data matters, in one sentence a reviewer can act on.
WHY: dict[str, str] = {
    "metadata": "file properties travel with the published file and can name people, machines, "
    "software or internal paths",
    "gps": "the file carries GPS coordinates of where it was made: a precise location anyone can read",
    "revision": "tracked changes keep deleted and earlier text inside the file; readers can restore it",
    "comment": "comments are not part of the published text but anyone opening the file can read them",
    "hidden_text": "hidden text is invisible on screen and in print but is still in the file and its text layer",
    "hidden_sheet": "hidden sheets, rows or columns are still in the workbook; unhiding them takes one click",
    "notes": "speaker notes are published with the slides and often hold internal detail",
    "redaction_failure": "text under a drawn box is still in the file; copying or extracting it reveals it",
    "pdf_history": "an earlier revision of the PDF is kept by incremental saving and can be recovered",
    "embedded": "an embedded file or object is published along with the document and may hold more",
}

# Metadata keys whose values usually identify a person, organisation, machine or path.
_REVEALING_KEYS = ("author", "creator", "lastmodifiedby", "last_modified_by", "company", "manager", "artist",
                   "owner", "serial", "template", "hostcomputer", "path", "user")


def default_severity(item: HiddenItem) -> Severity:
    """The item's own severity, else the category default (metadata naming a person, company or
    path is medium rather than low)."""
    if item.severity is not None:
        return item.severity
    base = DEFAULT_SEVERITY.get(item.category, Severity.MEDIUM)
    if item.category == "metadata":
        probe = f"{item.description} {item.location.pointer or ''}"
        folded = probe.lower().replace(" ", "").replace("-", "")
        if any(key in folded for key in _REVEALING_KEYS) or _looks_like_path(item.value):
            return Severity.MEDIUM
    return base


def _looks_like_path(value: str) -> bool:
    v = value.strip()
    return (len(v) > 2 and v[1:3] == ":\\") or v.startswith(("\\\\", "/home/", "/Users/", "file:"))


def finding_for(item: HiddenItem) -> Finding:
    """One finding for one hidden item (pure; used by the detector and by tests)."""
    category = item.category if item.category in HIDDEN_CATEGORIES else "embedded"
    why = WHY.get(category, "hidden data travels with the published file")
    return Finding(
        category=category,
        severity=default_severity(item),
        confidence=0.95,
        match=item.value or item.description,
        layer=LAYER_FOR.get(category, Layer.METADATA),
        rule=f"hidden.{category}",
        message=f"{item.description}: {why}",
        location=item.location,
    )


class HiddenDataDetector(Detector):
    """Reports every hidden part an extractor found (`Document.hidden`)."""

    name = "hidden_data"
    categories = HIDDEN_CATEGORIES

    def detect_document(self, doc: Document, policy: Policy) -> Iterable[Finding]:
        override = policy.detector_settings(self.name).severity
        for item in doc.hidden:
            finding = finding_for(item)
            if override:
                from dataclasses import replace

                finding = replace(finding, severity=Severity.parse(override))
            yield finding
