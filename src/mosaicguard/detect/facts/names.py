"""Project names: `XX工程/项目`, `项目名称: ...`, `Project Falcon`. A name whose distinctive part
(generic words such as 办公楼维修/道路硬化 and years removed) has at least two characters or a
digit, and holds a word that is not everyday Chinese, gets a comparison key; a generic one
(`办公楼维修工程`, `精品工程`, `防雷工程`, `标志着项目`) is evidence only.

Why a background frequency and not the corpus's own: in a real corpus of a few hundred documents
`精品工程` (a quality slogan), `防雷工程` (a works type) and `规划项目` each occur in two or three
documents, as rare there as a real project's name, and term frequency weighs them as strongly.
jieba's dictionary counts (the same table `detect.segment` uses for word boundaries) say they are
words everybody writes: a name made only of such words says what kind of thing, not which one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from ..normalize import fold_key
from ..segment import is_cjk, words
from .address_cn import ChineseAddressExtractor
from .base import FactExtractor, FactSpan
from .gazetteer_cn import load_gazetteer
from .lines import LINE_MEMO, LineFind, line_spans
from .purposes import IMPLIED_PURPOSES
from .tablecache import cache_file, cached
from .text import fold_same_length

if TYPE_CHECKING:
    from ...policy.schema import Policy

_CJK = "\u4e00-\u9fff"
_PROJECT_WORD_RE = re.compile(r"工程|项目")
_NOT_PROJECT_AFTER = ("师", "经理", "部", "负责", "机械", "款", "量", "造价", "名称", "编号", "概况", "地点", "总投资",
                      "建设", "招标", "采购", "管理", "所在", "预算", "内容", "规模", "单位",
                      # `…项目监理` is the supervision of that project; `…工程监理有限公司` a firm
                      "监理有限", "监理咨询", "监理公司", "监理工程", "监理机构",
                      # `…装饰工程有限公司`, `…工程咨询有限公司`, `…工程局`: an organisation's name
                      "有限", "股份", "集团", "公司", "咨询", "技术", "设计院", "研究院", "局", "处",
                      # `建筑工程施工许可证`: the kind of permit; `施工总承包叁级`: a qualification
                      "施工许可", "施工总承", "总承包",
                      "质量")  # 工程质量: the quality of the works
# Words that open a clause, never a name (`根据建设项目环境影响评价…` is no project `根据建设`;
# `获得湖北省优良建筑装饰工程` is an award; `各单项工程` a quantifier): cut from a name's start.
_LEADING_NOT_NAME = re.compile(
    r"^(?:根据|按照|依据|参照|获得|荣获|包括|包含|类似|涉及|承担|承接|初拟|拟|各|同|本|该|此|其|省|市|县|区)")
#: Everything up to the last function word before a name: what is left is the name.
_STOP_WORDS = (r"关于|有关|对于|为了|进行|开展|实施|承建|参加|参与|负责|完成|中标|公告|公示|通知|本次|其中|利用|使用|"
               r"推进|调研|视察|督导|查看|位于|所属|"
               # verbs of news and speeches (`标志着项目…`, `要全力以赴加快项目建设`, `打造精品工程`):
               # what is done to a project, never part of its name
               r"标志着|标志著|推动|争取|宣布|落实|加快|打造|确保|建好|建设好|承担|全力以赴|列入|纳入|"
               # verbs of a meeting or a report whose object is the project (`听取变电站10kV配套工程
               # 前期工作情况汇报`): a news item's verb is not the name (domain corpus, 100k: 20 news
               # items linked by `听取变电站`, +21.5)
               r"听取|审议|审查|部署|督办|协调|汇报|"
               r"对|为|在|于|的|本|该|此|将|了|是|由|经|按|即|已|等")
_STOP_AT = re.compile(rf"以及|{_STOP_WORDS}|和|与|及")
# `余家坪磐石北辰专用道路及配套工程`: when cutting at 及/和/与 leaves only generic words
# (`配套`), the conjunction is inside the name.
_STOP_AT_KEEP_CONJ = re.compile(rf"以及|{_STOP_WORDS}")
# A one-character function word right after a division's suffix opens the next division's name:
# `五台县于家堡镇` (于 a surname), `宽甸满族自治县和平镇`, `…县和平街道`. Cut there, the name
# became `家堡镇变电站`, `平镇变电站` (no place any more, so "distinctive"): 100k domain corpus,
# 28 of the 44 impure entities were glued by such a cut name or site.
_DIVISION_END = frozenset("省市县区旗州")
# At the very start of a name (a title's first letter) 于 and 和 are a surname or a place's first
# letter (`于家店青鸾磐石综合保障设施建设项目`, `和平村道路硬化工程`), not a preposition or a conjunction:
# cut there, `家店…` was a key shared by the projects of 于家店, 和家店... (1M domain corpus,
# session 13: 2 of the 12 impure entities).
_SURNAME_WORDS = frozenset("于和")
# Particles never start a place name (`承建的湖南攸县抽水蓄能电站`: 的 cuts).
_PARTICLES = frozenset("的了等是")


def cut_after_function_word(text: str, keep_conjunctions: bool = False) -> str:
    """`text` after its last function word (`关于`, `位于`, `的`, `和`...): what is left is the
    name. A one-character function word right after a division suffix (`县于家堡镇`) or right
    after another function word (`位于和平镇`) is the start of a place name, not a function
    word. With `keep_conjunctions`, 和/与/及 do not cut."""
    pattern = _STOP_AT_KEEP_CONJ if keep_conjunctions else _STOP_AT
    # the last position where a function word starts, as `^.*(?:words)` would cut
    for pos in range(len(text) - 1, -1, -1):
        m = pattern.match(text, pos)
        if m is None:
            continue
        opens_place = text[pos] in _SURNAME_WORDS if pos == 0 else text[pos] not in _PARTICLES and (
            text[pos - 1] in _DIVISION_END or _ends_function_word(pattern, text, pos))
        if m.end() - pos == 1 and (opens_place or _inside_division_name(text, pos)):
            continue
        return text[m.end():]
    return text


def _inside_division_name(text: str, pos: int) -> bool:
    """The character at `pos` is part of a county, city or province name of the gazetteer
    (`和田市`, `于田县`, `民和回族土族自治县`): 和 or 于 there is a letter of the name, not a function
    word, and cutting at it would leave a name without its county (`田市...`, `回族土族自治县...`)
    that other counties' notices share."""
    names = load_gazetteer().by_name
    for start in range(max(0, pos - _LONGEST_DIVISION + 1), pos + 1):
        for end in range(min(len(text), start + _LONGEST_DIVISION), max(pos, start + 1), -1):
            if text[start:end] in names:
                return True
    return False


