"""Chinese addresses as a hierarchy: province, city, county, zone, town, village, group, road.

How it reads a text:
1. One Aho-Corasick pass over the folded text (traditional -> simplified, full width -> ASCII,
   same length so offsets hold; direct look-ups for a process's first texts, same answer: see
   `_names_at`) finds province/city/county names from the gazetteer and town names the gazetteer
   knows; short names (湖北, 宜昌) count only right before another component.
2. From each of those anchors a small grammar reads the components that follow: town
   (…乡/镇/街道), development zone (…高新区/工业园区), village (…村/社区), group (8组, 村民小组,
   `group 8`), road (…路/大道/街, with number `36号`, intersection `A路与B路交汇处` or landmark
   `…中心东侧`) and lot (`自编A01`). Components may be separated by commas and spaces (`Site: 马家
   营乡, 李家湾村, 安平县 group 8.` is one address); a level seen twice starts a new address.
3. A run of components needs at least one gazetteer division or known town: that is what makes a
   fragment a place. A run with no precise component that runs straight into an agency suffix
   (局/委员会/中心/公司/人民政府/…) is an organisation (`石门县农业农村局`, kind `org`), not an address.
   Places the gazetteer lacks are read only in strict shapes (`_shaped_runs`: a city and a county
   by suffix followed by a town/village/road; a town + village pair at a word start), plus road
   sections (`东方大道延伸段(港窑路-伍龙路段)`) and labelled sites (`建设地点:小嶝岛`).
4. Upper levels are resolved from the gazetteer (安平县 -> 河北省/衡水市) when unambiguous given
   the other components written.

`key`: "/"-joined hierarchy of resolved province/city/county plus the most precise named element
(village[/group], road+number, else town, else zone), so `湖北省宜昌市点军区点军街道联棚村` and
`点军区联棚村` compare equal. `link_key` details (what aggregation links by): the fine part
qualified by county and by town (`点军区|联棚村`, `点军街道|联棚村`). `precision`: precise
(village/group, road with a number, section, crossing or landmark, lot), town, county or area.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import ahocorasick_rs

from ...heap import long_lived
from ..normalize import fold_key, fold_sources
from .base import FactExtractor, FactSpan
from .gazetteer_cn import Division, Gazetteer, load_gazetteer, location_sources
from .gazetteer_cn import __file__ as gazetteer_cn_source
from .tablecache import cache_file, cached
from .text import fold_same_length, name_lengths, name_prefix, windows

_HAN = "\u4e00-\u9fff"
# Characters that never occur inside a place name: function words and verbs of running text.
_NOT_IN_NAME = "和的及与在为是等或于由对从向把将被了着及其位于地处距"
_NAME = f"(?:(?![{_NOT_IN_NAME}])[{_HAN}0-9])"  # one character of a place name

_TOWN = re.compile(f"{_NAME}{{1,6}}?(?:街道办事处|街道|镇|乡)")
# Right after a county, city or town, a function-word character opens the next name instead of being
# a word of running text: `五台县于家堡镇`, `宽甸满族自治县和平镇`, `向阳村` (于, 和, 向 are
# surnames and place words: 于家堡, 和平, 向阳, 将军). Other function words never do; a
# determiner after it (`镇和各村`) or a division inside the rest (`县和乡镇`) is running text.
_OPENER = "[于和向将](?![各每该本全其所])"
_TOWN_OPENED = re.compile(f"{_OPENER}{_NAME}{{1,5}}?(?:街道|镇|乡)")
_VILLAGE_OPENED = re.compile(f"{_OPENER}{_NAME}{{1,5}}?(?<![农乡])(?:社区|村)(?![民委])")
# Right after a division, a village of two characters whose second is 和 or 是 (`永和村`, `太和村`,
# `人和村`, `求是村`: common village names) though both are function words elsewhere; not before
# 民/委/里/干 (`…和村民`, `…和村委`, `镇里和村里`, `…和村干部`: running text).
_VILLAGE_MID = re.compile(f"{_NAME}[和是](?:社区|村)(?![民委里干])")
_OPENED_AFTER = frozenset({"province", "city", "county", "town"})
_DIVISION_OR_TOWN = re.compile("[省市县区镇乡]")


def _name_match(plain: re.Pattern[str], opened_re: re.Pattern[str], folded: str, at: int,
                opened: bool) -> re.Match[str] | None:
    """A town or village name at `at`: `plain`, or right after a division (`opened`) the same
    opened by a function word (`opened_re`) unless a division inside it makes it running text."""
    m = plain.match(folded, at) or (opened_re.match(folded, at) if opened else None)
    if m and m.group()[0] in _NOT_IN_NAME and _DIVISION_OR_TOWN.search(m.group(), 1, len(m.group()) - 1):
        return None
    return m
_ZONE = re.compile(
    f"{_NAME}{{0,10}}?(?:高新技术产业开发区|经济技术开发区|高新区|开发区|工业园区|工业园|产业园|化工园区?|园区|新区)")
_VILLAGE = re.compile(f"{_NAME}{{1,6}}?(?<![农乡])(?:村民委员会|村委会|社区|村)(?![民委])")
_NUM = "[0-9一二三四五六七八九十百零〇]+"
_GROUP = re.compile(f"(?:{_NUM} ?(?:村民小组|组)(?![织成建合])|[Gg]roup ?[0-9]+)")
# 道路/公路/线路/铁路... are words for roads in general, not a road's name
_ROAD_NAME = f"{_NAME}{{1,8}}?(?:大道|大街|(?<![道公线铁电水管网通])路|街|巷|弄)"
# a section of a road between two others: `东方大道延伸段(港窑路-伍龙路段)`, `峡州大道三期(先峰路-杨家店)`
_SECTION = f"(?:延伸段|[一二三四五六七八九十0-9]+期)?\\({_NAME}{{2,10}}-{_NAME}{{2,10}}\\)"
# ... also written without a division before it (a project title starting a line or after `:`)
_SECTION_OPEN = re.compile(r"\((?=[^()]{2,20}-)")
_ROAD_SECTION = re.compile(f"(?<![{_HAN}])(?P<road>{_NAME}{{1,6}}?(?:大道|大街|路|街))(?P<sec>{_SECTION})")
_ROAD = re.compile(
    f"(?P<road>{_ROAD_NAME})"
    f"(?:(?P<num>临?{_NUM}(?:-[0-9]+)?号(?:院)?)"
    f"|(?P<cross>[与和]{_ROAD_NAME}(?:交汇处|交叉口|交叉路口|路口|交口))"
    f"|(?P<sec>{_SECTION})"
    f"|(?P<mark>[{_HAN}]{{0,14}}?(?:东侧|西侧|南侧|北侧|附近|旁|对面|以东|以西|以南|以北)))?")
_LOT = re.compile("自编号?[A-Z]?[0-9]+(?:-[0-9]+)?")
_SEP = re.compile(r"(?:[ \t,;:]|\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,8}\))*")  # incl. 鎮(zhèn)
_HARD_SEP = re.compile("[,;:]")
# city + county written one after the other, each by its suffix (see `_shaped_runs`)
_SHAPE = re.compile(
    f"(?:(?<![{_HAN}])|(?<=位于)|(?<=地点)|(?<=在))(?P<p>{_NAME}{{2,6}}?省)?"
    f"(?P<c>{_NAME}{{2,6}}?(?:市|自治州|地区|盟))(?P<k>{_NAME}{{1,6}}?(?:县|区|旗|市))")
# a town and a village the gazetteer does not know, written together at a word start
# (`新闻:青兴镇东康村附近`); names of 2-5 characters without any division character
_PLAIN = f"(?:(?![{_NOT_IN_NAME}乡镇村区县市省])[{_HAN}])"
_TOWN_VILLAGE = re.compile(
    f"(?:(?<![{_HAN}])|(?<=位于)|(?<=在)|(?<=于)|(?<=地点))(?P<t>{_PLAIN}{{2,5}}(?:镇|乡))"
    f"(?P<v>{_PLAIN}{{2,5}}?(?:村|社区))(?![民委])")
_VILLAGE_END = re.compile("村|社区")
_CITY_END = re.compile("市|自治州|地区|盟")
_COUNTY_SHAPE = re.compile(
    f"(?:(?<=[省市州盟:,( ])|^|(?<=位于)|(?<=地点))((?:(?![{_NOT_IN_NAME}])[{_HAN}]){{1,4}}?(?:县|区|旗))$")
# a town or village name never contains a division suffix (经竹溪县鄂坪乡 is 竹溪县 + 鄂坪乡)
_DIVISION_CHAR = re.compile("[省市县区]")
# Town or village names written before the first gazetteer name, separated by commas (`Site:
# 马家营乡, 李家湾村, 安平县`): they start after a non-Han character or after 位于/在.
_BEFORE = re.compile(
    f"(?:(?<![{_HAN}])|(?<=位于)|(?<=在))((?:{_NAME}{{1,6}}?(?:街道|镇|乡)|{_NAME}{{1,6}}?(?<![农乡])(?:社区|村))"
    r"(?:[ \t]*[,;][ \t]*))+$")
_ZONE_SUFFIX = ("开发区", "高新区", "园区", "工业园", "产业园", "新区")
_ROAD_END = re.compile(f"$|[^{_HAN}]|[与和及交东西南北以内境中]")
_ORG = re.compile(
    f"[{_HAN}]{{0,12}}?(?:人民政府|政府|委员会|管理局|分局|局|党委|纪委|办公室|办事处|管理处|研究院|设计院"
    "|医院|法院|检察院|学院|科学院|中心|有限公司|公司|集团|厅|支队|大队|中队|派出所|研究所|事务所"
    "|学校|大学|银行|分行|支行|协会)")

# A place named after a site label (`建设地点:小嶝岛`): the label says it is a place even when no
# gazetteer name is written. Precise when it names a site (island, station, reservoir, plot...).
_SITE_LABEL = re.compile(
    f"(?:建设地点|项目地点|工程地点|实施地点|交货地点|建设地址|项目选址|站址|厂址|场址)[:：] ?(?:位于)?"
    f"(?P<v>[{_HAN}A-Za-z0-9][^,;:。；\\s()]{{1,29}})")
_NOT_A_SITE = re.compile("指定|另行|待定|详见|见附件|按|采购人|甲方|招标人|买方|用户|现场|本市|本县|境内$")
_SITE_SUFFIX = re.compile("(?:岛|站|库|坝|坝址|港|码头|机场|基地|地块|号|村|组|山顶|山)$")

_ORDER = {"province": 0, "city": 1, "county": 2, "zone": 3, "town": 4, "village": 5, "group": 6,
          "road": 7, "lot": 8}
_PRECISE = {"village", "group", "lot"}


@dataclass(frozen=True, slots=True)
class _Ctx:
    """What one `extract` call reads: the gazetteer, the folded text, names by start."""

    gaz: Gazetteer
    folded: str
    names_at: dict[int, tuple[int, int]]


@dataclass(slots=True)
class _Part:
    level: str
    start: int
    end: int
    text: str  # folded form of the component (its canonical spelling)
    divisions: tuple[Division, ...] = ()
    precise: bool = False
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _NameTable:
    """The gazetteer names to find: `names[i]` = (name, kind) with kind full | short | town,
    `index` name -> i, and for each two-character prefix the name lengths it starts, longest
    first (what the direct look-up of `_names_at` tries)."""

    names: list[tuple[str, str]]
    index: dict[str, int]
    lengths: dict[str, tuple[int, ...]]
    prefix: int  # characters of a prefix: 2 (1 if the gazetteer ever holds a one-character name)


def _derived_cache_file(name: str) -> Path | None:
    """Where a table derived from the gazetteer by this module is cached (`tablecache`, public
    data only): it depends on jionlp's location files, on how `gazetteer_cn` reads them and on
    this module."""
    return cache_file(name, [*location_sources(), Path(gazetteer_cn_source), *fold_sources()], __file__)


@cache
def _name_table() -> _NameTable:
    """The names table, read from the table cache when it is there (a `check` of one draft then
    pays ~0.01 s instead of ~0.04 s to build it), else built and written for the next process."""
    with long_lived():
        names, lengths, prefix = cached(
            _derived_cache_file("address-cn-names"), _build_name_table,
            lambda d: isinstance(d, tuple) and len(d) == 3 and isinstance(d[0], list) and isinstance(d[1], dict))
        return _NameTable(names, {n: i for i, (n, _) in enumerate(names)}, lengths, prefix)


def _build_name_table() -> tuple[list[tuple[str, str]], dict[str, tuple[int, ...]], int]:
    gaz = load_gazetteer()
    entries: dict[str, str] = {}
    for name in gaz.towns:
        if len(name) >= 3:
            entries[name] = "town"
    for name in gaz.by_short:
        entries[name] = "short"
    for name in gaz.by_name:
        entries[name] = "full"
    names = list(entries.items())
    prefix = name_prefix(entries)
    return names, name_lengths(entries, prefix), prefix


@cache
def _automaton() -> ahocorasick_rs.AhoCorasick:
    # Standard match kind with overlapping matches: every name starting at every position, so a
    # run can ask "which names start here?" without another scan.
    return ahocorasick_rs.AhoCorasick([n for n, _ in _name_table().names])


#: Texts a process reads with direct look-ups before it builds the Aho-Corasick automaton. The
#: automaton over the ~40,000 names takes ~0.17 s to build (a fifth of a `check`, which reads one
#: or two drafts) and then finds the names of a notice in ~8 us; the look-ups need no build and
#: take ~60 us per notice: the build pays for itself after ~3,000 notices (a corpus read).
DIRECT_LOOKUP_TEXTS = 2000
_direct_lookups = 0


def _names_at(folded: str) -> dict[int, tuple[int, int]]:
    """Longest gazetteer name starting at each position: start -> (name index, end). The same
    answer from the automaton or from direct look-ups (tests/detect/test_address_cn_names.py)."""
    global _direct_lookups
    if _direct_lookups < DIRECT_LOOKUP_TEXTS:
        _direct_lookups += 1
        return _names_at_direct(folded)
    return _names_at_automaton(folded)


def _names_at_automaton(folded: str) -> dict[int, tuple[int, int]]:
    found: dict[int, tuple[int, int]] = {}
    for index, start, end in _automaton().find_matches_as_indexes(folded, overlapping=True):
        if start not in found or found[start][1] < end:
            found[start] = (index, end)
    return found


def _names_at_direct(folded: str) -> dict[int, tuple[int, int]]:
    table = _name_table()
    found: dict[int, tuple[int, int]] = {}
    lengths, index, prefix = table.lengths.get, table.index.get, table.prefix
    size = len(folded)
    for start in range(size - prefix + 1):
        for n in lengths(folded[start:start + prefix], ()):
            # a slice past the end would be shorter than n: only names that fit are looked up
            i = index(folded[start:start + n]) if start + n <= size else None
            if i is not None:
                found[start] = (i, start + n)
                break
    return found


_TOWN_SUFFIXES = ("街道", "镇", "乡")
# after a town's stem, these make it part of a longer name (`联棚村`, `窑湾路`), not the town
_NAME_GOES_ON = frozenset("村乡镇街道路区县市社组园")


@cache
def _county_town_stems() -> dict[str, tuple[tuple[str, str], ...]]:
    """County adcode -> (stem, town name) of its gazetteer towns, longest stem first: the town
    name without its suffix (`谷堡镇` -> `谷堡`), stems of two characters or more. Read from the
    table cache when it is there, else built and written for the next process."""
    with long_lived():
        return cached(_derived_cache_file("address-cn-town-stems"), _build_county_town_stems,
                      lambda d: isinstance(d, dict))


def _build_county_town_stems() -> dict[str, tuple[tuple[str, str], ...]]:
    gaz = load_gazetteer()
    out: dict[str, list[tuple[str, str]]] = {}
    for name, counties in gaz.towns.items():
        suffix = next((x for x in _TOWN_SUFFIXES if name.endswith(x)), "")
        stem = name[: len(name) - len(suffix)]
        if not suffix or len(stem) < 2 or _DIVISION_CHAR.search(stem):
            continue
        for adcode in counties:
            out.setdefault(adcode, []).append((stem, name))
    return {k: tuple(sorted(v, key=lambda t: -len(t[0]))) for k, v in out.items()}


def _town_without_suffix(counties: tuple[Division, ...], folded: str, at: int) -> _Part | None:
    """A town of the county written right after it without 镇/乡/街道 (`修文谷堡`, news style):
    only a town the gazetteer lists for that very county, so the county vouches for the name."""
    stems = _county_town_stems()
    for county in counties:
        for stem, name in stems.get(county.adcode, ()):
            if folded.startswith(stem, at) and folded[at + len(stem):at + len(stem) + 1] not in _NAME_GOES_ON:
                return _Part("town", at, at + len(stem), name)
    return None


class ChineseAddressExtractor(FactExtractor):
    """Chinese addresses (kind `address`, attr `location`) and agency names built on a place
    name (kind `org`, attr `organisation`)."""

    name = "address_cn"
    kinds = ("address", "org")

    def extract(self, text: str) -> Sequence[FactSpan]:
        if not re.search(f"[{_HAN}]", text):
            return []
        folded = fold_same_length(text)
        names = _name_table().names
        gaz = load_gazetteer()
        spans: list[FactSpan] = []
        names_at = _names_at(folded)
        ctx = _Ctx(gaz, folded, names_at)
        consumed = 0
        for start in sorted(names_at):
            index, end = names_at[start]
            if start < consumed:
                continue
            consumed = end  # leftmost-longest: a name inside this one is not an anchor
            name, kind = names[index]
            part = self._anchor_part(gaz, name, kind, start, end)
            parts = self._run(ctx, part)
            if parts is None:
                continue
            span = self._emit(gaz, text, folded, parts)
            if span is None:
                continue
            consumed = span.end
            if spans and spans[-1].kind == "org" and span.kind == "org" and spans[-1].end == span.start:
                prev = spans.pop()
                span = FactSpan("org", prev.start, span.end, text[prev.start:span.end],
                                "organisation", fold_key(text[prev.start:span.end]),
                                prev.detail)
            spans.append(span)
        self._shaped_runs(ctx, text, spans)
        self._road_sections(text, folded, spans)
        self._labelled_sites(text, folded, spans)
        return spans

    @staticmethod
    def _labelled_sites(text: str, folded: str, spans: list[FactSpan]) -> None:
        """`建设地点:小嶝岛`: a labelled place the gazetteer cannot name is still a place."""
        if "址" not in folded and "地点" not in folded:
            return
        for m in _SITE_LABEL.finditer(folded):
            start, end = m.span("v")
            if any(f.start <= start < f.end or start <= f.start < end for f in spans):
                continue  # the grammar already read it (with its hierarchy)
            value = m.group("v")
            if _NOT_A_SITE.search(value):
                continue  # `交货地点：采购人指定地点` names no place
            precision = "precise" if _SITE_SUFFIX.search(value) else "town"
            spans.append(FactSpan("address", start, end, text[start:end], "location", value,
                                  (("site", value), ("source", "label"), ("level", "site"),
                                   ("precision", precision)), 0.7))
        spans.sort(key=lambda f: f.start)

    def _shaped_runs(self, ctx: _Ctx, text: str, spans: list[FactSpan]) -> None:
        """Town + village pairs and full hierarchies the gazetteer does not know (a new or renamed division, or invented
        test data): `东海省江北市青山县阳林镇宝刘村`. Accepted only when a city and a county are
        written one after the other and a town, village or road follows, so a fragment such as
        `石门县农业农村` never qualifies; the upper levels stay as written (not resolved)."""
        folded = ctx.folded
        # both patterns run only around their literal ends (村/社区, 市): ~0.2 ms a notice otherwise
        size = len(folded)
        village_hits = [m.start() for m in _VILLAGE_END.finditer(folded)]
        for m in (m for lo, hi in windows(village_hits, 14, 4, size)
                  for m in _TOWN_VILLAGE.finditer(folded, lo, hi)):
            if any(f.start <= m.start() < f.end or m.start() <= f.start < m.end() for f in spans):
                continue
            parts = [_Part("town", m.start("t"), m.end("t"), m.group("t"), extra={"grammar": "1"}),
                     _Part("village", m.start("v"), m.end("v"), m.group("v"), precise=True)]
            # `青兴镇东康村1组附近`: the village's group, as after a full address
            g = _GROUP.match(folded, m.end("v"))
            if g:
                parts.append(_Part("group", g.start(), g.end(), g.group(), precise=True))
            span = self._emit(ctx.gaz, text, folded, parts)
            if span is not None:
                spans.append(span)
        city_hits = [m.start() for m in _CITY_END.finditer(folded)]
        for m in (m for lo, hi in windows(city_hits, 14, 10, size) for m in _SHAPE.finditer(folded, lo, hi)):
            if any(f.start <= m.start() < f.end or m.start() <= f.start < m.end() for f in spans):
                continue
            parts = [_Part(level, m.start(g), m.end(g), m.group(g), extra={"grammar": "1"})
                     for g, level in (("p", "province"), ("c", "city"), ("k", "county")) if m.group(g)]
            pos = m.end()
            while True:
                nxt, _gap = self._next(ctx, pos, parts)
                if nxt is None or any(p.level == nxt.level for p in parts) or nxt.divisions:
                    break
                parts.append(nxt)
                pos = nxt.end
            if not any(p.level in ("town", "village", "road") for p in parts):
                continue
            span = self._emit(ctx.gaz, text, folded, parts)
            if span is not None:
                spans.append(span)
        spans.sort(key=lambda f: f.start)

    @staticmethod
    def _road_sections(text: str, folded: str, spans: list[FactSpan]) -> None:
        """Road sections named without a division (`东方大道延伸段(港窑路-伍龙路段)`): precise
        on their own, keyed by road and section only (the gazetteer cannot place them)."""
        if "-" not in folded:
            return
        # only around `(` that opens an `A-B` span: the full pattern costs ~0.2 ms per notice
        hits = [m.start() for m in _SECTION_OPEN.finditer(folded)]
        for m in (m for lo, hi in windows(hits, 12, 26, len(folded))
                  for m in _ROAD_SECTION.finditer(folded, lo, hi)):
            if any(f.start <= m.start() < f.end for f in spans):
                continue
            key = m.group("road") + m.group("sec")
            spans.append(FactSpan("address", m.start(), m.end(), text[m.start():m.end()], "location",
                                  key, (("road", m.group("road")), ("section", m.group("sec")),
                                        ("level", "road"), ("precision", "precise")), 0.8))
        spans.sort(key=lambda f: f.start)

    # --- reading components ------------------------------------------------------------------

    @staticmethod
    def _anchor_part(gaz: Gazetteer, name: str, kind: str, start: int, end: int) -> _Part:
        if kind == "town":
            return _Part("zone" if name.endswith(_ZONE_SUFFIX) else "town", start, end, name)
        table = gaz.by_name if kind == "full" else gaz.by_short
        divisions = table[name]
        level = min((d.level for d in divisions), key=lambda lv: _ORDER[lv])
        part = _Part(level, start, end, name, divisions)
        if kind == "short":
            part.extra["short"] = "1"
        return part

    def _run(self, ctx: _Ctx, first: _Part) -> list[_Part] | None:
        folded = ctx.folded
        parts = [*self._before(ctx, first.start), first]
        if first.level == "town" and not first.divisions and len(parts) == 1:
            # a known town right after a county-shaped name the gazetteer lacks (renamed,
            # newly created, or invented in a test): `青山县王家镇` is a county and a town
            m = _COUNTY_SHAPE.search(folded, max(0, first.start - 8), first.start)
            if m:
                parts.insert(0, _Part("county", m.start(1), m.end(1), m.group(1), extra={"grammar": "1"}))
        pos = first.end
        while True:
            nxt, _gap = self._next(ctx, pos, parts)
            if nxt is None:
                break
            if any(p.level == nxt.level for p in parts):
                break
            if _HARD_SEP.search(folded, pos, nxt.start) and nxt.level not in (
                    "county", "city", "province", "town", "village", "group"):
                break  # roads and zones attach directly, never across a comma
            parts.append(nxt)
            pos = nxt.end
        if first.extra.get("short") and (len(parts) == 1 or parts[1].level in (
                "village", "group", "road", "lot")):
            return None  # 湖北 alone is a word, 中山北路 a street name, not places
        # a run anchored on a gazetteer town name without any division: trust the town only
        # when written with a village or road after it.
        if not any(p.divisions or p.extra.get("grammar") for p in parts) and not any(
                p.level in ("village", "group", "road") for p in parts):
            return None
        return parts

    def _before(self, ctx: _Ctx, start: int) -> list[_Part]:
        """Towns and villages listed before the anchor, comma-separated."""
        folded = ctx.folded
        if start == 0 or folded[start - 1] not in ", ;\t":
            return []  # the usual case: nothing listed before, no regex needed
        lo = max(0, start - 40)
        m = _BEFORE.search(folded, lo, start)
        if m is None or m.end() != start:
            return []
        parts: list[_Part] = []
        pos = m.start()
        while pos < start:
            nxt, _gap = self._next(ctx, pos, parts)
            if nxt is None or nxt.level not in ("town", "village") or nxt.end > start:
                return []
            parts.append(nxt)
            pos = nxt.end
            sep = _SEP.match(folded, pos)
            pos = sep.end() if sep else pos
        return parts

    def _next(self, ctx: _Ctx, pos: int, parts: list[_Part]) -> tuple[_Part | None, bool]:
        gaz, folded = ctx.gaz, ctx.folded
        sep = _SEP.match(folded, pos)
        gap_end = sep.end() if sep else pos
        gap = gap_end > pos
        if gap_end - pos > 10:  # room for `, ` and a pinyin gloss `(zhèn)`, no more
            return None, gap
        hit = ctx.names_at.get(gap_end)
        if hit is not None:
            name, kind = _name_table().names[hit[0]]
            part = self._anchor_part(gaz, name, kind, gap_end, hit[1])
            lowest = max((_ORDER[p.level] for p in parts), default=-1)
            # a short name inside a run must go down the hierarchy (福建厦门), else it is part of
            # a street name (天河区龙口西路: 龙口 is also a county) and the grammar reads it
            short_ok = kind != "short" or (_ORDER[part.level] > lowest and self._followed(
                ctx, part.end, allow_road=part.level == "city"))
            if not (part.level in {p.level for p in parts} and kind == "town") and short_ok:
                return part, gap
        have = {p.level for p in parts}
        m = _GROUP.match(folded, gap_end)
        if (m and "village" in have) or (m and gap):
            return _Part("group", m.start(), m.end(), m.group(), precise=True), gap
        m = _LOT.match(folded, gap_end)
        if m and "road" in have:
            return _Part("lot", m.start(), m.end(), m.group(), precise=True), gap
        candidates: list[_Part] = []
        opened = not gap and bool(parts) and parts[-1].level in _OPENED_AFTER
        if "town" not in have:
            m = _name_match(_TOWN, _TOWN_OPENED, folded, gap_end, opened)
            if m and not m.group().endswith("城乡") and "village" not in have \
                    and not _DIVISION_CHAR.search(m.group(), 0, len(m.group()) - 1):
                candidates.append(_Part("town", m.start(), m.end(), m.group()))
        if "zone" not in have and not gap:
            m = _ZONE.match(folded, gap_end)
            if m:
                candidates.append(_Part("zone", m.start(), m.end(), m.group()))
        if "village" not in have:
            m = _name_match(_VILLAGE, _VILLAGE_OPENED, folded, gap_end, opened) or \
                (_VILLAGE_MID.match(folded, gap_end) if opened else None)
            if m and not _DIVISION_CHAR.search(m.group(), 0, len(m.group()) - 1):
                candidates.append(_Part("village", m.start(), m.end(), m.group(), precise=True))
        if "road" not in have and not _HARD_SEP.search(folded, pos, gap_end):
            m = _ROAD.match(folded, gap_end)
            if m and (m.group("num") or m.group("cross") or m.group("mark") or m.group("sec")
                      or m.group("road").endswith("大道") or _ROAD_END.match(folded, m.end())):
                road = _Part("road", m.start(), m.end(), m.group(), precise=bool(
                    m.group("num") or m.group("cross") or m.group("mark") or m.group("sec")))
                if m.group("sec"):
                    road.extra["section"] = m.group("sec")
                road.extra["road"] = m.group("road")
                if m.group("num"):
                    road.extra["number"] = m.group("num")
                candidates.append(road)
        if not candidates and "town" not in have and not gap and parts and parts[-1].level == "county" \
                and parts[-1].divisions:
            # nothing else reads here: a town of that county written without its suffix
            town = _town_without_suffix(parts[-1].divisions, folded, gap_end)
            return town, gap
        if not candidates:
            return None, gap
        # the shortest component first: 杨林桥镇 before 杨林桥镇乡道 would read as a road
        return min(candidates, key=lambda p: (p.end, _ORDER[p.level])), gap

    @staticmethod
    def _followed(ctx: _Ctx, pos: int, allow_road: bool = False) -> bool:
        """A short name counts only right before another component (湖北宜昌, 远安化工园); a
        short city name also before a road (福建厦门翔云一路), never a short county name
        (上海共和新路: 共和 is a county in Qinghai, here part of a street name)."""
        if pos in ctx.names_at:
            return True
        rest = ctx.folded[pos:pos + 12]
        return bool(_TOWN.match(rest) or _ZONE.match(rest) or (allow_road and _ROAD.match(rest)))

    # --- building the fact ---------------------------------------------------------------------

    def _emit(self, gaz: Gazetteer, text: str, folded: str, parts: list[_Part]) -> FactSpan | None:
        start, end = parts[0].start, parts[-1].end
        precise = any(p.precise or p.level in _PRECISE for p in parts)
        if not precise:
            org = _ORG.match(folded, end)
            if org and not re.search("[,.;:，。；：\\s]", org.group()):
                span = text[start:org.end()]
                place = _resolve(tuple((p.level, p.text) for p in parts))
                return FactSpan("org", start, org.end(), span, "organisation",
                                fold_key(span), (("place", "/".join(place.values())),))
        levels = _resolve(tuple((p.level, p.text) for p in parts))
        detail: list[tuple[str, str]] = list(levels.items())
        for p in parts:
            if p.level not in levels and "road" not in p.extra:
                detail.append((p.level, p.text))
            for k, v in p.extra.items():
                if k not in ("short", "grammar"):
                    detail.append((k, v))
        lowest = max((p.level for p in parts), key=lambda lv: _ORDER[lv])
        if precise:
            precision = "precise"
        elif lowest in ("town", "zone", "road"):
            precision = "town"
        elif lowest == "county":
            precision = "county"
        else:
            precision = "area"
        detail.append(("level", lowest))
        detail.append(("precision", precision))
        key_parts = [levels[lv] for lv in ("province", "city", "county") if lv in levels]
        by_level = {p.level: p for p in parts}
        if "county" not in levels and "town" in by_level and (
                "village" in by_level or "road" in by_level):
            key_parts.append(by_level["town"].text)  # no county: the town keeps 柳河村 specific
        if "village" in by_level:
            key_parts.append(by_level["village"].text)
            if "group" in by_level:
                key_parts.append(_group_key(by_level["group"].text))
        elif "road" in by_level and by_level["road"].precise:
            road = by_level["road"]
            key_parts.append(road.extra.get("road", road.text) + road.extra.get("number", "")
                             + road.extra.get("section", ""))
        elif "town" in by_level:
            key_parts.append(by_level["town"].text)
        elif "zone" in by_level:
            key_parts.append(by_level["zone"].text)
        if precise:
            detail.extend(("link_key", k) for k in _link_keys(levels, by_level))
        if "county" in levels and lowest != "county":
            # The county the place lies in, keyed as a county mention is (`信丰县`): a village, a
            # road or a town is in one county, which a notice naming only the county can meet.
            detail.append(("county_key", "/".join(levels[lv] for lv in ("province", "city", "county") if lv in levels)))
        return FactSpan("address", start, end, text[start:end], "location", "/".join(key_parts),
                        tuple(detail), 0.9 if precise else 0.7)


def _link_keys(levels: dict[str, str], by_level: dict[str, _Part]) -> list[str]:
    """Link keys of a precise address: its fine part (village, or road with number/section/
    crossing/landmark) qualified by the county and by the town, so `某镇某村` links to
    `某县某镇某村` while a village name alone (thousands of 王庄村) never links; a road and
    number is qualified by its town when one is written (every town has a 人民路). The format is
    the one aggregation reads (`detail` pairs named `link_key`)."""
    if "village" in by_level:
        fine = fold_key(by_level["village"].text)
    elif "road" in by_level:
        road = by_level["road"]
        rest = road.text[len(road.extra.get("road", "")):]
        fine = f"{fold_key(road.extra.get('road', road.text))}|{fold_key(rest)}"
    else:
        return []  # a lot or group alone: no fine part to link by
    qualifiers = [q for q in (levels.get("county"), by_level["town"].text if "town" in by_level else None)
                  if q]
    if "village" not in by_level and "town" in by_level:
        # Every town has its 人民路 and 迎宾大道: a road and number is one place in its town, and
        # `岱山县万家桥街道迎宾大道82号` is not `岱山县阎家营镇迎宾大道82号`. Qualified by the
        # county too, the two shared `岱山县|迎宾大道|82号` (100k domain corpus: 11 of 16
        # impure entities and 11 of 14 false exposures, +17.6 each). A road address written
        # without its town keeps the county (an urban district's roads). And a town is one
        # place in its county: `安平县永安乡建设路89号` is not `竹山县永安乡建设路89号` (1M domain
        # corpus: 13 of 225 impure entities joined two counties' 永安乡 by the town-only key).
        town = by_level["town"].text
        qualifiers = [f"{levels['county']}{town}" if levels.get("county") else town]
    if not qualifiers and "city" in levels:
        qualifiers = [levels["city"]]
    return sorted({f"{fold_key(q)}|{fine}" for q in qualifiers})


def _group_key(text: str) -> str:
    digits = re.sub("[^0-9一二三四五六七八九十]", "", text)
    return f"{digits}组"


@lru_cache(maxsize=65536)
def _resolve(parts: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Province/city/county names, filled upwards from the lowest division written when the
    other components leave one candidate (安平县 -> 河北省/衡水市). Memoised per distinct run."""
    gaz = load_gazetteer()
    written: dict[str, tuple[Division, ...]] = {}
    town = ""
    for level, name in parts:
        if level in ("province", "city", "county"):
            written[level] = gaz.by_name.get(name, ()) or gaz.by_short.get(name, ())
        elif level == "town":
            town = name
    lowest = None
    for level in ("county", "city", "province"):
        if level in written:
            lowest = level
            break
    candidates: list[list[Division]] = []
    if lowest is not None:
        for division in written[lowest]:
            chain = gaz.ancestors(division)
            adcodes = {d.adcode for d in chain}
            if all(any(d.adcode in adcodes for d in written[lv]) for lv in written if lv != lowest):
                candidates.append(chain)
    elif town and len(gaz.towns.get(town, ())) == 1:
        county = gaz.by_adcode.get(gaz.towns[town][0])
        if county is not None:
            candidates.append(gaz.ancestors(county))
    if len(candidates) > 1 and town:  # 朝阳区: keep the one that has this town
        with_town = [c for c in candidates if c[-1].adcode in gaz.towns.get(town, ())]
        candidates = with_town or candidates
    if len(candidates) != 1:
        # ambiguous: keep what was written, in full form where the name is a short one
        kept: dict[str, str] = {}
        for level, name in parts:
            if level in written:
                kept[level] = written[level][0].name if written[level] else name
        return kept
    result: dict[str, str] = {}
    for d in candidates[0]:
        result.setdefault(d.level, d.name)
    return result
