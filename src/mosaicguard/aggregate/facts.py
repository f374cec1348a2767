"""Facts: what one document says about which project or site.

A fact is a value found in a document (a code, a name, an address, a purpose, a date...) with
the attribute it reveals (`location`, `purpose`, `schedule`, `capacity`, `personnel`,
`organisation`) and the link keys it can share with other documents (`code:ZB20267301`).

One understanding of text: facts come from the same code as `scan`. Phones, coordinates, unit
designators and protected-subject aliases are the scan `Engine`'s own findings (its detectors,
normaliser, lexicon folding and token boundaries); everything else comes from the fact
extractors registered in `detect/facts/registry.py`. A fact's `value` is the text exactly as
written and `start` its offset in the document's text (`document_text`), so a fix can name it.

Scope rules (which project an attribute belongs to), documented in docs/aggregation.md:
- anchors are codes, protected-subject aliases and distinctive project names;
- a document whose anchors name one project (at most one distinct value of each anchor kind)
  is one scope: every attribute in it belongs to that project;
- otherwise each paragraph (line) belongs to the anchors in it; anchors in one paragraph are
  one project; a paragraph without anchors belongs to the nearest anchored paragraph above it
  (paragraphs before the first anchor belong to the first project).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from ..detect.contact import phone_key
from ..detect.coordinates import datum_near, pair_axes, parse_box, parse_components, parse_coordinate, to_wgs84
from ..detect.engine import Engine
from ..detect.facts.base import FactSpan
from ..detect.facts.money import budget_keys
from ..detect.facts.pinyin import drop_readings
from ..detect.facts.purposes import IMPLIED_PURPOSES
from ..detect.facts.registry import FACT_EXTRACTORS, get_fact_extractor
from ..detect.normalize import code_key, digits_only, fold_term
from ..detect.registry import get_detector
from ..detect.segment import is_cjk
from ..model import Document, Finding, Location, Segment
from ..policy.schema import Policy
from .model import BUYER_MARK, amount_link_keys

#: Bump when extraction changes: an index built by another version is rebuilt.
EXTRACTOR_VERSION = "22"

# Unit designators are organisations (one unit runs many projects): a link key, not an anchor.
ANCHOR_KINDS = frozenset({"code", "subject", "name"})

#: The scan detectors whose findings are facts (the rest of scan says nothing about a site).
SCAN_DETECTORS = ("phone", "coordinates", "unit_designator", "protected_term")
#: Scan findings at or above this confidence are facts. Lower than scan's default reporting
#: threshold on purpose: a phone number on the same line as `项目编号` is still that phone for
#: linking (scan lowers it because the number *could* be an order number, not a leak).
FACT_MIN_CONFIDENCE = 0.4
# An unlabelled decimal pair without geo context words is more often a pair of prices.
_DECIMAL_PAIR_MIN_CONFIDENCE = 0.5
# Coordinate rules whose values are degrees (grid coordinates in metres need a zone and a datum).
_DEGREE_RULES = frozenset({"coordinates.hemisphere", "coordinates.decimal_pair", "coordinates.labelled",
                           "coordinates.range"})

__all__ = ["ANCHOR_KINDS", "EXTRACTOR_VERSION", "IMPLIED_PURPOSES", "Fact", "FactExtractor", "document_text"]


@dataclass(frozen=True, slots=True)
class Fact:
    """One value in one document. `scope` numbers the project mentions of the document."""

    doc: str
    scope: int
    kind: str  # code|subject|name|unit|org|address|place|coord|phone|person|purpose|schedule|capacity|amount
    value: str  # exactly as written in the document: the evidence, and what a fix removes
    attr: str | None = None  # the attribute it reveals, if any
    keys: tuple[str, ...] = ()  # link keys ("code:ZB20267301")
    extra: str = ""  # implied purposes, "lat,lon" (WGS-84), address precision, an amount's role
    start: int = 0  # offset of `value` in the document's text (`document_text`)
    snippet: str = ""  # the sentence around it, for human reports

    @property
    def end(self) -> int:
        """End offset of `value` in the document's text."""
        return self.start + len(self.value)

    @property
    def fix_item(self) -> tuple[str, str]:
        """What a person removes to remove this fact: this value from this document."""
        return (self.doc, self.value)

    def __reduce__(self) -> tuple[type[Fact], tuple[str, int, str, str, str | None, tuple[str, ...], str, int, str]]:
        # Facts cross from the read stage's worker processes to the writer by pickle: the
        # fields as one tuple pickle and unpickle in half the time of the dataclass's state
        # (~40 -> ~20 us each way per notice).
        return (Fact, (self.doc, self.scope, self.kind, self.value, self.attr, self.keys, self.extra, self.start,
                       self.snippet))


