"""JSON report, exactly the shape in CONTRACTS.md (fields may be added, never renamed).

Added beyond the contract, for CI and dashboards: `fail_on`, a per-file `verdict` and a
top-level `summary` (the same judgement the text and HTML reports show). Hidden findings are
counted by reason (`suppressed`, top level and per file); `--show-suppressed` adds each file's
`suppressed_findings`, each with `suppressed_by` and `suppressed_detail`."""

from __future__ import annotations

import json
from typing import Any

from ..model import ScanReport
from .base import Reporter
from .summary import overall_verdict, severity_totals, summarise


class JsonReporter(Reporter):
    name = "json"

    def render(self, report: ScanReport, redact: bool) -> str:
        data: dict[str, Any] = report.to_dict(redact=redact, show_suppressed=self.show_suppressed)
        summaries = summarise(report, self.fail_on)
        for entry, s in zip(data["files"], summaries, strict=True):
            entry["verdict"] = s.verdict
        data["fail_on"] = self.fail_on.value
        data["summary"] = {
            "files": len(summaries),
            "checked": sum(1 for s in summaries if s.result.status == "ok"),
            "not_checked": sum(1 for s in summaries if s.result.status != "ok"),
            "findings": severity_totals(summaries),
            "suppressed": report.suppressed_counts(),
            "verdict": overall_verdict(summaries),
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
