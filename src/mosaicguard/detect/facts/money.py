"""Amounts of money (`总投资约6743万元`, `合同价格：6743.16万元`, `人民币壹佰贰拾万元`,
`中标价(元):6181910.08`, `$389 million`, `USD 1.2M`): the one place that decides what a money
span is (the quantity extractor asks `money_ranges` so that `200万元` is never a quantity).

One compiled regex per line finds candidates (a number with a currency sign, a currency word or
a money label); the value of Chinese candidates is read by jionlp's `parse_money` (Chinese and
upper-case numerals, 万/亿 multipliers, thousands separators), called on the candidate only and
memoised; English candidates (`$145.7 million`, `US$1,234,567`) are plain decimals times a
scale word, read with `Decimal`.

Value: an exact `Decimal` and a currency (CNY, USD, HKD, EUR). Precision: the place of the last
digit as written (`6743万` -> 10^4, `6743.16万` -> 10^2, `$145.7 million` -> 10^5); trailing
zeros of a number written without decimals are not precise (`67430000元` is 6743万 rounded, so
10^4), and upper-case or Chinese numerals are as precise as their last non-zero digit.

`key` is the amount at its own precision, `CNY:674316e2` (digits times a power of ten);
`detail` holds `rendering` entries: the amount rounded and truncated to every coarser power of
ten that keeps `MIN_SIGNIFICANT` (2) digits (`CNY:67432e3`, `CNY:67431e3`, `CNY:6743e4`,
`CNY:674e5`, `CNY:68e6`, `CNY:67e6`), so `约6743万元` (own key `CNY:6743e4`) and `6743.16万元`
meet at the unit of the less precise one, whether the writer rounded or cut. `amount_kind` says
which keys are distinctive (`amt`: 3 significant digits or more) and which are round (`amtr`: 2
digits, `8500万元`, `$8.8 million`: budgets are chosen in round figures and unrelated projects
share them, so they weigh little and make no candidate pairs). An amount of one significant
digit (`100亿元`, `$50 million`, `人民币壹佰贰拾万元整`) has no key at all. The role comes from
the words of the amount's clause: budget, award, investment, bid or other.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from .base import FactExtractor, FactSpan
from .lines import LINE_MEMO, LineFind, line_spans, span
from .text import fold_same_length

#: Fewer significant digits than this: no link key (`100亿元`, `$50 million`).
MIN_SIGNIFICANT = 2
#: Fewer significant digits than this is a round amount (link kind `amtr`, not `amt`).
DISTINCTIVE_DIGITS = 3

_NUM = r"[0-9](?:[0-9]*(?:,[0-9]{3})*)(?:\.[0-9]+)?"
_MULT = r"(?:千万|百万|十万|万|亿|千)"
_CN_CURRENCY = r"(?:元|美元|美金|港元|港币|欧元)"
_UPPER = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_EN_SCALE = r"(?:billion|million|thousand|bn|mn|[MBK])"
_CANDIDATE = re.compile(
    # 人民币 6,743.16 万元 / ¥1,234,567.00 / 约6743万元 / 2,000 万美金
    rf"(?P<zh>(?:(?:人民币|RMB|CNY|[¥￥])[ ]?)?{_NUM}[ ]?{_MULT}?[ ]?{_CN_CURRENCY}(?![/每])"
    rf"|(?:人民币|RMB|CNY|[¥￥])[ ]?{_NUM}(?![0-9.]|[ ]?{_MULT}|[ ]?{_CN_CURRENCY}|[ ]?[/%]))"
    # 人民币壹佰贰拾万元整 (at least two numerals: `多元`, `一元化` are words)
    rf"|(?P<upper>[{_UPPER}]{{2,}}{_CN_CURRENCY}(?:[{_UPPER}]+[角分])*整?)"
    # $389 million, US$1,234,567, USD 1.2M, 389 million dollars
    # (`$145-millionm`, a typo in a real article, is still $145 million)
    rf"|(?P<en>(?:US[D$]|\$)[ ]?{_NUM}(?:[ -]?(?:billion|million|thousand)|[ ]?(?:bn|mn|[MBK])(?![A-Za-z]))?"
    rf"|{_NUM}[ -]?(?:billion|million|thousand)[ ]?(?:US )?(?:dollars|USD))",
    re.IGNORECASE)
# A label that gives the unit, the amount on the same line or the next (`中标价(元):\n6181910.08`).
_LABELLED = re.compile(
    r"(?P<label>中标价|中标金额|成交价|成交金额|合同价|合同金额|签约合同价|预算金额|最高限价|控制价|投资额|总投资)"
    r"[ ]?[(（](?P<unit>元|万元|亿元)[)）][ ]?[:：]?[ \t]*\n?[ \t]*(?P<num>" + _NUM + r")(?![0-9.%/])")
# A money column's header cell: a money label with its unit in brackets, alone in its cell
# (`投标报价(元/%)` on a line of its own, `名 次 | 中标候选人名称 | 投标报价(元) | 质量目标`).
# Why: real candidates lists (shared/realworld zh_ycggzy_*-candidates, ycggzy.cn) give each
# candidate's bid price one cell per line under `投标报价(元/%)`: 6 of 8 print prices
# (`5674075.38` of qingjiang is its award notice's `中标价(元):` price, a link otherwise missed);
# the domain generator writes the same as a pipe table. The header is searched on the text only
# when it holds `元)` or `元/%)` at all (cheap trigger; the common path stays the per-line memo).
_COLUMN_LABEL = (r"签约合同价|合同价格|合同金额|合同价|中标金额|中标价格|中标价|成交金额|成交价格|成交价|"
                 r"投标报价|投标总价|投标价格|投标价|评标价|报价|预算金额|最高限价|控制价|金额")
_COLUMN_HEAD = re.compile(
    rf"(?P<label>{_COLUMN_LABEL})[ ]?[(（](?P<unit>元/%|万元/%|元|万元|亿元)[)）]")
_CELL_END = re.compile(r"[ ]*[\t|]")
_BARE_NUMBER = re.compile(rf"[ \t]*(?P<num>{_NUM})[ \t]*")
#: Under a `(元/%)` header a cell holds a price or a rate (`98.90` = 98.90 % of the ceiling, real
#: yanglinqiao list): a rate is at most 100, and no real bid price is near 1,000 元 (the smallest of
#: the real lists is 985,500.00), so a value below this is a rate, not an amount; so is a number
#: of at most 100 as written under `(万元/%)` (`98.90` there is a rate as likely as 98.9 万元).
RATE_OR_PRICE_FLOOR = Decimal(1000)
# Every candidate holds one of these: lines without any are skipped without running _CANDIDATE.
_TRIGGER = re.compile(r"[元$¥￥币]|美金|(?i:usd|rmb|cny|dollars)")
_MULTIPLIER = {"千": 3, "万": 4, "十万": 5, "百万": 6, "千万": 7, "亿": 8,
               "thousand": 3, "k": 3, "million": 6, "mn": 6, "m": 6, "billion": 9, "bn": 9, "b": 9}
_ROLES = (
    ("budget", re.compile(r"预算|最高限价|限价|控制价|拦标价|上限价|估算|概算|budget|ceiling|estimate", re.I)),
    ("award", re.compile(r"中标|成交|合同|签约|award|contract|task order|worth", re.I)),
    ("investment", re.compile(r"投资|invest", re.I)),
    ("bid", re.compile(r"报价|投标价|bid|offer", re.I)),
)
_CLAUSE = re.compile(r"[。;；!?！？]|\. ")


@lru_cache(maxsize=1)
def _jionlp() -> Any:
    """jionlp, imported on first use with its banner kept off stdout (the CLI writes JSON)."""
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp
    return jionlp


@lru_cache(maxsize=65536)
def _parse_cn(candidate: str) -> Decimal | None:
    """jionlp's reading of a Chinese money candidate (`6743.16万元`), or None."""
    try:
        result = _jionlp().parse_money(candidate)
    except Exception:  # noqa: BLE001 - jionlp raises plain ValueError/Exception on odd input
        return None
    num = result.get("num") if isinstance(result, dict) else None
    if not isinstance(num, str):  # a range (`1000-2000万元`) is not one amount
        return None
    try:
        return Decimal(num)
    except InvalidOperation:
        return None


