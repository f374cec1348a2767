"""Geographic coordinates in the forms people write them: decimal pairs, hemisphere letters,
degrees-minutes-seconds (Unicode and ASCII), and Chinese 东经/北纬. A coordinate is a leak in any
datum (WGS-84, GCJ-02, CGCS2000), so no datum is assumed when detecting; values are range-checked.

This module is the one parser of coordinates: the scan detector finds them, `parse_coordinate`
turns a found value into degrees, and `to_wgs84` converts GCJ-02 ("Mars") and BD-09 (Baidu)
values to WGS-84 when the text names that datum, so aggregation compares sites in one datum.

Bare decimal pairs are common in tables of prices and rates, so they need geo context words or
GPS-like precision; anything with a hemisphere, a degree sign or 经纬 words stands on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Finding, Segment, Severity
from ..policy.schema import Policy
from .base import Detector, PatternRule, Sample, with_confidence

_SP = "[ \\t\\u00a0]"
_DEG = "(?:°|º|˚|度|d(?![A-Za-z]))"
_MIN = "(?:′|'|’|分)"
_SEC = "(?:″|\"|”|''|秒)"
_NUM = "[0-9]{1,3}(?:\\.[0-9]{1,8})?"
# Degrees, optional minutes and seconds: 39°54′15″, 39d54'15.2", 39.9042°, 116度24分27秒.
_DMS = (
    f"[0-9]{{1,3}}(?:\\.[0-9]{{1,8}})?{_SP}?{_DEG}"
    f"(?:{_SP}?[0-9]{{1,2}}(?:\\.[0-9]{{1,6}})?{_SP}?{_MIN}(?:{_SP}?[0-9]{{1,2}}(?:\\.[0-9]{{1,4}})?{_SP}?{_SEC})?)?"
)
_DEC = "[0-9]{1,3}\\.[0-9]{2,8}"  # a decimal degree without a degree sign
_ZH_HEMI = "(?:东经|西经|北纬|南纬)"
# One component: hemisphere before or after the number, or a Chinese prefix.
_COMPONENT = (
    f"(?:{_ZH_HEMI}{_SP}?(?:{_DMS}|{_DEC})"
    f"|[NSEW]{_SP}?(?:{_DMS}|{_DEC})"
    f"|(?:{_DMS}|{_DEC}){_SP}?[NSEW](?![A-Za-z]))"
)
_PAIR_SEP = f"{_SP}{{0,3}}[,，、;；/]?{_SP}{{0,3}}"  # bounded: see marking._LEAD
# A range of one axis, `108°21′43.5025″~108°21′57.6685″E`, `东经108°21′~108°22′`: two DMS values
# (degree signs required: a bare `1.5~2.5` is anything) with one hemisphere for both.
_RANGE_TO = f"{_SP}?[~～至到—–-]{_SP}?"
_RANGE = (
    f"(?:(?:{_ZH_HEMI}|[NSEW]){_SP}?{_DMS}{_RANGE_TO}{_DMS}"
    f"|{_DMS}{_RANGE_TO}{_DMS}{_SP}?[NSEW](?![A-Za-z]))"
)

_COMPONENT_RE = re.compile(
    "(?P<zh>东经|西经|北纬|南纬)?[ \\t\\u00a0]?(?P<pre>[NSEW])?[ \\t\\u00a0]?"
    "(?P<deg>[0-9]{1,3}(?:\\.[0-9]+)?)[ \\t\\u00a0]?(?:°|º|˚|度|d)?"
    "(?:[ \\t\\u00a0]?(?P<min>[0-9]{1,2}(?:\\.[0-9]+)?)[ \\t\\u00a0]?(?:′|'|’|分)"
    "(?:[ \\t\\u00a0]?(?P<sec>[0-9]{1,2}(?:\\.[0-9]+)?)[ \\t\\u00a0]?(?:″|\"|”|''|秒))?)?"
    # A hemisphere letter after the number only when none came before it (`N39° E116°`).
    "(?(pre)|(?(zh)|[ \\t\\u00a0]?(?P<post>[NSEW](?![A-Za-z]))?))"
)
_AXIS = {"东经": "lon", "西经": "lon", "北纬": "lat", "南纬": "lat", "E": "lon", "W": "lon", "N": "lat", "S": "lat"}


def parse_components(value: str) -> list[tuple[str, float]]:
    """(axis, degrees) for every component of a coordinate string; axis is lat, lon or ''."""
    out: list[tuple[str, float]] = []
    for m in _COMPONENT_RE.finditer(value):
        deg = _degrees(m)
        if deg is None:
            return []
        out.append((_AXIS.get(_hemisphere(m), ""), deg))
    return out


def _degrees(m: re.Match[str]) -> float | None:
    """The unsigned decimal degrees of one matched component (`108°21′43.5025″`), or None when
    its minutes or seconds are not below 60."""
    minutes, seconds = float(m.group("min") or 0), float(m.group("sec") or 0)
    if minutes >= 60 or seconds >= 60:
        return None
    return float(m.group("deg")) + minutes / 60 + seconds / 3600


def _hemisphere(m: re.Match[str]) -> str:
    """The hemisphere written with one matched component (`北纬`, `N`...), or ''."""
    return m.group("zh") or m.group("pre") or m.group("post") or ""


def parse_coordinate(value: str) -> tuple[float, float] | None:
    """(lat, lon) in signed decimal degrees of a coordinate pair as the detector matched it, or
    None for a single axis or anything out of range. An unlabelled pair is `lat, lon` unless the
    first number cannot be a latitude."""
    parts = parse_components(value)
    if len(parts) != 2:
        return None
    signed: list[tuple[str, float]] = []
    for (axis, deg), m in zip(parts, _COMPONENT_RE.finditer(value), strict=True):
        hemi = _hemisphere(m)
        negative = hemi in ("西经", "南纬", "W", "S") or value[max(0, m.start("deg") - 1): m.start("deg")] == "-"
        signed.append((axis, -deg if negative else deg))
    (a1, v1), (a2, v2) = signed
    if a1 and a2:
        if {a1, a2} != {"lat", "lon"}:
            return None
        lat, lon = (v1, v2) if a1 == "lat" else (v2, v1)
    elif not a1 and not a2:
        lat, lon = (v1, v2) if abs(v1) <= 90 else (v2, v1)
    else:
        return None
    if abs(lat) > 90 or abs(lon) > 180:
        return None
    return lat, lon


def parse_box(value: str) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The two corners (lat, lon), (lat, lon) of a box written as two ranges, one per axis
    (`108°21′43.5025″~108°21′57.6685″E21°40′37.2133″~21°49′53.0371″N`: the first values of the
    ranges are one corner, the second values the other), or None when it is not one latitude
    range and one longitude range in range. The hemisphere written once applies to both values
    of its range."""
    parts = list(_COMPONENT_RE.finditer(value))
    if len(parts) != 4:
        return None
    ranges: dict[str, tuple[float, float]] = {}
    for lo, hi in (parts[0:2], parts[2:4]):
        hemis = {h for m in (lo, hi) if (h := _hemisphere(m))}
        axes = {_AXIS[h] for h in hemis}
        if len(axes) != 1:
            return None
        axis = axes.pop()
        sign = -1.0 if hemis & {"西经", "南纬", "W", "S"} else 1.0
        first, second = _degrees(lo), _degrees(hi)
        if first is None or second is None or axis in ranges or \
                not (_in_range(axis, first) and _in_range(axis, second)):
            return None
        ranges[axis] = (sign * first, sign * second)
    if set(ranges) != {"lat", "lon"}:
        return None
    (lat1, lat2), (lon1, lon2) = ranges["lat"], ranges["lon"]
    return (lat1, lon1), (lat2, lon2)