def _ends_function_word(pattern: re.Pattern[str], text: str, pos: int) -> bool:
    """Another function word ends right at `pos` (`位于和平镇`: 和 opens the place)."""
    return any((m := pattern.match(text, q)) is not None and m.end() == pos for q in range(max(0, pos - 4), pos))


_CONJ = ("和", "与", "及")
# `中国化学工程第十四建设有限公司`: 工程 inside a firm's name (the rest of the word ends in 公司).
_FIRM_AFTER = re.compile(rf"[{_CJK}A-Za-z0-9()（）]{{0,12}}?(?:有限责任公司|有限公司|公司|集团)")
_SPECIALTY_BEFORE = re.compile(r"(?:建造师|工程师|造价师)[·・(（]?[市省县区]?$")
_TOWN_PREFIX = re.compile(rf"^[{_CJK}]{{2,4}}?(?:镇|乡|街道)(?=[{_CJK}A-Za-z0-9]{{2}})")
# A brand name joined by a middle dot to what it is (`重庆天枢•智能观测系统`, `天樞·智能探測系統`).
_DOTTED_NAME_RE = re.compile(
    rf"(?P<name>[{_CJK}]{{2,8}})\s?[·•・‧]\s?[{_CJK}A-Za-z0-9]{{0,12}}?(?:系统|平台|工程|项目)")
