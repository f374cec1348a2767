"""Rules: which protected combinations an entity makes inferable.

Rules apply to an entity that is a protected subject (one of its mentions matched a subject's
alias or code) or whose purpose facts match the policy's `sensitive_purposes` (directly or through
the equipment table in facts.py). For such an entity every `combinations` entry whose attributes
are all present is satisfied; the exposure's severity is the highest satisfied combination's,
raised to the subject's own severity when the policy gives one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model import Severity
from ..policy.schema import Combination, Policy
from .facts import Fact
from .normalize import fold
from .settings import AggregationSettings


@dataclass(frozen=True, slots=True)
class RuleHit:
    rule: str
    severity: Severity
    attributes: tuple[str, ...]


class RuleSet:
    """The policy's combinations, prepared once."""

    def __init__(self, policy: Policy, combinations: Sequence[Combination], settings: AggregationSettings) -> None:
        self.combinations = tuple(combinations)
        self.sensitive = frozenset(fold(p) for p in policy.sensitive_purposes)
        self.subject_severity = {s.id: Severity.parse(s.severity) for s in policy.protected_subjects if s.severity}
        self.location_ok = {"precise"} if settings.location_precision == "precise" else {"precise", "town"}

    def counts(self, fact: Fact) -> bool:
        """Does this fact count as its attribute for the rules? A county-level address does not."""
        if fact.attr is None:
            return False
        if fact.kind == "address":
            return fact.extra in self.location_ok
        return True

    def subjects(self, facts: Iterable[Fact]) -> set[str]:
        return {k.split(":", 1)[1] for f in facts for k in f.keys if k.startswith("subject:")}

    def sensitive_purposes(self, facts: Iterable[Fact]) -> set[str]:
        out: set[str] = set()
        for f in facts:
            if f.kind != "purpose":
                continue
            implied = [p for p in f.extra.split("|") if p] or [f.value]
            for p in (f.value, *implied):
                if fold(p) in self.sensitive:
                    out.add(p)
        return out

    def evaluate(self, facts: Sequence[Fact]) -> list[RuleHit]:
        """Satisfied combinations, most severe first (empty if the entity is not sensitive)."""
        subjects = self.subjects(facts)
        if not subjects and not self.sensitive_purposes(facts):
            return []
        present = {f.attr for f in facts if self.counts(f)}
        floor = max((self.subject_severity[s] for s in subjects if s in self.subject_severity),
                    key=lambda s: s.rank, default=None)
        hits = []
        for combo in self.combinations:
            if all(a in present for a in combo.attributes):
                sev = Severity.parse(combo.severity)
                if floor is not None and floor.rank > sev.rank:
                    sev = floor
                hits.append(RuleHit(combo.rule_name, sev, tuple(combo.attributes)))
        hits.sort(key=lambda h: -h.severity.rank)
        return hits