def range_valid(value: str) -> bool:
    """A box: one latitude range and one longitude range, every value in range."""
    return parse_box(value) is not None


def pair_axes(a: str, b: str) -> tuple[float, float] | None:
    """(lat, lon) from two single-axis values found next to each other (`纬度：39.9042 经度：
    116.4074`, `lat: 31.2 lon: 121.4`): `a` and `b` as the detector matched them, each with the
    label word before it in `labels`."""
    pa, pb = parse_components(a), parse_components(b)
    if len(pa) != 1 or len(pb) != 1 or {pa[0][0], pb[0][0]} != {"lat", "lon"}:
        return None
    lat = pa[0][1] if pa[0][0] == "lat" else pb[0][1]
    lon = pb[0][1] if pb[0][0] == "lon" else pa[0][1]
    return (lat, lon) if lat <= 90 and lon <= 180 else None


# The datum a text names near a coordinate. CGCS2000 and WGS-84 differ by centimetres.
_DATUM_RE = re.compile(
    r"(?P<gcj>GCJ[-_ ]?0?2|火星坐标|国测局坐标|高德坐标|腾讯坐标)|(?P<bd>BD[-_ ]?0?9|百度坐标)"
    r"|(?P<wgs>WGS[-_ ]?84|CGCS\s?2000|GPS坐标|北斗坐标)",
    re.IGNORECASE,
)
DATUM_WINDOW = 60