# `注册一级建造师·机电工程`, `造价工程师·土建`: a person's qualification and specialty, not a name
_QUALIFICATION_END = ("师", "员")
_LEADING_YEAR = re.compile(r"^(?:19|20)[0-9]{2}年度?")
_ADMIN_LEVELS = frozenset({"province", "city", "county", "town"})
_WORD_AFTER_BUILD = re.compile(rf"[{_CJK}A-Za-z0-9]")
_NAME_LABEL_RE = re.compile(
    r"(?:项目名称|工程名称|Project\s+name)\s*[:]\s*(?P<name>[^\s,，。;；:()（）]{2,40})", re.I
)
_EN_PROJECT_RE = re.compile(r"\bProject\s+(?P<name>[A-Z0-9][A-Za-z0-9\-]{1,24})")
_EN_NOT_NAME = frozenset({"manager", "no", "number", "code", "name", "site", "team", "leader", "director", "office"})
# Words that say nothing about which project it is: a name must have more than these.
_GENERIC = re.compile(
    r"招标|防护|新建|改建|扩建|改造|维修|修缮|建设|施工|采购|服务|设备|安装|设计|监理|办公楼|综合楼|宿舍楼|道路|硬化|绿化|"
    r"配套|附属|基础设施|一期|二期|三期|年度|工程|项目|整治|提升|升级|更新|系统|零星|日常|物业|保洁|食堂|"
    r"20[0-9]{2}年?度?|十[一二三四五六七八九]五|县|市|区|镇|乡|村|"  # a year or a five-year plan: when
    r"建筑|房屋|装饰|装修|精装修|单项|市政|公路|水利|环境|大型|重点|优良|相关|主体|"
    # kinds of structure, like 办公楼: `导弹维修厂房建设工程` names what two bases both build
    r"土建|厂房|库房|仓库|储存|存储|基座|天线|营区|设施|抽蓄|"
    # works types every large project has a lot of (`防雷工程`, `改线工程`, `安防工程`): what is
    # built, not where or for whom (real documents: each joined two unrelated projects)
    r"改线|防雷|安防|通信|配电|给排水|消防|弱电|智能化|亮化|景观|拆除|迁改|规划|"
    # and reinforcement (`水库除险加固工程` of every county, `加固机库`): 100k domain corpus,
    # `加固机库建设工程` (91 documents) joined two sensitive projects (session 12)
    r"加固|"
    # quality and rank words of slogans (`精品工程`, `安全工程`, `窗口工程`, `十大重点工程`)
    r"精品|优质|样板|示范|标杆|民生|廉洁|安全|窗口|一流|重大|十大"
)
#: A dictionary word counted at least this often in jieba's dictionary (~60 M words in all, so
#: 1 in 60,000 words: `精品` 1,959, `规划` 5,445, `标志` 3,624) is everyday Chinese; proper names are
#: rarer (`北辰` 15, `云霄` 95, `磐石` 55, `十里` 414) or no dictionary word at all (`广寒坪`).
EVERYDAY_WORD_COUNT = 1000
# Facilities named in running text (`孤山水电站位于…`, `十里红宾馆`): a name is the run of letters
# before one of these words; its key is the whole name (`汉江孤山水电站`).
_FACILITY_RE = re.compile(r"抽水蓄能电站|水电站|电站|宾馆|酒店|饭店|大桥|派出所")
_FACILITY_END_RE = re.compile(rf"(?:{_FACILITY_RE.pattern})$")
# English programme and facility names in running text (`Long Range Discrimination Radar`,
# `Weapons Generation Facility`, `Offutt Flood Recovery Program`): capitalised words ending in
# one of these heads, with an acronym defined right after (`(LRDR)`) standing for the name.
# A dredged basin is named the same way (`Wilmington Harbor Anchorage Basin`: one award told by
# two TV stations); the harbor alone (`Wilmington Harbor`) is every dredging job's of that port.
_EN_HEAD = r"Radar|Facility|Program|Programme|Project|Complex|Plant|Basin"
_EN_NAMED_RE = re.compile(
    rf"\b(?:[A-Z][a-z]+|[A-Z]{{2,}})(?:[ -](?:[A-Z][a-z]+|[A-Z]{{2,}}|and|of|for)){{0,5}}[ -](?:{_EN_HEAD})\b"
    r"(?: \((?P<acr>[A-Z]{2,6})\))?")
# Words that open a sentence or say what kind of thing it is, not which one.
_EN_GENERIC = frozenset({
    "the", "a", "an", "new", "final", "draft", "proposed", "and", "of", "for", "this", "that", "its",
    "construction", "military", "program", "programme", "project", "facility", "complex", "plant",
    "radar", "building", "management", "environmental", "assessment", "impact", "statement",
    "air", "force", "base", "station", "army", "navy", "naval", "space", "defense", "defence",
    "department", "us", "federal", "national", "state", "county", "city", "public", "minor",
    "major", "capital", "improvement", "improvements", "repair", "renovation", "design", "maintenance",
    "support", "services", "service", "contract", "phase", "multiple", "award", "energy", "power",
    "basin", "harbor", "harbour", "port", "river", "channel", "channels",
})
_EN_LEADING = frozenset({"The", "A", "An", "New", "Final", "Draft", "Proposed", "This", "That", "Its", "Our",
                         "Their", "Under", "At", "In", "On", "For", "With", "By", "And"})