# Metadata the reader observed rather than the publisher wrote (`text:encoding` = "gb18030"):
# not the document's text, and shared by every file of that encoding.
_READER_METADATA = frozenset({"text:encoding"})

# FactSpan kind -> (Fact kind, link-key prefix)
_SPAN_KINDS: dict[str, tuple[str, str]] = {
    "code": ("code", "code"), "name": ("name", "name"), "org": ("org", "org"), "person": ("person", "person"),
    "address": ("address", "addr"), "place": ("place", "addr"), "date": ("schedule", "date"),
    "duration": ("schedule", ""), "purpose": ("purpose", ""), "quantity": ("capacity", ""),
    "phone": ("phone", "phone"), "unit": ("unit", "unit"), "subject": ("subject", "subject"),
    "coord": ("coord", ""), "standard": ("standard", ""), "amount": ("amount", "amt"),
    "permit": ("permit", "permit"),  # a construction permit's number (model kind `permit`)
}
_PRECISE_LEVELS = frozenset({"village", "group", "number", "road_number", "site"})
_LABEL_AXIS = re.compile(r"(?i:(纬度|latitude|lat)|(经度|longitude|lng|lon))\W{0,3}$")
# Anchors first within a paragraph, so the paragraph's first anchor is its project.
_KIND_ORDER = {"code": 0, "subject": 1, "name": 2}


