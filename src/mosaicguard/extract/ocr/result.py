"""What OCR returns: lines with boxes and per-character boxes, turned into `Segment`s of layer
`ocr` so that every detector sees OCR text like any other text and every finding has a box."""

from __future__ import annotations

from dataclasses import dataclass

from ...model import BBox, Layer, Location, Segment

#: A page whose mean character confidence is below this is flagged for a human.
DEFAULT_LOW_CONFIDENCE = 0.80


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One recognised line. `char_boxes[i]` is the box of `text[i]` (None for inserted spaces).
    Boxes are in the page's output coordinates (image pixels, or PDF points for PDF pages)."""

    text: str
    bbox: BBox
    confidence: float
    char_boxes: tuple[BBox | None, ...] = ()


@dataclass(frozen=True, slots=True)
class OcrPage:
    """The OCR reading of one page or image.

    `segments` are ready to add to a `Document`: one per line, layer `ocr`, `location.start/end`
    are offsets into `text` (lines joined by newlines), `location.bbox` is the line box.
    """

    page: int | None
    lines: tuple[OcrLine, ...]
    confidence: float  # mean character confidence, 0..1 (1.0 for a page with no text)
    low_confidence: bool
    engine: str
    width: float  # page size in output coordinates
    height: float
    part: str = "ocr"
    cached: bool = False

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def segments(self) -> tuple[Segment, ...]:
        out: list[Segment] = []
        offset = 0
        for line in self.lines:
            end = offset + len(line.text)
            loc = Location(page=self.page, start=offset, end=end, part=self.part, bbox=line.bbox)
            out.append(Segment(line.text, layer=Layer.OCR, location=loc))
            offset = end + 1
        return tuple(out)

    def note(self) -> str | None:
        """A line for `Document.notes` when this page needs a human, else None."""
        if not self.low_confidence:
            return None
        where = f"page {self.page}" if self.page is not None else "image"
        return (f"{where}: OCR confidence {self.confidence:.2f} is low; text may be missed, "
                "check this page by hand")

    def boxes_for_span(self, start: int, end: int) -> list[BBox]:
        """Tight boxes (one per line touched) for the characters `text[start:end]`; used to black
        out exactly a finding's value rather than its whole line."""
        out: list[BBox] = []
        offset = 0
        for line in self.lines:
            line_end = offset + len(line.text)
            lo, hi = max(start, offset), min(end, line_end)
            if lo < hi:
                boxes = [b for b in line.char_boxes[lo - offset : hi - offset] if b is not None]
                out.append(union(boxes) if boxes else line.bbox)
            offset = line_end + 1
        return out


def union(boxes: list[BBox]) -> BBox:
    """The smallest box holding all `boxes`."""
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def overlaps(a: BBox, b: BBox) -> bool:
    """True if two boxes share any area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