_TRAILING_KIND = re.compile(r"(?:工程|项目)$")
_RUN_BEFORE = re.compile(rf"[{_CJK}A-Za-z0-9]*$")


class ProjectNames(FactExtractor):
    """Project names; `key` is the folded name when it is distinctive, else ""."""

    name = "names"
    kinds = ("name",)
    _places: ChineseAddressExtractor | None = None

    def __init__(self, purposes: Iterable[str] = ()) -> None:
        # Purpose and equipment words say what kind of facility, not which one: `机库建设工程`
        # and `油料洞库建设工程` are descriptions two different bases share, like `办公楼维修`.
        implied = [p for ps in IMPLIED_PURPOSES.values() for p in ps]
        terms = {fold_key(t) for t in (*IMPLIED_PURPOSES, *implied, *purposes) if t.strip()}
        self._purpose_re = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True) if t))
        # A line's names depend on that line alone: read each distinct line once (see LINE_MEMO).
        self._line_names = functools.lru_cache(maxsize=LINE_MEMO)(self._read_line)
        # A name's county and town prefix depends on the name alone; one name is written in many
        # lines (`项目名称：X`, `X中标公告`): parse it with the address grammar once.
        self._without_place = functools.lru_cache(maxsize=LINE_MEMO)(self._strip_place)

    def for_policy(self, policy: Policy) -> ProjectNames:
        return ProjectNames(policy.sensitive_purposes)

    def extract(self, text: str) -> Sequence[FactSpan]:
        out = line_spans(text, "name", None, self._line_names)
        out.extend(_english_names(text))
        return sorted(out, key=lambda f: f.start)

    def _read_line(self, line: str) -> tuple[LineFind, ...]:
        """The names of one folded line with their keys, offsets in the line."""
        found: list[LineFind] = []
        for s, e, name in self._names(line):
            # A year says when, not which project: `2025年农村饮水安全巩固提升工程` is every
            # county's template, as the county before it is (domain corpus: two unrelated
            # notices linked by such a name, a rare key only because of its year).
            core = _LEADING_YEAR.sub("", self._without_place(_LEADING_YEAR.sub("", after_owner(name))))
            # the kind of facility (`电站` in `电站枢纽`) is no more distinctive than `工程`
            bare = _FACILITY_RE.sub("", self._purpose_re.sub("", fold_key(core)))
            distinctive = strip_regions(_GENERIC.sub("", bare))
            key = fold_key(core) if is_distinctive(distinctive) else ""
            facility = bool(_FACILITY_END_RE.search(name))
            if facility:
                # `湖北黄龙滩抽水蓄能电站` and `黄龙滩抽水蓄能电站` are one station; so are
                # `湖南安化县抽水蓄能电站` and `安化抽水蓄能电站` (county_station)
                station = county_station(name)
                key = station or (fold_key(strip_regions(name)) if key else "")
                if _FACILITY_RE.fullmatch(key):
                    key = ""  # `湖南株洲市抽水蓄能电站`: a region's, not one station
            found.append((s, e, key, (("type", "facility"),) if facility else ()))
        return tuple(found)

    def _strip_place(self, name: str) -> str:
        """The name without a leading county/town (`沅陵县幼儿园新建` -> `幼儿园新建`).

        Every county has a 幼儿园新建工程 and a 农村饮水安全巩固提升工程: the place says where,
        which the `area` comparison already weighs; left in the key it made a template name look
        unique and counted the county twice."""
        if self._places is None:
            self._places = ChineseAddressExtractor()
        lead = next((sp for sp in self._places.extract(name) if sp.kind == "address" and sp.start == 0), None)
        if lead is None:
            # `安平县永安镇中心小学…` is read as an organisation: strip the county the gazetteer
            # knows, then a town (`永安镇`) right after it.
            rest = strip_regions(name)
            return _TOWN_PREFIX.sub("", rest) if rest != name else name
        # Only the administrative divisions: `点军区电子信息产业园基础设施` keeps its zone. A
        # division is named as the gazetteer writes it (`乾县`) and `name` is folded (`干县`).
        cut = 0
        for level, value in lead.detail:
            if level in _ADMIN_LEVELS and name.startswith(fold_same_length(value), cut):
                cut += len(value)
        # a town the address parser did not take (`五台县于家堡镇变电站`: no town level)
        return _TOWN_PREFIX.sub("", name[cut:]) if cut else name

    def _names(self, line: str) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        for m in _NAME_LABEL_RE.finditer(line):
            found.append((m.start("name"), m.end("name"), _TRAILING_KIND.sub("", m.group("name"))))
        for m in _PROJECT_WORD_RE.finditer(line):
            after = line[m.end(): m.end() + 4]
            # `推进…配套工程建设` (a headline ending in 建设) names the project; `工程建设单位` does not
            ends_in_build = after.startswith("建设") and not _WORD_AFTER_BUILD.match(line, m.end() + 2)
            if (after.startswith(_NOT_PROJECT_AFTER) and not ends_in_build) or _FIRM_AFTER.match(line, m.end()):
                continue
            # The name is the run of CJK letters/digits right before 工程/项目.
            name = _name_before(line, m.start())
            if name.endswith("政府采购"):
                continue  # `本项目为四川省政府采购项目`: a kind of procurement, not a project
            if _SPECIALTY_BEFORE.search(line, max(0, m.start() - len(name) - 6), m.start() - len(name)):
                continue  # `注册一级建造师·机电工程`: a constructor's specialty, not a project
            if len(name) >= 2 and not any(s <= m.start() - len(name) < e for s, e, _ in found):
                found.append((m.start() - len(name), m.end(), name))
        for m in _FACILITY_RE.finditer(line):
            name = _name_before(line, m.start())
            # `<county><town>变电站` is every town's substation, as `<county>幼儿园` is every county's
            # (the place is stripped with the facility word on: a town needs a name after it)
            bare = self._without_place(name + m.group())[: -len(m.group())]
            if is_distinctive(strip_regions(_GENERIC.sub("", bare))) or county_station(name + m.group()):
                found.append((m.start() - len(name), m.end(), name + m.group()))
        for m in _DOTTED_NAME_RE.finditer(line):
            # `天枢·智能观测系统`: the coined name before the dot is the system's; what follows
            # says what kind of system (`智能探测系统` in the EIA report of the same one)
            name = strip_leading_not_name(cut_after_function_word(m.group("name")))
            start = m.end("name") - len(name)
            if len(name) >= 2 and not name.endswith(_QUALIFICATION_END) and not any(
                    s <= start < e for s, e, _ in found):
                found.append((start, m.end(), name))
        for m in _EN_PROJECT_RE.finditer(line):
            if m.group("name").lower() not in _EN_NOT_NAME:
                found.append((m.start(), m.end(), m.group("name")))
        return found


