"""PDF: the text a reader sees, line by line with boxes, and everything a reader does not see.

Visible text becomes one segment per run of same-kind characters in a line (layer body, or
header/footer for lines repeated in the page margins), with offsets into the page's text stream
and a box in PDF points. Hidden data looked for: Info and XMP metadata (edit history, document
ids, internal paths); white, tiny, off-page and invisible text, and text in layers switched off;
text and images left under drawn boxes, pasted pictures or unapplied redaction annotations (the
failed-redaction class that x-ray finds), and words of a scan's OCR layer that the image blacks
out; comments; attachments; JavaScript, automatic and launch actions; page thumbnails and
application private data; JPEG images carrying their own metadata (handed to the image reader);
earlier revisions kept by incremental saves. Each becomes segments in the right `Layer` (so
content detectors see the text) plus a `HiddenItem` (so the hidden-data detector reports it and
the sanitiser can remove it by page and box). Pages that are images without a text layer are read
by OCR (`extract.ocr`) as ctx.ocr allows.
"""

from __future__ import annotations

import pymupdf

from ...errors import ExtractionError, LimitExceeded
from ...model import Document, HiddenItem, Location, Segment, Severity, sha256_bytes
from ..base import ExtractContext, Extractor
from .common import ATTACHMENTS, CJK_COMPAT, TEXT_FLAGS, grow
from .history import read_history, revision_ends
from .metadata import read_metadata
from .objects import find_actions, find_private_data, jpeg_has_metadata, read_annotations, read_attachments, read_images
from .page import mark_headers_footers, read_hidden_layers, read_page
from .scanned import SCAN_MAX_CHARS, ocr_scanned_pages, raster_redaction_failures

__all__ = ["ATTACHMENTS", "CJK_COMPAT", "TEXT_FLAGS", "PdfExtractor", "grow", "jpeg_has_metadata", "open_pdf",
           "revision_ends"]


class PdfExtractor(Extractor):
    media_type = "application/pdf"
    suffixes = (".pdf",)

    def sniff(self, data: bytes) -> bool:
        return b"%PDF-" in data[:1024]

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        pdf = open_pdf(data)
        try:
            return self._extract(pdf, data, path, ctx)
        finally:
            pdf.close()

    def _extract(self, pdf: pymupdf.Document, data: bytes, path: str, ctx: ExtractContext) -> Document:
        if pdf.page_count > ctx.limits.max_pdf_pages:
            raise LimitExceeded(f"{pdf.page_count} pages, over the limit of {ctx.limits.max_pdf_pages}")
        segments: list[Segment] = []
        hidden: list[HiddenItem] = []
        embedded: list[Document] = []
        lines: set[str] = set()
        chars = 0
        scans: list[int] = []  # pages that are images without a text layer
        ocr_layers: list[int] = []  # scanned pages with an (invisible) OCR text layer
        heights: dict[int, float] = {}
        for pno in range(pdf.page_count):
            ctx.check_time()
            page = pdf.load_page(pno)
            result = read_page(page, pno + 1)
            heights[pno + 1] = page.rect.height if page.rotation % 180 == 0 else page.rect.width
            segments.extend(result.segments)
            hidden.extend(result.hidden)
            lines |= result.lines
            chars += result.chars
            if result.ocr_layer:
                ocr_layers.append(pno)
            elif ctx.ocr == "always" or (result.visible_chars < SCAN_MAX_CHARS and pdf.get_page_images(pno)):
                scans.append(pno)
            if chars > ctx.limits.max_text_chars:
                raise LimitExceeded(f"more than {ctx.limits.max_text_chars} characters of text")
            try:
                page_segments, page_hidden, page_files = read_annotations(page, pno + 1, path, ctx, result.lines)
            except LimitExceeded:
                raise
            except Exception as exc:  # noqa: BLE001 - one broken annotation must not hide the rest of the file
                page_segments, page_files = [], []
                page_hidden = [HiddenItem("comment", f"annotations on page {pno + 1} could not be read ({exc}); "
                                          "review them by hand", "", Location(page=pno + 1), Severity.MEDIUM)]
            segments.extend(page_segments)
            hidden.extend(page_hidden)
            embedded.extend(page_files)
        segments = mark_headers_footers(segments, heights)
        metadata, meta_segments, meta_hidden = read_metadata(pdf)
        segments.extend(meta_segments)
        hidden.extend(meta_hidden)
        files, file_hidden = read_attachments(pdf, path, ctx)
        embedded.extend(files)
        hidden.extend(file_hidden)
        hidden.extend(find_actions(pdf, data))
        hidden.extend(find_private_data(pdf))
        embedded.extend(read_images(pdf, path, ctx))
        history_segments, history_hidden = read_history(data, pdf, lines, {m.value for m in metadata}, ctx)
        segments.extend(history_segments)
        hidden.extend(history_hidden)
        ocr_segments, notes = ocr_scanned_pages(pdf, scans, ctx)
        segments.extend(ocr_segments)
        hidden.extend(raster_redaction_failures(pdf, ocr_layers, segments, ctx))
        # Last: it switches every layer on in this (in-memory) document.
        layer_segments, layer_hidden = read_hidden_layers(pdf, lines, ctx)
        segments.extend(layer_segments)
        hidden.extend(layer_hidden)
        return Document(
            path=path,
            media_type=self.media_type,
            sha256=sha256_bytes(data),
            segments=tuple(segments),
            metadata=tuple(metadata),
            hidden=tuple(hidden),
            embedded=tuple(embedded),
            page_count=pdf.page_count,
            notes=tuple(notes),
        )


def open_pdf(data: bytes) -> pymupdf.Document:
    """Open PDF bytes or raise `ExtractionError` with a message a reviewer understands."""
    head = data[:1024]
    if b"%PDF-" not in head:
        raise ExtractionError("not a PDF file (no %PDF- header)")
    try:
        pdf = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # noqa: BLE001 - MuPDF raises several types for broken files
        raise ExtractionError(f"damaged PDF that cannot be opened ({exc})") from None
    if pdf.needs_pass:
        pdf.close()
        raise ExtractionError("password-protected PDF: cannot be checked")
    if pdf.page_count == 0:
        pdf.close()
        raise ExtractionError("damaged PDF: no readable pages")
    if pdf.is_repaired and b"%%EOF" not in data[-2048:]:
        # MuPDF rebuilt a file that ends early: pages or objects past the cut are missing, so a
        # clean result would be a false assurance.
        pdf.close()
        raise ExtractionError("truncated PDF: the file ends before its end marker; it cannot be fully checked")
    return pdf
