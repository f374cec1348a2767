"""Text helpers shared by the fact extractors.

Every fold here maps one character to exactly one character, so an offset in the folded text is
the same offset in the original: extractors match on the fold and return spans of the original.
The tables come from `detect.normalize` (one understanding of text for `scan` and facts).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from ..normalize import NUMPY_FOLD_MIN_CHARS, width_script_table

if TYPE_CHECKING:
    import numpy as np


@cache
def _same_length_fold() -> dict[int, int]:
    # `scan`'s width and script fold (one understanding of text), plus two things facts need:
    table: dict[int, int] = dict(width_script_table())
    # CJK punctuation people type for ASCII separators in addresses and codes.
    table.update({ord("，"): ord(","), ord("、"): ord(","), ord("－"): ord("-"), ord("—"): ord("-")})
    # typographic spaces (en space in `于 2010 年`, no-break space) are spaces
    table.update({cp: 0x20 for cp in (0x00A0, *range(0x2000, 0x200B), 0x202F, 0x205F)})
    return table


@cache
def _bmp_fold() -> dict[int, int]:
    """The mappings of `_same_length_fold` inside the Basic Multilingual Plane: what the UTF-16
    table of `_fold_array` holds (a text without astral characters is folded by these alone)."""
    return {s: t for s, t in _same_length_fold().items() if s < 0x10000 and t < 0x10000}


@cache
def _fold_array() -> np.ndarray[Any, np.dtype[np.uint16]]:
    """`_bmp_fold` as a 64 K lookup table over UTF-16 code units."""
    import numpy as np

    table = np.arange(0x10000, dtype=np.uint16)
    for source, target in _bmp_fold().items():
        table[source] = target
    return table


@lru_cache(maxsize=4)
def fold_same_length(text: str) -> str:
    """Traditional -> simplified and full-width -> ASCII, one character for one character.
    Memoised for the last few texts: the extractors run one after another on the same text.
    One numpy table lookup over UTF-16 code units is ~10x faster than `str.translate`."""
    if text.isascii():
        return text
    raw = text.encode("utf-16-le")
    if len(raw) != 2 * len(text):  # characters outside the BMP: the slow, general path
        folded = text.translate(_same_length_fold())
        return folded if len(folded) == len(text) else text  # never shift offsets
    if len(text) < NUMPY_FOLD_MIN_CHARS:  # inside the BMP: `_bmp_fold`'s mappings, without numpy
        return text.translate(_bmp_fold())
    import numpy as np

    return _fold_array().take(np.frombuffer(raw, dtype=np.uint16)).tobytes().decode("utf-16-le")


def windows(hits: list[int], before: int, after: int, size: int) -> list[tuple[int, int]]:
    """Merged [hit - before, hit + after) ranges clipped to [0, size): where an expensive
    pattern is worth running after a cheap trigger pattern found `hits`."""
    merged: list[tuple[int, int]] = []
    for hit in hits:
        lo, hi = max(0, hit - before), min(size, hit + after)
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def name_prefix(names: Iterable[str]) -> int:
    """Characters of the prefix the direct gazetteer look-ups index names by (`address_cn`,
    `place_en`): 2, or 1 if a name has one character."""
    return min(2, min((len(n) for n in names), default=2))


def name_lengths(names: Iterable[str], prefix: int) -> dict[str, tuple[int, ...]]:
    """For each prefix of `prefix` characters, the lengths of the names it starts, longest first:
    what a direct look-up tries at each position of a text."""
    lengths: dict[str, set[int]] = {}
    for n in names:
        lengths.setdefault(n[:prefix], set()).add(len(n))
    return {p: tuple(sorted(ls, reverse=True)) for p, ls in lengths.items()}