_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
#: How far back a name written before 工程/项目 is read: as long as a labelled name
#: (`_NAME_LABEL_RE`, 40). A county of 15 letters (`双江拉祜族佤族布朗族傣族自治县`) with a town
#: and a works type is 25: a window of 24 cut its first letter, and `江拉祜族…县顾家岭镇老旧小区改造`
#: - no county left to strip, so "distinctive" - became a key shared by every such template of
#: the county (v2w 100k domain corpus, session 13: two projects of one village group, two codes
#: and two owners, joined by it at +14.8).
_WINDOW = 40
_CUT_NUMBER = re.compile(r"^[0-9]*(?:年度?)?")


def is_distinctive(part: str) -> bool:
    """True when `part` (a name without its generic words, places and years) can tell one project
    from another: it holds a digit or a Latin word (`C1`, `G109`, `LRDR`) that is not a quantity
    (`9万亩`, `7个`), or at least two characters of which some word is not everyday Chinese
    (`北辰`, `广寒坪`, `阜阳雷达站`; not `精品`, `标志着`, `出席并宣布`: jieba's dictionary counts,
    `EVERYDAY_WORD_COUNT`) and which is not a description of works (`is_description`)."""
    part = _QUANTITY.sub("", part)
    if any(ch.isdigit() for ch in part) or _LATIN_WORD.search(part):
        return True
    if len(part) < 2:
        return False
    run = "".join(ch if is_cjk(ch) else " " for ch in part).split()
    segmented = [w for chunk in run for w in words(chunk)]
    return any(count < EVERYDAY_WORD_COUNT for _, count in segmented) and not is_description(segmented)