class FactExtractor:
    """Built once from a policy; `extract(doc)` is a pure function of the document's text."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        fact_policy = policy.model_copy(update={"min_confidence": min(policy.min_confidence, FACT_MIN_CONFIDENCE)})
        self.engine = Engine(fact_policy, detectors=[get_detector(name) for name in SCAN_DETECTORS])
        self.extractors = [get_fact_extractor(name).for_policy(policy) for name in FACT_EXTRACTORS]
        # Folded alias or code -> subjects. The subject's `id` is a policy label, never text.
        self.term_subjects: dict[str, set[str]] = defaultdict(set)
        self.code_subject: dict[str, str] = {}
        for s in policy.protected_subjects:
            for term in (*s.aliases, *s.codes):
                if fold_term(term):
                    self.term_subjects[fold_term(term)].add(s.id)
            for code in s.codes:
                self.code_subject[code_key(code)] = s.id

    # -- public ---------------------------------------------------------------------------

    def extract(self, doc: Document) -> list[Fact]:
        """Facts of a document (its own text, all layers, and embedded parts; not its members)."""
        return self.extract_text(doc.path, document_text(doc))

    def extract_text(self, path: str, text: str) -> list[Fact]:
        """Facts of `text`, with offsets into it. Pinyin readings printed after characters
        (`鎮(zhèn)`) are read past: `黄丰桥鎮(zhèn)广和村` gives the facts of `黄丰桥镇广和村`, as
        its simplified form without readings would, while the value quoted is the text as stored."""
        clean, origin = drop_readings(text)
        facts = self._scan_facts(path, clean)
        for extractor in self.extractors:
            facts.extend(self._from_span(path, clean, s) for s in extractor.extract(clean))
        if origin is not None:
            facts = [_in_original(f, text, origin) for f in facts]
        return _assign_scopes(_installations_in_passing(_drop_aliases_in_firms(facts, text)), text)

    # -- scan findings ------------------------------------------------------------------------

    def _scan_facts(self, path: str, text: str) -> list[Fact]:
        if not text.strip():
            return []
        findings = self.engine.scan(Document(path, "text/plain", "", segments=(Segment(text),)))
        out: list[Fact] = []
        axes: list[tuple[int, int, str, float]] = []
        for f in sorted(findings, key=lambda x: (x.location.start or 0, -(x.location.end or 0))):
            start, end = f.location.start or 0, f.location.end or 0
            if f.category == "phone":
                out.append(self._fact(path, text, "phone", start, end, "personnel", (f"phone:{phone_key(f.match)}",)))
            elif f.category == "unit_designator":
                digits = "".join(ch for ch in digits_only(f.match) if ch.isdigit())
                out.append(self._fact(path, text, "unit", start, end, "organisation", (f"unit:{digits}",)))
            elif f.category == "protected_term":
                subjects = self.term_subjects.get(fold_term(_term(f)), set())
                out.extend(self._fact(path, text, "subject", start, end, None, (f"subject:{s}",))
                           for s in sorted(subjects))
            elif f.category == "coordinates":
                if f.rule not in _DEGREE_RULES or (
                        f.rule == "coordinates.decimal_pair" and f.confidence < _DECIMAL_PAIR_MIN_CONFIDENCE):
                    continue
                if f.rule == "coordinates.range":  # a box: its two corners, each a point of the site
                    box = parse_box(f.match)
                    out.extend(self._coord(path, text, start, end, corner) for corner in box or ())
                    continue
                point = parse_coordinate(f.match)
                if point is not None:
                    out.append(self._coord(path, text, start, end, point))
                else:
                    axes.extend(_single_axis(text, f))
        # Single axes next to each other (`纬度：39.9042 经度：116.4074`) are one point.
        axes.sort()
        i = 0
        while i + 1 < len(axes):
            s1, e1, a1, _ = axes[i]
            s2, e2, a2, _ = axes[i + 1]
            point = pair_axes(text[s1:e1], text[s2:e2]) if {a1, a2} == {"lat", "lon"} and s2 - e1 <= 20 else None
            if point is None and {a1, a2} == {"lat", "lon"} and s2 - e1 <= 20:
                lat = axes[i][3] if a1 == "lat" else axes[i + 1][3]
                lon = axes[i + 1][3] if a2 == "lon" else axes[i][3]
                point = (lat, lon) if abs(lat) <= 90 and abs(lon) <= 180 else None
            if point is not None:
                out.append(self._coord(path, text, s1, e2, point))
                i += 2
            else:
                i += 1
        return out

    def _coord(self, path: str, text: str, start: int, end: int, point: tuple[float, float]) -> Fact:
        lat, lon = to_wgs84(point[0], point[1], datum_near(text, start, end))
        return self._fact(path, text, "coord", start, end, "location", (), f"{lat:.6f},{lon:.6f}")

    def _fact(self, path: str, text: str, kind: str, start: int, end: int, attr: str | None,
              keys: tuple[str, ...] = (), extra: str = "") -> Fact:
        return Fact(path, 0, kind, text[start:end], attr, keys, extra, start, _snippet(text, start, end))

    # -- registered extractors ------------------------------------------------------------

    def _from_span(self, path: str, text: str, s: FactSpan) -> Fact:
        kind, prefix = _SPAN_KINDS.get(s.kind, (s.kind, ""))
        if kind == "schedule" and s.attr != "schedule":
            kind = "date"  # a deadline or a publication date: a date, not the site's schedule
        keys: list[str] = []
        extra = ""
        if kind in ("address", "place"):
            extra = _precision(s)
            linked = [v for k, v in s.detail if k == "link_key"]
            if _is_office_address(text, s.start, s.end):
                # The publisher's or a firm's office (`联系地址:…,邮编:…`): evidence about who
                # wrote the notice, not about the site. One builder's office in two unrelated
                # notices must not join them, and it is not the site's location.
                key = linked[0] if linked else s.key
                return Fact(path, 0, kind, s.text, "organisation", (f"org:{key}",) if key else (), "office",
                            s.start, _snippet(text, s.start, s.end))
            if s.get("role") == "office":
                # A firm's home town written after its name (`Great Lakes Dredge and Dock Co. LLC,
                # Oak Brook, Illinois, was awarded`): the firm's address, not the site. No key:
                # the firm's own `org:` key already counts who it is (one fact, one comparison).
                return Fact(path, 0, kind, s.text, "organisation", (), "office",
                            s.start, _snippet(text, s.start, s.end))
            if linked and s.get("village"):
                # A village is a locality, not a site: every project of the village names it
                # (model kind `vil`, weighed by its document frequency alone). The village's
                # group (村民小组) makes it a site: `…董家堡村五组` (kind `grp`, precise like a
                # street number); `…董家堡村十一组` is another place of the same village.
                keys = [f"vil:{v}" for v in linked]
                group = _group_number(s.get("group"))
                if group:
                    keys += [f"grp:{v}|{group}" for v in linked]
            elif linked:
                keys = [f"addr:{v}" for v in linked]  # road and number, section, crossing, lot
            elif s.get("type") == "installation" and s.key:
                keys = [f"site:{s.key}"]  # a named installation: its own comparison (model `site`)
            elif s.key and extra != "area":
                # A province or city alone (`本项目为黑龙江省政府采购项目`) names a region, not where
                # the project is: as an `area:` key it would disagree with the county another
                # notice of the same project names.
                keys = [f"{prefix}:{s.key}" if extra == "precise" else f"area:{s.key}"]
            county = s.get("county_key")
            if county and f"area:{county}" not in keys:
                # The county of a village, a road or a town (`江西省赣州市信丰县姜家营镇文家湾村` is
                # in `江西省/赣州市/信丰县`): the one place a news item naming the county and the
                # notice giving the site can be compared on (model.NAME_CONTEXT_KINDS).
                keys.append(f"area:{county}")
        elif kind == "purpose":
            extra = s.get("implies")
        elif kind == "name" and s.get("type") == "facility" and s.key:
            keys = [f"site:{s.key}"]  # a named station, hotel, bridge: a site, like an installation
        elif kind == "amount":
            extra = s.get("role")  # budget, award, investment, bid, other: kept, not weighed
            if s.key:
                renderings = [v for k, v in s.detail if k == "rendering"]
                keys = amount_link_keys(s.key, renderings)
            if extra == "budget" and s.get("value"):
                # A budget at two significant digits (rounded and cut: `约2470万元` and
                # `24707593元` meet at 25e6 or 24e6; `30391904元` and `3000万元`, which have no
                # two-digit `amt` rendering, at 30e6): one project has one budget, so two budgets
                # that do not meet are two tenders (model kind `bud`, disagreement only).
                keys = [*keys, *(f"bud:{k}" for k in budget_keys(str(s.get("currency")), Decimal(str(s.get("value")))))]
        elif kind == "org" and s.get("role") in ("owner", "developer"):
            # The project's owner (buyer, developer): also an `own:` key, which only disagrees
            # (model kind `own`: one project has one owner); a buyer's is also held marked
            # (`own:…!`, model.BUYER_MARK): a developer is compared with a buyer only.
            keys = [f"org:{s.key}"] if s.key else []
            owner = f"own:{s.get('owner_key')}"
            keys += [owner, owner + BUYER_MARK] if s.get("role") == "owner" else [owner]
            extra = str(s.get("role"))
        elif prefix and s.key:
            keys = [f"{prefix}:{s.key}"]
        if kind == "code" and s.key in self.code_subject:
            keys.append(f"subject:{self.code_subject[s.key]}")
        return Fact(path, 0, kind, s.text, s.attr, tuple(keys), extra, s.start, _snippet(text, s.start, s.end))


def _in_original(f: Fact, text: str, origin: Sequence[int]) -> Fact:
    """`f`, found in the text without readings, quoted from `text` (`origin`: offsets in it)."""
    start = origin[f.start]
    end = origin[f.end - 1] + 1 if f.end > f.start else start
    return replace(f, value=text[start:end], start=start, snippet=_snippet(text, start, end))


_FIRM_SUFFIX = re.compile(r"(?:有限责任公司|股份有限公司|有限公司|公司|集团)$")


def _installations_in_passing(facts: list[Fact]) -> list[Fact]:
    """A military installation named once, in a document that names another one at least twice,
    is named in passing: `Similar facilities are being constructed at McConnell Air Force Base`
    in a story about Seymour Johnson AFB, `consolidate storage ... to Minot Air Force Base` in one
    about Barksdale AFB (real stories, issue 9: the second linked a Barksdale analysis to three
    stories of a Minot project, +10.7 at the site comparison). It keeps its fact (what the text
    says) without a link key: the document is not about that base."""
    counts: dict[str, int] = defaultdict(int)
    for f in facts:
        if f.kind in ("address", "place"):
            for k in f.keys:
                if k.startswith("site:"):
                    counts[k] += 1
    if len(counts) < 2 or max(counts.values()) < 2:
        return facts
    return [replace(f, keys=tuple(k for k in f.keys if counts.get(k, 2) >= 2))
            if f.kind in ("address", "place") and any(counts.get(k, 2) < 2 for k in f.keys) else f
            for f in facts]


def _drop_aliases_in_firms(facts: list[Fact], text: str) -> list[Fact]:
    """A protected alias inside a firm's trade name (`星河工程` in `星河工程机械有限公司`: the
    name runs on after the alias before the legal suffix) names the firm, not the subject: such
    a company is a look-alike, and the alias it shares with a real mention would join two
    projects with all the weight of a protected subject. Offices that carry the project's name
    (`7838工程建设管理处`, `…指挥部`) are not firms and keep it; so does `星河工程有限公司`
    (nothing between the alias and the suffix: whether that is the project is for evidence)."""
    firms = [(f.start, f.end) for f in facts if f.kind == "org" and _FIRM_SUFFIX.search(f.value)]
    if not firms:
        return facts

    def in_firm(f: Fact) -> bool:
        for start, end in firms:
            if start <= f.start and f.end < end:
                trade = _FIRM_SUFFIX.sub("", text[f.end:end])
                if trade and is_cjk(trade[0]):
                    return True
        return False

    return [f for f in facts if not (f.kind == "subject" and in_firm(f))]


# An office's mailing address: labelled so, or given with its postcode (a site is not written
# with a postcode: that is where letters go). `通讯地址` alone is not enough: a builder's
# contact address is often its factory, the very site (real case gac_panyu_shilou_site). A
# `联系地址` (contact address) is where to reach someone: the EIA notice of the Jiangxian
# pumped-storage station (real set) gives its consultant's `联系地址:北京市朝阳区定福庄西街1号` and
# no other precise place, and that Beijing street was the station's location in a critical
# location+purpose exposure (audit, session 16).
_OFFICE_LABEL = re.compile(r"(?:办公|邮寄|注册|联系)地址|(?i:mailing|office|postal|contact) address")
_POSTCODE = re.compile(r"邮编|邮政编码|(?i:zip|postcode)")
# An organisation's particulars in brackets after its name (`国网安徽省电力有限公司(地址:合肥市黄山路
# 9号;联系电话:…)`, where an EIA notice lists the offices to read the report at): that body's
# address, not the site. Real case: two UHV lines' notices listing the same provincial grid
# companies were joined by such an address (+8.1).
_ORG_PARTICULARS = re.compile(
    r"(?:公司|集团|局|院|中心|所|站|处|厅|委员会|办公室|政府)\s*[(（]\s*(?:地址|住所)\s*[:：]?\s*$")


def _is_office_address(text: str, start: int, end: int) -> bool:
    """True when the address is an office's mailing address (label, postcode after it, or in
    brackets after an organisation's name)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before = text[line_start:start]
    after = text[end: line_end if line_end >= 0 else len(text)]
    return bool(_OFFICE_LABEL.search(before[-12:]) or _POSTCODE.match(after.lstrip(" ,，;；、"))
                or _ORG_PARTICULARS.search(before[-24:]))


