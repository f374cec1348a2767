"""Value normalisation for aggregation: one written form per real-world value, so that the same
code, address, coordinate or phone number written differently in two documents gives one key.

Every function here is pure and cheap (no NLP, no I/O): fact extraction runs on millions of
short documents.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from ..detect.normalize import lexicon_fold_table, traditional_to_simplified

# Dashes and dots people put inside codes, after NFKC (which already folds full-width forms).
_CODE_DROP = re.compile(r"[^0-9A-Za-z]+")


@cache
def _text_table() -> dict[int, int]:
    return dict(traditional_to_simplified())


def normalise_text(text: str) -> str:
    """NFKC (full-width -> ASCII, compatibility forms) then traditional -> simplified Chinese.
    Fact values are taken from this text, so evidence and keys agree."""
    return unicodedata.normalize("NFKC", text).translate(_text_table())


def fold(text: str) -> str:
    """Fold for comparing names and aliases: width, case, traditional/simplified, separators gone."""
    return unicodedata.normalize("NFKC", text).translate(lexicon_fold_table())


def code_key(code: str) -> str:
    """`ZB－2026－7301`, `zb 2026 7301` and `ZB-2026-7301` are one code: `ZB20267301`."""
    return _CODE_DROP.sub("", unicodedata.normalize("NFKC", code)).upper()


def phone_key(number: str) -> str:
    """Digits only, without the +86 country prefix, so `+86 138-1234-5678` == `13812345678`."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", number) if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86") and digits[2] == "1":
        digits = digits[2:]
    return digits


# ---- addresses ---------------------------------------------------------------------------

# Administrative levels, coarse to fine. A county (or district) alone never identifies a site.
LEVELS = ("province", "city", "county", "town", "village", "road", "number")
PRECISE_LEVELS = frozenset({"village", "number"})


@dataclass(frozen=True, slots=True)
class Address:
    """A parsed Chinese administrative address (names keep their level suffix: `某某村`)."""

    text: str
    parts: tuple[tuple[str, str], ...]  # (level, name)

    def get(self, level: str) -> str | None:
        for lvl, name in self.parts:
            if lvl == level:
                return name
        return None

    @property
    def precision(self) -> str:
        """`precise` (village, or street number), `town`, `county` or `area`."""
        if self.get("village") or (self.get("road") and self.get("number")):
            return "precise"
        if self.get("town") or self.get("road"):
            return "town"
        if self.get("county"):
            return "county"
        return "area"

    def keys(self) -> tuple[str, ...]:
        """Link keys for a precise address: the fine part qualified by the county and/or the
        town, so that a document naming `某镇某村` links to one naming `某县某镇某村`, while a
        village name alone (there are thousands of 王庄村) or a county alone never links."""
        if self.precision != "precise":
            return ()
        village = self.get("village")
        road, number = self.get("road"), self.get("number")
        fine = [village] if village else []
        if road and number:
            fine = [*fine, road, number] if not village else fine
        fine_part = "|".join(fold(x) for x in fine)
        qualifiers = [q for q in (self.get("county"), self.get("town")) if q]
        if not qualifiers and road and number and self.get("city"):
            qualifiers = [self.get("city") or ""]
        return tuple(sorted({f"addr:{fold(q)}|{fine_part}" for q in qualifiers}))


_CJK = "\u4e00-\u9fff"
# One component: a short name and its level suffix. Names are short on purpose: the regex
# starts as far left as it can, and the first name is trimmed afterwards (see _trim_first).
_ADDR_COMPONENT = (
    rf"(?:[{_CJK}]{{1,7}}?(?:特别行政区|自治区|自治州|自治县|省|市|地区|盟|县|区|旗|镇|乡|街道|村|社区|屯|嘎查)"
    rf"|[{_CJK}0-9]{{1,8}}?(?:大道|路|街|巷|胡同)|[0-9]{{1,5}}(?:-[0-9]{{1,4}})?号)"
)
ADDRESS_RE = re.compile(rf"(?:{_ADDR_COMPONENT}){{2,8}}")
_COMPONENT_RE = re.compile(
    rf"(?P<name>[{_CJK}]{{1,7}}?)(?P<suffix>特别行政区|自治区|自治州|自治县|省|市|地区|盟|县|区|旗|镇|乡|街道|村|社区|屯|嘎查)"
    rf"|(?P<road>[{_CJK}0-9]{{1,8}}?(?:大道|路|街|巷|胡同))|(?P<num>[0-9]{{1,5}}(?:-[0-9]{{1,4}})?号)"
)
_SUFFIX_LEVEL = {
    "特别行政区": "province", "自治区": "province", "省": "province",
    "自治州": "city", "地区": "city", "盟": "city", "市": "city",
    "自治县": "county", "县": "county", "区": "county", "旗": "county",
    "镇": "town", "乡": "town", "街道": "town",
    "村": "village", "社区": "village", "屯": "village", "嘎查": "village",
}
# Words that end the text before an address (the regex may have swallowed them).
_ADDR_STOP = re.compile(r"^.*(?:位于|地址|地点|坐落于|坐落在|建于|设在|设于|选址|在|于|至|从|为|是|的|和|与|及|向)")
# Component names that are not places ("园区", "营区", "厂区" are parts of a site).
_NOT_PLACE = frozenset(
    {"园", "营", "厂", "库", "校", "矿", "社", "辖", "城", "市", "地", "全", "本", "该", "各", "小", "景"}
)


