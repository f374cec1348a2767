"""The policy file as validated, immutable models. Keys named in CONTRACTS.md keep their names."""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..model import Severity

SeverityName = Literal["low", "medium", "high", "critical"]
ATTRIBUTES = ("location", "purpose", "schedule", "capacity", "personnel", "organisation")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LexiconTerm(_Strict):
    term: str = Field(min_length=1)
    severity: SeverityName = "high"
    note: str = ""


class ProtectedSubject(_Strict):
    id: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    severity: SeverityName | None = None


class Combination(_Strict):
    attributes: tuple[str, ...] = Field(min_length=2)
    severity: SeverityName = "high"
    name: str | None = None

    @field_validator("attributes")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [a for a in value if a not in ATTRIBUTES]
        if unknown:
            raise ValueError(f"unknown attribute(s) {unknown}; known: {list(ATTRIBUTES)}")
        return value

    @property
    def rule_name(self) -> str:
        return self.name or "+".join(self.attributes)


class Allowlist(_Strict):
    """Suppress findings: exact values (compared after width/case/space folding), regexes over
    the matched value, and path globs. `categories` limits the entry to some categories."""

    values: tuple[str, ...] = ()
    regexes: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    @field_validator("regexes")
    @classmethod
    def _compiles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"regex {pattern!r} does not compile: {exc}") from None
        return value


class DetectorSettings(_Strict):
    enabled: bool = True
    severity: SeverityName | None = None  # overrides every rule's default severity
    min_confidence: float | None = Field(default=None, ge=0.0, le=1.0)


class SanitizeSettings(_Strict):
    redact_at: SeverityName = "medium"  # content findings at or above this are redacted
    remove_metadata: bool = True
    remove_comments: bool = True
    remove_hidden: bool = True  # hidden text, sheets, rows, columns, slides
    remove_notes: bool = True
    remove_embedded: bool = True
    accept_revisions: bool = True  # resolve tracked changes so deleted text is gone


class Profile(_Strict):
    """Settings for one kind of document, layered over the base policy when selected."""

    description: str = ""
    allowlist: tuple[Allowlist, ...] = ()
    detectors: dict[str, DetectorSettings] = Field(default_factory=dict)
    min_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    fail_on: SeverityName | None = None


class Policy(_Strict):
    """A whole policy. `Policy()` is the built-in default (all detectors, no lexicon)."""

    version: int = 1
    lexicon: tuple[LexiconTerm, ...] = ()
    protected_subjects: tuple[ProtectedSubject, ...] = ()
    sensitive_purposes: tuple[str, ...] = ()
    combinations: tuple[Combination, ...] = ()
    detectors: dict[str, DetectorSettings] = Field(default_factory=dict)
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    fail_on: SeverityName = "high"
    allowlist: tuple[Allowlist, ...] = ()
    profiles: dict[str, Profile] = Field(default_factory=dict)
    sanitize: SanitizeSettings = SanitizeSettings()
    # Free-form sections owned by later stages (aggregation tuning, fingerprint thresholds).
    aggregation: dict[str, object] = Field(default_factory=dict)
    fingerprint: dict[str, object] = Field(default_factory=dict)

    @field_validator("lexicon", mode="before")
    @classmethod
    def _bare_terms(cls, value: object) -> object:
        # Allow `lexicon: [7301工程, ...]` as shorthand for {term: ...}.
        if isinstance(value, list):
            return [{"term": v} if isinstance(v, str) else v for v in value]
        return value

    @model_validator(mode="after")
    def _subject_ids_unique(self) -> Policy:
        # counted once (a policy of 1,400 subjects took ~0.02 s with `ids.count` per id)
        dupes = sorted(i for i, n in Counter(s.id for s in self.protected_subjects).items() if n > 1)
        if dupes:
            raise ValueError(f"protected_subjects: duplicate id(s) {dupes}")
        return self

    def detector_settings(self, name: str) -> DetectorSettings:
        return self.detectors.get(name, DetectorSettings())

    def severity_for(self, detector: str, default: Severity) -> Severity:
        override = self.detector_settings(detector).severity
        return Severity.parse(override) if override else default

    def with_profile(self, name: str | None) -> Policy:
        """This policy with profile `name` layered on top (allowlists added, settings replaced)."""
        if not name:
            return self
        if name not in self.profiles:
            from ..errors import ConfigError

            known = ", ".join(sorted(self.profiles)) or "none defined"
            raise ConfigError(f"unknown profile {name!r} (profiles in the policy: {known})")
        profile = self.profiles[name]
        detectors = dict(self.detectors)
        detectors.update(profile.detectors)
        return self.model_copy(
            update={
                "allowlist": self.allowlist + profile.allowlist,
                "detectors": detectors,
                "min_confidence": profile.min_confidence if profile.min_confidence is not None else self.min_confidence,
                "fail_on": profile.fail_on or self.fail_on,
            }
        )
