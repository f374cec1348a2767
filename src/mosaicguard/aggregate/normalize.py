"""Value normalisation for aggregation: one written form per real-world value, so that the same
code or name written differently in two documents gives one key, plus the geometry linking uses.

Parsing lives in `detect/` (one understanding of text): codes and names fold with
`detect.normalize`, phones with the phone detector's `phone_key`, coordinates with
`detect.coordinates`. This module re-exports the keys and keeps the distance helpers.
"""

from __future__ import annotations

import math

from ..detect.contact import phone_key
from ..detect.normalize import code_key, fold_key

__all__ = ["code_key", "distance_m", "fold_key", "grid_cell", "lon_span", "phone_key"]


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine). Coordinates are WGS-84: facts convert GCJ-02
    and BD-09 values when the text names that datum."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def grid_cell(lat: float, lon: float, radius_m: float) -> tuple[int, int]:
    """Blocking cell: cells are `radius_m` high, so a neighbour within the radius is in the same
    or an adjacent row; columns are narrower in metres away from the equator (see lon_span)."""
    size = radius_m / 111_320.0
    return (math.floor(lat / size), math.floor(lon / size))


def lon_span(lat: float) -> int:
    """How many columns either side to search so that `radius_m` east-west is covered."""
    c = math.cos(math.radians(min(abs(lat) + 0.01, 89.0)))
    return max(1, math.ceil(1.0 / max(c, 0.01)))
