"""Normalisation that keeps offsets: every function maps one character to at most one character
(or deletes it, with a way back), so a match in normalised text is a span in the original."""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

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


_ASCII_NOT_ID = re.compile("[^0-9Xx]")


def digits_only(text: str) -> str:
    """The digits (and X/x) of a matched identifier, with width folded and separators gone."""
    folded = to_ascii_width(text)
    if folded.isascii():  # the usual case: one C-level pass (for ASCII, isdigit() is 0-9)
        return _ASCII_NOT_ID.sub("", folded).upper()
    return "".join(ch for ch in folded if ch.isdigit() or ch in "Xx").upper()


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


def fold_sources() -> list[Path]:
    """The files the width/script fold is made of (this module and OpenCC's character table): a
    table cached on disk that holds folded text (the gazetteer's folded names, `tablecache`) is
    keyed by them, so a changed fold rebuilds it."""
    paths = [Path(__file__)]
    try:
        table = resources.files("opencc").joinpath("dictionary/TSCharacters.txt")
    except ModuleNotFoundError:
        return paths
    if isinstance(table, Path):
        paths.append(table)
    return paths


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
    # `str.translate` maps once, not transitively: a full-width hyphen (`－`) mapped to `-` would
    # stay a hyphen although `-` itself is deleted, and `ＪＸ－１７Ａ` would fold to `jx-17a`, not
    # `jx17a` (issue 10). Resolve every entry to its final form.
    for cp, target in list(table.items()):
        if target is not None and target in table and target != cp:
            table[cp] = table[target]
    return table


@cache
def deleted_chars() -> str:
    """Every character the lexicon fold deletes (separators in all their widths)."""
    return "".join(sorted(chr(cp) for cp, target in lexicon_fold_table().items() if target is None))


@cache
def width_script_table() -> dict[int, int]:
    """Full-width ASCII -> ASCII and traditional -> simplified, one character for one character
    and nothing deleted: text folded with it keeps every offset of the original, so a fact found
    in the folded text is quoted from the original exactly as written."""
    table = dict(traditional_to_simplified())
    table.update(FULLWIDTH_TO_ASCII)
    return table


def fold_width_script(text: str) -> str:
    """`text` with width and traditional/simplified folded; `len` and offsets unchanged."""
    return text.translate(width_script_table())


def fold_term(term: str) -> str:
    return term.translate(lexicon_fold_table())


