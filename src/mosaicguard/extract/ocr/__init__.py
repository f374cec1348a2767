"""OCR for images and scanned PDF pages (layer `ocr`), the scanned-PDF redaction check, and
pixel blackout for the image sanitiser. See docs/ocr-api.md.

Heavy imports (numpy, OpenCV, onnxruntime) happen on first use, not on import.
"""

from __future__ import annotations

from .core import image_frames, ocr_image, ocr_images, open_image, read_lines, should_ocr_image
from .engines import ENGINES, OcrEngine, OcrUnavailable, get_engine
from .pdf import (
    RasterRedactionFailure,
    find_raster_redaction_failures,
    needs_ocr,
    ocr_pdf_page,
    ocr_pdf_pages,
    redaction_failure_findings_input,
    render_page,
)
from .redact import blackout, blackout_findings, boxes_for_findings, still_readable
from .result import DEFAULT_LOW_CONFIDENCE, OcrLine, OcrPage

__all__ = [
    "DEFAULT_LOW_CONFIDENCE",
    "ENGINES",
    "OcrEngine",
    "OcrLine",
    "OcrPage",
    "OcrUnavailable",
    "RasterRedactionFailure",
    "blackout",
    "blackout_findings",
    "boxes_for_findings",
    "find_raster_redaction_failures",
    "get_engine",
    "image_frames",
    "needs_ocr",
    "ocr_image",
    "ocr_images",
    "ocr_pdf_page",
    "ocr_pdf_pages",
    "open_image",
    "read_lines",
    "redaction_failure_findings_input",
    "render_page",
    "should_ocr_image",
    "still_readable",
]
