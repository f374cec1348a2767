"""Redaction: mask matched characters inside the elements that hold them, by offsets from the
extractor's own walk, then by value for every other copy in the package."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ...extract.ooxml import (
    CONTENT_TYPES,
    Element,
    is_chart_label,
    local_name,
    q,
)
from ...model import Finding
from .editor import PackageEditor

MASK = "█"
Pieces = list[tuple[Element | None, str]]


def mask_range(pieces: Pieces, start: int, end: int) -> int:
    """Mask characters start..end of the text the pieces spell; returns how many were masked."""
    pos = 0
    masked = 0
    for index, (el, text) in enumerate(pieces):
        lo, hi = max(start, pos), min(end, pos + len(text))
        if el is not None and lo < hi:
            a, b = lo - pos, hi - pos
            new = text[:a] + MASK * (b - a) + text[b:]
            el.text = new
            pieces[index] = (el, new)
            masked += b - a
        pos += len(text)
    return masked


def mask_value(pieces: Pieces, value: str) -> int:
    """Mask every occurrence of `value` in the text the pieces spell (runs may split it)."""
    if not value:
        return 0
    count = 0
    text = "".join(t for _, t in pieces)
    index = text.find(value)
    while index >= 0:
        count += 1
        mask_range(pieces, index, index + len(value))
        text = "".join(t for _, t in pieces)
        index = text.find(value, index + len(value))
    return count


@dataclass
class TextStream:
    """The chunks of one part at the offsets the extractor gave them."""

    chunks: list[tuple[int, Pieces]]
    starts: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, pieces_list: Iterable[Pieces]) -> TextStream:
        chunks: list[tuple[int, Pieces]] = []
        pos = 0
        for pieces in pieces_list:
            chunks.append((pos, pieces))
            pos += sum(len(t) for _, t in pieces) + 1
        return cls(chunks, [start for start, _ in chunks])

    def redact(self, finding: Finding) -> bool:
        """Mask the finding at its offsets when the text there is still the match; otherwise
        mask it wherever its value occurs in the part."""
        loc = finding.location
        if loc.start is not None and loc.end is not None:
            window = self._overlapping(loc.start, loc.end)
            text = "".join(("".join(t for _, t in pieces) + "\n")[max(0, loc.start - start): loc.end - start]
                           for start, pieces in window)
            if text == finding.match:
                for start, pieces in window:
                    mask_range(pieces, loc.start - start, loc.end - start)
                return True
        # The file changed since the scan, or the detector normalised the text: match by value.
        return sum(mask_value(pieces, finding.match) for _, pieces in self.chunks) > 0

    def _overlapping(self, start: int, end: int) -> list[tuple[int, Pieces]]:
        first = max(0, bisect.bisect_right(self.starts, start) - 1)
        out: list[tuple[int, Pieces]] = []
        for chunk_start, pieces in self.chunks[first:]:
            if chunk_start >= end:
                break
            out.append((chunk_start, pieces))
        return out


# Elements whose text is document prose (runs, shared strings, comments, properties, names).
TEXT_TAGS = {"t", "delText", "instrText", "delInstrText", "text", "definedName", "lpwstr", "lpstr", "bstr",
              "Company", "Manager", "Template", "HyperlinkBase", "oddHeader", "oddFooter", "evenHeader",
              "evenFooter", "firstHeader", "firstFooter"}


class ValueIndex:
    """Finds every element text (and text-holding attribute) with a value, across all XML parts.
    Each part's texts are joined once so that a value absent from a part costs one substring
    search, not a loop."""

    def __init__(self, ed: PackageEditor) -> None:
        self.parts: list[tuple[list[tuple[Element, str | None]], str]] = []
        for name in ed.members:
            if not name.endswith((".xml", ".rels")) or name == CONTENT_TYPES:
                continue
            slots: list[tuple[Element, str | None]] = []
            any_text = name.startswith("docProps/core")
            chart = "/charts/" in name
            for el in ed.xml(name).iter():
                if not isinstance(el.tag, str):
                    continue
                # Only elements that hold prose: masking a cell index, a count or a formula
                # would corrupt the file rather than redact it.
                if el.text and el.text.strip() and (any_text or local_name(el.tag) in TEXT_TAGS
                                                    or (chart and is_chart_label(el))):
                    slots.append((el, None))
                if el.get(q("w", "val")) and local_name(el.tag) == "docVar":
                    slots.append((el, q("w", "val")))
                if el.get("Target") and el.get("TargetMode") == "External":
                    slots.append((el, "Target"))
            self.parts.append((slots, self._join(slots)))

    @staticmethod
    def _read(el: Element, attr: str | None) -> str:
        return str(el.text if attr is None else el.get(attr, ""))

    def _join(self, slots: list[tuple[Element, str | None]]) -> str:
        return "\x00".join(self._read(el, attr) for el, attr in slots)

    def mask(self, value: str) -> bool:
        if len(value) < 2:
            return False  # a single character would mask unrelated text everywhere
        hit = False
        for index, (slots, joined) in enumerate(self.parts):
            if value not in joined:
                continue
            for el, attr in slots:
                text = self._read(el, attr)
                if value in text:
                    masked = text.replace(value, MASK * len(value))
                    if attr is None:
                        el.text = masked
                    else:
                        el.set(attr, masked)
                    hit = True
            self.parts[index] = (slots, self._join(slots))
        return hit


def finding_part(finding: Finding) -> str | None:
    part = finding.location.part
    # Findings inside embedded files carry "word/media/x.png:inner"; those are not text we hold.
    if part is None or ":" in part:
        return None
    return part


def mask_text_nodes(root: Any, value: str) -> int:
    """Replace `value` by mask characters in every element text and tail under `root` (an lxml
    tree of a kept XML part); the number of text nodes changed. Values shorter than two
    characters are never masked (they would mask half the document)."""
    if len(value) < 2:
        return 0
    hits = 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("text", "tail"):
            text = getattr(el, attr)
            if text and value in text:
                setattr(el, attr, text.replace(value, MASK * len(value)))
                hits += 1
    return hits
