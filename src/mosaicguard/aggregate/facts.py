"""Facts: what one document says about which project or site.

A fact is a value found in a document (a code, a name, an address, a purpose, a date...) with
the attribute it reveals (`location`, `purpose`, `schedule`, `capacity`, `personnel`,
`organisation`) and the link keys it can share with other documents (`code:ZB20267301`).

Scope rules (which project an attribute belongs to), documented in docs/aggregation.md:
- anchors are codes, protected-subject aliases and distinctive project names;
- a document whose anchors name one project (at most one distinct value of each anchor kind)
  is one scope: every attribute in it belongs to that project;
- otherwise each paragraph (line) belongs to the anchors in it; anchors in one paragraph are
  one project; a paragraph without anchors belongs to the nearest anchored paragraph above it
  (paragraphs before the first anchor belong to the first project).
Extraction is one pass of precompiled regexes per paragraph: no per-document NLP.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import ahocorasick_rs

from ..model import Document
from ..policy.schema import Policy
from .normalize import (
    code_key,
    fold,
    normalise_text,
    parse_addresses,
    parse_addresses_en,
    parse_coordinates,
    phone_key,
)

#: Bump when extraction changes: an index built by another version is rebuilt.
EXTRACTOR_VERSION = "1"

# Unit designators are organisations (one unit runs many projects): a link key, not an anchor.
ANCHOR_KINDS = frozenset({"code", "subject", "name"})


@dataclass(frozen=True, slots=True)
class Fact:
    """One value in one document. `scope` numbers the project mentions of the document."""

    doc: str
    scope: int
    kind: str  # code|subject|name|unit|org|address|coord|phone|person|purpose|schedule|capacity
    value: str  # as written (after width/traditional folding): the evidence
    attr: str | None = None  # the attribute it reveals, if any
    keys: tuple[str, ...] = ()  # link keys ("code:ZB20267301")
    extra: str = ""  # implied purposes, "lat,lon", address precision
    start: int = 0  # offset in the document's normalised text
    snippet: str = ""  # the sentence around it, for human reports

    @property
    def fix_item(self) -> tuple[str, str]:
        """What a person removes to remove this fact: this value from this document."""
        return (self.doc, self.value)


# ---- equipment that gives away a purpose -------------------------------------------------

# Term (folded) -> purposes it implies, in both languages so either spelling in a policy's
# sensitive_purposes matches.
IMPLIED_PURPOSES: dict[str, tuple[str, ...]] = {}
# Lower-cased term as written (spaces kept, for matching) -> its folded key above.
_TERM_FORMS: dict[str, str] = {}


def _imply(terms: Iterable[str], purposes: tuple[str, ...]) -> None:
    for t in terms:
        IMPLIED_PURPOSES[fold(t)] = purposes
        _TERM_FORMS[normalise_text(t).lower()] = fold(t)


_imply(["雷达", "雷达站", "天线罩", "雷达罩", "相控阵", "雷达天线", "雷达天线罩", "radar", "radome", "phased array"],
       ("雷达", "radar"))
_imply(["导弹", "发射架", "发射井", "发射车", "发射阵地", "missile", "launcher", "launch pad", "silo"],
       ("导弹", "missile"))
_imply(["弹药", "弹药库", "防爆门", "炸药库", "火工品", "ammunition", "munitions", "magazine", "blast door"],
       ("弹药", "ammunition"))
_imply(["指挥所", "指挥中心", "坑道", "防护工程", "人防工程", "command post", "bunker", "hardened shelter"],
       ("指挥所", "command post"))
_imply(["柴油发电机组", "发电机组", "不间断电源", "generator set", "diesel generator"], ("电力保障", "backup power"))
_imply(["卫星地面站", "测控站", "卫星接收", "ground station", "telemetry"], ("卫星测控", "satellite control"))
_imply(["机库", "跑道", "停机坪", "hangar", "runway"], ("机场", "airfield"))
_imply(["油库", "储油罐", "fuel depot"], ("油料", "fuel"))
_imply(["潜艇", "声呐", "submarine", "sonar"], ("潜艇", "submarine"))

# ---- patterns (compiled once) ------------------------------------------------------------

_CJK = "\u4e00-\u9fff"
_CODE_LABEL_RE = re.compile(
    r"(?:招标编号|项目编号|采购编号|合同编号|标段编号|批准文号|备案号|"
    r"(?i:tender\s*(?:no\.?|number|ref\.?)|project\s*(?:no\.?|number|code)|ref(?:erence)?\s*no\.?))"
    r"\s*[:]?\s*(?P<code>[A-Za-z0-9]+(?:\s?[-‐‑–—_/.]\s?[A-Za-z0-9]+|\s[0-9]+)*)"
)
_CODE_BARE_RE = re.compile(
    r"(?<![A-Za-z0-9])(?P<code>[A-Z]{2,6}(?:\s?[-‐‑–—_]\s?[A-Z0-9]{2,10}|\s[0-9]{2,10}){1,4})(?![A-Za-z0-9])"
)
_PROJECT_WORD_RE = re.compile(r"工程|项目")
_NOT_PROJECT_AFTER = ("师", "经理", "部", "负责", "机械", "款", "量", "造价", "名称", "编号", "概况", "地点", "总投资",
                      "建设", "招标", "采购", "管理", "所在", "预算", "内容", "规模", "单位", "监理")
_NAME_STOP_RE = re.compile(
    r"^.*(?:关于|有关|对于|为了|进行|开展|实施|承建|参加|参与|负责|完成|中标|公告|公示|通知|本次|其中|以及|"
    r"位于|所属|对|为|在|于|的|和|与|及|本|该|此|将|了|是|由|经|按|即|已|等)"
)
_NAME_LABEL_RE = re.compile(
    r"(?:项目名称|工程名称|Project\s+name)\s*[:]\s*(?P<name>[^\s,，。;；:()（）]{2,40})", re.I
)
_EN_PROJECT_RE = re.compile(r"\bProject\s+(?P<name>[A-Z0-9][A-Za-z0-9\-]{1,24})")
_EN_NOT_NAME = frozenset({"manager", "no", "number", "code", "name", "site", "team", "leader", "director", "office"})
# Words that say nothing about which project it is: a name must have more than these.
_GENERIC = re.compile(
    r"新建|改建|扩建|改造|维修|修缮|建设|施工|采购|服务|设备|安装|设计|监理|办公楼|综合楼|宿舍楼|道路|硬化|绿化|"
    r"配套|附属|基础设施|一期|二期|三期|年度|工程|项目|整治|提升|升级|更新|系统|零星|日常|物业|保洁|食堂|"
    r"20[0-9]{2}年?度?|县|市|区|镇|乡|村"
)
_UNIT_RE = re.compile(
    r"(?:中国人民解放军|解放军)?\s?(?P<num>[0-9]{5})\s?部队"
    rf"|武警[{_CJK}]{{0,8}}?(?P<num2>[0-9]{{4,5}})\s?部队"
)
_ORG_SUFFIX_RE = re.compile(r"有限责任公司|股份有限公司|有限公司|公司|研究所|研究院|设计院|管理局|集团|中心")
MOBILE_RE = re.compile(r"(?<![0-9])(?:\+?86[-\s]?)?1[3-9][0-9][-\s]?[0-9]{4}[-\s]?[0-9]{4}(?![0-9])")
LANDLINE_RE = re.compile(r"(?<![0-9])\(?0[0-9]{2,3}\)?[-\s]?[0-9]{7,8}(?![0-9])")
ROLE_RE = re.compile(
    r"(?P<role>项目经理|项目负责人|技术负责人|现场负责人|联系人|负责人|总工程师|总工|站长|厂长|法定代表人|施工员|安全员)"
    rf"\s*[:为是]?\s*(?P<name>[{_CJK}]{{2,4}})"
    r"|(?P<erole>(?i:project manager|site manager|contact person|contact|chief engineer|site director))"
    r"\s*[:]?\s*(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?(?P<ename>[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2})"
)
_NAME_TAIL_RE = re.compile(r"(?:先生|女士|同志|电话|手机|联系|经理|工程|负责|,|。).*$")
_NOT_PERSON = frozenset({"项目", "本项", "公司", "负责", "联系", "电话", "经理", "工程", "单位", "部门", "采购"})
# Years 19xx/20xx and months 1-12 only, never inside a code (`ZB-2026-4242` is not April 2026).
_DATE = (
    r"(?<![A-Za-z0-9\-])(?:(?:19|20)[0-9]{2}\s*年\s*(?:1[0-2]|0?[1-9])\s*月(?:\s*[0-9]{1,2}\s*日)?(?:[上中下]旬|底|初)?"
    r"|(?:19|20)[0-9]{2}([-/.])(?:1[0-2]|0?[1-9])(?:\1[0-3]?[0-9])?(?![0-9\-])"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?:[0-9]{1,2},?\s+)?[0-9]{4}"
    r"|[0-9]{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+[0-9]{4})"
)
_SCHEDULE_CTX = (
    r"(?:开工|竣工|完工|交付|交货|投入使用|投用|投产|建成|进场|供货|到货|安装完成|完成"
    r"|start|commence|complet|deliver|commission|handover|operational|finish)"
)
_DATE_RE = re.compile(_DATE)
_CTX_RE = re.compile(_SCHEDULE_CTX, re.I)
_CLAUSE_END = re.compile(r"[。;;\n]")
_DURATION_RE = re.compile(r"工期\s*[:为]?\s*[0-9]+\s*(?:个)?(?:日历天|天|个月|月)")
_CAPACITY_RE = re.compile(
    r"(?<![0-9.])(?P<num>[0-9]+(?:\.[0-9]+)?)\s?(?P<unit>立方米|平方米|千伏安|千瓦|兆瓦|公里|千伏|个床位|"
    r"套|台|部|座|架|辆|枚|具|吨|米|kVA|kW|MW|GHz|MHz|kHz|km|m3|m2|MPa|kV|TB|"
    r"(?i:units|sets|pieces|tonnes|tons|metres|meters))(?![A-Za-z0-9])"
)


@dataclass(frozen=True)
class _Subject:
    id: str
    folded_aliases: tuple[tuple[str, str], ...]  # (folded, as written in the policy)
    code_keys: frozenset[str]


class FactExtractor:
    """Built once from a policy; `extract(doc)` is a pure function of the document's text."""

    def __init__(self, policy: Policy) -> None:
        self.subjects = [
            _Subject(
                s.id,
                tuple((fold(a), a) for a in (*s.aliases, s.id) if len(fold(a)) >= 2),
                frozenset(code_key(c) for c in s.codes),
            )
            for s in policy.protected_subjects
        ]
        self.code_subject = {k: s.id for s in self.subjects for k in s.code_keys}
        purposes = dict(IMPLIED_PURPOSES)
        forms = dict(_TERM_FORMS)
        for p in policy.sensitive_purposes:
            purposes.setdefault(fold(p), (p,))
            forms.setdefault(normalise_text(p).lower(), fold(p))
        self.purposes = purposes
        self._forms = forms
        self._terms = sorted((t for t in forms if t.strip()), key=len, reverse=True)
        # One Aho-Corasick pass over lower-cased text finds every purpose term (a regex
        # alternation of ~80 terms was the slowest part of extraction).
        self._purpose_ac = (
            ahocorasick_rs.AhoCorasick(self._terms, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
            if self._terms else None
        )

    # -- public ---------------------------------------------------------------------------

    def extract(self, doc: Document) -> list[Fact]:
        """Facts of a document (its own text, all layers, and embedded parts; not its members)."""
        return self.extract_text(doc.path, _document_text(doc))

    def extract_text(self, path: str, raw: str) -> list[Fact]:
        text = normalise_text(raw)
        facts_by_para: list[list[Fact]] = []
        offset = 0
        for para in text.split("\n"):
            if para.strip():
                facts_by_para.append(self._paragraph(path, para, offset))
            else:
                facts_by_para.append([])
            offset += len(para) + 1
        return _assign_scopes(facts_by_para)

    # -- one paragraph ----------------------------------------------------------------------

    def _paragraph(self, path: str, para: str, base: int) -> list[Fact]:
        out: list[Fact] = []

        def add(kind: str, value: str, start: int, end: int, attr: str | None = None,
                keys: tuple[str, ...] = (), extra: str = "") -> None:
            snippet = para[max(0, start - 30): end + 30].strip()
            out.append(Fact(path, 0, kind, value.strip(), attr, keys, extra, base + start, snippet))

        self._codes(para, add)
        self._subjects(para, add)
        self._names(para, add)
        for m in _UNIT_RE.finditer(para):
            num = m.group("num") or m.group("num2")
            add("unit", m.group(0), m.start(), m.end(), "organisation", (f"unit:{num}",))
        self._orgs(para, add)
        for s, e, addr in parse_addresses(para):
            add("address", addr.text, s, e, "location", addr.keys(), addr.precision)
        if para.isascii() or "Village" in para or "Road" in para:
            for s, e, addr in parse_addresses_en(para):
                add("address", addr.text, s, e, "location", addr.keys(), addr.precision)
        for s, e, lat, lon in parse_coordinates(para):
            add("coord", para[s:e], s, e, "location", (), f"{lat:.6f},{lon:.6f}")
        self._contacts(para, add)
        for start, end, term in self._purposes(para):
            implied = self.purposes.get(self._forms[term], ())
            add("purpose", para[start:end], start, end, "purpose", (), "|".join(implied))
        self._schedules(para, add)
        for m in _CAPACITY_RE.finditer(para):
            if _inside_number_context(para, m.start(), m.end()):
                continue
            add("capacity", m.group(0), m.start(), m.end(), "capacity")
        return out

    def _purposes(self, para: str) -> list[tuple[int, int, str]]:
        if self._purpose_ac is None:
            return []
        lower = para.lower()
        if len(lower) != len(para):  # a rare character whose lower case is longer: keep offsets
            lower = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in para)
        out = []
        for index, start, end in self._purpose_ac.find_matches_as_indexes(lower):
            term = self._terms[index]
            # English terms match whole words only ("radar" not in "radarsat").
            if term.isascii() and ((start > 0 and lower[start - 1].isalpha()) or
                                   (end < len(lower) and lower[end].isalpha())):
                continue
            out.append((start, end, term))
        return out

    def _schedules(self, para: str, add: _Add) -> None:
        # Dates first (cheap), then a context word within a few characters either side.
        for m in _DATE_RE.finditer(para):
            before = para[max(0, m.start() - 12): m.start()]
            after = para[m.end(): m.end() + 10]
            ctx_before = list(_CTX_RE.finditer(before))
            ctx_after = _CTX_RE.search(after)
            if ctx_after is not None and not _CLAUSE_END.search(after[: ctx_after.start()]):
                end = m.end() + ctx_after.end()
                end += len(re.match(r"[a-z]*", para[end:]).group(0))  # type: ignore[union-attr]
                add("schedule", para[m.start(): end], m.start(), end, "schedule")
            elif ctx_before and not _CLAUSE_END.search(before[ctx_before[-1].end():]):
                start = m.start() - len(before) + ctx_before[-1].start()
                add("schedule", para[start: m.end()], start, m.end(), "schedule")
        if "工期" in para:
            for m in _DURATION_RE.finditer(para):
                add("schedule", m.group(0), m.start(), m.end(), "schedule")

    def _codes(self, para: str, add: _Add) -> None:
        seen: set[tuple[int, int]] = set()
        for regex in (_CODE_LABEL_RE, _CODE_BARE_RE):
            for m in regex.finditer(para):
                s, e = m.span("code")
                if any(a <= s < b for a, b in seen):
                    continue
                value = m.group("code")
                key = code_key(value)
                if len(key) < 4 or not any(ch.isdigit() for ch in key):
                    continue
                seen.add((s, e))
                keys = [f"code:{key}"]
                if key in self.code_subject:
                    keys.append(f"subject:{self.code_subject[key]}")
                add("code", value, s, e, None, tuple(keys))

    def _subjects(self, para: str, add: _Add) -> None:
        if not self.subjects:
            return
        folded = fold(para)
        for subject in self.subjects:
            for alias_folded, alias in subject.folded_aliases:
                if alias_folded in folded:
                    pos = _approx_pos(para, alias)
                    add("subject", alias, pos, pos + len(alias), None, (f"subject:{subject.id}",))
                    break

    def _names(self, para: str, add: _Add) -> None:
        found: list[tuple[int, int, str]] = []
        for m in _NAME_LABEL_RE.finditer(para):
            name = re.sub(r"(?:工程|项目)$", "", m.group("name"))
            found.append((m.start("name"), m.end("name"), name))
        for m in _PROJECT_WORD_RE.finditer(para):
            after = para[m.end(): m.end() + 4]
            if after.startswith(_NOT_PROJECT_AFTER):
                continue
            window_start = max(0, m.start() - 16)
            window = para[window_start: m.start()]
            # The name is the run of CJK letters/digits right before 工程/项目.
            run = re.search(rf"[{_CJK}A-Za-z0-9]*$", window)
            name = run.group(0) if run else ""
            name = _NAME_STOP_RE.sub("", name)
            if len(name) >= 2 and not any(s <= m.start() - len(name) < e for s, e, _ in found):
                found.append((m.start() - len(name), m.end(), name))
        for m in _EN_PROJECT_RE.finditer(para):
            if m.group("name").lower() not in _EN_NOT_NAME:
                found.append((m.start(), m.end(), m.group("name")))
        for s, e, name in found:
            distinctive = _GENERIC.sub("", name)
            keys = (f"name:{fold(name)}",) if len(distinctive) >= 2 or any(ch.isdigit() for ch in distinctive) else ()
            add("name", para[s:e], s, e, None, keys)

    def _orgs(self, para: str, add: _Add) -> None:
        for m in _ORG_SUFFIX_RE.finditer(para):
            window = para[max(0, m.start() - 14): m.start()]
            run = re.search(rf"[{_CJK}A-Za-z0-9()]*$", window)
            name = _NAME_STOP_RE.sub("", run.group(0) if run else "")
            if len(name) < 2:
                continue
            full = name + m.group(0)
            add("org", full, m.start() - len(name), m.end(), "organisation", (f"org:{fold(full)}",))

    def _contacts(self, para: str, add: _Add) -> None:
        spans: list[tuple[int, int]] = []
        for regex in (MOBILE_RE, LANDLINE_RE):
            for m in regex.finditer(para):
                if any(a <= m.start() < b for a, b in spans):
                    continue
                spans.append(m.span())
                add("phone", m.group(0), m.start(), m.end(), "personnel", (f"phone:{phone_key(m.group(0))}",))
        for m in ROLE_RE.finditer(para):
            if m.group("role"):
                role, name = m.group("role"), _NAME_TAIL_RE.sub("", m.group("name"))[:3]
                if len(name) < 2 or name in _NOT_PERSON:
                    continue
            else:
                role, name = m.group("erole"), m.group("ename")
            add("person", f"{role} {name}", m.start(), m.end(), "personnel", (f"person:{fold(name)}",))


