"""Pixel blackout for images and scans, for the image sanitiser (`sanitize/image.py`) to call.

A finding from OCR carries its line box and its offsets in the page's OCR text; re-reading the
page (a cache hit) gives the character boxes, so only the value is blacked out, not the line.
`still_readable` re-OCRs the cleaned image to verify that the values are gone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ...model import BBox, Finding, Layer
from ..base import ExtractContext
from .core import ImageInput, ocr_image, open_image
from .result import OcrPage


def boxes_for_findings(page: OcrPage, findings: Iterable[Finding]) -> list[BBox]:
    """Boxes (in the page's coordinates) to black out for the OCR findings on `page`."""
    boxes: list[BBox] = []
    for f in findings:
        loc = f.location
        if f.layer is not Layer.OCR or loc.page != page.page:
            continue
        if loc.start is not None and loc.end is not None:
            boxes.extend(page.boxes_for_span(loc.start, loc.end))
        elif loc.bbox is not None:
            boxes.append(loc.bbox)
    return boxes


def blackout(image: Any, boxes: Sequence[BBox], pad: float = 3.0) -> Any:
    """A copy of a PIL image with solid black rectangles over `boxes` (pixel coordinates). The
    pixels are replaced, not covered: nothing of the value remains in the output."""
    from PIL import ImageDraw

    out = image.copy()
    if out.mode not in ("RGB", "L", "RGBA"):
        out = out.convert("RGB")
    draw = ImageDraw.Draw(out)
    fill: Any = 0 if out.mode == "L" else (0, 0, 0, 255) if out.mode == "RGBA" else (0, 0, 0)
    for x0, y0, x1, y1 in boxes:
        draw.rectangle([x0 - pad, y0 - pad, x1 + pad, y1 + pad], fill=fill)
    return out


def blackout_findings(image: ImageInput, findings: Sequence[Finding], ctx: ExtractContext | None = None, *,
                      page: int | None = None, engine: str | None = None) -> tuple[Any, list[BBox]]:
    """Black out the OCR findings of one image; returns the new image and the boxes drawn.
    `page` must be the page number the extractor gave this image (None for a single photo)."""
    pil = open_image(image, ctx)
    reading = ocr_image(pil, ctx, page=page, engine=engine)
    boxes = boxes_for_findings(reading, findings)
    return blackout(pil, boxes), boxes


def still_readable(image: ImageInput, values: Iterable[str], ctx: ExtractContext | None = None, *,
                   engine: str | None = None) -> list[str]:
    """The values that OCR can still read in `image` (spacing ignored): empty means verified."""
    text = "".join(ocr_image(image, ctx, engine=engine).text.split())
    return [v for v in values if "".join(v.split()) and "".join(v.split()) in text]
