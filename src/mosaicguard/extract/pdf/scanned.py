"""Scanned pages: OCR for pages that are only an image, and words of an OCR layer that the
page image blacks out (redacted in the pixels, still in the text)."""

from __future__ import annotations

import time
from dataclasses import replace

import pymupdf

from ...errors import ExtractionError, LimitExceeded
from ...model import HiddenItem, Layer, Location, Segment
from ..base import ExtractContext

SCAN_MAX_CHARS = 20  # fewer visible characters on a page with an image: a scan, read it by OCR
OCR_BATCH = 4  # pages per OCR call (the OCR module runs a batch in parallel)
OCR_TIME_MARGIN = 5.0  # seconds kept for the checks that follow OCR


def ocr_scanned_pages(pdf: pymupdf.Document, pages: list[int], ctx: ExtractContext) -> tuple[list[Segment], list[str]]:
    """OCR segments (layer `ocr`, boxes in points) for pages that are images, and notes for pages
    a human must check (OCR off, unavailable, unsure, or not reached within the time limit).

    Pages go to OCR in small batches so that a long scan that outgrows the per-file time limit
    still yields the pages read so far plus a note naming the rest, instead of losing the file."""
    if not pages:
        return [], []
    if ctx.ocr == "never":
        return [], [f"page(s) {_numbers(pages)}: scanned image without a text layer, not read (OCR is off); "
                    "check by hand"]
    try:
        from ..ocr.pdf import ocr_pdf_pages
    except ImportError as exc:
        return [], [f"page(s) {_numbers(pages)}: scanned image without a text layer, OCR unavailable ({exc}); "
                    "check by hand"]
    segments: list[Segment] = []
    notes: list[str] = []
    for start in range(0, len(pages), OCR_BATCH):
        batch = pages[start:start + OCR_BATCH]
        try:
            if time.monotonic() > ctx.deadline - OCR_TIME_MARGIN:
                raise LimitExceeded("no time left")
            results = ocr_pdf_pages([pdf.load_page(p) for p in batch], ctx)
        except LimitExceeded:
            notes.append(f"page(s) {_numbers(pages[start:])}: scanned image without a text layer, not read "
                         "(per-file time limit reached during OCR); check by hand")
            break
        except ExtractionError as exc:  # no OCR engine installed, or it failed on these pages
            notes.append(f"page(s) {_numbers(batch)}: scanned image without a text layer, OCR unavailable "
                         f"({exc}); check by hand")
            continue
        for result in results:
            result = replace(result, part=f"page {result.page} ocr")
            segments.extend(result.segments)
            note = result.note()
            if note:
                notes.append(note)
    return segments, notes


def _numbers(pages: list[int]) -> str:
    return ", ".join(str(p + 1) for p in pages[:10]) + (" ..." if len(pages) > 10 else "")


def raster_redaction_failures(pdf: pymupdf.Document, pages: list[int], segments: list[Segment],
                              ctx: ExtractContext) -> list[HiddenItem]:
    """Words of an OCR layer that sit on solid black in the page image: blacked out in the scan,
    still in the text. Their text moves from the body to the under_redaction layer."""
    if not pages:
        return []
    try:
        from ..ocr.pdf import find_raster_redaction_failures
    except ImportError:
        return []
    hidden: list[HiddenItem] = []
    for pno in pages:
        ctx.check_time()
        for failure in find_raster_redaction_failures(pdf.load_page(pno)):
            location = Location(page=failure.page, part=f"page {failure.page}", bbox=failure.bbox)
            hidden.append(HiddenItem(
                "redaction_failure",
                f"text layer still holds words blacked out in the scanned image on page {failure.page}",
                failure.text, location))
            _mark_covered(segments, failure.text, location)
    return hidden


def _mark_covered(segments: list[Segment], text: str, where: Location) -> None:
    """Split the body segment holding `text` at `where` so that `text` becomes under_redaction."""
    assert where.bbox is not None
    box = pymupdf.Rect(where.bbox)
    for index, seg in enumerate(segments):
        loc = seg.location
        if (seg.layer != Layer.BODY or loc.page != where.page or loc.part != where.part or loc.bbox is None
                or text not in seg.text or not box.intersects(loc.bbox)):
            continue
        cut = seg.text.index(text)
        base = loc.start or 0
        pieces = [(seg.text[:cut], Layer.BODY, loc.bbox), (text, Layer.UNDER_REDACTION, where.bbox),
                  (seg.text[cut + len(text):], Layer.BODY, loc.bbox)]
        replacement = []
        offset = base
        for piece, layer, bbox in pieces:
            if piece:
                replacement.append(Segment(piece, layer, replace(loc, start=offset, end=offset + len(piece),
                                                                 bbox=bbox)))
            offset += len(piece)
        segments[index:index + 1] = replacement
        return
    segments.append(Segment(text, Layer.UNDER_REDACTION, where))