def datum_near(text: str, start: int, end: int) -> str:
    """`gcj02`, `bd09` or `wgs84` (the default): the datum named on the same line within
    `DATUM_WINDOW` characters of `text[start:end]`: the closest one before it (a label comes
    before its value), else the closest one after it."""
    lo = max(text.rfind("\n", 0, start) + 1, start - DATUM_WINDOW)
    hi_line = text.find("\n", end)
    hi = min(hi_line if hi_line >= 0 else len(text), end + DATUM_WINDOW)
    before: str | None = None
    after: str | None = None
    for m in _DATUM_RE.finditer(text, lo, hi):
        kind = "gcj02" if m.group("gcj") else "bd09" if m.group("bd") else "wgs84"
        if m.end() <= start:
            before = kind  # the last one before the value is the closest
        elif m.start() >= end and after is None:
            after = kind
    return before or after or "wgs84"


def to_wgs84(lat: float, lon: float, datum: str) -> tuple[float, float]:
    """WGS-84 (lat, lon) of a GCJ-02 or BD-09 point (`coordTransform`, MIT: the published
    formulas; outside China GCJ-02 equals WGS-84 and the point is returned unchanged)."""
    if datum == "wgs84":
        return lat, lon
    import coordTransform  # type: ignore[import-untyped]  # no stubs; tiny C extension

    convert = coordTransform.gcj02_to_wgs84 if datum == "gcj02" else coordTransform.bd09_to_wgs84
    wlon, wlat = convert(lon, lat)
    return float(wlat), float(wlon)


def _in_range(axis: str, degrees: float) -> bool:
    return degrees <= (90 if axis == "lat" else 180)


def hemisphere_valid(value: str) -> bool:
    """Every component in range, and a pair is one latitude and one longitude."""
    parts = parse_components(value)
    if not parts or not all(_in_range(axis, deg) for axis, deg in parts):
        return False
    if len(parts) == 2:
        return {parts[0][0], parts[1][0]} == {"lat", "lon"}
    # One component alone needs a Chinese prefix or a degree mark: `12.50 W` is a power rating.
    return len(parts) == 1 and parts[0][0] != "" and any(c in value for c in "°º˚度′分东西南北")


_DECIMAL = re.compile(r"(-?[0-9]{1,3})\.([0-9]+)")
_FRACTION = re.compile(r"\.([0-9]+)")


def decimal_pair_valid(value: str) -> bool:
    """`lat, lon` (or `lon, lat`): both in range, neither zero, at least 3 decimals each."""
    found = _DECIMAL.findall(value)
    nums = [frac for _, frac in found]
    values = [float(whole + "." + frac) for whole, frac in found]
    if len(values) != 2 or min(len(d) for d in nums) < 3:
        return False
    a, b = (abs(v) for v in values)
    if a == 0 or b == 0:
        return False
    return (a <= 90 and b <= 180) or (a <= 180 and b <= 90)


