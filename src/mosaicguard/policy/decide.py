"""Decide: apply allowlists, profiles and baselines to raw findings; compute the exit code.

Suppression is layered (global and per-profile allowlists, path globs, baselines) and counted, so
the report says how many findings were hidden and why none vanished silently."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..model import FileResult, Finding, ScanReport, Severity, normalise_for_id
from .schema import Policy


@dataclass(frozen=True)
class Suppressor:
    """Decides which findings the policy (allowlists, per-category confidence) or the baseline
    hides. Hidden findings are counted in `FileResult.suppressed`, never dropped silently."""

    policy: Policy
    baseline_ids: frozenset[str] = frozenset()
    _values: tuple[tuple[frozenset[str], frozenset[str]], ...] = field(init=False)
    _regexes: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = field(init=False)
    _paths: tuple[tuple[str, frozenset[str]], ...] = field(init=False)

    def __post_init__(self) -> None:
        values: list[tuple[frozenset[str], frozenset[str]]] = []
        regexes: list[tuple[re.Pattern[str], frozenset[str]]] = []
        paths: list[tuple[str, frozenset[str]]] = []
        for entry in self.policy.allowlist:
            cats = frozenset(entry.categories)
            values.append((frozenset(normalise_for_id(v) for v in entry.values), cats))
            regexes.extend((re.compile(r), cats) for r in entry.regexes)
            paths.extend((p, cats) for p in entry.paths)
        object.__setattr__(self, "_values", tuple(values))
        object.__setattr__(self, "_regexes", tuple(regexes))
        object.__setattr__(self, "_paths", tuple(paths))

    def suppressed(self, path: str, finding: Finding) -> bool:
        if finding.id in self.baseline_ids:
            return True
        cat = finding.category
        norm = normalise_for_id(finding.match)
        for vals, cats in self._values:
            if (not cats or cat in cats) and norm in vals:
                return True
        for rx, cats in self._regexes:
            if (not cats or cat in cats) and rx.search(finding.match):
                return True
        for glob, cats in self._paths:
            if (not cats or cat in cats) and (fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(path.split("!")[0], glob)):
                return True
        settings = self.policy.detectors.get(cat)
        return bool(settings and settings.min_confidence is not None and finding.confidence < settings.min_confidence)

    def apply(self, result: FileResult) -> FileResult:
        kept: list[Finding] = []
        hidden = 0
        for f in result.findings:
            if self.suppressed(result.path, f):
                hidden += 1
            else:
                kept.append(f)
        from dataclasses import replace

        return replace(result, findings=tuple(kept), suppressed=result.suppressed + hidden)


def load_baseline(path: str | Path | None) -> frozenset[str]:
    """Finding ids from an earlier JSON scan report the reviewer accepted."""
    if path is None:
        return frozenset()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"baseline file not found: {path}") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"baseline {path} is not a readable JSON report: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise ConfigError(f"baseline {path} is not a mosaicguard JSON scan report (no 'files' list)")
    ids = {
        str(f["id"])
        for file in data["files"]
        if isinstance(file, dict)
        for f in file.get("findings", [])
        if isinstance(f, dict) and f.get("id")
    }
    return frozenset(ids)


def exit_code(report: ScanReport, fail_on: Severity) -> int:
    """0: nothing at or above `fail_on`; 1: something is (CONTRACTS.md)."""
    worst = report.max_severity()
    return 1 if worst is not None and worst.at_least(fail_on) else 0


def findings_at_or_above(findings: Iterable[Finding], level: Severity) -> list[Finding]:
    return [f for f in findings if f.severity.at_least(level)]