class _Add(Protocol):  # the signature of the local `add` callback, for type checking
    def __call__(self, kind: str, value: str, start: int, end: int, attr: str | None = None,
                 keys: tuple[str, ...] = (), extra: str = "") -> None: ...


def _inside_number_context(para: str, start: int, end: int) -> bool:
    """A quantity that is really part of a date, a phone number or an amount of money."""
    before = para[max(0, start - 1): start]
    after = para[end: end + 1]
    return before in ("-", "/", "年", "第") or after in ("年", "元", "号", "-", "队")


def _approx_pos(para: str, alias: str) -> int:
    pos = para.find(alias)
    return pos if pos >= 0 else 0


def _document_text(doc: Document) -> str:
    # Metadata is published with the file: a title or subject field can name the project.
    parts = [doc.text(), *(m.value for m in doc.metadata if m.value)]
    for emb in doc.embedded:
        parts.append(_document_text(emb))
    return "\n".join(p for p in parts if p)


def _assign_scopes(facts_by_para: list[list[Fact]]) -> list[Fact]:
    from dataclasses import replace

    flat = [f for para in facts_by_para for f in para]
    anchors = [f for f in flat if f.kind in ANCHOR_KINDS and f.keys]
    per_kind: dict[str, set[str]] = {}
    for f in anchors:
        per_kind.setdefault(f.kind, set()).add(f.keys[0])
    if all(len(v) <= 1 for v in per_kind.values()):
        return flat  # one project in this document: one scope
    # Several projects: anchors in one paragraph, and anchors sharing a key (a code listed under
    # a protected subject), are one project (union-find over anchor keys).
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    para_anchor: list[str | None] = []
    for para in facts_by_para:
        ids = [k for f in para if f.kind in ANCHOR_KINDS for k in f.keys]
        for other in ids[1:]:
            parent[find(other)] = find(ids[0])
        para_anchor.append(ids[0] if ids else None)
    scope_of_root: dict[str, int] = {}
    current: str | None = next((a for a in para_anchor if a is not None), None)
    out: list[Fact] = []
    for para, anchor in zip(facts_by_para, para_anchor, strict=True):
        if anchor is not None:
            current = anchor
        root = find(current) if current is not None else ""
        scope = scope_of_root.setdefault(root, len(scope_of_root))
        out.extend(replace(f, scope=scope) for f in para)
    return out
