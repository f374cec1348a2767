"""Organisations named by their legal suffix: `…有限公司`, `…研究所`, `…设计院`, `…管理局`,
`…管理处` (a builder's office: `浙江省北方工程建设管理处`, the 建设单位 of a project's notices); in
English `… Company (GLDD)`, `… Co. LLC`, `… JV`, `… Constructors`, and contracting agencies
(`U.S. Army Corps of Engineers, Philadelphia District`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ..normalize import fold_key
from .base import FactExtractor, FactSpan
from .lines import LINE_MEMO, LineFind, line_spans
from .names import cut_after_function_word

_CJK = "\u4e00-\u9fff"
_ORG_SUFFIX_RE = re.compile(r"有限责任公司|股份有限公司|有限公司|公司|研究所|研究院|设计院|管理局|管理处|集团|中心")
_RUN_BEFORE = re.compile(rf"[{_CJK}A-Za-z0-9()]*$")


# The label of the project's owner as its procurement names it: the buyer of a tender (`采购人`,
# `采购单位`, `招标人`), the employer of a contract (`业主单位`, `项目业主`, `发包人`). A tender has
# one buyer; the organisation named right after such a label gets the detail ("role", "owner").
_OWNER_LABEL = re.compile(r"(?:采购人|采购单位|招标人|业主单位|项目业主|发包人)(?:名称)?\s*[:：]\s*")
# The developer (`建设单位`) gets ("role", "developer"): the project's owner too, but two developers
# of one project may differ - an EIA names the future operator and a building permit the local
# investment company that builds for it (`河北省华东营房保障中心` / `涞源县城乡建设投资有限公司`),
# two plants of one group on one campus name two subsidiaries - so a developer is compared with a
# buyer only (model kind `own`, `model.owner_keys`).
_DEVELOPER_LABEL = re.compile(r"建设单位(?:名称)?\s*[:：]\s*")
_NAME_RUN = re.compile(rf"[{_CJK}A-Za-z0-9()]+")
_OWNER_MAX = 40
# After an owner label, public bodies without a legal suffix are organisations too.
_OWNER_SUFFIX_RE = re.compile(rf"{_ORG_SUFFIX_RE.pattern}|局|委员会|办公室|政府|院|所|处|站|队|厂|学校|医院|厅|馆")


def _owner_span(line: str, label_re: re.Pattern[str] = _OWNER_LABEL) -> tuple[int, int] | None:
    """(start, end) in `line` of the organisation an owner label (`label_re`) names: the run of
    name characters after the label, up to its last organisation suffix (`葛洲坝集团第五工程有限公司`,
    not `葛洲坝集团`; a bureau or a government too: `沅陵县农业农村局` - the label says it is an
    organisation); None without a label or a suffix."""
    label = label_re.search(line)
    if label is None:
        return None
    run = _NAME_RUN.match(line, label.end())
    if run is None:
        return None
    ends = [m.end() for m in _OWNER_SUFFIX_RE.finditer(run.group(0))]
    if not ends or not 2 < ends[-1] <= _OWNER_MAX:
        return None
    return run.start(), run.start() + ends[-1]


class Organisations(FactExtractor):
    """Company and institute names; `key` is the folded full name. The organisation an owner
    label names (`采购人：`, `招标人：`) is read whole from the label and carries
    ("role", "owner") and ("owner_key", its folded name)."""

    name = "orgs"
    kinds = ("org",)

    def extract(self, text: str) -> Sequence[FactSpan]:
        out = line_spans(text, "org", "organisation", _line_orgs)
        if re.search("[A-Z]", text):
            out.extend(english_orgs(text))
            out.sort(key=lambda s: s.start)
        return out

@lru_cache(maxsize=LINE_MEMO)
def _line_orgs(line: str) -> tuple[LineFind, ...]:
    """The Chinese organisations of one folded line (a line's reading depends on it alone: read
    each distinct line once, see LINE_MEMO); the owner a label names first, read whole."""
    found: list[LineFind] = []
    role, owner = "owner", _owner_span(line)
    if owner is None:
        role, owner = "developer", _owner_span(line, _DEVELOPER_LABEL)
    if owner is not None:  # whole: a long name is not cut at 14 characters
        key = fold_key(line[owner[0]:owner[1]])
        legal = any(m.end() == owner[1] for m in _ORG_SUFFIX_RE.finditer(line, owner[0], owner[1]))
        # A bureau known only from its label keeps no `key` (no organisation evidence
        # it did not give before); its owner key is in the detail.
        found.append((owner[0], owner[1], key if legal else "", (("role", role), ("owner_key", key))))
    for m in _ORG_SUFFIX_RE.finditer(line):
        if owner is not None and owner[0] < m.end() <= owner[1]:
            continue  # `葛洲坝集团` inside the owner's name is not another organisation
        run = _RUN_BEFORE.search(line[max(0, m.start() - 14): m.start()])
        name = cut_after_function_word(run.group(0) if run else "")
        if len(name) < 2:
            continue
        start = m.start() - len(name)
        found.append((start, m.end(), fold_key(line[start:m.end()]), ()))
    return tuple(found)


# -- English --------------------------------------------------------------------------------
# A legal or organisational suffix ends an English organisation's name (`Great Lakes Dredge and
# Dock Co. LLC`, `Kiewit Infrastructure Co.`, `Fluor-Kiewit JV`). Without one, a run of
# capitalised words is a sentence start, a heading or a place, not a firm.
_EN_LEGAL = (r"Company|Co\.|Corp\.|Corporation|Incorporated|Inc\.?|LLC|L\.L\.C\.|Ltd\.?|Limited|LP|L\.P\.|PLC"
             r"|JV|Joint Venture")
_EN_ORGANISATIONAL = r"Group|Contractors|Constructors|Builders|Dredge and Dock"
EN_ORG_SUFFIX = re.compile(rf"(?:{_EN_LEGAL}|{_EN_ORGANISATIONAL})(?![A-Za-z])")
_EN_WORD = r"(?:[A-Z](?:[A-Za-z'’\-]|&(?=[A-Z]))*\.?|[A-Z]\.(?:[A-Z]\.)*|&|and|of)"
_EN_ORG = re.compile(
    rf"(?<![A-Za-z.])(?P<name>(?:{_EN_WORD} ){{0,6}}?(?:{_EN_WORD}),? "
    rf"(?:(?:{_EN_ORGANISATIONAL})(?:,? (?:{_EN_LEGAL}))*|(?:{_EN_LEGAL})(?:,? (?:{_EN_LEGAL}))*)"
    rf"(?![A-Za-z]))(?: \((?P<acr>[A-Z][A-Za-z&]{{1,9}})\))?")
# Government agencies have no legal suffix: the Corps of Engineers and its districts, commands.
_EN_AGENCY = re.compile(
    r"(?:U\.S\. |US |United States )?Army Corps of Engineers?"
    r"(?: \([A-Z]+\))?(?:(?:,|'s?|’s?) (?P<district>(?:[A-Z][a-z]+ ){1,2}District))?"
    r"|Naval Facilities Engineering (?:Systems )?Command(?: [A-Z][a-z]+)?"
    r"|Air Force Civil Engineer Center")
# Leading words that are not part of a name (`The Company`, `Contract awarded to ...`).
_EN_LEADING = frozenset({"The", "A", "An", "And", "Of", "By", "To", "From", "For", "With", "This", "That",
                         "Its", "Their", "Our", "In", "On", "At", "Bids", "Contract", "Contractor", "&"})
_ORDINAL_BEFORE = re.compile(r"[0-9](?:st|nd|rd|th) $")
_EN_CONNECTORS = frozenset({"and", "of", "&"})
_EN_STRIP = re.compile(rf",?\s*(?:\((?:[A-Z][A-Za-z&]{{1,9}})\)|{_EN_LEGAL})$")


def english_org_key(name: str) -> str:
    """Key of an English organisation: the name folded without its legal form(s) and a trailing
    `(ACRONYM)`, so `Great Lakes Dredge and Dock Company (GLDD)` and `Great Lakes Dredge and Dock
    Co. LLC` compare equal. Organisational words (`Group`, `Builders`) stay: they are the name."""
    prev = None
    while prev != name:
        prev, name = name, _EN_STRIP.sub("", name.strip())
    name = re.sub(r"^(?:U\.S\.|US|United States) ", "", name)
    return fold_key(re.sub(r"[.’'`]", "", name).replace("&", "and"))


def english_orgs(text: str) -> list[FactSpan]:
    """English organisations: names ending in a legal/organisational suffix, and agencies."""
    out: list[FactSpan] = []
    taken: list[tuple[int, int]] = []
    for m in _EN_AGENCY.finditer(text):
        key = english_org_key(re.sub(r"(Engineer)(?=\b)(?!s)", r"\1s", re.sub(r" \([A-Z]+\)", "", m.group())))
        key = re.sub(r"(?:'s?|’s?|,)", "", key)
        out.append(FactSpan("org", m.start(), m.end(), m.group(), "organisation", fold_key(key),
                            (("lang", "en"), ("type", "agency"))))
        taken.append((m.start(), m.end()))
    # Every name kept below holds a suffix followed by a non-letter, which the suffix pattern
    # then finds in the whole text too: a text without one (most Chinese notices, whose capitals
    # are codes) has no name to find, and the costly name pattern is not run over it.
    names = _EN_ORG.finditer(text) if EN_ORG_SUFFIX.search(text) else ()
    for m in names:
        if not EN_ORG_SUFFIX.search(m.group("name")):
            continue
        start, name = m.start(), m.group("name")
        words = name.split(" ")
        # `Anchorage-based Haskell-Davis Joint Venture`: where the firm is from is not its name
        while words and (words[0] in _EN_LEADING or words[0] in _EN_CONNECTORS or words[0].endswith("-based")):
            start += len(words[0]) + 1
            words = words[1:]
        body = english_org_key(" ".join(words))
        # what is left without the suffix must hold a name (`The Company`, `Dredge and Dock`)
        if not body or not re.search(r"[a-z]", body) or (fold_key(" ".join(words)) == body and not any(
                w[:1].isupper() for w in words[:-1])):
            continue
        if EN_ORG_SUFFIX.fullmatch(" ".join(words)) or len(words) < 2:
            continue
        if _ORDINAL_BEFORE.search(text[max(0, start - 8):start]):
            continue  # `91st Security Forces Group`: a military unit, not an organisation
        end = m.end()
        if any(not (end <= s or start >= e) for s, e in taken):
            continue
        taken.append((start, end))
        out.append(FactSpan("org", start, end, text[start:end], "organisation", body, (("lang", "en"),)))
    out.sort(key=lambda s: s.start)
    return out