def parse_addresses(text: str) -> list[tuple[int, int, Address]]:
    """Addresses in (normalised) text as (start, end, Address)."""
    out: list[tuple[int, int, Address]] = []
    for m in ADDRESS_RE.finditer(text):
        parts: list[tuple[str, str]] = []
        start = m.start()
        pos = m.start()
        seen_levels: set[str] = set()
        for c in _COMPONENT_RE.finditer(m.group(0)):
            if c.group("name") is not None:
                name, suffix = c.group("name"), c.group("suffix")
                if not parts:
                    trimmed = _ADDR_STOP.sub("", name)
                    start = pos + c.start() + (len(name) - len(trimmed))
                    name = trimmed
                    if len(name) < 2:  # "通村道路": a one-character first name is a word, not a place
                        continue
                if name in _NOT_PLACE or name[-1] in "的在于":
                    break
                level = _SUFFIX_LEVEL[suffix]
                if level == "city" and "city" in seen_levels:
                    level = "county"  # county-level city: 涿州市 under 保定市
                parts.append((level, name + suffix))
            elif c.group("road") is not None:
                road = c.group("road")
                if not parts:
                    trimmed = _ADDR_STOP.sub("", road)
                    start = pos + c.start() + (len(road) - len(trimmed))
                    road = trimmed
                level = "road"
                parts.append((level, road))
            else:
                level = "number"
                parts.append((level, c.group("num")))
            seen_levels.add(level)
        if len(parts) >= 2 or (parts and parts[0][0] in ("village", "road")):
            end = m.end()
            addr = Address(text[start:end], tuple(parts))
            out.append((start, end, addr))
    return out


# English (pinyin) addresses: "Wangzhuang Village, Hedong Town, Qingshan County",
# "No. 12 Xinhua Road, Shunyi District". Same levels and the same precision rule as Chinese.
_EN_WORD = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?"
_EN_LEVEL = {"province": "province", "city": "city", "prefecture": "city", "county": "county", "district": "county",
             "town": "town", "township": "town", "subdistrict": "town", "village": "village"}
EN_ADDRESS_RE = re.compile(
    rf"(?:(?:No\.\s?)?(?P<num>[0-9]{{1,5}}),?\s)?(?:(?P<road>{_EN_WORD})\s(?:Road|Street|Avenue|Lane|Rd\.|St\.),?\s?)?"
    rf"(?P<rest>(?:{_EN_WORD}\s(?:Village|Town|Township|Subdistrict|County|District|City|Prefecture|Province)"
    rf"(?:,\s?|\s)?)+)"
)
_EN_PART_RE = re.compile(rf"({_EN_WORD})\s(Village|Town|Township|Subdistrict|County|District|City|Prefecture|Province)")


def parse_addresses_en(text: str) -> list[tuple[int, int, Address]]:
    """English addresses as (start, end, Address); names keep their level word."""
    out: list[tuple[int, int, Address]] = []
    for m in EN_ADDRESS_RE.finditer(text):
        parts: list[tuple[str, str]] = []
        for name, level in _EN_PART_RE.findall(m.group("rest")):
            parts.append((_EN_LEVEL[level.lower()], f"{name} {level}"))
        if m.group("road"):
            parts.append(("road", m.group("road") + " Road"))
            if m.group("num"):
                parts.append(("number", m.group("num")))
        order = {lvl: i for i, lvl in enumerate(LEVELS)}
        parts.sort(key=lambda p: order[p[0]])
        levels = {lvl for lvl, _ in parts}
        # "The Village", "Global Village": an English village needs a town or county beside it.
        if not parts or ("village" in levels and not levels & {"town", "county"} and len(parts) == 1):
            continue
        written = m.group(0).rstrip(" ,")
        out.append((m.start(), m.start() + len(written), Address(written, tuple(parts))))
    return out


