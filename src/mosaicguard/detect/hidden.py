"""Hidden data in files: turn the extractors' structural observations (`Document.hidden`) into
findings. The text *inside* hidden layers is scanned by the engine like any other segment; this
detector reports that the hidden part exists at all, because a reader of the published file will
not see it and an analyst with the right tool will."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace

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
                finding = replace(finding, severity=Severity.parse(override))
            yield finding


# --- severity by content ------------------------------------------------------------------------
# A hidden part is judged by what it holds. Content detectors scan its text like any other
# segment; `settle` then raises the hidden item to the severity of what they found in it (at least
# medium), and drops a comment or property that says nothing: one that only repeats the visible
# text (a title equal to the heading) or is template markup (`<!-- end header -->`).

# Hidden kinds whose items are judged by their text. Others (GPS, revisions, hidden sheets,
# redaction failures...) matter by what they are, whatever they say.
JUDGED_BY_TEXT = frozenset({"metadata", "comment"})
VISIBLE_LAYERS = frozenset({Layer.BODY, Layer.HEADER, Layer.FOOTER, Layer.TABLE, Layer.OCR})
MIN_REPEAT_CHARS = 6  # shorter values ("张三", "3") are not "already visible" just because they occur
# Media subtypes whose comments are markup comments (an OOXML type names "openxmlformats": not these).
MARKUP_MEDIA = frozenset({"html", "xhtml+xml", "svg+xml", "css", "xml"})
MAX_LABEL_CHARS = 8  # commented-out markup whose text is this short is a UI label
MAX_LABEL_WORDS = 3  # a comment of at most this many Latin words and no sentence is a template label
_TAG = re.compile(r"<[^<>]*>|\{\{.*?\}\}|\{%.*?%\}|\$\{[^}]*\}|&#?\w+;", re.S)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# A CSS declaration or an HTML attribute: ASCII name, `:` or `=`, a value (quoted or bare).
# A bare value of several words must end with `;` (`margin: 0 auto;`): "TODO: remove the key" is prose.
_DECLARATION = re.compile(
    r"""(?a:[A-Za-z][\w-]*)\s*[:=]\s*(?:"[^"]*"?|'[^']*'?|[^;\s"']+(?:\s+[^;\s"']+)*\s*;|[^;\s"']+)\s*;?""")
_WORD = re.compile(r"[^\W_]+(?:[-_./:#][^\W_]+)*")


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def is_markup(text: str) -> bool:
    """True for a comment that is template structure rather than words for a reader: empty once
    tags and template placeholders are removed, commented-out markup around a short label, a
    short label of Latin identifiers with no sentence in it (`contentTable`, `vF_detail_main`,
    `end header`), or nothing but style declarations and attributes. Other CJK text or a longer
    run of words is something someone wrote, and is kept; so is anything a content detector
    finds something in (`settle` looks at that first)."""
    residue = _TAG.sub(" ", text)
    if residue != text and len(_fold(residue)) <= MAX_LABEL_CHARS and not re.search(r"\d", residue):
        return True  # commented-out markup around a short label ("分享", "更多")
    if _CJK.search(residue):
        return False
    if _DECLARATION.search(residue) and not _WORD.findall(_DECLARATION.sub(" ", residue)):
        return True  # nothing but style declarations or attributes (`style="border-top:solid"`)
    words = _WORD.findall(residue)
    if not words:
        return True
    return len(words) <= MAX_LABEL_WORDS and not re.search(r"[.!?;:,]\s+\w", residue)


def visible_text(doc: Document) -> tuple[frozenset[str], str]:
    """The document's visible text, folded: each segment alone, and all of it joined."""
    pieces = [_fold(s.text) for s in doc.segments if s.layer in VISIBLE_LAYERS]
    return frozenset(p for p in pieces if p), "\n".join(pieces)


def repeats_visible(value: str, visible: tuple[frozenset[str], str]) -> bool:
    """True when a hidden value is only a copy of visible text: equal to a visible line, or a
    longer passage found in it (a title that repeats the heading)."""
    folded = _fold(value)
    if not folded:
        return False
    segments, joined = visible
    return folded in segments or (len(folded) >= MIN_REPEAT_CHARS and folded in joined)


def _inside(finding: Finding, hidden: Finding) -> bool:
    """Whether a content finding lies in the text of a hidden item (same part, within its span;
    for items without offsets, the matched text appears in the item's value)."""
    f, h = finding.location, hidden.location
    if (f.part or "") != (h.part or "") or (h.page is not None and f.page != h.page):
        return False
    if h.start is not None and h.end is not None and f.start is not None and f.end is not None:
        return h.start <= f.start and f.end <= h.end
    return bool(finding.match) and finding.match in hidden.match


def settle(findings: Sequence[Finding], doc: Document, min_confidence: float = 0.0) -> list[Finding]:
    """Hidden-data findings judged by content (see the section comment above): raised to what the
    content detectors found inside them, or dropped when they only repeat visible text or are
    template markup and nothing was found in them. Other findings pass unchanged."""
    # Most documents carry no hidden-data finding judged by its text: nothing to settle, and
    # indexing thousands of content findings for nothing cost ~2 % of the content stage.
    if not any(f.category in JUDGED_BY_TEXT and f.rule.startswith("hidden.") for f in findings):
        return list(findings)
    content: dict[str, list[Finding]] = {}  # by part: a long document has thousands of findings
    for f in findings:
        if f.category not in HIDDEN_CATEGORIES and f.category != "fingerprint" and f.confidence >= min_confidence:
            content.setdefault(f.location.part or "", []).append(f)
    visible: tuple[frozenset[str], str] | None = None
    # Template comments are a thing of markup; a comment a person left in a Word file is never
    # "just markup", however short.
    markup_source = doc.media_type.split(";")[0].strip().lower().rsplit("/", 1)[-1] in MARKUP_MEDIA
    out: list[Finding] = []
    for finding in findings:
        if not finding.rule.startswith("hidden.") or finding.category not in JUDGED_BY_TEXT:
            out.append(finding)
            continue
        inside = [f for f in content.get(finding.location.part or "", ()) if _inside(f, finding)]
        if inside:
            worst = max((f.severity for f in inside), key=lambda sev: sev.rank)
            severity = max((finding.severity, worst, Severity.MEDIUM), key=lambda sev: sev.rank)
            kinds = ", ".join(sorted({f.category for f in inside}))
            out.append(replace(finding, severity=severity, message=f"{finding.message} (it holds: {kinds})"))
            continue
        if finding.category == "comment" and markup_source and is_markup(finding.match):
            continue
        if visible is None:
            visible = visible_text(doc)
        if repeats_visible(finding.match, visible):
            continue
        out.append(finding)
    return out
