"""The pattern extractors aggregation used before the gazetteer- and parser-based ones: tender
codes, Chinese addresses, English (pinyin) addresses and schedule dates. They stay registered
under the names of their successors (`codes`, `address_cn`, `place_en`, `dates`) until those
land, so swapping one in is a one-line change in `registry.py`.

Address spans carry their link keys in `detail` as `("link_key", "青山县|李庄村")` (a precise
address has one key per qualifier: county and town) and their precision as
`("precision", "precise|town|county|area")`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..normalize import code_key, fold_key
from .base import FactExtractor, FactSpan
from .lines import folded_lines, span

# ---- codes -------------------------------------------------------------------------------

_CODE_LABEL_RE = re.compile(
    r"(?:招标编号|项目编号|采购编号|合同编号|标段编号|批准文号|备案号|"
    r"(?i:tender\s*(?:no\.?|number|ref\.?)|project\s*(?:no\.?|number|code)|ref(?:erence)?\s*no\.?))"
    r"\s*[:]?\s*(?P<code>[A-Za-z0-9]+(?:\s?[-‐‑–—_/.]\s?[A-Za-z0-9]+|\s[0-9]+)*)"
)
_CODE_BARE_RE = re.compile(
    r"(?<![A-Za-z0-9])(?P<code>[A-Z]{2,6}(?:\s?[-‐‑–—_]\s?[A-Z0-9]{2,10}|\s[0-9]{2,10}){1,4})(?![A-Za-z0-9])"
)

# Datum names look like codes (`GCJ-02`, `WGS-84`) and say nothing about a project.
_NOT_CODES = frozenset({"GCJ02", "BD09", "WGS84", "CGCS2000"})


class LegacyCodes(FactExtractor):
    """Tender, project and approval codes: labelled (`招标编号:`) or bare (`ZB-2026-7301`)."""

    name = "codes"
    kinds = ("code",)

    def extract(self, text: str) -> Sequence[FactSpan]:
        out: list[FactSpan] = []
        for base, line in folded_lines(text):
            seen: list[tuple[int, int]] = []
            for regex in (_CODE_LABEL_RE, _CODE_BARE_RE):
                for m in regex.finditer(line):
                    s, e = m.span("code")
                    if any(a <= s < b for a, b in seen):
                        continue
                    key = code_key(m.group("code"))
                    if len(key) < 4 or not any(ch.isdigit() for ch in key) or key in _NOT_CODES:
                        continue
                    seen.append((s, e))
                    out.append(span(text, base + s, base + e, "code", None, key))
        return sorted(out, key=lambda f: f.start)


# ---- Chinese addresses -------------------------------------------------------------------

LEVELS = ("province", "city", "county", "town", "village", "road", "number")


@dataclass(frozen=True, slots=True)
class Address:
    """A parsed administrative address (names keep their level suffix: `某某村`)."""

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
        """Link keys of a precise address: the fine part qualified by the county and/or the town,
        so `某镇某村` links to `某县某镇某村` while a village name alone (there are thousands of
        王庄村) or a county alone never links."""
        if self.precision != "precise":
            return ()
        village = self.get("village")
        road, number = self.get("road"), self.get("number")
        fine = [village] if village else []
        if road and number and not village:
            fine = [road, number]
        fine_part = "|".join(fold_key(x) for x in fine)
        qualifiers = [q for q in (self.get("county"), self.get("town")) if q]
        if not qualifiers and road and number and self.get("city"):
            qualifiers = [self.get("city") or ""]
        return tuple(sorted({f"{fold_key(q)}|{fine_part}" for q in qualifiers}))

    def span(self, text: str, start: int, end: int) -> FactSpan:
        detail = (("precision", self.precision), *(("link_key", k) for k in self.keys()), *self.parts)
        return span(text, start, end, "address", "location", "/".join(n for _, n in self.parts), detail)


_CJK = "\u4e00-\u9fff"
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


def parse_addresses(line: str) -> list[tuple[int, int, Address]]:
    """Chinese addresses in one (folded) line as (start, end, Address)."""
    out: list[tuple[int, int, Address]] = []
    for m in ADDRESS_RE.finditer(line):
        parts: list[tuple[str, str]] = []
        start = pos = m.start()
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
            out.append((start, m.end(), Address(line[start:m.end()], tuple(parts))))
    return out


class LegacyAddressCn(FactExtractor):
    """Chinese administrative addresses by level suffix (省/市/县/镇/村, 路 + 号)."""

    name = "address_cn"
    kinds = ("address",)

    def extract(self, text: str) -> Sequence[FactSpan]:
        return [addr.span(text, base + s, base + e)
                for base, line in folded_lines(text) for s, e, addr in parse_addresses(line)]


# ---- English (pinyin) addresses ----------------------------------------------------------

_EN_WORD = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?"
_EN_LEVEL = {"province": "province", "city": "city", "prefecture": "city", "county": "county", "district": "county",
             "town": "town", "township": "town", "subdistrict": "town", "village": "village"}
EN_ADDRESS_RE = re.compile(
    rf"(?:(?:No\.\s?)?(?P<num>[0-9]{{1,5}}),?\s)?(?:(?P<road>{_EN_WORD})\s(?:Road|Street|Avenue|Lane|Rd\.|St\.),?\s?)?"
    rf"(?P<rest>(?:{_EN_WORD}\s(?:Village|Town|Township|Subdistrict|County|District|City|Prefecture|Province)"
    rf"(?:,\s?|\s)?)+)"
)
_EN_PART_RE = re.compile(rf"({_EN_WORD})\s(Village|Town|Township|Subdistrict|County|District|City|Prefecture|Province)")


def parse_addresses_en(line: str) -> list[tuple[int, int, Address]]:
    """English addresses in one line as (start, end, Address); names keep their level word."""
    out: list[tuple[int, int, Address]] = []
    for m in EN_ADDRESS_RE.finditer(line):
        parts = [(_EN_LEVEL[level.lower()], f"{name} {level}") for name, level in _EN_PART_RE.findall(m.group("rest"))]
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


class LegacyPlaceEn(FactExtractor):
    """English (pinyin) addresses: `Wangzhuang Village, Hedong Town`, `No. 12 Xinhua Road`."""

    name = "place_en"
    kinds = ("address",)

    def extract(self, text: str) -> Sequence[FactSpan]:
        return [addr.span(text, base + s, base + e)
                for base, line in folded_lines(text)
                if line.isascii() or "Village" in line or "Road" in line
                for s, e, addr in parse_addresses_en(line)]


# ---- schedules ---------------------------------------------------------------------------

# Years 19xx/20xx and months 1-12 only, never inside a code (`ZB-2026-4242` is not April 2026).
_DATE = (
    r"(?<![A-Za-z0-9\-])(?:(?:19|20)[0-9]{2}\s*年\s*(?:1[0-2]|0?[1-9])\s*月(?:\s*[0-9]{1,2}\s*日)?(?:[上中下]旬|底|初)?"
    r"|(?:19|20)[0-9]{2}([-/.])(?:1[0-2]|0?[1-9])(?:\1[0-3]?[0-9])?(?![0-9\-])"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?:[0-9]{1,2},?\s+)?[0-9]{4}"
    r"|[0-9]{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+[0-9]{4})"
)
_DATE_RE = re.compile(_DATE)
_CTX_RE = re.compile(
    r"(?:开工|竣工|完工|交付|交货|投入使用|投用|投产|建成|进场|供货|到货|安装完成|完成"
    r"|start|commence|complet|deliver|commission|handover|operational|finish)",
    re.I,
)
_CLAUSE_END = re.compile(r"[。;;\n]")
_DURATION_RE = re.compile(r"工期\s*[:为]?\s*[0-9]+\s*(?:个)?(?:日历天|天|个月|月)")
_WORD_TAIL = re.compile(r"[a-z]*")


class LegacyDates(FactExtractor):
    """Schedule dates: a date with a context word (开工, 竣工, delivery...) in the same clause,
    and `工期N天`. A tender deadline is not a site's schedule."""

    name = "dates"
    kinds = ("date", "duration")

    def extract(self, text: str) -> Sequence[FactSpan]:
        out: list[FactSpan] = []
        for base, line in folded_lines(text):
            for m in _DATE_RE.finditer(line):
                before = line[max(0, m.start() - 12): m.start()]
                after = line[m.end(): m.end() + 10]
                ctx_before = list(_CTX_RE.finditer(before))
                ctx_after = _CTX_RE.search(after)
                if ctx_after is not None and not _CLAUSE_END.search(after[: ctx_after.start()]):
                    end = m.end() + ctx_after.end()
                    tail = _WORD_TAIL.match(line, end)
                    end = tail.end() if tail else end
                    out.append(span(text, base + m.start(), base + end, "date", "schedule"))
                elif ctx_before and not _CLAUSE_END.search(before[ctx_before[-1].end():]):
                    start = m.start() - len(before) + ctx_before[-1].start()
                    out.append(span(text, base + start, base + m.end(), "date", "schedule"))
            if "工期" in line:
                for m in _DURATION_RE.finditer(line):
                    out.append(span(text, base + m.start(), base + m.end(), "duration", "schedule"))
        return sorted(out, key=lambda f: f.start)