# ---- coordinates -------------------------------------------------------------------------

_NUM = r"\d{1,3}(?:\.\d+)?"
_SEC = r"(?:″|′′|\"|''|秒)"
_MIN = r"(?:′|'|分)"
# One axis value with its hemisphere before it (N39.9042°, 北纬39°54′15″, 东经116.4074度) or after it
# (39°54′15″N); decimal degrees need the hemisphere in front.
_DMS = (
    rf"(?P<deg>{_NUM})\s?(?:°|度)(?:\s?(?P<min>\d{{1,2}}(?:\.\d+)?)\s?{_MIN})?"
    rf"(?:\s?(?P<sec>\d{{1,2}}(?:\.\d+)?)\s?{_SEC})?"
)
AXIS_PRE_RE = re.compile(
    rf"(?P<hemi>东经|西经|北纬|南纬|(?<![A-Za-z])[NSEW])\s?(?:{_DMS}|(?P<dec>\d{{1,3}}\.\d{{3,}}))"
)
AXIS_POST_RE = re.compile(rf"{_DMS}\s?(?P<hemi>[NSEW])(?![A-Za-z])")
# An unlabelled decimal pair with at least 4 decimals (about 10 m): 39.90421, 116.40739
DECIMAL_PAIR_RE = re.compile(r"(?<![\d.])(-?\d{1,3}\.\d{4,})\s?[,，/]\s?(-?\d{1,3}\.\d{4,})(?![\d.])")
_HEMI = {"东经": "E", "西经": "W", "北纬": "N", "南纬": "S"}


def parse_coordinates(text: str) -> list[tuple[int, int, float, float]]:
    """Coordinate pairs (start, end, lat, lon) in decimal, DMS and Chinese forms."""
    out: list[tuple[int, int, float, float]] = []
    axes: list[tuple[int, int, str, float]] = []
    # Both forms can claim a hemisphere letter between two values ("39°N 116°E" vs "N39° E116°"):
    # the candidate that starts first wins, the way a reader reads it.
    candidates = sorted(
        (m for regex in (AXIS_PRE_RE, AXIS_POST_RE) for m in regex.finditer(text)),
        key=lambda m: (m.start(), -m.end()),
    )
    last_end = -1
    for m in candidates:
        if m.start() < last_end:
            continue
        if m.groupdict().get("dec") is not None:
            value = float(m.group("dec"))
        else:
            value = float(m.group("deg")) + float(m.group("min") or 0) / 60 + float(m.group("sec") or 0) / 3600
        hemi = _HEMI.get(m.group("hemi"), m.group("hemi"))
        if hemi in "SW":
            value = -value
        last_end = m.end()
        axes.append((m.start(), m.end(), "lat" if hemi in "NS" else "lon", value))
    axes.sort()
    used: set[int] = set()
    for i, (s1, e1, a1, v1) in enumerate(axes):
        if i in used or i + 1 >= len(axes):
            continue
        s2, e2, a2, v2 = axes[i + 1]
        if a1 != a2 and s2 - e1 <= 12:
            lat, lon = (v1, v2) if a1 == "lat" else (v2, v1)
            if abs(lat) <= 90 and abs(lon) <= 180:
                out.append((s1, e2, lat, lon))
                used.update({i, i + 1})
    for m in DECIMAL_PAIR_RE.finditer(text):
        if any(s <= m.start() < e for s, e, _, _ in out):
            continue
        a, b = float(m.group(1)), float(m.group(2))
        lat, lon = (a, b) if abs(a) <= 90 else (b, a)
        if abs(lat) <= 90 and abs(lon) <= 180 and (abs(lat) > 1 or abs(lon) > 1):
            out.append((m.start(), m.end(), lat, lon))
    return out


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine; datum shifts of a few hundred metres between
    GCJ-02 and WGS-84 are within the linking radius's spirit, not corrected here)."""
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