def _currency(text: str) -> str:
    if re.search(r"美元|美金|US[D$]|\$|dollar", text, re.I):
        return "USD"
    if re.search("港元|港币", text):
        return "HKD"
    return "EUR" if "欧元" in text else "CNY"


def _written_precision(number: str, multiplier: int) -> int:
    """Power of ten of the last digit as written (`6743.16` x 10^4 -> 2; `67430000` -> 4)."""
    digits = number.replace(",", "")
    if "." in digits:
        return multiplier - len(digits.split(".", 1)[1])
    return multiplier + len(digits) - len(digits.rstrip("0")) if digits.strip("0") else multiplier


def _last_nonzero_place(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


@lru_cache(maxsize=65536)
def amount_keys(currency: str, value: Decimal, precision: int) -> tuple[str, tuple[str, ...]]:
    """(own key, coarser renderings) of `value` known to 10^`precision`; ("", ()) when round."""
    own = _scaled(value, precision, ROUND_HALF_UP)
    if own <= 0 or _significant(own) < MIN_SIGNIFICANT:
        return "", ()
    renderings: list[str] = []
    q = precision + 1
    while True:
        seen = sorted({_scaled(value, q, mode) for mode in (ROUND_HALF_UP, ROUND_FLOOR)}, reverse=True)
        seen = [n for n in seen if n > 0 and _significant(n) >= MIN_SIGNIFICANT]
        if not seen:
            break
        renderings.extend(f"{currency}:{n}e{q}" for n in seen)
        q += 1
    return f"{currency}:{own}e{precision}", tuple(renderings)


@lru_cache(maxsize=65536)
def budget_keys(currency: str, value: Decimal) -> tuple[str, ...]:
    """A budget at two significant digits, rounded and cut (`24707593元` -> `CNY:25e6` and
    `CNY:24e6`, `约2470万元` the same), in the form of the renderings, whatever the amount's
    own key: `30391904元` and `3000万元` -> `CNY:30e6` (a rendering of one significant digit is
    no `amt` key, but a budget is still a budget: one tender has one).
    Why: 1M domain corpus, session 14: two tenders of two projects with one generated name,
    budgets `79258136元` and `30391904元`, compared no budget (the second had no two-digit
    rendering) and joined on the name alone."""
    if value <= 0:
        return ()
    q = value.adjusted() - 1  # value / 10^q in [10, 100)
    out: list[str] = []
    for mode in (ROUND_HALF_UP, ROUND_FLOOR):
        n, e = _scaled(value, q, mode), q
        if n >= 100:  # 99.6 rounds up to 100: 10 at the next power
            n, e = n // 10, e + 1
        out.append(f"{currency}:{n}e{e}")
    return tuple(dict.fromkeys(out))


def amount_kind(key: str) -> str:
    """`amt` for a distinctive amount key (`CNY:6743e4`), `amtr` for a round one (`CNY:85e6`)."""
    digits = key.split(":", 1)[-1].split("e", 1)[0]
    return "amt" if _significant(int(digits)) >= DISTINCTIVE_DIGITS else "amtr"


def _scaled(value: Decimal, q: int, mode: str) -> int:
    return int((value.scaleb(-q)).quantize(Decimal(1), rounding=mode))


def _significant(n: int) -> int:
    return len(str(n).rstrip("0"))


def _role(line: str, start: int, end: int) -> str:
    """The role the words of the amount's clause give it: the nearest word before it, else the
    nearest after it (`a $145.7 million firm fixed price contract`)."""
    before = line[max(0, start - 30): start]
    ends = [m.end() for m in _CLAUSE.finditer(before)]
    before = before[ends[-1]:] if ends else before
    after = line[end: end + 30]
    cut = _CLAUSE.search(after)
    after = after[: cut.start()] if cut else after
    best, at = "other", -1
    for role, pattern in _ROLES:
        for hit in pattern.finditer(before):
            if hit.start() > at:
                best, at = role, hit.start()
    if best != "other":
        return best
    at = len(after)
    for role, pattern in _ROLES:
        found = pattern.search(after)
        if found and found.start() < at:
            best, at = role, found.start()
    return best


def _read(candidate: str, kind: str) -> tuple[Decimal, int] | None:
    """(value, precision) of a candidate of regex group `kind`."""
    if kind == "en":
        m = re.search(rf"({_NUM})[ -]?({_EN_SCALE})?", candidate, re.I)
        if m is None:
            return None
        scale = _MULTIPLIER.get((m.group(2) or "").lower(), 0)
        number = m.group(1)
        return Decimal(number.replace(",", "")).scaleb(scale), _written_precision(number, scale)
    cleaned = re.sub(r"人民币|RMB|CNY|[¥￥ ]|整$", "", candidate, flags=re.I)
    if not re.search(_CN_CURRENCY, cleaned):
        cleaned += "元"
    cleaned = re.sub("美金|港币", "元", cleaned)
    value = _parse_cn(cleaned)
    if value is None or value <= 0:
        return None
    if kind == "upper":
        return value, _last_nonzero_place(value)
    m = re.search(rf"({_NUM})[ ]?({_MULT})?", cleaned)
    if m is None:
        return None
    return value, _written_precision(m.group(1), _MULTIPLIER.get(m.group(2) or "", 0))


def money_ranges(line: str) -> list[tuple[int, int]]:
    """(start, end) of every money candidate in a folded line: what no other extractor may read
    as a quantity or a number of its own."""
    if not _TRIGGER.search(line):
        return [m.span("num") for m in _LABELLED.finditer(line)]
    return [m.span() for m in _CANDIDATE.finditer(line)] + [m.span("num") for m in _LABELLED.finditer(line)]


class Money(FactExtractor):
    """Amounts of money; `key` the amount at its own precision, `detail` its currency, exact
    value, precision, role and coarser `rendering`s (see the module doc). attr None: an amount
    links notices of one project, it reveals none of the policy's attributes."""

    name = "money"
    kinds = ("amount",)

    def extract(self, text: str) -> Sequence[FactSpan]:
        out = line_spans(text, "amount", None, _line_amounts, only=_TRIGGER.search)
        # A labelled amount may put its number on the line after the label: read on the text.
        folded = fold_same_length(text)
        for m in _LABELLED.finditer(folded):
            if "\n" in folded[m.end("label"):m.start("num")] and _CELL_END.match(folded, m.end("num")):
                continue  # a table's header then a row's first cell (`中标金额(万元)\n1\t...`): see columns
            number = m.group("num")
            unit = m.group("unit")
            scale = {"元": 0, "万元": 4, "亿元": 8}[unit]
            value = Decimal(number.replace(",", "")).scaleb(scale)
            line_start = folded.rfind("\n", 0, m.start()) + 1
            label_end = m.start() + len(m.group("label"))
            at = label_end - line_start
            out.append(self._span(text, m.start("num"), m.end("num"), folded[line_start:label_end], at, at,
                                  "CNY", value, _written_precision(number, scale)))
        if "元)" in folded or "元/%)" in folded:  # every column header holds one
            seen = {(s.start, s.end) for s in out}
            out.extend(s for s in _column_amounts(text, folded) if (s.start, s.end) not in seen)
        out.sort(key=lambda s: s.start)
        return out

    @staticmethod
    def _span(text: str, start: int, end: int, line: str, at: int, at_end: int, currency: str,
              value: Decimal, precision: int) -> FactSpan:
        key, detail = _key_detail(line, at, at_end, currency, value, precision)
        return span(text, start, end, "amount", None, key, detail)


def _key_detail(line: str, at: int, at_end: int, currency: str, value: Decimal, precision: int,
                role: str | None = None) -> tuple[str, tuple[tuple[str, str], ...]]:
    """An amount's key and detail (its role `role`, else read from `line` around `line[at:at_end]`)."""
    key, renderings = amount_keys(currency, value, precision)
    detail = (("currency", currency), ("value", format(value.normalize(), "f")),
              ("precision", str(precision)), ("role", role or _role(line, at, at_end)),
              *(("rendering", r) for r in renderings))
    return key, detail


@lru_cache(maxsize=LINE_MEMO)
def _line_amounts(line: str) -> tuple[LineFind, ...]:
    """The amounts of one folded line with a currency word (read once per distinct line: a
    line's amounts and their roles depend on that line alone, see LINE_MEMO)."""
    found: list[LineFind] = []
    for m in _CANDIDATE.finditer(line):
        kind = next(k for k in ("zh", "upper", "en") if m.group(k))
        read = _read(m.group(), kind)
        if read is not None:
            found.append((m.start(), m.end(), *_key_detail(line, m.start(), m.end(), _currency(m.group()), *read)))
    return tuple(found)


def _cells(line: str, sep: str) -> list[tuple[int, int]]:
    """(start, end) in `line` of every `sep`-separated cell, blanks around it trimmed."""
    out: list[tuple[int, int]] = []
    at = 0
    for part in line.split(sep):
        start, end = at, at + len(part)
        while start < end and line[start].isspace():
            start += 1
        while end > start and line[end - 1].isspace():
            end -= 1
        out.append((start, end))
        at += len(part) + 1
    return out


def _column_role(label: str) -> str:
    """A money column's role: the role words of any amount (`_ROLES`) read in its label; a
    tender's own price (`投标总价`, `评标价`) is a bid."""
    role = next((role for role, pattern in _ROLES if pattern.search(label)), None)
    return role or ("bid" if re.search("投标|评标", label) else "other")


def _column_amounts(text: str, folded: str) -> list[FactSpan]:
    """The amounts of every money column (see `_COLUMN_HEAD`): (a) a pipe- or tab-separated
    table, the cell under the header in each following row of as many cells; (b) one cell per
    line, the lines right after a line that is only the header, while they are bare numbers.
    A cell that is not a bare number (`下浮率20.50%`, `98.90%`, `合格`) is no amount; under
    `(元/%)` a number below RATE_OR_PRICE_FLOOR is a rate."""
    out: list[FactSpan] = []
    for head in _COLUMN_HEAD.finditer(folded):
        start = folded.rfind("\n", 0, head.start()) + 1
        end = folded.find("\n", head.end())
        end = len(folded) if end < 0 else end
        line = folded[start:end]
        sep = "|" if "|" in line else "\t" if "\t" in line else ""
        cells = _cells(line, sep or "\n")  # no separator: the line is one cell
        at = (head.start() - start, head.end() - start)
        if at not in cells:
            continue  # the label is not a cell of its own (`中标价(元):6181910.08`, `投标报价(元)说明`)
        col = cells.index(at)
        label, unit = head.group("label"), head.group("unit")
        base = end + 1
        while base < len(folded):
            nl = folded.find("\n", base)
            nl = len(folded) if nl < 0 else nl
            row, row_base, base = folded[base:nl], base, nl + 1
            if not row.strip():
                continue
            if sep:
                row_cells = _cells(row, sep) if sep in row else []
                if len(row_cells) != len(cells):
                    break
                c, d = row_cells[col]
                if _COLUMN_HEAD.fullmatch(row, c, d):
                    break  # the header repeated (a page break): its own walk reads on, each row once
            else:
                c, d = 0, len(row)
            num = _BARE_NUMBER.fullmatch(row, c, d)
            if num is None:
                if sep:
                    continue  # one row's cell is no number: the next rows may still be
                break
            found = _column_amount(text, row_base, num, label, unit)
            if found is not None:
                out.append(found)
    return out


def _column_amount(text: str, base: int, num: re.Match[str], label: str, unit: str) -> FactSpan | None:
    number = num.group("num")
    rate_or_price = unit.endswith("/%")
    scale = {"元": 0, "万元": 4, "亿元": 8}[unit.removesuffix("/%")]
    try:
        value = Decimal(number.replace(",", "")).scaleb(scale)
    except InvalidOperation:
        return None
    if value <= 0 or (rate_or_price and (value < RATE_OR_PRICE_FLOOR or Decimal(number.replace(",", "")) <= 100)):
        return None
    role = _column_role(label)
    key, detail = _key_detail(label, 0, 0, "CNY", value, _written_precision(number, scale), role)
    if role == "bid":
        # A bid is compared at its own precision only: the winning one is the award notice's
        # price to the cent (real qingjiang `5674075.38`); its coarser renderings would meet a
        # rounded budget or investment of any project of that size, and they nearly doubled the
        # corpus's amount keys (2k domain seed 1: 8,311 -> 15,948 keys, link time +20 %).
        detail = tuple(d for d in detail if d[0] != "rendering")
    return span(text, base + num.start("num"), base + num.end("num"), "amount", None, key, detail)
