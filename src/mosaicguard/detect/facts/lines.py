"""Helpers shared by the regex fact extractors: read text line by line in a width- and
script-folded copy that keeps every offset, so a span found in the copy is quoted from the
original exactly as written (`雷達天線罩` stays traditional in the evidence and in a fix)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache

from ..normalize import fold_width_script
from .base import FactSpan


def folded_lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for every non-blank line of `text` folded by `fold_width_script`."""
    return iter(_folded_lines(text))


# Six extractors read the same document's lines one after another: fold and split it once
# (the fold is a dict `translate`, ~25 us per notice; 6 of them were 5 % of the read stage).
# A few entries only: the extractors of one document run back to back.
@lru_cache(maxsize=4)
def _folded_lines(text: str) -> tuple[tuple[int, str], ...]:
    out: list[tuple[int, str]] = []
    offset = 0
    for line in fold_width_script(text).split("\n"):
        if line.strip():
            out.append((offset, line))
        offset += len(line) + 1
    return tuple(out)


#: Distinct lines whose reading each line-local extractor keeps (names, orgs, persons, money).
#: Notices repeat their boilerplate: two lines in three of the 10k domain corpus occur in another
#: notice too, so an extractor whose reading of a line depends on that line alone reads each
#: distinct line once. Bounded (LRU): ~100 bytes of key and result per entry.
LINE_MEMO = 1 << 16

#: What a line-local extractor finds in one line: (start, end, key, detail), offsets in the line.
LineFind = tuple[int, int, str, tuple[tuple[str, str], ...]]


def line_spans(text: str, kind: str, attr: str | None, read_line: Callable[[str], tuple[LineFind, ...]],
               only: Callable[[str], object] | None = None) -> list[FactSpan]:
    """The spans a line-local extractor finds in `text`: `read_line` (memoised by the extractor,
    see LINE_MEMO) on every folded line (`only` those it accepts, when given), offsets moved
    from the line to the text."""
    return [span(text, base + s, base + e, kind, attr, key, detail)
            for base, line in folded_lines(text) if only is None or only(line)
            for s, e, key, detail in read_line(line)]


def span(text: str, start: int, end: int, kind: str, attr: str | None = None, key: str = "",
         detail: tuple[tuple[str, str], ...] = ()) -> FactSpan:
    """A FactSpan quoting the original `text[start:end]` with surrounding blanks trimmed."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return FactSpan(kind, start, end, text[start:end], attr, key, detail)
