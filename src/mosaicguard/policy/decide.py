"""Decide: apply allowlists, profiles and baselines to raw findings; compute the exit code.

Suppression is layered (global and per-profile allowlists, path globs, baselines) and counted, so
the report says how many findings were hidden and why none vanished silently."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import ConfigError
from ..model import FileResult, Finding, ScanReport, Severity, SuppressedFinding, normalise_for_id
from .schema import Policy


@dataclass(frozen=True)
class Suppressor:
    """Decides which findings the policy (allowlists, per-category confidence) or the baseline
    hides. Hidden findings move to `FileResult.suppressed_findings` with their reason: counted
    in every report, listed with `--show-suppressed`, never dropped silently."""

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
        """Whether the policy or the baseline hides this finding."""
        return self.reason(path, finding) is not None

    def reason(self, path: str, finding: Finding) -> tuple[str, str] | None:
        """(reason, detail) when the finding is hidden, else None. Reasons are those of
        `SUPPRESSION_REASONS`; the detail says which entry hid it, never the value itself."""
        if finding.id in self.baseline_ids:
            return ("baseline", "accepted in the baseline report")
        cat = finding.category
        norm = normalise_for_id(finding.match)
        for vals, cats in self._values:
            if (not cats or cat in cats) and norm in vals:
                return ("allowlist", "allowlist value")
        for rx, cats in self._regexes:
            if (not cats or cat in cats) and rx.search(finding.match):
                return ("allowlist", f"allowlist regex {rx.pattern!r}")
        for glob, cats in self._paths:
            if (not cats or cat in cats) and (fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(path.split("!")[0], glob)):
                return ("allowlist", f"allowlist path {glob!r}")
        settings = self.policy.detectors.get(cat)
        if settings and settings.min_confidence is not None and finding.confidence < settings.min_confidence:
            return ("confidence", _below(finding.confidence, settings.min_confidence))
        return None

    def apply(self, result: FileResult, low_confidence: Sequence[tuple[Finding, float]] = ()) -> FileResult:
        """The result with hidden findings moved to `suppressed_findings`. `low_confidence` are
        the findings the engine held back below their confidence threshold (with it)."""
        kept: list[Finding] = []
        hidden = list(result.suppressed_findings)
        for f in result.findings:
            why = self.reason(result.path, f)
            if why is None:
                kept.append(f)
            else:
                hidden.append(SuppressedFinding(f, *why))
        hidden.extend(SuppressedFinding(f, "confidence", _below(f.confidence, t)) for f, t in low_confidence)
        return replace(result, findings=tuple(kept), suppressed_findings=tuple(hidden))


def _below(confidence: float, threshold: float) -> str:
    return f"confidence {confidence:.2f} < min_confidence {threshold:.2f}"


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
