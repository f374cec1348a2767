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
How a pair's weight is made (comparisons, term frequency, the busy bound) is
docs/aggregation.md. The per-key weights of version 0.1 (`min_link_weight`, `max_df_fraction`,
`link_kinds`) are still accepted so that an old policy loads, but they change nothing:
`ignored_settings` names those a policy sets, and `aggregate` / `check` warn of them.
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


#: Keys of the per-key link weights of version 0.1 (`weight * min(1, rare_df / df)`, a value in
#: more than `max_df_fraction` of the documents never linking). Linking is Fellegi-Sunter since
#: (model.py: term frequency per level, the busy bound BLOCK_MAX_DF): these keys are validated and
#: ignored, and left out of the settings' fingerprint (editing one does not relink the index).
LEGACY_KEYS = ("min_link_weight", "max_df_fraction", "link_kinds")

DEFAULT_COMBINATIONS: tuple[Combination, ...] = (
    Combination(attributes=("location", "purpose"), severity="critical"),
    Combination(attributes=("location", "schedule"), severity="high"),
    Combination(attributes=("purpose", "capacity"), severity="high"),
    Combination(attributes=("purpose", "schedule"), severity="medium"),
)


class AggregationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_link_weight: float = Field(default=0.5, ge=0.0, le=1.0)  # LEGACY_KEYS: ignored
    # Fellegi-Sunter linking (model.py): a pair links at or above this match probability; a merge
    # that joins conflicting codes / precise addresses / far coordinates needs this match weight.
    min_match_probability: float = Field(default=0.8, gt=0.0, lt=1.0)
    strong_match_weight: float = Field(default=5.0, ge=0.0, le=60.0)
    max_df_fraction: float = Field(default=0.05, gt=0.0, le=1.0)  # LEGACY_KEYS: ignored
    coordinate_radius_m: float = Field(default=200.0, gt=0.0, le=50_000.0)
    location_precision: Literal["precise", "town"] = "precise"
    default_combinations: bool = True
    exact_fix_max_facts: int = Field(default=16, ge=0, le=24)
    link_kinds: dict[str, LinkKind] = Field(default_factory=dict)  # LEGACY_KEYS: ignored

    def fingerprint(self) -> str:
        """What an index's link state was made with (`meta.link_settings`): the keys that change
        linking, LEGACY_KEYS left out."""
        kept = self.model_dump(exclude=set(LEGACY_KEYS))
        return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()[:16]


def ignored_settings(policy: Policy) -> list[str]:
    """The LEGACY_KEYS the policy's `aggregation:` section sets (`aggregation.max_df_fraction`):
    accepted, without effect. A setting that silently does nothing is a setting someone relies on."""
    return [f"aggregation.{key}" for key in LEGACY_KEYS if key in policy.aggregation]


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
