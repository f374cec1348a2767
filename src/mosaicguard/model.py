"""The one data model every stage shares.

Data flows one way: extract -> detect -> aggregate -> decide -> report/sanitise. Extractors fill
`Document`; detectors read it and emit `Finding`; reports and the store read findings. All objects
are frozen dataclasses so that results can be passed between processes (Dask, process pools) and
stored without surprises.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """Ordered severities; compare with `rank`."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self.value]

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        try:
            return cls(value.strip().lower())
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of: {allowed})") from None

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}


class Layer(StrEnum):
    """Where in a file a piece of text lives (CONTRACTS.md). Hidden layers are what readers miss."""

    BODY = "body"
    HEADER = "header"
    FOOTER = "footer"
    TABLE = "table"
    METADATA = "metadata"
    REVISION = "revision"
    COMMENT = "comment"
    HIDDEN_TEXT = "hidden_text"
    HIDDEN_SHEET = "hidden_sheet"
    NOTES = "notes"
    UNDER_REDACTION = "under_redaction"
    HISTORY = "history"
    EMBEDDED = "embedded"
    OCR = "ocr"


CONTENT_CATEGORIES = (
    "marking",
    "cn_id",
    "phone",
    "email",
    "bank_card",
    "bank_account",
    "org_id",
    "passport",
    "coordinates",
    "unit_designator",
    "credential",
    "internal_network",
    "protected_term",
)
HIDDEN_CATEGORIES = (
    "metadata",
    "gps",
    "revision",
    "comment",
    "hidden_text",
    "hidden_sheet",
    "notes",
    "redaction_failure",
    "pdf_history",
    "embedded",
)
FINGERPRINT_CATEGORIES = ("fingerprint",)
ALL_CATEGORIES = CONTENT_CATEGORIES + HIDDEN_CATEGORIES + FINGERPRINT_CATEGORIES

BBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a file. Offsets are character offsets into the text of `part` (or of the
    segment stream of the page), so a reviewer and a sanitiser can find the exact span."""

    page: int | None = None
    start: int | None = None
    end: int | None = None
    part: str | None = None
    bbox: BBox | None = None
    # Free-form pointer for formats with other coordinates: "Sheet1!B7", "slide 3", "line 12".
    pointer: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in ("page", "start", "end", "part", "pointer"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.bbox is not None:
            out["bbox"] = [round(v, 2) for v in self.bbox]
        return out


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text from one layer of a document.

    `location.start` is the offset of `text[0]` in the part's text stream; a match at
    `text[i:j]` is at `location.start + i .. location.start + j`.
    """

    text: str
    layer: Layer = Layer.BODY
    location: Location = Location()
    # Optional per-field label for structured formats (e.g. a social post's "author" field).
    field: str | None = None


@dataclass(frozen=True, slots=True)
class MetadataField:
    """One metadata value, named as its format names it ("dc:creator", "Author", "EXIF:Model")."""

    key: str
    value: str
    part: str | None = None


@dataclass(frozen=True, slots=True)
class HiddenItem:
    """A structural observation an extractor makes about hidden data that is not (only) text:
    a hidden sheet, an incremental PDF revision, an attachment, a GPS tag. The hidden-data
    detector turns these into findings; the sanitiser uses `category` and `location` to remove them.
    """

    category: str  # one of HIDDEN_CATEGORIES
    description: str  # human-readable, e.g. "hidden sheet 'Costs'"
    value: str = ""  # the revealing value, if any (masked in human reports)
    location: Location = Location()
    severity: Severity | None = None  # None: the detector's default for the category


