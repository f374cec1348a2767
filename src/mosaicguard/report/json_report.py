"""JSON report, exactly the shape in CONTRACTS.md (fields may be added, never renamed)."""

from __future__ import annotations

import json

from ..model import ScanReport
from .base import Reporter


class JsonReporter(Reporter):
    name = "json"

    def render(self, report: ScanReport, redact: bool) -> str:
        return json.dumps(report.to_dict(redact=redact), ensure_ascii=False, indent=2) + "\n"
