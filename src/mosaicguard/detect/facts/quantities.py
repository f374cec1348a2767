"""Quantities with units (`12套`, `200kW`, `3 units`): how much of something a site gets."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .base import FactExtractor, FactSpan
from .lines import folded_lines, span
from .money import money_ranges

_QUANTITY_RE = re.compile(
    r"(?<![0-9.])(?P<num>[0-9]+(?:\.[0-9]+)?)\s?(?P<unit>立方米|平方米|千伏安|千瓦|兆瓦|公里|千伏|个床位|"
    r"套|台|部|座|架|辆|枚|具|吨|米|kVA|kW|MW|GHz|MHz|kHz|km|m3|m2|MPa|kV|TB|"
    r"(?i:units|sets|pieces|tonnes|tons|metres|meters))(?![A-Za-z0-9])"
)


def _inside_number_context(line: str, start: int, end: int) -> bool:
    """A quantity that is really part of a date or a phone number (money: `money_ranges`)."""
    before = line[max(0, start - 1): start]
    after = line[end: end + 1]
    return before in ("-", "/", "年", "第") or after in ("年", "号", "-", "队")


class Quantities(FactExtractor):
    """Numbers with a unit; `detail` holds the number and the unit."""

    name = "quantities"
    kinds = ("quantity",)

    def extract(self, text: str) -> Sequence[FactSpan]:
        out: list[FactSpan] = []
        for base, line in folded_lines(text):
            money: list[tuple[int, int]] | None = None
            for m in _QUANTITY_RE.finditer(line):
                if _inside_number_context(line, m.start(), m.end()):
                    continue
                if money is None:
                    money = money_ranges(line)  # one place decides what an amount of money is
                if any(s < m.end() and m.start() < e for s, e in money):
                    continue
                out.append(span(text, base + m.start(), base + m.end(), "quantity", "capacity",
                                f"{m.group('num')} {m.group('unit').lower()}",
                                (("number", m.group("num")), ("unit", m.group("unit")))))
        return out