# A number with a unit of size or count (`9万亩`, `7个项目`, `4条路`): how much, not which one. Every
# county's list has a `1万亩高标准农田建设项目`; voltages (`110kV青岭变`) are left as they are.
_QUANTITY = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:万|千|百)?(?:亩|个|项|条|座|处|批|公顷|公里|千米|平方米|米|km)")
#: jieba's part-of-speech tags of proper nouns: person (`nr`, `nrt`, `nrfg`), place (`ns`),
#: organisation (`nt`) and other proper names (`nz`).
_PROPER_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})


def is_description(segmented: Sequence[tuple[str, int]]) -> bool:
    """True when a name part, segmented by jieba (`segment.words`), says what kind of works it
    is and not which: two or more dictionary words of two characters or more, none a proper
    noun in jieba's dictionary (tag `nr`/`ns`/`nt`/`nz`) nor a place in the gazetteer
    (`高标准`+`农田`, `特高压`+`直流`+`输电`, `新一代`+`天气`). Such terms of a trade are rare in
    jieba's general-language counts (`特高压` 3, `高标准` 52) yet every province builds them; a
    name has a proper noun (`宁国`+`龙潭`, `双牌`+`天子山`), a word jieba does not know (`余家坪`
    is `余家`+`坪`), or is one coined word (`天枢`, `磐石`: kept by the count rule)."""
    if len(segmented) < 2 or any(len(w) < 2 or not count for w, count in segmented):
        return False
    proper = _proper_words()
    gaz = load_gazetteer()
    return not any(w in proper or w in gaz.by_short or w in gaz.by_name for w, _ in segmented)


@functools.lru_cache(maxsize=1)
def _proper_words() -> frozenset[str]:
    """The words of jieba's dictionary tagged as proper nouns (`_PROPER_TAGS`), cached on disk
    as public dictionary data (`tablecache`)."""
    spec = find_spec("jieba")
    if spec is None or spec.origin is None:
        raise RuntimeError("jieba is not installed: its dictionary is needed")
    source = Path(spec.origin).parent / "dict.txt"

    def build() -> frozenset[str]:
        out: set[str] = set()
        with source.open(encoding="utf-8") as fh:
            for line in fh:
                fields = line.split()
                if len(fields) == 3 and fields[2] in _PROPER_TAGS:
                    out.add(fields[0])
        return frozenset(out)

    return cached(cache_file("jieba-proper", [source], __file__), build, lambda d: isinstance(d, frozenset))


# A title often puts the owner before its project (`阜阳市气象局阜阳雷达站迁建项目` beside the tender's
# `阜阳雷达站迁建项目`): who builds it, as the `org:` facts already say, not which project.
_OWNER = re.compile(rf"^.*(?:局|厅|委员会|公司|集团)(?=[{_CJK}A-Za-z0-9]{{2}})")


def after_owner(name: str) -> str:
    """`name` without an owning body written before it (`阜阳市气象局阜阳雷达站迁建` ->
    `阜阳雷达站迁建`)."""
    return _OWNER.sub("", name, count=1)


def _name_before(line: str, end: int) -> str:
    """The name ending at `end`: the run of letters and digits before it, cut after the last
    function word and without words that open a clause."""
    run = _RUN_BEFORE.search(line[max(0, end - _WINDOW): end])
    text = run.group(0) if run else ""
    if len(text) == _WINDOW:
        # the run goes on before the window: a number cut there (`022年`, `年` of `2022年`) is no part of the name
        text = _CUT_NUMBER.sub("", text)
    name = cut_after_function_word(text)
    if len(_GENERIC.sub("", name)) < 2:
        longer = cut_after_function_word(text, keep_conjunctions=True)
        if len(_GENERIC.sub("", longer)) >= 2 and not longer.startswith(_CONJ) and not longer.endswith(_CONJ):
            name = longer
    return strip_leading_not_name(name)


