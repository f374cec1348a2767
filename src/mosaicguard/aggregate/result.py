"""Results of `aggregate` and `check` as plain frozen data; reports render them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..model import Location, Severity


@dataclass(frozen=True, slots=True)
class Evidence:
    """One attribute value and where it came from."""

    value: str
    doc: str
    kind: str
    snippet: str = ""
    draft: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "doc": self.doc, "kind": self.kind}
        if self.snippet:
            out["context"] = self.snippet
        if self.draft:
            out["draft"] = True
        return out


@dataclass(frozen=True, slots=True)
class LinkView:
    """A link as reported: `by`/`value` name its strongest comparison; `weight` is the pair's
    match weight (log2 odds) and `evidence` the JSON list of every comparison with its weight."""

    from_doc: str
    to_doc: str
    by: str
    value: str
    weight: float
    df: int
    probability: float = 0.0
    evidence: str = "[]"

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.from_doc, "to": self.to_doc, "by": self.by, "value": self.value,
                "weight": round(self.weight, 3), "documents_with_value": self.df,
                "match_weight": round(self.weight, 3), "match_probability": round(self.probability, 4),
                "evidence": json.loads(self.evidence or "[]")}


class FixEntry(NamedTuple):
    """One value to remove from a draft: exactly as written there, and where (the first
    occurrence in `location`; every occurrence is removed)."""

    doc: str
    value: str
    location: Location = Location()
    occurrences: int = 1

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"doc": self.doc, "value": self.value, "location": self.location.to_dict()}
        if self.occurrences > 1:
            out["occurrences"] = self.occurrences
        return out


@dataclass(frozen=True, slots=True)
class RepeatView:
    """A draft value that public documents already state: not a new exposure."""

    doc: str
    value: str
    attribute: str
    location: Location
    public: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "value": self.value, "attribute": self.attribute,
                "location": self.location.to_dict(), "public_documents": list(self.public)}


@dataclass(frozen=True, slots=True)
class Exposure:
    entity_id: str
    names: tuple[str, ...]
    attributes: tuple[tuple[str, tuple[Evidence, ...]], ...]
    rule: str
    severity: Severity
    rules: tuple[str, ...]
    documents: tuple[str, ...]
    links: tuple[LinkView, ...]
    subjects: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    new: bool = False
    new_rules: tuple[str, ...] = ()
    minimal_fix: tuple[FixEntry, ...] = ()
    fix_method: str = ""
    explanation: str = ""
    # check only: every corpus entity the drafts link to (judged against each), what the drafts
    # only repeat, how many value combinations are new per rule, and whether re-checking the
    # drafts with the fix applied left no new exposure.
    linked_entities: tuple[str, ...] = ()
    repeats_public: tuple[RepeatView, ...] = ()
    new_combinations: tuple[tuple[str, int], ...] = ()
    fix_verified: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": {"id": self.entity_id, "names": list(self.names)},
            "attributes": {attr: [e.to_dict() for e in ev] for attr, ev in self.attributes},
            "rule": self.rule,
            "severity": self.severity.value,
            "rules": list(self.rules),
            "documents": list(self.documents),
            "links": [lk.to_dict() for lk in self.links],
            "new": self.new,
            "new_rules": list(self.new_rules),
            "minimal_fix": [fx.to_dict() for fx in self.minimal_fix],
            "fix_method": self.fix_method,
            "fix_verified": self.fix_verified,
            "protected_subjects": list(self.subjects),
            "sensitive_purposes": list(self.purposes),
            "explanation": self.explanation,
            "linked_entities": list(self.linked_entities),
            "new_combinations": dict(self.new_combinations),
            "repeats_public": [r.to_dict() for r in self.repeats_public],
        }


@dataclass(frozen=True)
class AggregationResult:
    mode: str  # aggregate | check
    exposures: tuple[Exposure, ...]
    corpus: dict[str, Any] = field(default_factory=dict)
    drafts: tuple[dict[str, Any], ...] = ()
    errors: tuple[dict[str, str], ...] = ()
    minimal_fix: tuple[FixEntry, ...] = ()
    policy: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    repeats_public: tuple[RepeatView, ...] = ()
    # Every entity of two or more documents: id, documents, names, weakest_link, size.
    entities: tuple[dict[str, Any], ...] = ()

    def gated(self, fail_on: Severity) -> list[Exposure]:
        """Exposures that fail the gate: in `check`, only the new ones."""
        return [e for e in self.exposures
                if e.severity.at_least(fail_on) and (self.mode == "aggregate" or e.new)]

    def to_dict(self, version: str) -> dict[str, Any]:
        return {
            "tool": "mosaicguard",
            "version": version,
            "report_version": 1,
            "mode": self.mode,
            "policy": self.policy,
            "exposures": [e.to_dict() for e in self.exposures],
            "entities": list(self.entities),
            "minimal_fix": [fx.to_dict() for fx in self.minimal_fix],
            "repeats_public": [r.to_dict() for r in self.repeats_public],
            "corpus": self.corpus,
            "drafts": list(self.drafts),
            "errors": list(self.errors),
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }
