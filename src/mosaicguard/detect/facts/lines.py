"""Helpers shared by the regex fact extractors: read text line by line in a width- and
script-folded copy that keeps every offset, so a span found in the copy is quoted from the
original exactly as written (`雷達天線罩` stays traditional in the evidence and in a fix)."""

from __future__ import annotations

from collections.abc import Iterator

from ..normalize import fold_width_script
from .base import FactSpan


def folded_lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for every non-blank line of `text` folded by `fold_width_script`."""
    folded = fold_width_script(text)
    offset = 0
    for line in folded.split("\n"):
        if line.strip():
            yield offset, line
        offset += len(line) + 1


def span(text: str, start: int, end: int, kind: str, attr: str | None = None, key: str = "",
         detail: tuple[tuple[str, str], ...] = ()) -> FactSpan:
    """A FactSpan quoting the original `text[start:end]` with surrounding blanks trimmed."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return FactSpan(kind, start, end, text[start:end], attr, key, detail)
