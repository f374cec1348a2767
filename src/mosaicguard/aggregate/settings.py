"""The policy's free-form `aggregation:` section as a validated, immutable model.

```yaml
aggregation:
  min_match_probability: 0.8    # Fellegi-Sunter: a pair of mentions links at or above this
  strong_match_weight: 5.0      # a link joining two different codes/sites must reach this weight
  coordinate_radius_m: 200      # grid of stored points; in `check`, how close is the same point
  location_precision: precise   # precise (village, street number, coordinates) | town
  default_combinations: true    # use the built-in combinations when the policy lists none
  exact_fix_max_facts: 16       # exact minimal-fix search up to this many candidate facts
```
Legacy keys, accepted for old policies and not used by the linking model (model.py): the per-key
weights `min_link_weight`, `max_df_fraction` and `link_kinds` (`link_weight` below is theirs).
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ConfigError
from ..policy.schema import Combination, Policy


class LinkKind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    weight: float = Field(ge=0.0, le=1.0)
    rare_df: int = Field(ge=1)


# Why these numbers: a tender code is made to be unique (dozens of notices about one project are
# normal); a project name needs a distinctive part and is rarer; an address or site coordinate is
# shared by a handful of documents about one site; a phone number or a person shared by more than
# a few documents is an agency switchboard or a busy official, not a site's fingerprint.
DEFAULT_LINK_KINDS: dict[str, LinkKind] = {
    "subject": LinkKind(weight=1.0, rare_df=1_000_000),
    "code": LinkKind(weight=1.0, rare_df=60),
    "name": LinkKind(weight=0.9, rare_df=8),
    "unit": LinkKind(weight=0.9, rare_df=30),
    "address": LinkKind(weight=0.8, rare_df=10),
    "site": LinkKind(weight=0.8, rare_df=20),  # a named military installation
    "coord": LinkKind(weight=0.8, rare_df=10),
    "phone": LinkKind(weight=0.8, rare_df=5),
    "person": LinkKind(weight=0.6, rare_df=2),
    # A contractor works on many projects: its name alone must not merge them.
    "org": LinkKind(weight=0.0, rare_df=1),
}

DEFAULT_COMBINATIONS: tuple[Combination, ...] = (
    Combination(attributes=("location", "purpose"), severity="critical"),
    Combination(attributes=("location", "schedule"), severity="high"),
    Combination(attributes=("purpose", "capacity"), severity="high"),
    Combination(attributes=("purpose", "schedule"), severity="medium"),
)


class AggregationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_link_weight: float = Field(default=0.5, ge=0.0, le=1.0)
    # Fellegi-Sunter linking (model.py): a pair links at or above this match probability; a merge
    # that joins conflicting codes / precise addresses / far coordinates needs this match weight.
    min_match_probability: float = Field(default=0.8, gt=0.0, lt=1.0)
    strong_match_weight: float = Field(default=5.0, ge=0.0, le=60.0)
    max_df_fraction: float = Field(default=0.05, gt=0.0, le=1.0)
    coordinate_radius_m: float = Field(default=200.0, gt=0.0, le=50_000.0)
    location_precision: Literal["precise", "town"] = "precise"
    default_combinations: bool = True
    exact_fix_max_facts: int = Field(default=16, ge=0, le=24)
    link_kinds: dict[str, LinkKind] = Field(default_factory=dict)

    def kind(self, name: str) -> LinkKind:
        return self.link_kinds.get(name) or DEFAULT_LINK_KINDS.get(name) or LinkKind(weight=0.0, rare_df=1)

    def link_weight(self, kind: str, df: int, total_docs: int) -> float:
        """How much a value shared by `df` of `total_docs` documents says "same site"."""
        spec = self.kind(kind)
        if df <= 1:
            return spec.weight
        if df > spec.rare_df and df > self.max_df_fraction * max(total_docs, 1):
            return 0.0
        return spec.weight * min(1.0, spec.rare_df / df)

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.model_dump(), sort_keys=True).encode()).hexdigest()[:16]


def settings_from_policy(policy: Policy) -> AggregationSettings:
    try:
        return AggregationSettings.model_validate(policy.aggregation)
    except ValidationError as exc:
        problems = "; ".join(
            f"aggregation.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"policy: {problems}") from None


def combinations_for(policy: Policy, settings: AggregationSettings) -> tuple[Combination, ...]:
    if policy.combinations or not settings.default_combinations:
        return policy.combinations
    return DEFAULT_COMBINATIONS
