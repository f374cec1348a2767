"""What every human-facing report needs from a ScanReport: a verdict per file, counts per
severity, readable locations, and context with every sensitive value masked. Reporters only
format; the judgement lives here so that the text and HTML reports never disagree."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..model import FileResult, Finding, Location, ScanReport, Severity, mask

SEVERITY_ORDER = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class FileSummary:
    """One file's verdict: `publish`, `review` (only findings below the gate), `change` or
    `unchecked` (error / unsupported: the reviewer must look at it by hand)."""

    result: FileResult
    verdict: str
    counts: dict[str, int]

    @property
    def worst(self) -> str | None:
        for sev in SEVERITY_ORDER:
            if self.counts.get(sev):
                return sev
        return None


def file_verdict(result: FileResult, fail_on: Severity) -> str:
    if result.status != "ok":
        return "unchecked"
    if any(f.severity.at_least(fail_on) for f in result.findings):
        return "change"
    # Notes (a weak OCR reading, pages not read) mean a human must look: never "publish" as is.
    return "review" if result.findings or result.notes else "publish"


_VERDICT_RANK = {"publish": 0, "review": 1, "unchecked": 2, "change": 3}


def summarise(report: ScanReport, fail_on: Severity) -> list[FileSummary]:
    """One summary per report entry. An archive's verdict includes its members': a zip whose
    notice leaks must not read "may be published" just because the zip itself has no text."""
    own = {fr.path: file_verdict(fr, fail_on) for fr in report.files}
    out = []
    for fr in report.files:
        verdict = own[fr.path]
        prefix = fr.path + "!"
        for path, member_verdict in own.items():
            if path.startswith(prefix) and _VERDICT_RANK[member_verdict] > _VERDICT_RANK[verdict]:
                verdict = member_verdict
        counts = Counter(f.severity.value for f in fr.findings)
        out.append(FileSummary(fr, verdict, dict(counts)))
    return out


def overall_verdict(summaries: list[FileSummary]) -> str:
    """The batch's verdict: the worst of its files (`unchecked` outranks `publish` but not
    `change`: a file nobody could read is not a reason to call the batch safe)."""
    verdicts = {s.verdict for s in summaries}
    for v in ("change", "unchecked", "review"):
        if v in verdicts:
            return v
    return "publish"


def severity_totals(summaries: list[FileSummary]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for s in summaries:
        total.update(s.counts)
    return {sev: total.get(sev, 0) for sev in SEVERITY_ORDER}


def location_text(loc: Location, lang: str = "zh") -> str:
    """'第 2 页 · word/document.xml · Sheet1!B7 · 字符 120–138' (or the English equivalent)."""
    parts: list[str] = []
    if loc.page is not None:
        parts.append(f"第 {loc.page} 页" if lang == "zh" else f"page {loc.page}")
    if loc.part:
        parts.append(loc.part)
    if loc.pointer:
        parts.append(loc.pointer)
    if loc.start is not None and loc.end is not None:
        parts.append(f"字符 {loc.start}–{loc.end}" if lang == "zh" else f"chars {loc.start}–{loc.end}")
    return " · ".join(parts)


def masked_context(finding: Finding, others: frozenset[str]) -> tuple[str, str, str]:
    """(before, masked match, after) for display. Other sensitive values of the same file that
    appear in the context are masked too: a human report must not leak a phone number just
    because it sits next to an ID number."""
    return (_mask_values(finding.context_before, others), mask(finding.match),
            _mask_values(finding.context_after, others))


def sensitive_values(result: FileResult) -> frozenset[str]:
    """Values to mask wherever they appear in shown context: those of the file's findings and
    of its hidden findings (an allowlisted or low-confidence value is still a value)."""
    hidden = (s.finding for s in result.suppressed_findings)
    return frozenset(f.match for f in (*result.findings, *hidden) if len(f.match) >= 3)


def _mask_values(text: str, values: frozenset[str]) -> str:
    if not text:
        return text
    # Longest first so that a value containing another is masked whole.
    for value in sorted(values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, mask(value))
    # A value cut by the edge of the context window still shows its visible piece. Only short
    # values (identifiers, numbers, names): a whole comment or note matched by the hidden-data
    # detector would otherwise blank out the very context it sits in.
    for value in (v for v in values if len(v) <= _MAX_EDGE_VALUE):
        for k in range(min(len(value) - 1, len(text)), _MIN_PIECE - 1, -1):
            if text.startswith(value[-k:]):
                text = "*" * k + text[k:]
                break
        for k in range(min(len(value) - 1, len(text)), _MIN_PIECE - 1, -1):
            if text.endswith(value[:k]):
                text = text[:-k] + "*" * k
                break
    return text


_MIN_PIECE = 4  # shorter pieces at the window edge are too common to be worth masking
_MAX_EDGE_VALUE = 40


NOTES_LABEL = {"zh": "需人工核对", "en": "check by hand"}

_OCR_NOTE = re.compile(r"^(?P<prefix>.*?)(?:page (?P<page>\d+)|image): OCR confidence (?P<conf>[\d.]+) is low; "
                       r"text may be missed, check this page by hand$")


def note_text(note: str, lang: str = "zh") -> str:
    """A note for display. The OCR low-confidence note (the common one) is given in Chinese too;
    other notes are shown as written."""
    m = _OCR_NOTE.match(note) if lang == "zh" else None
    if m is None:
        return note
    where = f"第 {m['page']} 页" if m["page"] else "图片"
    return f"{m['prefix']}{where}：OCR 识别置信度 {m['conf']} 偏低，可能漏读文字，请人工核对"


SUPPRESSED_LABEL = {"zh": "已忽略", "en": "suppressed"}
REASON_LABELS = {
    "confidence": {"zh": "置信度低于门限", "en": "confidence"},
    "allowlist": {"zh": "白名单", "en": "allowlist"},
    "baseline": {"zh": "基线已接受", "en": "baseline"},
}


def reason_label(reason: str, lang: str = "zh") -> str:
    return REASON_LABELS.get(reason, {}).get(lang, reason)


def suppressed_line(counts: dict[str, int], lang: str = "zh") -> str:
    """'已忽略 / suppressed 3: 置信度低于门限 / confidence 2, 白名单 / allowlist 1, …' with every
    reason, zeros included, so a reader sees that each kind was counted."""
    total = sum(counts.values())
    parts = ", ".join(f"{reason_label(r, 'zh')} / {reason_label(r, 'en')} {n}" for r, n in counts.items())
    first, second = ("zh", "en") if lang == "zh" else ("en", "zh")
    return f"{SUPPRESSED_LABEL[first]} / {SUPPRESSED_LABEL[second]} {total}: {parts}"
