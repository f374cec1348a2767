"""JSON and JSON Lines, read as social-post exports (Weibo, WeChat, Twitter-like) or any records.

Every string value becomes a segment named by its dotted key path (`user.name`, `text`), so
detectors and the aggregation stage know which field a value came from. Latitude/longitude pairs
in geo fields become one "lat, lon" segment (for the coordinates detector) and a `gps` hidden item:
a post's location is rarely shown with it, but it is in the export.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..errors import ExtractionError, LimitExceeded
from ..model import Document, HiddenItem, Layer, Location, Segment, Severity, sha256_bytes
from .base import ExtractContext, Extractor
from .encoding import decode_text

MAX_DEPTH = 64  # deeper nesting is hostile or broken; a post export is a few levels deep
# Keys under which a top-level object keeps its list of posts.
RECORD_KEYS = ("statuses", "posts", "data", "items", "tweets", "cards", "list", "records", "results", "messages")
GEO_HINTS = ("geo", "coordinates", "coordinate", "location", "place", "position", "point", "gps", "loc")
LAT_KEYS = ("lat", "latitude", "纬度")
LON_KEYS = ("lon", "lng", "long", "longitude", "经度")
_MIN_NUMBER_DIGITS = 7  # numbers this long may be phone numbers or IDs stored as numbers


@dataclass
class _Walk:
    ctx: ExtractContext
    segments: list[Segment] = field(default_factory=list)
    hidden: list[HiddenItem] = field(default_factory=list)
    offset: int = 0
    visited: int = 0

    def add(self, text: str, record: int, path: str, layer: Layer = Layer.BODY) -> Location:
        loc = Location(start=self.offset, end=self.offset + len(text), pointer=f"record {record}: {path or '(value)'}")
        self.segments.append(Segment(text, layer=layer, location=loc, field=path or None))
        self.offset += len(text) + 1
        return loc


def _as_float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def geo_pair(key: str, value: object, parent: dict[str, object] | None = None) -> tuple[float, float] | None:
    """(lat, lon) if `value` under `key` is a coordinate pair, else None.

    GeoJSON writes [lon, lat]; Twitter's old `geo` and Weibo write [lat, lon]. We read GeoJSON
    order when the object says `type: Point`, and swap when the first number cannot be a latitude.
    """
    lat = lon = None
    if isinstance(value, dict):
        lat = next((_as_float(value[k]) for k in value if k.lower() in LAT_KEYS), None)
        lon = next((_as_float(value[k]) for k in value if k.lower() in LON_KEYS), None)
    elif isinstance(value, list) and len(value) == 2 and any(h in key.lower() for h in GEO_HINTS):
        a, b = _as_float(value[0]), _as_float(value[1])
        if a is None or b is None:
            return None
        geojson = parent is not None and str(parent.get("type", "")).lower() == "point"
        lat, lon = (b, a) if geojson else (a, b)
    if lat is None or lon is None:
        return None
    if abs(lat) > 90 >= abs(lon):
        lat, lon = lon, lat
    if abs(lat) > 90 or abs(lon) > 180 or (lat == 0 and lon == 0):
        return None
    return lat, lon


def _walk(value: object, path: str, depth: int, record: int, state: _Walk, parent: dict[str, object] | None) -> None:
    if depth > MAX_DEPTH:
        raise LimitExceeded(f"record {record} is nested deeper than {MAX_DEPTH} levels (at '{path}')")
    state.visited += 1
    if state.visited % 50_000 == 0:
        state.ctx.check_time()
    key = path.rsplit(".", 1)[-1]
    pair = geo_pair(key, value, parent) if isinstance(value, dict | list) else None
    if pair is not None:
        text = f"{pair[0]:.6f}, {pair[1]:.6f}"
        loc = state.add(text, record, path or "geo", Layer.METADATA)
        state.hidden.append(HiddenItem("gps", f"record {record} carries a location ({path or 'geo'})",
                                       value=f"{pair[0]}, {pair[1]}", location=loc, severity=Severity.HIGH))
    if isinstance(value, str):
        if value.strip():
            state.add(value, record, path)
    elif isinstance(value, dict):
        for k, v in value.items():
            if pair is not None and (isinstance(v, int | float) or str(k).lower() in LAT_KEYS + LON_KEYS):
                continue  # the numbers of a geo object are already reported as a pair
            _walk(v, f"{path}.{k}" if path else str(k), depth + 1, record, state, value)
    elif isinstance(value, list):
        for item in value:
            if pair is not None and isinstance(item, int | float):
                continue
            _walk(item, path, depth + 1, record, state, parent)
    elif isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) >= _MIN_NUMBER_DIGITS:
        state.add(str(value), record, path)


def records_of(data: object) -> list[object]:
    """The posts in a parsed export: a top-level list, a list under a known key, or the object."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in RECORD_KEYS:
            value = data.get(key)
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                return value
    return [data]


def _loads(text: str, where: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExtractionError(f"malformed JSON{where} at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise LimitExceeded(f"JSON{where} is nested too deeply to read safely") from None


class JsonExtractor(Extractor):
    media_type = "application/json"
    suffixes = (".json", ".jsonl", ".ndjson")

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        text, _encoding = decode_text(data)
        ctx.limits.check_text(text, "file")
        lines_mode = path.lower().endswith((".jsonl", ".ndjson"))
        state = _Walk(ctx)
        if lines_mode:
            number = 0
            for line_no, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                number += 1
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ExtractionError(f"malformed JSON at line {line_no}, column {exc.colno}: {exc.msg}") from None
                except RecursionError:
                    raise LimitExceeded(f"JSON at line {line_no} is nested too deeply to read safely") from None
                _walk(item, "", 0, number, state, None)
        else:
            for number, item in enumerate(records_of(_loads(text, "")), start=1):
                _walk(item, "", 0, number, state, None)
        return Document(path=path, media_type=self.media_type, sha256=sha256_bytes(data),
                        segments=tuple(state.segments), hidden=tuple(state.hidden))