@cache
def _fold_arrays() -> tuple[Any, Any] | None:
    """`lexicon_fold_table()` as numpy lookup arrays: a 64 K-entry uint16 table for text inside
    the Basic Multilingual Plane (small enough to stay in cache) and a full uint32 table for the
    rest. Deleted characters map to the maximum value. None without numpy."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency; this keeps the fallback honest
        return None
    table = lexicon_fold_table()
    bmp = np.arange(0x10000, dtype=np.uint32)
    full = np.arange(0x110000, dtype=np.uint32)
    for cp, target in table.items():
        full[cp] = 0xFFFFFFFF if target is None else target
        if cp < 0x10000 and (target is None or target < 0x10000):
            bmp[cp] = 0xFFFF if target is None else target
    return bmp.astype(np.uint16), full


#: Texts longer than this are folded through numpy tables; shorter ones by `str.translate` with the
#: same mappings: numpy is ~10x faster on a notice, but its import costs ~0.1 s of a short `check`.
NUMPY_FOLD_MIN_CHARS = 256


class FoldedText:
    """Text folded for lexicon matching, with a map from folded offsets back to the original.

    Deleting separators shifts offsets. With numpy the fold is one table lookup over the UTF-16
    code units, ~10x faster than `str.translate` with a dict, and the positions of the kept
    characters (which the deletion needs anyway) are the map back. Without numpy the map back is
    built only when a caller asks for an original offset.
    `utf16` is the folded text as UTF-16-LE bytes: the lexicon scans those directly, so the
    folded `str` is only decoded when a caller asks for it (`folded`)."""

    __slots__ = ("_folded", "_kept", "_shift", "_utf16", "original")

    def __init__(self, original: str) -> None:
        self.original = original
        self._shift: list[int] | None = None
        # Original offset of every folded character (numpy path, when the fold deleted any).
        self._kept: Any = None
        self._folded: str | None = None
        self._utf16: bytes | None = None
        arrays = _fold_arrays() if len(original) > NUMPY_FOLD_MIN_CHARS else None
        if arrays is None or "\uffff" in original:
            self._folded = original.translate(lexicon_fold_table())
            return
        import numpy as np

        bmp, full = arrays
        raw = original.encode("utf-16-le")
        # `ndarray.compress` is `nonzero` + `take`, and the map back needs the same `nonzero`:
        # computing it once and taking with it saves a pass over the text (~3 % of a scan).
        if len(raw) == 2 * len(original):  # no surrogate pairs: one code unit per character
            # `take` is ~1.5x faster than fancy indexing for a small table.
            mapped = bmp.take(np.frombuffer(raw, dtype=np.uint16))
            kept = np.flatnonzero(mapped != 0xFFFF)
            if len(kept) == len(mapped):
                self._utf16 = mapped.tobytes()
            else:
                self._kept = kept
                self._utf16 = mapped.take(kept).tobytes()
            return
        mapped = full[np.frombuffer(original.encode("utf-32-le"), dtype=np.uint32)]
        kept = np.flatnonzero(mapped != 0xFFFFFFFF)
        if len(kept) == len(mapped):
            self._folded = mapped.tobytes().decode("utf-32-le")
        else:
            self._kept = kept
            self._folded = mapped.take(kept).tobytes().decode("utf-32-le")

    @property
    def folded(self) -> str:
        """The folded text."""
        if self._folded is None:
            self._folded = (self._utf16 or b"").decode("utf-16-le")
        return self._folded

    @property
    def utf16(self) -> bytes:
        """The folded text as UTF-16-LE bytes (one code unit per folded character when the text
        has no characters outside the Basic Multilingual Plane: see `bmp_only`)."""
        if self._utf16 is None:
            self._utf16 = self.folded.encode("utf-16-le")
        return self._utf16

    @property
    def bmp_only(self) -> bool:
        """True when UTF-16 code-unit offsets in `utf16` are folded character offsets."""
        return self._folded is None or len(self.utf16) == 2 * len(self._folded)

    def folded_char(self, index: int) -> str:
        """The folded character at `index`, without decoding the whole folded text when it is
        held as UTF-16 with one code unit per character."""
        if self._folded is None and self._utf16 is not None and self.bmp_only:
            return chr(int.from_bytes(self._utf16[2 * index: 2 * index + 2], "little"))
        return self.folded[index]

    def folded_slice(self, start: int, end: int) -> str:
        """`folded[start:end]`, without decoding the whole folded text when it is held as UTF-16
        with one code unit per character (the lexicon asks for a few characters per match)."""
        if self._folded is None and self._utf16 is not None and self.bmp_only:
            return self._utf16[2 * start: 2 * end].decode("utf-16-le")
        return self.folded[start:end]

    def folded_len(self) -> int:
        """Length of the folded text in characters."""
        return len(self._utf16) // 2 if self._folded is None and self._utf16 is not None else len(self.folded)

    def to_original(self, folded_offset: int) -> int:
        """Original offset of the character at `folded_offset` in the folded text."""
        if self.folded_len() == len(self.original):
            return folded_offset
        if self._kept is not None:
            if folded_offset >= len(self._kept):
                return len(self.original)
            return int(self._kept[folded_offset])
        if self._shift is None:
            # e[i] = (position of i-th deleted char) - i; non-decreasing, so bisect works.
            deleted = _deleted_regex()
            self._shift = [m.start() - i for i, m in enumerate(deleted.finditer(self.original))]
        return folded_offset + bisect.bisect_right(self._shift, folded_offset)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original span for folded [start, end)."""
        return self.to_original(start), self.to_original(end - 1) + 1


@cache
def _deleted_regex() -> re.Pattern[str]:
    return re.compile("[" + re.escape(deleted_chars()) + "]")


def fold_key(text: str) -> str:
    """Comparison key for names and aliases: NFKC, width, case, traditional/simplified folded and
    separators gone (`北 辰 計劃` and `北辰计划` give one key). Not offset-preserving: keys only."""
    return unicodedata.normalize("NFKC", text).translate(lexicon_fold_table())


_CODE_DROP = re.compile(r"[^0-9A-Za-z]+")


def code_key(code: str) -> str:
    """`ZB－2026－7301`, `zb 2026 7301` and `ZB-2026-7301` are one code: `ZB20267301`."""
    return _CODE_DROP.sub("", unicodedata.normalize("NFKC", code)).upper()