@dataclass(frozen=True, slots=True)
class Document:
    """Everything one extractor learned from one file."""

    path: str
    media_type: str
    sha256: str
    segments: tuple[Segment, ...] = ()
    metadata: tuple[MetadataField, ...] = ()
    hidden: tuple[HiddenItem, ...] = ()
    # Files inside this one that are scanned as parts of it (images in a docx, pdf attachments).
    embedded: tuple[Document, ...] = ()
    # Files inside a container that are reported as files of their own (zip members).
    members: tuple[Document, ...] = ()
    # A member that could not be read or is of an unsupported kind.
    status: str = "ok"  # ok | error | unsupported
    error: str | None = None
    page_count: int | None = None
    # Things a human must look at that are not findings (e.g. "page 3: OCR confidence 0.61,
    # below 0.80; check by hand"), so that a weak reading is flagged rather than silently passed.
    notes: tuple[str, ...] = ()

    def text(self, layers: frozenset[Layer] | None = None) -> str:
        """All segment text joined by newlines (optionally only some layers)."""
        return "\n".join(s.text for s in self.segments if layers is None or s.layer in layers)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one file. The same model is used by every detector and every report."""

    category: str
    severity: Severity
    confidence: float
    match: str
    layer: Layer
    rule: str
    message: str
    location: Location = Location()
    # Text around the match for human reports (never stored in fingerprints or the registry).
    context_before: str = ""
    context_after: str = ""
    extra: tuple[tuple[str, str], ...] = ()
    id: str = ""

    def with_id(self, path: str) -> Finding:
        """Give the finding a stable id: what it is and where, not line numbers, so it survives
        unrelated edits above it (baselines depend on this)."""
        digest = hashlib.sha256(
            "\x1f".join(
                [
                    path,
                    self.category,
                    self.rule,
                    self.layer.value,
                    self.location.part or "",
                    normalise_for_id(self.match),
                    self.context_before[-12:],
                ]
            ).encode("utf-8")
        ).hexdigest()[:20]
        return _replace(self, id=digest)

    def to_dict(self, redact: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "category": self.category,
            "severity": self.severity.value,
            "confidence": round(self.confidence, 3),
            "match": mask(self.match) if redact else self.match,
            "layer": self.layer.value,
            "rule": self.rule,
            "message": self.message,
            "location": self.location.to_dict(),
        }
        if self.extra:
            out["extra"] = {k: self._extra_value(k, v, redact) for k, v in self.extra}
        return out

    def _extra_value(self, key: str, value: str, redact: bool) -> str:
        """An `extra` value as reported: with `redact`, values that name what was found (the
        lexicon's `term`, a registered title) or repeat the match are masked like the match."""
        if not redact or not value:
            return value
        if key in _REVEALING_EXTRAS:
            return mask(value)
        match = normalise_for_id(self.match)
        if len(match) >= 3 and match in normalise_for_id(value):
            return mask(value)
        return value


#: `Finding.extra` keys whose values are sensitive text: masked with `--redact` like the match.
_REVEALING_EXTRAS = frozenset({"term", "registered_title", "value", "text", "alias", "name"})

#: Why a finding was found but not reported (CONTRACTS.md: every report counts them by reason).
SUPPRESSION_REASONS = ("confidence", "allowlist", "baseline")


@dataclass(frozen=True, slots=True)
class SuppressedFinding:
    """A finding that was found but not reported, with why: `confidence` (below the policy's or
    the detector's `min_confidence`), `allowlist` or `baseline`. Kept, never dropped, so every
    report can count them and `--show-suppressed` can list them."""

    finding: Finding
    reason: str  # one of SUPPRESSION_REASONS
    detail: str = ""  # e.g. "confidence 0.40 < min_confidence 0.50", "allowlist value"

    def to_dict(self, redact: bool = False) -> dict[str, Any]:
        out = self.finding.to_dict(redact=redact)
        out["suppressed_by"] = self.reason
        out["suppressed_detail"] = self.detail
        return out


def suppression_counts(items: Iterable[SuppressedFinding]) -> dict[str, int]:
    """{"confidence": N, "allowlist": N, "baseline": N} over SuppressedFinding items (every
    reason present, zeros included, so consumers need not guess a missing key)."""
    counts = dict.fromkeys(SUPPRESSION_REASONS, 0)
    for item in items:
        counts[item.reason] = counts.get(item.reason, 0) + 1
    return counts


@dataclass(frozen=True, slots=True)
class FileResult:
    """The report's entry for one file (or archive member)."""

    path: str
    sha256: str
    status: str  # ok | error | unsupported
    error: str | None = None
    findings: tuple[Finding, ...] = ()
    media_type: str = ""
    # Findings hidden by confidence, allowlist or baseline: counted in every report, listed with
    # --show-suppressed. Nothing found disappears unseen.
    suppressed_findings: tuple[SuppressedFinding, ...] = ()
    # Document.notes of the file and its embedded parts: what a human must check by hand.
    notes: tuple[str, ...] = ()

    @property
    def suppressed(self) -> int:
        """How many findings were hidden (all reasons)."""
        return len(self.suppressed_findings)

    @property
    def suppressed_counts(self) -> dict[str, int]:
        return suppression_counts(self.suppressed_findings)

    def to_dict(self, redact: bool = False, show_suppressed: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "sha256": self.sha256,
            "status": self.status,
            "error": self.error,
            "media_type": self.media_type,
            "suppressed": self.suppressed_counts,
            "findings": [f.to_dict(redact=redact) for f in self.findings],
        }
        if show_suppressed:
            out["suppressed_findings"] = [s.to_dict(redact=redact) for s in self.suppressed_findings]
        if self.notes:  # only when there are some: existing report consumers see no change
            out["notes"] = list(self.notes)
        return out


@dataclass(frozen=True, slots=True)
class ScanReport:
    files: tuple[FileResult, ...]
    version: str
    policy: str | None = None
    profile: str | None = None

    def findings(self) -> list[tuple[FileResult, Finding]]:
        return [(fr, f) for fr in self.files for f in fr.findings]

    def max_severity(self) -> Severity | None:
        best: Severity | None = None
        for _, f in self.findings():
            if best is None or f.severity.rank > best.rank:
                best = f.severity
        return best

    def suppressed_counts(self) -> dict[str, int]:
        """Hidden findings of every file, by reason."""
        return suppression_counts(s for fr in self.files for s in fr.suppressed_findings)

    def to_dict(self, redact: bool = False, show_suppressed: bool = False) -> dict[str, Any]:
        return {
            "tool": "mosaicguard",
            "version": self.version,
            "report_version": 1,
            "policy": self.policy,
            "profile": self.profile,
            "redacted": redact,
            "suppressed": self.suppressed_counts(),
            "files": [fr.to_dict(redact=redact, show_suppressed=show_suppressed) for fr in self.files],
        }


def _replace(obj: Finding, **changes: Any) -> Finding:
    from dataclasses import replace

    return replace(obj, **changes)


def normalise_for_id(text: str) -> str:
    """Fold what a re-typed or re-exported file changes (width, case, spacing)."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def mask(text: str) -> str:
    """Mask a matched value for human eyes: keep a little of each end so a reviewer can tell
    which value it was, never enough to reconstruct it."""
    chars = list(text)
    n = len(chars)
    if n <= 2:
        return "*" * n
    if n <= 6:
        return chars[0] + "*" * (n - 1)
    keep = 2 if n < 12 else 3
    return "".join(chars[:keep]) + "*" * (n - 2 * keep) + "".join(chars[-keep:])


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
