"""OCR for PDF pages without a usable text layer, and the scanned-PDF redaction check.

Both take a PyMuPDF `Page`; boxes are in PDF points with PyMuPDF's top-left origin, the same
coordinates the PDF extractor uses, so OCR findings and text-layer findings share one system.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...model import BBox, HiddenItem, Layer, Location, Segment, Severity
from ..base import ExtractContext
from .core import ocr_images
from .result import DEFAULT_LOW_CONFIDENCE, OcrPage

OCR_DPI = 300
#: fewer visible characters than this on a page with an image: the page is a scan
MIN_TEXT_CHARS = 20
_MAX_RENDER_PIXELS = 40_000_000
_DARK_LEVEL = 60  # gray value at or below which a pixel counts as "black box"
_DARK_SHARE = 0.9  # share of a character's box that must be dark for it to count as covered


def render_page(page: Any, dpi: int = OCR_DPI) -> Any:
    """The page as a grayscale PIL image at `dpi` (what the reader sees, no invisible text)."""
    import math

    from PIL import Image

    # A poster-sized page at 300 dpi would be hundreds of megapixels: cap the render size.
    inches = max(1e-6, page.rect.width / 72.0) * max(1e-6, page.rect.height / 72.0)
    dpi = max(36, min(dpi, int(math.sqrt(_MAX_RENDER_PIXELS / inches))))
    pix = page.get_pixmap(dpi=dpi, colorspace="gray", alpha=False)
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    image.info["dpi"] = (dpi, dpi)
    return image


def needs_ocr(page: Any, ctx: ExtractContext) -> bool:
    """`--ocr always`: every page; `never`: none; `auto`: pages whose text layer is (nearly)
    empty but which show an image, i.e. scans with no OCR layer yet."""
    if ctx.ocr == "always":
        return True
    if ctx.ocr == "never":
        return False
    text = "".join(page.get_text("text").split())
    return len(text) < MIN_TEXT_CHARS and bool(page.get_images(full=False))


def ocr_pdf_pages(pages: Sequence[Any], ctx: ExtractContext | None = None, *, dpi: int = OCR_DPI,
                  engine: str | None = None, jobs: int | None = None,
                  low_confidence: float = DEFAULT_LOW_CONFIDENCE) -> list[OcrPage]:
    """OCR several PyMuPDF pages in parallel; boxes in PDF points, page numbers 1-based."""
    from dataclasses import replace

    images = [render_page(p, dpi) for p in pages]
    out = ocr_images(images, ctx, first_page=None, jobs=jobs, engine=engine, low_confidence=low_confidence)
    # Pixels -> points with each page's own render resolution (large pages are rendered lower).
    return [_in_points(replace(res, page=p.number + 1), 72.0 / img.info["dpi"][0])
            for p, img, res in zip(pages, images, out, strict=True)]


def _in_points(page: OcrPage, s: float) -> OcrPage:
    from dataclasses import replace

    def box(b: BBox) -> BBox:
        return (b[0] * s, b[1] * s, b[2] * s, b[3] * s)

    lines = tuple(replace(ln, bbox=box(ln.bbox), char_boxes=tuple(None if c is None else box(c) for c in ln.char_boxes))
                  for ln in page.lines)
    return replace(page, lines=lines, width=page.width * s, height=page.height * s)


def ocr_pdf_page(page: Any, ctx: ExtractContext | None = None, *, dpi: int = OCR_DPI,
                 engine: str | None = None, low_confidence: float = DEFAULT_LOW_CONFIDENCE) -> OcrPage:
    """OCR one PyMuPDF page rendered at `dpi`; boxes in PDF points."""
    return ocr_pdf_pages([page], ctx, dpi=dpi, engine=engine, jobs=1, low_confidence=low_confidence)[0]


@dataclass(frozen=True, slots=True)
class RasterRedactionFailure:
    """Text-layer characters that sit on a solid black area of the rendered page: blacked out in
    the image, still readable (and searchable, copyable) in the text layer."""

    text: str
    bbox: BBox  # PDF points
    page: int  # 1-based
    dark_share: float  # how much of the text's area is black, 0..1
    invisible: bool  # the text layer is invisible (render mode 3), as OCR layers are


def find_raster_redaction_failures(page: Any, *, dpi: int = 100) -> list[RasterRedactionFailure]:
    """Runs of text-layer characters whose boxes are (nearly) solid black in the rendered page.

    Typical case: a scanned page whose image was redacted with black boxes after an OCR text
    layer had been added; the invisible layer still holds the words. Works for visible text
    drawn under or in a black area too.
    """
    import numpy as np

    image = render_page(page, dpi)
    pixels = np.asarray(image, dtype=np.uint8)
    zoom = dpi / 72.0
    out: list[RasterRedactionFailure] = []
    for span in page.get_texttrace():
        invisible = span.get("type") == 3 or float(span.get("opacity", 1.0)) == 0.0
        size = float(span.get("size", 10.0))
        run: list[tuple[str, BBox, float]] = []  # covered characters (spaces inside a run kept)
        for char in (*span.get("chars", ()), None):  # None: flush the last run
            covered = False
            if char is not None:
                ch = chr(char[0])
                x0, y0, x1, y1 = (float(v) for v in char[3])
                if y1 - y0 < 1.0:  # glyph-less OCR fonts report flat boxes: use the font size
                    y0, y1 = float(char[2][1]) - 0.8 * size, float(char[2][1]) + 0.2 * size
                box = (x0, y0, x1, y1)
                if ch.isspace():
                    if run:
                        run.append((ch, box, -1.0))
                    continue
                share = _dark_share(pixels, box, zoom)
                covered = share >= _DARK_SHARE
                if covered:
                    run.append((ch, box, share))
            if not covered and run:
                out.append(_failure(run, page.number + 1, invisible))
                run = []
    return out


def _failure(run: list[tuple[str, BBox, float]], page: int, invisible: bool) -> RasterRedactionFailure:
    while run and run[-1][2] < 0:  # trailing spaces
        run.pop()
    boxes = [b for _, b, _ in run]
    shares = [s for _, _, s in run if s >= 0]
    box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    return RasterRedactionFailure("".join(c for c, _, _ in run), box, page, sum(shares) / len(shares), invisible)


def _dark_share(pixels: Any, box: BBox, zoom: float) -> float:
    h, w = pixels.shape
    x0, y0, x1, y1 = box
    # Shrink a little: anti-aliased edges of a box that exactly fits the text are grey.
    dx, dy = (x1 - x0) * 0.15, (y1 - y0) * 0.15
    c0, c1 = max(0, int((x0 + dx) * zoom)), min(w, int((x1 - dx) * zoom) + 1)
    r0, r1 = max(0, int((y0 + dy) * zoom)), min(h, int((y1 - dy) * zoom) + 1)
    if c1 <= c0 or r1 <= r0:
        return 0.0
    region = pixels[r0:r1, c0:c1]
    return float((region <= _DARK_LEVEL).mean())


def redaction_failure_findings_input(
    failures: Sequence[RasterRedactionFailure],
) -> tuple[list[HiddenItem], list[Segment]]:
    """What the PDF extractor adds to its Document for these failures: one `redaction_failure`
    HiddenItem each, and the covered text as `under_redaction` segments so content detectors
    report e.g. a `cn_id` with layer `under_redaction`."""
    items: list[HiddenItem] = []
    segments: list[Segment] = []
    for f in failures:
        loc = Location(page=f.page, part="raster-redaction", bbox=f.bbox)
        kind = "invisible text layer" if f.invisible else "text"
        items.append(HiddenItem("redaction_failure",
                                f"{kind} still holds words that are blacked out in the page image",
                                value=f.text, location=loc, severity=Severity.CRITICAL))
        segments.append(Segment(f.text, layer=Layer.UNDER_REDACTION, location=loc))
    return items, segments
