"""Text helpers shared by the fact extractors.

Every fold here maps one character to exactly one character, so an offset in the folded text is
the same offset in the original: extractors match on the fold and return spans of the original.
The tables come from `detect.normalize` (one understanding of text for `scan` and facts).
"""

from __future__ import annotations

from functools import cache

from ..normalize import FULLWIDTH_TO_ASCII, traditional_to_simplified


@cache
def _same_length_fold() -> dict[int, int]:
    table: dict[int, int] = dict(traditional_to_simplified())
    table.update(FULLWIDTH_TO_ASCII)
    # CJK punctuation people type for ASCII separators in addresses and codes.
    table.update({ord("，"): ord(","), ord("、"): ord(","), ord("－"): ord("-"), ord("—"): ord("-")})
    return table


def fold_same_length(text: str) -> str:
    """Traditional -> simplified and full-width -> ASCII, one character for one character."""
    folded = text.translate(_same_length_fold())
    return folded if len(folded) == len(text) else text  # defensive: never shift offsets
