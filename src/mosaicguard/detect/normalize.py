"""Normalisation that keeps offsets: every function maps one character to at most one character
(or deletes it, with a way back), so a match in normalised text is a span in the original."""

from __future__ import annotations

import bisect
import re
from functools import cache
from importlib import resources

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space fold to their ASCII forms.
FULLWIDTH_TO_ASCII: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
FULLWIDTH_TO_ASCII[0x3000] = 0x20

# Separators people put inside numbers and names: spaces, hyphens, dots and their CJK forms.
SEPARATOR_CHARS = " \t\r\n\u3000\u00a0\u2002\u2003\u2009\u200b-‐‑–—_·・.．/"
DIGIT = "[0-9０-９]"
SEP = "[ \\-\u3000\u00a0\u2009．.·]"


def to_ascii_width(text: str) -> str:
    """Full-width letters and digits to ASCII; one character for one character."""
    return text.translate(FULLWIDTH_TO_ASCII)


def digits_only(text: str) -> str:
    """The digits (and X/x) of a matched identifier, with width folded and separators gone."""
    return "".join(ch for ch in to_ascii_width(text) if ch.isdigit() or ch in "Xx").upper()


@cache
def traditional_to_simplified() -> dict[int, int]:
    """Character-level traditional -> simplified map from OpenCC's table (offline, in the wheel).
    Only one-to-one mappings are kept, so offsets stay valid."""
    table: dict[int, int] = {}
    try:
        text = resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return table
    for line in text.splitlines():
        if "\t" not in line:
            continue
        trad, simp = line.split("\t", 1)
        simp_first = simp.split(" ")[0]
        if len(trad) == 1 and len(simp_first) == 1 and trad != simp_first:
            table[ord(trad)] = ord(simp_first)
    return table


@cache
def lexicon_fold_table() -> dict[int, int | None]:
    """Fold for lexicon matching: width, case, traditional->simplified; separators deleted."""
    table: dict[int, int | None] = dict(traditional_to_simplified())
    table.update(FULLWIDTH_TO_ASCII)
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = cp + 32
    for cp in range(0xFF21, 0xFF3B):  # full-width capitals straight to ASCII lower case
        table[cp] = cp - 0xFEE0 + 32
    for ch in SEPARATOR_CHARS:
        table[ord(ch)] = None
    return table


def fold_term(term: str) -> str:
    return term.translate(lexicon_fold_table())


class FoldedText:
    """Text folded for lexicon matching, with a map from folded offsets back to the original.

    Deleting separators shifts offsets; the map is built only when a caller asks for an original
    offset (most segments have no lexicon hit and never pay for it)."""

    __slots__ = ("original", "folded", "_shift")

    _DELETED = re.compile("[" + re.escape(SEPARATOR_CHARS) + "]")

    def __init__(self, original: str) -> None:
        self.original = original
        self.folded = original.translate(lexicon_fold_table())
        self._shift: list[int] | None = None

    def to_original(self, folded_offset: int) -> int:
        """Original offset of the character at `folded_offset` in the folded text."""
        if len(self.folded) == len(self.original):
            return folded_offset
        if self._shift is None:
            # e[i] = (position of i-th deleted char) - i; non-decreasing, so bisect works.
            self._shift = [m.start() - i for i, m in enumerate(self._DELETED.finditer(self.original))]
        return folded_offset + bisect.bisect_right(self._shift, folded_offset)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original span for folded [start, end)."""
        return self.to_original(start), self.to_original(end - 1) + 1