_CN_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")}


def _group_number(group: str) -> str:
    """`五组`, `group 5`, `５组` -> "5"; `十一组` -> "11"; "" when there is no number."""
    digits = "".join(ch for ch in group if ch.isdigit())
    if digits:
        return str(int(digits))
    cn = "".join(ch for ch in group if ch in _CN_DIGITS or ch == "十")
    if not cn:
        return ""
    if "十" in cn:
        tens, _, ones = cn.partition("十")
        return str((_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0))
    return str(int("".join(str(_CN_DIGITS[ch]) for ch in cn)))


def _term(finding: Finding) -> str:
    return dict(finding.extra).get("term", finding.match)


def _single_axis(text: str, f: Finding) -> list[tuple[int, int, str, float]]:
    """(start, end, axis, degrees) of a coordinate finding that holds one axis."""
    start, end = f.location.start or 0, f.location.end or 0
    parts = parse_components(f.match)
    if len(parts) != 1:
        return []
    axis, deg = parts[0]
    if not axis:  # a labelled value: the label before it says which axis
        m = _LABEL_AXIS.search(text[max(0, start - 14): start])
        if m is None:
            return []
        axis = "lat" if m.group(1) else "lon"
        start = max(0, start - 14) + m.start()
    if text[max(0, start - 1): start] == "-" or f.match.startswith("-"):
        deg = -deg
    return [(start, end, axis, deg)]


