"""Readable terminal summary. Human-facing, so matches are always masked here."""

from __future__ import annotations

from collections import Counter

from ..model import ScanReport, mask
from .base import Reporter
from .labels import category_label


class TextReporter(Reporter):
    name = "text"

    def render(self, report: ScanReport, redact: bool) -> str:
        lines: list[str] = []
        counts: Counter[str] = Counter()
        for fr in report.files:
            if fr.status != "ok":
                lines.append(f"{fr.path}: {fr.status.upper()} - {fr.error}")
                counts[fr.status] += 1
                continue
            if not fr.findings:
                counts["clean"] += 1
                continue
            lines.append(f"{fr.path}: {len(fr.findings)} finding(s)")
            for f in fr.findings:
                counts[f.severity.value] += 1
                loc = f.location
                where = ", ".join(
                    part
                    for part in (
                        f"page {loc.page}" if loc.page else "",
                        loc.part or "",
                        loc.pointer or "",
                        f"chars {loc.start}-{loc.end}" if loc.start is not None else "",
                    )
                    if part
                )
                lines.append(
                    f"  [{f.severity.value.upper():8}] {f.category} ({category_label(f.category, 'zh')}) "
                    f"{mask(f.match)!r} layer={f.layer.value} {where}"
                )
                lines.append(f"             {f.message}")
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
        lines.append(f"{len(report.files)} file(s) checked; {summary or 'nothing to report'}")
        return "\n".join(lines) + "\n"
