"""Tender, project and contract codes, told apart from standards, phones, dates and money.

- Standards (`GB 50016-2014`, `GB/T 50378-2019`, `JGJ 59-2011`, `DL/T 5161`, `ISO 9001:2015`,
  `IEC 61850`, `EN 1090`, `ASTM A36`) are kind `standard`: they name a rule book, never a project,
  so two notices citing the same standard must never link through it.
- Labelled codes (招标编号/项目编号/采购编号/标段编号/合同编号/Solicitation No./Contract No./Task
  order ...) are kind `code` with confidence 0.95 whatever their shape (a label says what it is).
- Bare codes (`CYA080003-202501-01`, `W912EQ-08-B-0001`, `ZB-2026-7301`) must mix letters and
  digits (at least three digits) and be at least 6 characters long: digit runs alone are phones,
  dates, money or ID numbers, which other detectors own.

- A construction permit's number (`施工许可证编号：…`, or `许可证编号：…` in a notice about a
  construction permit, `施工许可`) is kind `permit`: the permit of one project, not a code other
  notices quote (so not an anchor and never compared with tender codes); another licence's number
  (`安全生产许可证编号`, `排污许可证编号`: a licence's name before the label) is not one.

`key`: width, case and separators folded (`ＺＢ－２０２６－７３０１`, `ZB-2026-7301` and
`zb 2026 7301` all give `ZB20267301`); standards keep their family (`GB/T50378-2019` ->
`GBT50378`), without the edition year so editions compare equal.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from ..normalize import code_key
from .base import FactExtractor, FactSpan
from .text import fold_same_length

__all__ = ["CodeExtractor", "code_key"]

_STANDARD = re.compile(
    r"(?<![A-Za-z0-9])(?P<family>GB ?/ ?[TZ]|GB|JGJ ?/ ?T|JGJ|JTG|JTJ|CJJ ?/ ?T|CJJ|DL ?/ ?T|DL|SL|NB ?/ ?T"
    r"|HJ|JB ?/ ?T|YD ?/ ?T|TB|CECS|DB[0-9]{2} ?/ ?T|DBJ|ISO ?/ ?IEC|ISO|IEC|EN|ASTM|ANSI|BS|DIN"
    r"|NFPA|IEEE|MIL-STD|MIL-DTL|UFC)"
    r"[ \-]?(?P<number>[A-Z]?[0-9]+(?:\.[0-9]+)*(?:-[0-9]{1,3}(?![0-9]))*)(?:[:\-—][ ]?(?P<year>(?:19|20)[0-9]{2}))?"
    r"(?![A-Za-z0-9])")
_LABEL = re.compile(
    r"(?:招标项目编号|招标编号|项目编号|采购编号|采购项目编号|标段编号|标段\(包\)编号|合同编号|项目代码"
    r"|招标代理编号|交易编号|批准文号|备案号|Solicitation (?:No\.?|Number)|Contract (?:No\.?|Number)"
    r"|Task [Oo]rder(?: No\.?| Number)?|(?:Project|Tender) (?:No\.?|Number|Code|Ref\.?)"
    r"|Ref(?:erence)? No\.?|Notice ID)"
    r"[ \t]*[:：#]?[ \t]*(?P<v>[A-Za-z0-9][A-Za-z0-9\-_/().]*"
    # spaces inside a labelled code only before a group with a digit (`zb 2026 7301`)
    r"(?: (?=[A-Za-z0-9]*[0-9])[A-Za-z0-9\-_/().]+)*)")
# A construction permit's number (建筑工程施工许可证, one per project or section): labelled as such,
# or by `许可证编号`/`许可证号` with no licence named right before it (`安全生产许可证编号` is a firm's
# safety licence, `排污许可证编号` a plant's discharge licence) in a notice about a construction
# permit (`PERMIT_CONTEXT`). Digits alone are a permit number's usual shape (住建 permits: 18 digits).
_PERMIT_LABEL = re.compile(
    r"(?:施工许可证|(?<![\u4e00-\u9fff])许可证)(?:编号|号码|号)"
    r"[ \t]*[:：]?[ \t]*(?P<v>[A-Za-z0-9][A-Za-z0-9\-]{4,40})(?![A-Za-z0-9])")
#: What makes a notice one about a construction permit.
PERMIT_CONTEXT = "施工许可"
_BARE = re.compile(r"(?<![A-Za-z0-9@/.\-_])[A-Za-z0-9][A-Za-z0-9\-_()]{4,40}[A-Za-z0-9)]"
                   r"(?![A-Za-z0-9@\-_]|\.[A-Za-z0-9])")  # not inside URLs, e-mails, file names
# 统一社会信用代码 (18 characters): an organisation's public id, owned by the `org_id` detector
_CREDIT_CODE = re.compile("[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")
# ISO 8601 dates and times (`2013-12-23T23:37:00Z` in a file's metadata) are dates, not codes.
# GUIDs and hashes (`{EF278816-EC6F-A645-907D-7F25AECB1D4A}`, a Word template's custom-XML item
# id, the same in every file made from it) identify a file or a part, not a project.
_GUID_OR_HASH = re.compile(r"[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}|[0-9A-Fa-f]{24,}")
_ISO_DATE = re.compile(r"(?:19|20)[0-9]{2}-[01][0-9]-[0-3][0-9](?:T[0-9]{2})?")
# Geodetic datums and coordinate systems (`CGCS2000`, `WGS84`, `GCJ-02`, `BD-09`, `Xian80`,
# `Beijing54`) name how coordinates are given, in every EIA that lists coordinates: not a project
# (domain corpus: `CGCS2000` in 65 of 2,000 notices joined them once term frequencies were fine).
_DATUM = re.compile(r"(?i:CGCS ?2000|WGS[- ]?84|GCJ[- ]?02|BD[- ]?09|Xi'?an ?80|Beijing ?54|CGCS|ITRF[0-9]{2,4})")
# (`50mm2`, a conductor's cross-section in `136m50mm2的引下线`, real EIA zh_zjcma_yuhang: an area
# in mm2/cm2/km2 is a unit like m2)
_PROSE_OR_UNIT = re.compile("[a-z]{3,}|[0-9](?:[mMcCkK]?[mM][23]|[kK][mMvVwW]|MW|MVA|[mM]illion)(?![A-Za-z0-9])")
# A pipe's nominal diameter, material grade and pressure class (`Dn160PE`, `DN300`, `PE100SDR17`;
# real notice of a pipeline moved for a pumped-storage plant and a road acceptance: they linked
# through the pipe they both lay).
_PIPE_SIZE = re.compile("(?i:DN[0-9]{2,4}[A-Z]{0,4}|PE[0-9]{2,3}(?:SDR[0-9]{1,2})?|SDR[0-9]{1,2})")
# A military type designator (MIL-STD-1812 aircraft, MIL-STD-196 equipment: a mission-and-type
# prefix of one to three letters, a hyphen, a design number, a series letter, an English plural:
# `KC-135R`, `KC-135s`, `MH-139A`, `MHU-196`, `B-52H`) names a kind of aircraft or equipment that
# every base flying it writes, not a project (real stories, issue 9: `KC-135R` and `KC-135s` were
# two "different codes" of one tanker base's KC-46A beddown and counted against its link, and
# `MH-139A` tied helicopter projects of two missile bases).
_TYPE_DESIGNATOR = re.compile("[A-Z]{1,3}-[0-9]{1,3}[A-Z]?s?")
# A fiscal year (`FY2027`, `FY2022-FY2027`, `FY2026-2030`) is a date (the `dates` extractor reads
# it), not a project: as a code it tied a school district's playground to a Navy radar (two
# unrelated items that both said `FY2027`, +12.6, one critical exposure; audit, session 16).
_FISCAL_YEAR = re.compile("(?i:FY[0-9]{2}(?:[0-9]{2})?(?:[-/](?:FY)?[0-9]{2}(?:[0-9]{2})?)?)")


# A person's or a firm's credential, not a project: certificate, licence and registration numbers
# (`注册监理工程师,S233471`, `安全生产考核合格证(C证),浙建安C3(2020)6493045`, `公路行业甲级A142002469`).
# Decided on the clause before the value (since the last 、;。 or line break).
_CREDENTIAL_CONTEXT = re.compile(
    r"证|资格|资质|注册|建造师|工程师|职称|执业|安许|许可|考核|[甲乙丙][级等]|[特一二三壹贰叁]级"
    r"|licen[cs]e|certificat|registration", re.I)
# A staff list entry `姓名,岗位,编号` (a name of 2-4 characters, a role, then the number).
_STAFF_ENTRY = re.compile(r"[\u4e00-\u9fff·]{2,4}[,，][^,，、;；。\n]{1,30}[,，][ ]*$")
_CLAUSE_START = re.compile(r"[、;；。\n][^、;；。\n]*$")


def is_credential(text: str, start: int) -> bool:
    """True when the code-shaped value at `start` is a certificate, licence or staff number."""
    window = text[max(0, start - 40): start]
    m = _CLAUSE_START.search(window)
    clause = window[m.start() + 1:] if m else window
    return bool(_CREDENTIAL_CONTEXT.search(clause) or _STAFF_ENTRY.search(clause))


def _looks_like_code(token: str) -> bool:
    if token.isalpha() or token.isdigit():  # most tokens: plain words and numbers (C-level test)
        return False
    if token.count("(") != token.count(")"):
        return False
    # a lower-case word inside (`000-square-foot`, `100-year`, `1400m2`) is prose or a unit
    if (_PROSE_OR_UNIT.search(token) or _CREDIT_CODE.fullmatch(token) or _ISO_DATE.fullmatch(token)
            or _GUID_OR_HASH.fullmatch(token) or _DATUM.fullmatch(token) or _PIPE_SIZE.fullmatch(token)
            or _TYPE_DESIGNATOR.fullmatch(token) or _FISCAL_YEAR.fullmatch(token)):
        return False
    letters = sum(ch.isalpha() for ch in token)
    digits = sum(ch.isdigit() for ch in token)
    if letters == 0 or digits < 3 or letters + digits < 6:
        return False
    # words with a number (COVID-19, Windows10) and units (1650m, 10KV) are not codes
    return not re.fullmatch(r"[A-Za-z]{4,}-?[0-9]{1,3}|[0-9.]+[A-Za-z]{1,3}", token)


class _Taken:
    """Disjoint spans, sorted: `free(start, end)` is a bisection, `add` an insertion."""

    __slots__ = ("ends", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        if i and self.ends[i - 1] > start:
            return False  # the span before (or at) `start` runs into it
        return i == len(self.starts) or self.starts[i] >= end

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


class CodeExtractor(FactExtractor):
    """Project codes (kind `code`), standards (kind `standard`) and construction permit numbers
    (kind `permit`); attr None (they link)."""

    name = "codes"
    kinds = ("code", "standard", "permit")

    def extract(self, text: str) -> Sequence[FactSpan]:
        folded = fold_same_length(text)
        spans: list[FactSpan] = []
        # Spans taken so far, disjoint, sorted by start (so by end too): a look-up is a bisection.
        # (A scan of the whole list made a text of n codes cost n^2: a 5.6 MB line of 200k codes
        # held `aggregate` for hours.)
        taken = _Taken()
        free = taken.free

        for m in _STANDARD.finditer(folded):
            family = re.sub("[ /]", "", m.group("family"))
            key = family + m.group("number")
            detail: tuple[tuple[str, str], ...] = (("family", family),)
            if m.group("year"):
                detail += (("edition", m.group("year")),)
            spans.append(FactSpan("standard", m.start(), m.end(), text[m.start():m.end()], None,
                                  key, detail))
            taken.add(m.start(), m.end())
        if PERMIT_CONTEXT in folded:
            for m in _PERMIT_LABEL.finditer(folded):
                start, end = m.start("v"), m.end("v")
                if not free(start, end) or sum(ch.isdigit() for ch in m.group("v")) < 4:
                    continue
                spans.append(FactSpan("permit", start, end, text[start:end], None, code_key(m.group("v")),
                                      (("source", "label"),), 0.95))
                taken.add(start, end)
        for m in _LABEL.finditer(folded):
            start, end = m.start("v"), m.end("v")
            if not free(start, end):
                continue
            value = folded[start:end].rstrip(".")
            end = start + len(value)
            if not 4 <= len(value) <= 48 or not any(ch.isdigit() for ch in value):
                continue
            if value.endswith(")") and value.count("(") != value.count(")"):
                value, end = value[:-1], end - 1
            spans.append(FactSpan("code", start, end, text[start:end], None, code_key(value),
                                  (("source", "label"),), 0.95))
            taken.add(start, end)
        for m in _BARE.finditer(folded):
            start, end = m.start(), m.end()
            token = m.group()
            if token.endswith(")") and token.count("(") < token.count(")"):
                # a code in parentheses, `command (W912HN-24-D-0169).`: the bracket is not part of it
                token, end = token[:-1], end - 1
            if not free(start, end) or not _looks_like_code(token) or is_credential(folded, start):
                continue
            spans.append(FactSpan("code", start, end, text[start:end], None, code_key(token),
                                  (("source", "shape"),), 0.8))
            taken.add(start, end)
        spans.sort(key=lambda s: s.start)
        return spans