def _precision(s: FactSpan) -> str:
    """`precise`, `town`, `county` or `area` from a place span's detail."""
    given = s.get("precision")
    if given:
        return given
    level = s.get("level")
    if level in _PRECISE_LEVELS:
        return "precise"
    return level if level in ("town", "county") else "area"


def _snippet(text: str, start: int, end: int) -> str:
    lo = max(text.rfind("\n", 0, start) + 1, start - 30)
    hi_line = text.find("\n", end)
    hi = min(hi_line if hi_line >= 0 else len(text), end + 30)
    return text[lo:hi].strip()


@dataclass(frozen=True, slots=True)
class TextPiece:
    """Where a stretch of `document_text` comes from: a segment (its location), or a metadata
    field or an embedded part (named in `part`)."""

    start: int  # offset in document_text
    length: int
    location: Location


def document_text(doc: Document) -> str:
    """The text facts are read from: every segment (all layers: a tracked deletion is still
    published), then metadata values (a title can name the project), then embedded parts."""
    return document_text_map(doc)[0]


def document_text_map(doc: Document) -> tuple[str, list[TextPiece]]:
    """`document_text` and where each stretch of it is in the file."""
    chunks: list[str] = []
    pieces: list[TextPiece] = []
    pos = 0

    def add(value: str, location: Location) -> None:
        nonlocal pos
        if chunks:
            pos += 1  # the newline that joins chunks
        chunks.append(value)
        pieces.append(TextPiece(pos, len(value), location))
        pos += len(value)

    for seg in doc.segments:
        add(seg.text, seg.location)
    for m in doc.metadata:
        if m.value and m.key not in _READER_METADATA:
            add(m.value, Location(start=0, end=len(m.value), part=m.part or f"metadata:{m.key}"))
    for emb in doc.embedded:
        inner = document_text(emb)
        if inner:
            add(inner, Location(part=emb.path.rsplit("!", 1)[-1]))
    return "\n".join(chunks), pieces


