"""Readable terminal summary. Human-facing, so matches are always masked here."""

from __future__ import annotations

from ..model import ScanReport
from .base import Reporter
from .labels import category_label, fix_label, layer_label, severity_label, verdict_label
from .summary import (
    NOTES_LABEL,
    location_text,
    masked_context,
    note_text,
    overall_verdict,
    sensitive_values,
    severity_totals,
    summarise,
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
                continue
            lines.append(f"{_MARK[s.verdict]} {fr.path}: {verdict} ({len(fr.findings)} finding(s){extra})")
            lines.extend(self._notes(fr.notes))
            others = sensitive_values(fr)
            for f in fr.findings:
                before, shown, after = masked_context(f, others)
                sev = f"{f.severity.value.upper()} {severity_label(f.severity.value, 'zh')}"
                label = f"{category_label(f.category, 'zh')} / {category_label(f.category, 'en')}"
                where = location_text(f.location, self.lang)
                layer = layer_label(f.layer.value, self.lang)
                lines.append(f"    [{sev}] {label}: {shown}  ({layer}{' · ' + where if where else ''})")
                snippet = _one_line(before[-20:] + "[" + shown + "]" + after[:20])
                lines.append(f"        {snippet}")
                lines.append(f"        {f.message}")
                fix = fix_label(f.category, self.lang)
                if fix:
                    lines.append(f"        → {fix}")
        totals = severity_totals(summaries)
        checked = sum(1 for s in summaries if s.result.status == "ok")
        unchecked = len(summaries) - checked
        counts = ", ".join(f"{k} {v}" for k, v in totals.items() if v) or ("无发现" if zh else "no findings")
        lines.append("")
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

    def _notes(self, notes: tuple[str, ...]) -> list[str]:
        """One line per note: what the tool could not judge and a human must check."""
        label = f"{NOTES_LABEL['zh']} / {NOTES_LABEL['en']}"
        return [f"    ! {label}: {_one_line(note_text(n, self.lang))}" for n in notes]


def _one_line(text: str) -> str:
    return " ".join(text.split())
