"""Dates and durations with the role the text gives them.

One compiled regex finds candidates (`2027年3月底`, `2025-06-13`, `2025.06`, `June 2026`,
`Dec. 7, 2018`, `FY2027`, `end of 2020`, `工期180日历天`, `51-month`, `within 70 days`); the
maintained parsers then read each *distinct* candidate once (memoised): jionlp's `parse_time`
for Chinese forms, dateparser for English ones. The role comes from words in the same clause,
nearest first: start, completion, delivery, commissioning, slip (schedule: attr `schedule`) or
publication, award, deadline, document (not a schedule: attr None, so aggregation never treats
a notice's own date as a project schedule). A date with no role word is kept with role `date`
and no attribute.

`key`: ISO `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; durations `P180D`, `P51M`, `P5Y`.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from .base import FactExtractor, FactSpan
from .text import fold_same_length, windows

_MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
           "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_Y = "(?:19|20)[0-9]{2}"
_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
              "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "eighteen": 18, "twenty": 20,
              "thirty": 30, "sixty": 60, "ninety": 90}
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# Candidates, one pattern per family; each runs only where a cheap trigger says it can match.
# Chinese and numeric forms start at a year: 2027年3月底, 2025年06月13日, 2025-06-13, 2025.06, 2020年底
_ZH_DATE = re.compile(
    f"(?P<zh>{_Y} ?(?:年 ?(?:[01]?[0-9] ?月 ?(?:[0-3]?[0-9] ?[日号])?(?:底|末|初|上旬|中旬|下旬)?"
    f"|底|末|初)?(?!度)|[-./][01]?[0-9](?:[-./][0-3]?[0-9])?(?![0-9.])))")
# English forms end at a year: (Dec. 7,) 2018 | 07 January 2017 | June 2026 | end of 2020 | by 2030
_EN_DATE = re.compile(
    f"(?:(?P<en>(?:{_MONTHS})\\.? (?:[0-3]?[0-9](?:st|nd|rd|th)?,? )?{_Y}"
    f"|[0-3]?[0-9] (?:{_MONTHS})\\.? {_Y})"
    f"|(?P<endof>\\b(?:end|middle|mid|beginning|start|spring|summer|fall|autumn|winter) (?:of )?{_Y})"
    f"|(?P<year>\\b(?:by|until|till|to|in|around|before|after|since|through) (?:late |early |mid-)?{_Y}))"
    "\\Z", re.IGNORECASE)
# `Month YYYY` (`November 2027`, `Sept. 2026`), the commonest English schedule: dateparser reads it
# as that month of that year, for every spelling `_MONTHS` admits in any case, with or without the
# dot (tests/detect/facts/test_dates.py asks dateparser for each). It is answered from this table
# without calling dateparser, whose first call in a process costs ~0.15-0.25 s (its locale and
# time-zone tables): a `check` of one English draft need not pay that for `by June 2026`.
# Every other form (with a day, `end of`, misspellings) still goes to dateparser.
_MONTH_NUMBER = {name: number for number, names in enumerate(
    ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july", "aug august",
     "sep sept september", "oct october", "nov november", "dec december"), start=1) for name in names.split()}
#: The months' full English names, lower case (`march`): what `place_en` does not take for a town
#: after `in`/`at` (`awarded in March 2024`).
MONTH_NAMES = frozenset(max((n for n in _MONTH_NUMBER if _MONTH_NUMBER[n] == k), key=len) for k in range(1, 13))
_MONTH_YEAR = re.compile(f"(?P<month>[a-z]+)\\.? (?P<year>{_Y})")
_FY = re.compile(f"\\bFY ?(?:{_Y}|[0-9]{{2}})\\b")
# Durations end at their unit: 工期180日历天, 60日内, 51-month, within 70 days
_DURATION = re.compile(
    "(?P<dur_zh>(?:工期|服务期|履约期限?|合同履行期限?|建设期|施工期|总工期|监理服务期|交货期|供货期)"
    "[^0-9。;；\n]{0,8}?(?P<n_zh>[0-9]+|[一二两三四五六七八九十]+) ?(?:个)?(?P<u_zh>日历天|天|日|个?月|年))"
    "|(?P<dur_zh2>(?<![0-9.])(?P<n_zh2>[0-9]+) ?(?P<u_zh2>日历天|个月|天内|日内))"
    "|(?P<dur_en>\\b(?:within |in |for |of |about |approximately )?(?P<n_en>[0-9]+|"
    + "|".join(_NUM_WORDS) + ")[- ](?P<u_en>calendar[- ]days?|days?|months?|years?)\\b)",
    re.IGNORECASE)

# What follows an English "N years" that is no term of works: an age (`the 80-year-old bomber
# plant`), a time ago (`Three years ago, the wing stood up ...`), a flood's or storm's return
# period (`above the 100-year flood plain`). Real stories of issue 9's Offutt group: each was a
# schedule fact, and `Three years` the "new" schedule of a check.
_NOT_A_TERM = re.compile(r"(?i)[- ](?:old|ago)\b|[- ](?:flood|storm|rain|event|return)"
                         r"| of (?:experience|this notice|(?:the )?(?:publication|notice))")
# A bare `N日内` followed in its clause by a step of the procurement procedure is that step's
# deadline, printed in every award notice (`中标通知书发出之日起30日内与采购人签订合同`, `保证金…5日内
# 退还`, `7日内提出质疑`), not the works' schedule: as a schedule it made any award notice of a
# sensitive project a new location+schedule exposure (audit, session 16). `合同签订后60日内交货`
# (a delivery) is kept.
_PROCEDURE_BEFORE = re.compile("公示|公告|异议|答复|质疑|投诉|听证")  # `自公示之日起7日内` (comments, hearings)
_PROCEDURE_AFTER = re.compile("[^。；;，,\n]{0,16}?(?:签订|签署|退还|退回|提出|答复|质疑|投诉|支付|付款|缴纳|公示)")
# Durations in tables: `履约期限（天）` then the number in the next cell (`(天):</td><td>70`).
# Run only when the text has `期(` or `期限(` (folded): it costs nothing on other notices.
_TABLE_DURATION = re.compile(
    "(?P<tab>(?:履约期限|工期|服务期|合同履行期限?|交货期|供货期|计划工期|总工期|建设期)"
    "\\((?P<u_tab>日历天|天|日|个月|月|年)\\)[:：]?(?:\\s|<[^<>]{0,80}>)*(?P<n_tab>[0-9]{1,4})(?![0-9.年月日/-]))")

# Cheap triggers, literal-led (Python's `re` scans those fast: ~0.01 ms per notice each, against
# ~1 ms for one alternation of every form): years, CJK time units, English day/month/year words.
_YEAR_TRIGGER = re.compile(_Y)
_UNIT_TRIGGERS = (re.compile("[天日月年]"), re.compile("(?:day|month|year)s?\\b"))

# Role words, nearest to the date wins. Schedule roles first in each tuple's meaning.
_ROLES: tuple[tuple[str, str], ...] = (
    ("start", "开工|开始施工|动工|开建|进场|始建|commence|begin|began|start(?:ed|s)?|ground-?breaking"
              "|broke ground|kick(?:ed)? off|建设期间|开始建设|开始动工"),
    ("completion", "竣工|完工|建成|完成|合龙|complet(?:e|ed|ion)|finish(?:ed)?|done"),
    ("delivery", "交货|供货|交付|到货|提交[^，。,]{0,6}成果|deliver(?:y|ed|ables?)?"),
    ("commissioning", "投入使用|投入运行|投入生产|投产|并网|投运|发电|运行|operational|open(?:s|ed|ing)?"
                      "|commission(?:ed|ing)?|in service|initial operating"),
    ("slip", "推迟|延期|延后|延至|delay(?:ed)?|slip(?:ped)?|postpone(?:d)?|pushed back"),
    ("publication", "发布|公示|公告|发表|刊登|publish(?:ed)?|posted|released|dated|draft"),
    ("award", "中标|成交|授予|award(?:ed)?|contract(?:ed)?"),
    ("deadline", "截止|开标|递交|报名|评标|截至|报价|投标|磋商|deadline|due|closing|comments?|submit"),
    ("founding", "成立|创立|创建|注册|founded|established|incorporated"),
    ("document", "签署|签发|日期|signed|filed|date"),
)
_ROLE_RE = re.compile("|".join(f"(?P<{name}>{words})" for name, words in _ROLES), re.IGNORECASE)
_WORD_TAIL = re.compile("[a-z]*")
_BY = re.compile(r"\b(?:by|no later than|not later than)(?: the)? $", re.IGNORECASE)
# A schedule word that counts a total, not one project's milestone: `到2025年投产总规模达到5000万千瓦`
# (a national fleet), `累计投产`, `投运规模超过`: the date is the target year of a statistic.
_TOTAL_AFTER = re.compile("(?:总|累计)?(?:规模|装机(?:容量)?|容量|总量)(?:将|预计|已)?(?:达到|达|超过|突破|超)")
# A schedule word right before `date`/`日期` (`estimated completion date`, `start date`, `竣工日期`).
_SCHEDULE_NOUN = re.compile(
    "(?:complet(?:e|ed|ion)|finish|start|delivery|commissioning|operational|opening|arrival|竣工|完工|开工|交货|投产)"
    " ?$", re.IGNORECASE)
_TOTAL_BEFORE = re.compile("(?:累计|新增|合计)$")
SCHEDULE_ROLES = frozenset({"start", "completion", "delivery", "commissioning", "slip", "duration"})
_CLAUSE_END = re.compile("[。;；\n!?！？]|\\. ")
_BASE = datetime(2000, 1, 1)  # fixed base: results never depend on the day of the run


@lru_cache(maxsize=1)
def _jionlp() -> Any:
    """jionlp, imported on first use with its banner kept off stdout (the CLI writes JSON)."""
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp
    return jionlp


@lru_cache(maxsize=65536)
def parse_zh(candidate: str) -> tuple[str, str] | None:
    """ISO key and precision of a Chinese or numeric date (`2027年3月底` -> ("2027-03", "month"))."""
    compact = candidate.replace(" ", "")
    numeric = re.fullmatch(f"({_Y})[-./]([01]?[0-9])(?:[-./]([0-3]?[0-9]))?", compact)
    if numeric:  # ISO-like forms: jionlp does not read 2025.06
        y, m, d = numeric.groups()
        if not 1 <= int(m) <= 12 or (d and not 1 <= int(d) <= 31):
            return None
        return (f"{y}-{int(m):02d}-{int(d):02d}", "day") if d else (f"{y}-{int(m):02d}", "month")
    try:
        result = _jionlp().parse_time(compact, time_base=_BASE.timestamp())
    except Exception:  # noqa: BLE001 - jionlp raises plain ValueError/Exception on odd input
        return None
    times = result.get("time") if isinstance(result, dict) else None
    if not times:
        return None
    first, last = str(times[0]), str(times[-1])
    if "日" in compact or "号" in compact:
        return first[:10], "day"
    if "月" in compact:
        return first[:7], "month"
    return last[:4], "year"


@lru_cache(maxsize=65536)
def parse_en(candidate: str) -> tuple[str, str] | None:
    """ISO key and precision of an English date (`Dec. 7, 2018` -> ("2018-12-07", "day"))."""
    words = re.sub(r"\b(?:by|until|till|to|in|around|before|after|since|through|late|early|mid-"
                   r"|end|middle|mid|beginning|start|spring|summer|fall|autumn|winter|of)\b",
                   " ", candidate, flags=re.IGNORECASE).strip()
    fy = re.fullmatch(r"FY ?([0-9]{2,4})", candidate.strip(), re.IGNORECASE)
    if fy:
        year = fy.group(1)
        return (year if len(year) == 4 else f"20{year}"), "fiscal_year"
    if re.fullmatch(_Y, words):
        return words, "year"
    month_year = _MONTH_YEAR.fullmatch(words.lower())
    if month_year is not None and month_year.group("month") in _MONTH_NUMBER:
        return f"{month_year.group('year')}-{_MONTH_NUMBER[month_year.group('month')]:02d}", "month"
    return parse_en_dateparser(words)


def parse_en_dateparser(words: str) -> tuple[str, str] | None:
    """What dateparser reads in an English date with its role words taken out."""
    import dateparser

    parsed = dateparser.parse(words, languages=["en"],
                              settings={"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"],
                                        "RELATIVE_BASE": _BASE})
    if parsed is None:
        return None
    if re.search(r"\b[0-3]?[0-9](?:st|nd|rd|th)?\b(?!$)|^[0-3]?[0-9] ", words):
        return parsed.strftime("%Y-%m-%d"), "day"
    return parsed.strftime("%Y-%m"), "month"


def _duration_key(number: str, unit: str) -> str | None:
    n = int(number) if number.isdigit() else _NUM_WORDS.get(number.lower()) or _cn_number(number)
    if not n:
        return None
    unit = unit.lower()
    if "月" in unit or "month" in unit:
        return f"P{n}M"
    if "年" in unit or "year" in unit:
        return f"P{n}Y"
    return f"P{n}D"


def _cn_number(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 0) * 10 + _CN_DIGITS.get(ones, 0)
    return _CN_DIGITS.get(text, 0)


def _role(folded: str, start: int, end: int) -> tuple[str, tuple[int, int] | None]:
    """Nearest role word in the same clause, looking 24 characters back and 16 ahead: the role
    and where its word is (None for `date`, no role word)."""
    lo = max(0, start - 24)
    for m in _CLAUSE_END.finditer(folded, lo, start):
        lo = m.end()
    hi = min(len(folded), end + 16)
    stop = _CLAUSE_END.search(folded, end, hi)
    if stop:
        hi = stop.start()
    best, best_distance = "date", 20  # farther than this, a role word is about something else
    where: tuple[int, int] | None = None
    for m in _ROLE_RE.finditer(folded, lo, hi):
        if m.lastgroup == "document" and _SCHEDULE_NOUN.search(folded, max(0, m.start() - 16), m.start()):
            continue  # `completion date of Jan. 29, 2021`: the date of the completion, not of a document
        distance = start - m.end() if m.end() <= start else m.start() - end
        if m.start() >= end:
            distance += 4  # a role word before the date binds tighter than one after it
        between = folded[m.end():start] if m.end() <= start else folded[end:m.start()]
        if "," in between:
            distance += 12  # one comma-clause away: weaker than anything in the date's own clause
        if 0 <= distance <= best_distance and m.lastgroup and (
                distance < best_distance or best == "date"):
            best, best_distance, where = m.lastgroup, distance, m.span()
    return best, where


def _with_role_word(folded: str, start: int, end: int, word: tuple[int, int]) -> tuple[int, int]:
    """The date's span widened to its role word when that is close (at most 10 characters away,
    no comma or clause end between); an English word is taken whole (`complet` -> `completed`)."""
    if word[0] >= end:
        gap = folded[end:word[0]]
        if len(gap) <= 10 and not re.search("[,;。；\n]", gap):
            tail = _WORD_TAIL.match(folded, word[1])
            return start, tail.end() if tail else word[1]
    elif word[1] <= start:
        gap = folded[word[1]:start]
        if len(gap) <= 10 and not re.search("[,;。；\n]", gap):
            head = word[0]
            while head > 0 and folded[head - 1].isascii() and folded[head - 1].isalpha():
                head -= 1
            return head, end
    return start, end


class DateExtractor(FactExtractor):
    """Dates (kind `date`) and durations (kind `duration`) with their role."""

    name = "dates"
    kinds = ("date", "duration")

    def extract(self, text: str) -> Sequence[FactSpan]:
        folded = fold_same_length(text)
        spans: list[FactSpan] = []
        for m in self._candidates(folded):
            group = m.lastgroup or ""
            start, end = m.start(), m.end()
            if group == "dur_en" and _NOT_A_TERM.match(folded, end):
                continue  # an age (`80-year-old`), a time ago, a flood's return period: no schedule
            if group == "dur_zh2" and (_PROCEDURE_AFTER.match(folded, end)
                                       or _PROCEDURE_BEFORE.search(folded, max(0, start - 12), start)):
                continue  # `发出之日起30日内与采购人签订合同`, `公示之日起10日内`: a step of the procedure
            if group.startswith("dur"):
                number = m.group("n_zh") or m.group("n_zh2") or m.group("n_en")
                unit = m.group("u_zh") or m.group("u_zh2") or m.group("u_en")
                self._duration(text, m, number, unit, spans)
                continue
            if group == "tab":
                self._duration(text, m, m.group("n_tab"), m.group("u_tab"), spans)
                continue
            parsed = parse_zh(m.group()) if group == "zh" else parse_en(m.group())
            if parsed is None:
                continue
            key, precision = parsed
            date_text = text[start:end]
            role, word = _role(folded, start, end)
            by = _BY.search(folded, max(0, start - 16), start) if role == "date" else None
            if by is not None:
                role, word = "completion", by.span()  # "work by August 2019": done by then
            if word is not None and role in SCHEDULE_ROLES and (
                    _TOTAL_AFTER.match(folded, word[1]) or _TOTAL_BEFORE.search(folded, max(0, word[0] - 2), word[0])):
                role, word = "statistic", None  # the year a total reaches a figure: no schedule
            if group == "year" and role not in SCHEDULE_ROLES:
                continue  # a bare "in 2019" is schedule evidence only next to a schedule word
            if group == "zh" and precision == "year" and not re.search("[底末初]", m.group()) \
                    and role not in SCHEDULE_ROLES:
                continue  # 2025年 alone (年度, 年份) is too loose to keep without a role
            detail: list[tuple[str, str]] = [("role", role), ("precision", precision)]
            if re.search("底|末|end|late|下旬", m.group(), re.IGNORECASE):
                detail.append(("part", "end"))
            attr = "schedule" if role in SCHEDULE_ROLES else None
            if attr and word is not None:
                # a schedule is quoted with its role word (`2027年3月竣工`, `开工时间:2026年10月`,
                # `delivery by March 2027`): that is what reveals it, and what a fix removes
                start, end = _with_role_word(folded, start, end, word)
                detail.append(("date", date_text))
            spans.append(FactSpan("date", start, end, text[start:end], attr, key, tuple(detail)))
        return spans

    @staticmethod
    def _duration(text: str, m: re.Match[str], number: str, unit: str, spans: list[FactSpan]) -> None:
        key = _duration_key(number, unit)
        if key is not None:
            spans.append(FactSpan("duration", m.start(), m.end(), text[m.start():m.end()], "schedule",
                                  key, (("role", "duration"), ("precision", "duration"))))

    @staticmethod
    def _candidates(folded: str) -> list[re.Match[str]]:
        """Candidate matches in text order, overlaps resolved (earliest, then longest, wins)."""
        found: list[re.Match[str]] = []
        size = len(folded)
        for y in _YEAR_TRIGGER.finditer(folded):
            p = y.start()
            if (p and folded[p - 1].isdigit()) or folded[p + 4:p + 5].isdigit():
                continue  # inside a longer number
            zh = _ZH_DATE.match(folded, p)
            if zh:
                found.append(zh)
                continue
            en = _EN_DATE.search(folded, max(0, p - 32), p + 4)
            if en:
                found.append(en)
        if "FY" in folded:
            found.extend(_FY.finditer(folded))
        hits = sorted(m.start() for t in _UNIT_TRIGGERS for m in t.finditer(folded))
        for lo, hi in windows(hits, 36, 14, size):
            found.extend(_DURATION.finditer(folded, lo, hi))
        if "期(" in folded or "期限(" in folded:
            found.extend(_TABLE_DURATION.finditer(folded))
        found.sort(key=lambda m: (m.start(), -m.end()))
        kept: list[re.Match[str]] = []
        for m in found:
            if kept and m.start() < kept[-1].end():
                continue
            kept.append(m)
        return kept