def locate(pieces: Sequence[TextPiece], start: int, end: int) -> Location:
    """The file location of `document_text[start:end]`: page and part of the piece it falls in,
    offsets in that part's text (as scan findings give them)."""
    starts = [p.start for p in pieces]
    i = bisect.bisect_right(starts, start) - 1
    if i < 0:
        return Location(start=start, end=end)
    piece = pieces[i]
    loc = piece.location
    if loc.start is None:
        return Location(page=loc.page, part=loc.part, pointer=loc.pointer)
    delta = start - piece.start
    return Location(page=loc.page, start=loc.start + delta, end=loc.start + delta + (end - start), part=loc.part,
                    pointer=loc.pointer)


def _assign_scopes(facts: list[Fact], text: str) -> list[Fact]:
    newlines = [m.start() for m in re.finditer("\n", text)]
    n_paras = len(newlines) + 1
    facts_by_para: list[list[Fact]] = [[] for _ in range(n_paras)]
    for f in facts:
        facts_by_para[bisect.bisect_left(newlines, f.start)].append(f)
    for para in facts_by_para:
        para.sort(key=lambda f: (_KIND_ORDER.get(f.kind, 3), f.start))
    flat = [f for para in facts_by_para for f in para]
    anchors = [f for f in flat if f.kind in ANCHOR_KINDS and f.keys]
    # A name that quotes the document's code or protected alias (`7838工程土建施工` beside
    # `7838工程`) is that project's name, not a second project.
    quoted = {f.value.casefold(): f.keys[0] for f in anchors if f.kind != "name"}
    same: dict[str, str] = {}
    # A name that is the tail of a longer name in the same document (`附属设施工程` cut from the
    # title `营区道路及附属设施工程`) is that longer name.
    # (Project names only: a facility's `site:` key has its own normalisation.)
    names = sorted({(f.value.casefold(), f.keys[0]) for f in anchors if f.keys[0].startswith("name:")},
                   key=lambda v: -len(v[0]))
    for i, (short, key) in enumerate(names):
        longer = next((k for v, k in names[:i] if short in v and k != key), None)
        if longer is not None:
            same[key] = longer
    for f in anchors:
        if f.keys[0].startswith("name:"):
            folded = f.value.casefold()
            for value, key in quoted.items():
                if value in folded:
                    same[f.keys[0]] = key
    per_kind: dict[str, set[str]] = {}
    for f in anchors:
        if f.keys[0] not in same:
            # by key prefix: a project name and the facility it names (`name:十里红宾馆精装修`,
            # `site:十里红宾馆`) are two kinds of anchor, not two projects
            per_kind.setdefault(f.keys[0].split(":", 1)[0], set()).add(f.keys[0])
    codes, subjects = per_kind.get("code", set()), per_kind.get("subject", set())
    # One code (and at most one protected subject) names one project: its other names are the
    # project's titles, or words the name extractor takes for a name (`本项目为辽宁省政府采购项目`).
    if (len(codes) == 1 and len(subjects) <= 1) or all(len(v) <= 1 for v in per_kind.values()):
        return flat  # one project in this document: one scope
    codes, subjects = per_kind.get("code", set()), per_kind.get("subject", set())
    if len(codes) <= 1 and len(subjects) <= 1 and (codes or subjects):
        # At most one code and one protected subject: one project,
        # whatever else the name extractor found - a title, a name cut from the contractor's
        # (中国化学工程 in 中国化学工程第十四建设有限公司) or a phrase (招标项目) is not a second
        # project, and splitting the notice would cut its purpose off its code.
        return flat
    # Several projects: anchors in one paragraph, and anchors sharing a key (a code listed under
    # a protected subject), are one project (union-find over anchor keys).
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for name_key, key in same.items():
        parent[find(name_key)] = find(key)

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
