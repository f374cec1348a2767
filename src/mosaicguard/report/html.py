"""One self-contained HTML file for a reviewer: inline CSS and JS, no external URL, every value
escaped (a document may contain markup), matches masked, Chinese and English labels with a
language switch (Chinese first). A Content-Security-Policy allows only the report's own script,
so even a bug in escaping could not run a document's script."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, StrictUndefined

from .. import __version__
from ..model import Finding, ScanReport
from .base import Reporter
from .labels import (
    CATEGORY_LABELS,
    category_label,
    fix_label,
    layer_label,
    severity_label,
    status_label,
    verdict_label,
)
from .summary import (
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

_TEMPLATE = "scan.html.j2"

# The only script in the page. Kept here (not in the template) so its CSP hash is computed once.
_SCRIPT = """
(function () {
  var body = document.body;
  function setLang(lang) {
    body.classList.remove('lang-zh', 'lang-en');
    body.classList.add('lang-' + lang);
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }
  document.getElementById('lang-toggle').addEventListener('click', function () {
    setLang(body.classList.contains('lang-zh') ? 'en' : 'zh');
  });
  document.getElementById('only-problems').addEventListener('change', function (e) {
    body.classList.toggle('only-problems', e.target.checked);
  });
})();
""".strip()


@cache
def _environment() -> Environment:
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


@cache
def _template_source() -> str:
    return (resources.files(__package__) / "templates" / _TEMPLATE).read_text(encoding="utf-8")


def _script_hash() -> str:
    digest = hashlib.sha256(_SCRIPT.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _pair(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


class HtmlReporter(Reporter):
    name = "html"

    def render(self, report: ScanReport, redact: bool) -> str:
        template = _environment().from_string(_template_source())
        return template.render(**self.context(report, redact))

    def context(self, report: ScanReport, redact: bool) -> dict[str, Any]:
        """Everything the template shows, already masked and labelled (the template only lays out)."""
        summaries = summarise(report, self.fail_on)
        files = []
        for index, s in enumerate(summaries):
            fr = s.result
            others = sensitive_values(fr)
            findings = [_finding_view(f, others) for f in fr.findings]
            hidden = []
            if self.show_suppressed:
                for item in fr.suppressed_findings:
                    view = _finding_view(item.finding, others)
                    view["reason"] = _pair(reason_label(item.reason, "zh"), reason_label(item.reason, "en"))
                    view["detail"] = item.detail
                    hidden.append(view)
            files.append(
                {
                    "anchor": f"file-{index}",
                    "path": fr.path,
                    "status": fr.status,
                    "status_label": _pair(status_label(fr.status, "zh"), status_label(fr.status, "en")),
                    "error": fr.error or "",
                    "verdict": s.verdict,
                    "verdict_label": _pair(verdict_label(s.verdict, "zh"), verdict_label(s.verdict, "en")),
                    "counts": {sev: s.counts.get(sev, 0) for sev in ("critical", "high", "medium", "low")},
                    "suppressed": fr.suppressed,
                    "suppressed_line": _suppressed_pair(fr.suppressed_counts),
                    "suppressed_findings": hidden,
                    "sha256": fr.sha256,
                    "media_type": fr.media_type,
                    "findings": findings,
                    "notes": [_pair(note_text(n, "zh"), n) for n in fr.notes],
                }
            )
        overall = overall_verdict(summaries)
        return {
            "lang": self.lang,
            "script": _SCRIPT,
            "script_hash": _script_hash(),
            "version": __version__,
            "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "policy": report.policy or "",
            "profile": report.profile or "",
            "gate": self.fail_on.value,
            "gate_label": _pair(severity_label(self.fail_on.value, "zh"), self.fail_on.value),
            "redacted": redact,
            "overall": overall,
            "overall_label": _pair(verdict_label(overall, "zh"), verdict_label(overall, "en")),
            "totals": severity_totals(summaries),
            "suppressed_total": sum(report.suppressed_counts().values()),
            "suppressed_line": _suppressed_pair(report.suppressed_counts()),
            "show_suppressed": self.show_suppressed,
            "severity_labels": {s: _pair(severity_label(s, "zh"), s) for s in ("critical", "high", "medium", "low")},
            "n_files": len(files),
            "n_checked": sum(1 for f in files if f["status"] == "ok"),
            "unchecked": [f for f in files if f["status"] != "ok"],
            "n_notes": sum(len(fr.notes) for fr in report.files),
            "files": files,
            "known_categories": sorted(CATEGORY_LABELS),
        }


def _finding_view(f: Finding, others: frozenset[str]) -> dict[str, Any]:
    """What the template shows of one finding: labelled, its value and context masked."""
    before, shown, after = masked_context(f, others)
    return {
        "id": f.id,
        "severity": f.severity.value,
        "severity_label": _pair(severity_label(f.severity.value, "zh"), f.severity.value),
        "category": f.category,
        "category_label": _pair(category_label(f.category, "zh"), category_label(f.category, "en")),
        "layer": f.layer.value,
        "layer_label": _pair(layer_label(f.layer.value, "zh"), layer_label(f.layer.value, "en")),
        "location": _pair(location_text(f.location, "zh"), location_text(f.location, "en")),
        "match": shown,
        "before": before,
        "after": after,
        "message": f.message,
        "fix": _pair(fix_label(f.category, "zh"), fix_label(f.category, "en")),
        "rule": f.rule,
        "confidence": f"{f.confidence:.2f}",
    }


def _suppressed_pair(counts: dict[str, int]) -> dict[str, str]:
    return _pair(suppressed_line(counts, "zh"), suppressed_line(counts, "en"))