def strip_leading_not_name(name: str) -> str:
    """`name` without the words that open a clause before it (`根据`, `各`, `本`, `同`...), one at
    a time, but not out of a division's name that starts with one (`同心县`, `同仁市`, `本溪市`,
    `市中区`): cut there, the name loses its county (`心县侯家店镇...`) and the rest is a key that
    other counties' notices share (1M domain corpus, session 13: ~21 of the links joining two
    projects came from counties starting with 同)."""
    while (m := _LEADING_NOT_NAME.match(name)) is not None and not _starts_with_division(name):
        name = name[m.end():]
    return name


def _starts_with_division(text: str) -> bool:
    """`text` starts with the full name of a gazetteer division (`同心县`, `本溪满族自治县`)."""
    names = load_gazetteer().by_name
    return any(text[:k] in names for k in range(min(_LONGEST_DIVISION, len(text)), 1, -1))


_LONGEST_DIVISION = 16


def strip_regions(name: str) -> str:
    """`name` without the administrative divisions it starts with (`湖北省优良` -> `优良`,
    `湖北黄龙滩` -> `黄龙滩`): a region says where, not which project."""
    return _leading_regions(name)[1]


def _leading_regions(name: str) -> tuple[list[str], str]:
    """(the administrative divisions `name` starts with, the rest of it)."""
    gaz = load_gazetteer()
    heads: list[str] = []
    first = True
    changed = True
    while changed:
        changed = False
        # up to the longest division names (`长阳土家族自治县`, `双江拉祜族佤族布朗族傣族自治县`)
        for k in range(min(_LONGEST_DIVISION, len(name) - 1), 1, -1):
            head = name[:k]
            # a province's short name (`湖北`) only at the very start: `湖北黄龙滩` is not
            # 湖北 + 黄龙(县) + 滩, and a county's short name is often a word (`大东沟`)
            short = first and any(d.level == "province" for d in gaz.by_short.get(head, ()))
            if head in gaz.by_name or short:
                heads.append(head)
                name = name[k:].lstrip("省")
                changed = True
                break
        first = False
    return heads, name


# Pumped-storage stations are named by their county (`湖南攸县抽水蓄能电站`, `安化抽水蓄能电站`):
# a county has at most one, so the county is the station's name. (Not so for `<town>变电站` or
# `<county>幼儿园`: a county has many substations, and every county has a kindergarten.)
_COUNTY_STATION_RE = re.compile(r"(?:抽水蓄能|抽蓄)电站")
_COUNTY_SUFFIX = ("县", "市", "区")


def county_station(name: str) -> str:
    """`湖南攸县抽水蓄能电站` -> `攸县抽水蓄能电站`, `安化县抽蓄电站` -> `安化抽水蓄能电站`: the key
    of a pumped-storage station named by its county alone; "" for any other name."""
    heads, rest = _leading_regions(fold_key(name))
    gaz = load_gazetteer()
    if not heads or not _COUNTY_STATION_RE.fullmatch(rest) or not any(
            d.level == "county" for d in gaz.by_name.get(heads[-1], ())):
        return ""
    county = heads[-1]
    short = county[:-1] if county.endswith(_COUNTY_SUFFIX) and len(county) > 2 else county
    return f"{short}抽水蓄能电站"


def _english_names(text: str) -> list[FactSpan]:
    """English programme/facility names with at least two distinctive words, and every later
    use of the acronym defined right after one (`Long Range Discrimination Radar (LRDR)`)."""
    if not re.search(_EN_HEAD, text):
        return []
    out: list[FactSpan] = []
    acronyms: dict[str, str] = {}
    for m in _EN_NAMED_RE.finditer(text):
        start, words = m.start(), m.group(0).split(" (")[0].split(" ")
        while len(words) > 2 and words[0] in _EN_LEADING:
            start += len(words[0]) + 1
            words = words[1:]
        name = " ".join(words)
        distinctive = [w for w in re.split("[ -]", name) if w.lower() not in _EN_GENERIC]
        if len(distinctive) < 2:
            continue  # `Military Construction Program`, `Final Environmental Impact Statement`
        key = fold_key(name)
        out.append(FactSpan("name", start, start + len(name), text[start:start + len(name)], None, key))
        if m.group("acr"):
            acronyms.setdefault(m.group("acr"), key)
    for acr, key in acronyms.items():
        for m in re.finditer(rf"(?<![A-Za-z0-9(]){acr}(?![A-Za-z0-9)])", text):
            out.append(FactSpan("name", m.start(), m.end(), m.group(0), None, key))
    return out
