"""Text -> the unit stream that fingerprints are computed over.

Layout, line breaks, punctuation, width, case and traditional/simplified forms must not change a
fingerprint, so only letters, digits and CJK characters survive: each CJK character (Han, kana) is
one unit, each other word (a run of letters/digits: English, numbers, Cyrillic...) is two units,
the word and a continuation that carries the same word. Two units per word make a k-gram of
`k` units span about k/2 English words (an English word carries roughly the information of two
Chinese characters), while the winnowing guarantee stays one formula over one stream.

Offsets: tokens are found in the original text (folding never changes where a token starts or
ends: a CJK character stays one CJK character), then folded one by one through a cache, so every
unit keeps the exact span of its token in the original segment text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import chain

from ..detect.normalize import traditional_to_simplified
from ..model import Segment

#: Bumped whenever the unit stream changes for the same text (a registry records it).
NORMALIZER_VERSION = 1

_CJK = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
# One CJK character, or a run of word characters that are neither CJK nor "_".
_TOKEN = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")
# Marks the second unit of a word; cannot occur in a token (tokens are alphanumeric).
CONTINUATION = "\x01"


@cache
def _fold_table() -> dict[int, int]:
    return dict(traditional_to_simplified())


def _fold_cjk(ch: str) -> str:
    # Traditional -> simplified; compatibility ideographs (U+F900..) fold to their unified forms
    # under NFKC, which may be traditional forms, so fold again.
    table = _fold_table()
    return unicodedata.normalize("NFKC", ch.translate(table)).translate(table)


def _fold_word(word: str) -> str:
    if word.isascii():
        return word.lower()
    folded = unicodedata.normalize("NFKC", word).casefold()
    # NFKC can introduce punctuation ("㈱" -> "(株)"); keep the alphanumerics only.
    return "".join(c for c in folded if c.isalnum()) or folded


# raw token -> its units; bounded so that a stream of unique words cannot grow it without end.
_UNITS: dict[str, tuple[str, ...]] = {}
_UNITS_MAX = 1_000_000


def _units_of(raw: str) -> tuple[str, ...]:
    units = _UNITS.get(raw)
    if units is None:
        if len(raw) == 1 and _CJK_CHAR.match(raw):
            units = (_fold_cjk(raw),)
        else:
            word = _fold_word(raw)
            units = (word, word + CONTINUATION)
        if len(_UNITS) >= _UNITS_MAX:
            _UNITS.clear()
        _UNITS[raw] = units
    return units


_CJK_CHAR = re.compile(f"[{_CJK}]")


def tokens(text: str) -> list[tuple[str, int, int, bool]]:
    """(normalised token, start, end, is_word) for every token of `text`, offsets into `text`."""
    out: list[tuple[str, int, int, bool]] = []
    for m in _TOKEN.finditer(text):
        units = _units_of(m.group())
        out.append((units[0], m.start(), m.end(), len(units) == 2))
    return out


def units(text: str) -> list[str]:
    """Just the units of `text` (the registration fast path: no offsets)."""
    return list(chain.from_iterable(map(_units_of, _TOKEN.findall(text))))



@dataclass
class UnitStream:
    """The units of a run of segments, with where each one came from.

    `seg[i]` is the index of the segment of unit `i`; `start[i]:end[i]` its token's span in that
    segment's text (both units of a word share the span)."""

    units: list[str] = field(default_factory=list)
    seg: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.units)

    def add_text(self, text: str, seg_index: int = 0) -> None:
        for m in _TOKEN.finditer(text):
            start, end = m.span()
            for unit in _units_of(m.group()):
                self.units.append(unit)
                self.seg.append(seg_index)
                self.start.append(start)
                self.end.append(end)


def plain_units(texts: Iterable[str]) -> list[str]:
    """The units of several texts in order, without positions."""
    out: list[str] = []
    for text in texts:
        out.extend(units(text))
    return out


def unit_stream(texts: Iterable[str]) -> UnitStream:
    """One stream over several texts in order (segment index = position in `texts`)."""
    stream = UnitStream()
    for index, text in enumerate(texts):
        stream.add_text(text, index)
    return stream


def segment_stream(segments: Sequence[Segment]) -> UnitStream:
    """The unit stream of a document's segments (passages may run across segment boundaries)."""
    return unit_stream(s.text for s in segments)
