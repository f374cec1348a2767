"""Rules: which protected combinations an entity makes inferable.

Rules apply to an entity that is a protected subject (one of its mentions matched a subject's
alias or code) or whose purpose facts match the policy's `sensitive_purposes` (directly or through
the equipment table in facts.py). For such an entity every `combinations` entry whose attributes
are all present is satisfied; the exposure's severity is the highest satisfied combination's,
raised to the subject's own severity when the policy gives one.

`new_inferences` decides what a draft adds, value by value: an inference is a combination with
one value per attribute (this site + this purpose); it is *new* when no corpus entity that was
already sensitive knew every one of those values. Values are the same when they share an
identity (`identity`): a link key, the folded text, the implied purpose, or - for coordinates -
a grid cell one linking radius wide (neighbouring cells included on the corpus side).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import product
from math import prod

from ..detect.normalize import fold_key as fold
from ..model import Severity
from ..policy.schema import Combination, Policy
from .facts import Fact
from .normalize import grid_cell
from .settings import AggregationSettings


@dataclass(frozen=True, slots=True)
class RuleHit:
    rule: str
    severity: Severity
    attributes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NewInference:
    """A combination the drafts make inferable: how many value combinations are new, and one
    of them (a fact per attribute, draft facts preferred) as the example a report shows."""

    rule: str
    severity: Severity
    attributes: tuple[str, ...]
    count: int
    example: tuple[Fact, ...]


class RuleSet:
    """The policy's combinations, prepared once."""

    def __init__(self, policy: Policy, combinations: Sequence[Combination], settings: AggregationSettings) -> None:
        self.combinations = tuple(combinations)
        self.sensitive = frozenset(fold(p) for p in policy.sensitive_purposes)
        self.subject_severity = {s.id: Severity.parse(s.severity) for s in policy.protected_subjects if s.severity}
        self.location_ok = {"precise"} if settings.location_precision == "precise" else {"precise", "town"}
        self.radius_m = settings.coordinate_radius_m

    def counts(self, fact: Fact) -> bool:
        """Does this fact count as its attribute for the rules? A county-level address does not."""
        if fact.attr is None:
            return False
        if fact.attr == "location" and fact.kind != "coord":
            return fact.extra in self.location_ok
        return True

    def is_sensitive(self, facts: Sequence[Fact]) -> bool:
        """Do the rules apply to these facts at all (a protected subject, a sensitive purpose)?"""
        return bool(self.subjects(facts)) or bool(self.sensitive_purposes(facts))

    def identity(self, fact: Fact, near: bool = False) -> frozenset[str]:
        """Tokens naming the real-world value of a fact; two facts are the same value when their
        tokens meet. `near` widens a coordinate to its neighbouring cells (the corpus side)."""
        if fact.kind == "coord" and fact.extra:
            lat, lon = (float(x) for x in fact.extra.split(","))
            row, col = grid_cell(lat, lon, self.radius_m)
            if not near:
                return frozenset({f"cell:{row},{col}"})
            return frozenset(f"cell:{row + dy},{col + dx}" for dy in (-1, 0, 1) for dx in (-1, 0, 1))
        if fact.kind == "purpose":
            implied = [p for p in fact.extra.split("|") if p]
            if implied:
                return frozenset(f"p:{fold(p)}" for p in implied)
        return frozenset({*fact.keys, f"v:{fold(fact.value)}"})

    def new_inferences(self, after: Sequence[Fact], before: Sequence[Sequence[Fact]]) -> list[NewInference]:
        """Combinations inferable from `after` (the drafts with the corpus entities they link to)
        with at least one value combination that no single entity in `before` (each linked
        corpus entity on its own) already gave away. Most severe first."""
        hits = self.evaluate(after)
        if not hits:
            return []
        known: list[dict[str, frozenset[str]]] = []
        for facts in before:
            if not self.is_sensitive(facts):
                continue  # nothing about an entity that was not sensitive was an exposure
            tokens: dict[str, set[str]] = {}
            for f in facts:
                if self.counts(f) and f.attr is not None:
                    tokens.setdefault(f.attr, set()).update(self.identity(f, near=True))
            known.append({a: frozenset(t) for a, t in tokens.items()})
        # Distinct values per attribute (the first fact of each: draft facts come first), grouped
        # by which corpus entities knew them; only the groups need combining, not the values.
        groups: dict[str, dict[frozenset[int], list[Fact]]] = {}
        seen: dict[str, list[frozenset[str]]] = {}
        for f in after:
            if not self.counts(f) or f.attr is None:
                continue
            ident = self.identity(f)
            if any(ident & other for other in seen.get(f.attr, ())):
                continue
            seen.setdefault(f.attr, []).append(ident)
            mask = frozenset(i for i, k in enumerate(known) if ident & k.get(f.attr, frozenset()))
            groups.setdefault(f.attr, {}).setdefault(mask, []).append(f)
        out = []
        for hit in hits:
            per_attr = [list(groups[a].items()) for a in hit.attributes]
            count = 0
            example: tuple[Fact, ...] = ()
            for combo in product(*per_attr):
                if frozenset.intersection(*(mask for mask, _ in combo)):
                    continue  # one entity knew all of these values already
                count += prod(len(values) for _, values in combo)
                if not example:
                    example = tuple(values[0] for _, values in combo)
            if count:
                out.append(NewInference(hit.rule, hit.severity, hit.attributes, count, example))
        return out

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