def _decimals(value: str) -> int:
    found = _FRACTION.findall(value)
    return min((len(d) for d in found), default=0)


_GEO_CONTEXT = (
    "坐标", "经度", "纬度", "经纬", "位置", "定位", "地点", "gps", "北斗", "wgs", "gcj", "cgcs",
    "lat", "lon", "lng", "coord", "location", "position", "geo", "map", "地图",
)


_GRID_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def projected_valid(value: str) -> bool:
    """A northing of a Gauss-Kruger grid between the equator and 60 degrees north (metres), and
    an easting of 6 digits around the 500 km false easting or of 8 digits led by a zone number
    (3-degree zones 13-45 or 6-degree zones 13-23 cover China)."""
    numbers = _GRID_NUMBER.findall(value)
    if len(numbers) != 2:
        return False
    x, y = numbers
    if not 1_000_000 <= float(x) <= 6_700_000:
        return False
    easting = y.split(".")[0]
    if len(easting) == 8:
        zone, easting = int(easting[:2]), easting[2:]
        if not 13 <= zone <= 45:
            return False
    return len(easting) == 6 and 100_000 <= int(easting) <= 900_000


class CoordinatesDetector(Detector):
    name = "coordinates"
    categories = ("coordinates",)

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        sev = policy.severity_for(self.name, Severity.HIGH)
        message = "geographic coordinates: pinpoint a place"
        return (
            PatternRule(
                rule="coordinates.hemisphere",
                category="coordinates",
                regex=(
                    f"(?<![A-Za-z0-9.])(?P<v>{_COMPONENT}(?:{_PAIR_SEP}{_COMPONENT})?)(?![0-9])"
                ),
                severity=sev,
                confidence=0.8,
                validate=hemisphere_valid,
                context=_GEO_CONTEXT,
                message=message,
                max_len=80,
            ),
            PatternRule(
                rule="coordinates.range",
                category="coordinates",
                # A box: a range per axis (`地理坐标范围为108°21′43.5025″~108°21′57.6685″E
                # 21°40′37.2133″~21°49′53.0371″N`). Without this rule the hemisphere letter
                # between the two ranges was read as the next value's (`E21°40′…`) and the box
                # came out as one point of two latitudes.
                regex=f"(?<![A-Za-z0-9.])(?P<v>{_RANGE}{_PAIR_SEP}{_RANGE})(?![0-9])",
                severity=sev,
                confidence=0.8,
                validate=range_valid,
                context=_GEO_CONTEXT,
                message=message,
                max_len=120,
            ),
            PatternRule(
                rule="coordinates.decimal_pair",
                category="coordinates",
                regex=(
                    "(?<![0-9A-Za-z.])(?<![0-9][,，])(?<![0-9][,，] )(?P<v>-?[0-9]{1,3}\\.[0-9]{3,8}°?"
                    f"{_SP}{{0,3}}[,，]{_SP}{{0,3}}-?[0-9]{{1,3}}\\.[0-9]{{3,8}}°?)(?!\\.[0-9]|{_SP}*[,，]{_SP}*-?[0-9])"
                    # `(?![0-9])` last and alone: the Hyperscan prefilter then consumes one
                    # non-digit instead of reporting every digit after the third decimal.
                    "(?![0-9])"
                ),
                severity=sev,
                confidence=0.42,
                validate=decimal_pair_valid,
                context=_GEO_CONTEXT,
                context_boost=0.35,
                negative_context=("元", "价", "¥", "$", "版本", "version", "rate", "汇率", "%"),
                context_window=30,
                message=message,
                max_len=40,
            ),
            PatternRule(
                rule="coordinates.labelled",
                category="coordinates",
                # `纬度：39.9042`, `lat=39.9042`, `longitude: 116.4074`: a labelled single value.
                regex=(
                    "(?<![A-Za-z])(?i:纬度|经度|latitude|longitude|lat|lng|lon)"
                    f"{_SP}{{0,3}}[:：=]?{_SP}{{0,3}}(?P<v>-?[0-9]{{1,3}}\\.[0-9]{{3,8}})°?(?![0-9])"
                ),
                severity=sev,
                confidence=0.75,
                validate=lambda v: abs(float(v)) <= 180 and float(v) != 0,
                message=message,
                max_len=40,
            ),
            PatternRule(
                rule="coordinates.projected",
                category="coordinates",
                # Gauss-Kruger / CGCS2000 grid coordinates in survey notices:
                # `(X=3374933.57，Y=516952.94)`, `X：3374933.57 Y：38516952.94` (zone prefix).
                regex=(
                    # `X=` with no gap: a bare `X` would make every x in English text a candidate.
                    f"(?<![A-Za-z])(?P<v>[Xx][:：=]{_SP}{{0,2}}[0-9]{{7}}(?:\\.[0-9]{{1,4}})?"
                    f"{_PAIR_SEP}[Yy][:：=]{_SP}{{0,2}}[0-9]{{6,8}}(?:\\.[0-9]{{1,4}})?)(?![0-9])"
                ),
                severity=sev,
                confidence=0.75,
                validate=projected_valid,
                context=_GEO_CONTEXT,
                message="projected grid coordinates (X/Y in metres): pinpoint a place",
                max_len=64,
            ),
        )

    def refine(self, rule: PatternRule, match: re.Match[str], segment: Segment, finding: Finding) -> Finding | None:
        # Survey-grade precision (5+ decimals on both numbers) is GPS, not a price or a rate.
        if rule.rule == "coordinates.decimal_pair" and _decimals(finding.match) >= 5:
            return with_confidence(finding, min(1.0, finding.confidence + 0.15))
        return finding

    def samples(self) -> Sequence[Sample]:
        return (
            Sample("坐标：39.90421, 116.40739", "coordinates", match="39.90421, 116.40739"),
            Sample("at 39.904211, 116.407395 the gate", "coordinates"),
            Sample("N39.9042° E116.4074°", "coordinates", match="N39.9042° E116.4074°"),
            Sample("39.9042°N, 116.4074°E", "coordinates", match="39.9042°N, 116.4074°E"),
            Sample("39°54′15″N 116°24′27″E", "coordinates", match="39°54′15″N 116°24′27″E"),
            Sample("39d54'15\"N 116d24'27\"E", "coordinates"),
            Sample("位于东经116°24′27″，北纬39°54′15″处", "coordinates", match="东经116°24′27″，北纬39°54′15″"),
            Sample("北纬39.9042度", "coordinates", match="北纬39.9042度"),
            Sample("范围为108°21′43.5″~108°21′57.6″E21°40′37.2″~21°49′53.0″N，", "coordinates",
                   match="108°21′43.5″~108°21′57.6″E21°40′37.2″~21°49′53.0″N"),
            Sample("东经116°24′~116°25′，北纬39°54′~39°55′", "coordinates",
                   match="东经116°24′~116°25′，北纬39°54′~39°55′"),
            Sample("GPS lat: 31.2304 lon: 121.4737", "coordinates"),
            Sample("version 1.2345, 2.3456", "coordinates", expect=False),
            Sample("单价 12.500, 13.250 元", "coordinates", expect=False),
            Sample("北纬95°12′", "coordinates", expect=False),  # out of range
            Sample("39°75′15″N 116°24′27″E", "coordinates", expect=False),  # 75 minutes
            Sample("Python 3.11.4 released", "coordinates", expect=False),
            Sample("温度 25.5°C", "coordinates", expect=False),
            Sample("终点坐标(X=3373884.36，Y=517197.61)", "coordinates", match="X=3373884.36，Y=517197.61"),
            Sample("X：3374933.57 Y：38516952.94", "coordinates"),
            Sample("X=9374933.57, Y=516952.94", "coordinates", expect=False),  # northing beyond 60°N
            Sample("X=3374933, Y=99516952", "coordinates", expect=False),  # no such zone
        )
