"""Readable terminal summary. Human-facing, so matches are always masked here."""

from __future__ import annotations

from ..model import FileResult, Finding, ScanReport
from .base import Reporter
from .labels import category_label, fix_label, layer_label, severity_label, verdict_label
from .summary import (
    NOTES_LABEL,
    location_text,
    masked_context,
    note_text,
    overall_verdict,
    reason_label,
    sensitive_values,
    severity_totals,
    summarise,
    suppressed_line,
)

_MARK = {"publish": "✓", "review": "?", "change": "✗", "unchecked": "!"}


class TextReporter(Reporter):
    name = "text"

    def render(self, report: ScanReport, redact: bool) -> str:
        zh = self.lang == "zh"
        summaries = summarise(report, self.fail_on)
        lines: list[str] = []
        for s in summaries:
            fr = s.result
            verdict = f"{verdict_label(s.verdict, 'zh')} / {verdict_label(s.verdict, 'en')}"
            if fr.status != "ok":
                lines.append(f"{_MARK[s.verdict]} {fr.path}: {verdict} — {fr.status}: {fr.error or ''}".rstrip())
                continue
            extra = f", {fr.suppressed} suppressed" if fr.suppressed else ""
            if not fr.findings:
                if fr.suppressed or fr.notes:
                    lines.append(f"{_MARK[s.verdict]} {fr.path}: {verdict} (0 findings{extra})")
                    lines.extend(self._notes(fr.notes))
                    lines.extend(self._suppressed(fr))
                continue
            lines.append(f"{_MARK[s.verdict]} {fr.path}: {verdict} ({len(fr.findings)} finding(s){extra})")
            lines.extend(self._notes(fr.notes))
            lines.extend(self._suppressed(fr))
            others = sensitive_values(fr)
            for f in fr.findings:
                lines.extend(self._finding(f, others))
        totals = severity_totals(summaries)
        checked = sum(1 for s in summaries if s.result.status == "ok")
        unchecked = len(summaries) - checked
        counts = ", ".join(f"{k} {v}" for k, v in totals.items() if v) or ("无发现" if zh else "no findings")
        lines.append("")
        lines.append(suppressed_line(report.suppressed_counts(), self.lang))
        n_notes = sum(len(s.result.notes) for s in summaries)
        check = f"; {n_notes} note(s) to check by hand" if n_notes else ""
        lines.append(
            f"{len(summaries)} file(s): {checked} checked, {unchecked} not checked; findings: {counts}{check}"
        )
        overall = overall_verdict(summaries)
        lines.append(
            f"结论 / Verdict: {verdict_label(overall, 'zh')} / {verdict_label(overall, 'en')}"
            f" (gate: {self.fail_on.value})"
        )
        return "\n".join(lines) + "\n"

    def _finding(self, f: Finding, others: frozenset[str], hidden: str = "") -> list[str]:
        """A finding's lines, its value and every other sensitive value in its context masked."""
        before, shown, after = masked_context(f, others)
        sev = f"{f.severity.value.upper()} {severity_label(f.severity.value, 'zh')}"
        label = f"{category_label(f.category, 'zh')} / {category_label(f.category, 'en')}"
        where = location_text(f.location, self.lang)
        layer = layer_label(f.layer.value, self.lang)
        indent = "      " if hidden else "    "
        lines = [f"{indent}{hidden}[{sev}] {label}: {shown}  ({layer}{' · ' + where if where else ''})"]
        snippet = _one_line(before[-20:] + "[" + shown + "]" + after[:20])
        lines.append(f"{indent}    {snippet}")
        lines.append(f"{indent}    {f.message}")
        fix = fix_label(f.category, self.lang)
        if fix and not hidden:
            lines.append(f"{indent}    → {fix}")
        return lines

    def _suppressed(self, fr: FileResult) -> list[str]:
        """The file's count of hidden findings by reason and, with --show-suppressed, each one."""
        if not fr.suppressed:
            return []
        lines = [f"    - {suppressed_line(fr.suppressed_counts, self.lang)}"]
        if self.show_suppressed:
            others = sensitive_values(fr)
            for item in fr.suppressed_findings:
                why = f"({reason_label(item.reason, 'zh')} / {reason_label(item.reason, 'en')}: {item.detail}) "
                lines.extend(self._finding(item.finding, others, hidden=why))
        return lines

    def _notes(self, notes: tuple[str, ...]) -> list[str]:
        """One line per note: what the tool could not judge and a human must check."""
        label = f"{NOTES_LABEL['zh']} / {NOTES_LABEL['en']}"
        return [f"    ! {label}: {_one_line(note_text(n, self.lang))}" for n in notes]


def _one_line(text: str) -> str:
    return " ".join(text.split())
