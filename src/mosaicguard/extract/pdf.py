"""PDF: the text a reader sees, line by line with boxes, and everything a reader does not see.

Hidden data looked for: Info and XMP metadata (with edit history and internal paths), white,
tiny, off-page and invisible text, text and images left under drawn boxes or unapplied redaction
annotations (the failed-redaction class that x-ray finds), comments, attachments, JavaScript and
automatic actions, JPEG images carrying their own metadata, and earlier revisions kept by
incremental saves. Each becomes segments in the right `Layer` (so content detectors see the text)
plus a `HiddenItem` (so the hidden-data detector reports the structure and the sanitiser can
remove it by page and box).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pymupdf
from defusedxml import ElementTree as SafeET

from ..errors import ExtractionError, LimitExceeded
from ..model import BBox, Document, HiddenItem, Layer, Location, MetadataField, Segment, Severity, sha256_bytes
from .base import ExtractContext, Extractor

# MuPDF reports recoverable problems on stderr; they would garble the CLI's output. Problems that
# matter surface as exceptions or as `is_repaired`.
pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)

# Keep text outside the page box (off-page text is one of the things we look for) and skip image
# blocks (decoding them would cost far more than the text).
TEXT_FLAGS = pymupdf.TEXTFLAGS_DICT & ~pymupdf.TEXT_MEDIABOX_CLIP & ~pymupdf.TEXT_PRESERVE_IMAGES

TINY_FONT_PT = 2.0
WHITE_MIN = 0.92  # every colour component at least this: reads as white on a white page
MIN_COVER_SIDE = 3.0  # thinner filled shapes are rules and underlines, not redaction boxes
MAX_REVISIONS = 20
MAX_ATTACHMENTS = 100
MAX_IMAGES = 50
MAX_IMAGE_BYTES = 32 * 1024 * 1024
MAX_HISTORY_VALUE = 300
SCAN_MAX_CHARS = 20  # fewer visible characters on a page with an image: a scan, read it by OCR

# The kinds of text a span (or a character) can be.
BODY, WHITE, TINY, OFFPAGE, INVISIBLE, COVERED, OCR = "body", "white", "tiny", "offpage", "invisible", "covered", "ocr"
_LAYER = {
    BODY: Layer.BODY,
    OCR: Layer.BODY,  # invisible text over a scanned page image is its OCR layer, not hidden text
    WHITE: Layer.HIDDEN_TEXT,
    TINY: Layer.HIDDEN_TEXT,
    OFFPAGE: Layer.HIDDEN_TEXT,
    INVISIBLE: Layer.HIDDEN_TEXT,
    COVERED: Layer.UNDER_REDACTION,
}
_HIDDEN_DESCRIPTION = {
    WHITE: "white text on a white page",
    TINY: f"text smaller than {TINY_FONT_PT:g} pt",
    OFFPAGE: "text outside the visible page area",
    INVISIBLE: "invisible text (render mode 3) not over a scanned image",
}

# Info keys that say who made the file or what it is about; the rest (dates, producer) still go
# to the content detectors as metadata segments.
_REVEALING_INFO = {"Author": None, "Title": Severity.LOW, "Subject": None, "Keywords": None}
_STANDARD_INFO = {"Author", "Title", "Subject", "Keywords", "Creator", "Producer", "CreationDate", "ModDate",
                  "Trapped"}
_PATH_RE = re.compile(r"(?:\b[A-Za-z]:\\|\\\\[\w.$-]+\\|(?:^|[\s(\"'])/(?:Users|home|mnt|media|srv|net|Volumes)/"
                      r"|file:/{2,3}\w|smb://)")

_XMP_PREFIX = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#": "stEvt",
    "http://ns.adobe.com/xap/1.0/sType/ResourceRef#": "stRef",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.adobe.com/pdfx/1.3/": "pdfx",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "adobe:ns:meta/": "x",
    "http://www.aiim.org/pdfa/ns/id/": "pdfaid",
}
_XMP_REVEALING = ("dc:creator", "dc:description", "dc:title", "dc:subject", "pdf:Keywords", "pdfx:",
                  "photoshop:AuthorsPosition", "photoshop:CaptionWriter", "xmpMM:DerivedFrom", "xmpRights:Owner")
_XMP_IDS = ("xmpMM:DocumentID", "xmpMM:InstanceID", "xmpMM:OriginalDocumentID")

_ANNOT_SKIP = {pymupdf.PDF_ANNOT_POPUP, pymupdf.PDF_ANNOT_REDACT, pymupdf.PDF_ANNOT_WIDGET,
               pymupdf.PDF_ANNOT_LINK}


@dataclass(frozen=True)
class Cover:
    """An opaque shape over the page that may hide text: a drawn filled box or an annotation."""

    rect: pymupdf.Rect
    seqno: int  # drawing order; annotations are drawn after all page content
    fill: tuple[float, ...]
    source: str  # "drawn box", "Redact annotation", "Square annotation"
    always: bool = False  # an unapplied Redact annotation hides nothing: anything under it is a failure


@dataclass
class _Run:
    """Consecutive characters of one line that share a kind (and cover)."""

    text: str
    kind: str
    bbox: BBox  # plain tuples: building a pymupdf.Rect per span costs more than reading the page
    cover: int = -1


@dataclass
class _PageText:
    segments: list[Segment] = field(default_factory=list)
    hidden: list[HiddenItem] = field(default_factory=list)
    # Normalised line texts without covered characters: what an earlier revision is compared with.
    lines: set[str] = field(default_factory=set)
    chars: int = 0
    visible_chars: int = 0  # non-space characters a reader sees (or an OCR layer holds)
    ocr_layer: bool = False  # invisible text over a full-page image


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
        for pno in range(pdf.page_count):
            ctx.check_time()
            page = pdf.load_page(pno)
            result = read_page(page, pno + 1)
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
                page_segments, page_hidden, page_files = _annotations(page, pno + 1, path, ctx, result.lines)
            except LimitExceeded:
                raise
            except Exception as exc:  # noqa: BLE001 - one broken annotation must not hide the rest of the file
                page_segments, page_files = [], []
                page_hidden = [HiddenItem("comment", f"annotations on page {pno + 1} could not be read ({exc}); "
                                          "review them by hand", "", Location(page=pno + 1), Severity.MEDIUM)]
            segments.extend(page_segments)
            hidden.extend(page_hidden)
            embedded.extend(page_files)
        metadata, meta_segments, meta_hidden = read_metadata(pdf)
        segments.extend(meta_segments)
        hidden.extend(meta_hidden)
        files, file_hidden = _attachments(pdf, path, ctx)
        embedded.extend(files)
        hidden.extend(file_hidden)
        hidden.extend(_actions(pdf, data))
        embedded.extend(_images(pdf, path, ctx))
        history_segments, history_hidden = read_history(data, pdf, lines, {m.value for m in metadata}, ctx)
        segments.extend(history_segments)
        hidden.extend(history_hidden)
        ocr_segments, notes = ocr_scanned_pages(pdf, scans, ctx)
        segments.extend(ocr_segments)
        hidden.extend(raster_redaction_failures(pdf, ocr_layers, segments, ctx))
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


# --- page text -------------------------------------------------------------------------------


def read_page(page: pymupdf.Page, page_no: int) -> _PageText:
    """Segments (one per run of same-kind characters in a line) and hidden items of one page."""
    covers = find_covers(page)
    out = _PageText()
    kind = "rawdict" if covers else "dict"  # characters with boxes only where a box may cover some
    data = page.get_text(kind, flags=TEXT_FLAGS, clip=pymupdf.INFINITE_RECT())
    classifier = _Classifier(page, covers)
    part = f"page {page_no}"
    offset = 0
    covered_text: dict[int, list[str]] = {}
    previous_hidden: tuple[str, int] | None = None  # (kind, index in out.hidden) for merging lines
    for block in data["blocks"]:
        if block.get("type", 0) != 0:
            continue
        for line in block["lines"]:
            runs = _line_runs(line, classifier)
            if not runs:
                continue
            visible: list[str] = []
            for run in runs:
                layer = _LAYER[run.kind]
                bbox = run.bbox
                out.segments.append(Segment(run.text, layer, Location(page=page_no, start=offset,
                                                                      end=offset + len(run.text), part=part,
                                                                      bbox=bbox)))
                offset += len(run.text)
                if run.kind == COVERED:
                    covered_text.setdefault(run.cover, []).append(run.text)
                    continue
                visible.append(run.text)
                if run.kind in (BODY, OCR):
                    out.visible_chars += len("".join(run.text.split()))
                    out.ocr_layer = out.ocr_layer or run.kind == OCR
                if run.kind in _HIDDEN_DESCRIPTION and run.text.strip():
                    if previous_hidden and previous_hidden[0] == run.kind:
                        index = previous_hidden[1]
                        item = out.hidden[index]
                        out.hidden[index] = HiddenItem(item.category, item.description, f"{item.value} {run.text}",
                                                       Location(page=page_no, part=part,
                                                                bbox=_union(item.location.bbox, bbox)))
                    else:
                        out.hidden.append(HiddenItem("hidden_text", f"{_HIDDEN_DESCRIPTION[run.kind]} (page {page_no})",
                                                     run.text, Location(page=page_no, part=part, bbox=bbox)))
                        previous_hidden = (run.kind, len(out.hidden) - 1)
                elif run.text.strip():
                    previous_hidden = None
            offset += 1  # the newline that joins lines in the page's text stream
            key = _norm("".join(visible))
            if key:
                out.lines.add(key)
    for index, texts in sorted(covered_text.items()):
        cover = covers[index]
        value = " ".join(t.strip() for t in texts if t.strip())
        if value:
            out.hidden.append(HiddenItem(
                "redaction_failure",
                f"text under a {cover.source} on page {page_no} is still in the file (select or copy reveals it)",
                value, Location(page=page_no, part=part, bbox=_bbox(cover.rect))))
    if covers:
        out.hidden.extend(_covered_images(page, page_no, covers))
    out.chars = offset
    return out


def find_covers(page: pymupdf.Page) -> list[Cover]:
    """Opaque filled rectangles drawn on the page and redaction-looking annotations."""
    covers: list[Cover] = []
    for drawing in page.get_drawings():
        fill = drawing.get("fill")
        if fill is None or (drawing.get("fill_opacity") or 1.0) < 0.95:
            continue
        for item in drawing["items"]:
            if item[0] == "re":
                rect = pymupdf.Rect(item[1])
            elif item[0] == "qu":
                rect = pymupdf.Quad(item[1]).rect
            else:
                continue
            if rect.width >= MIN_COVER_SIDE and rect.height >= MIN_COVER_SIDE:
                covers.append(Cover(rect, int(drawing.get("seqno", 0)), tuple(fill), "drawn box"))
    for annot in page.annots() or ():
        kind = annot.type[0]
        fill = (annot.colors or {}).get("fill") or ()
        if kind == pymupdf.PDF_ANNOT_REDACT:
            covers.append(Cover(annot.rect, 1 << 30, tuple(fill) or (0.0, 0.0, 0.0),
                                "redaction annotation that was never applied", always=True))
        elif kind == pymupdf.PDF_ANNOT_SQUARE and fill and (annot.opacity < 0 or annot.opacity >= 0.95):
            covers.append(Cover(annot.rect, 1 << 30, tuple(fill), "filled box annotation"))
    return covers


class _Classifier:
    """Decides what kind of text a span or a character is on one page."""

    def __init__(self, page: pymupdf.Page, covers: list[Cover]) -> None:
        self.page = page
        self.covers = covers
        # Text and drawings come in unrotated page coordinates; `page.rect` is the rotated view.
        self.area = pymupdf.Rect(page.rect * page.derotation_matrix).normalize()
        self.visible = _bbox(grow(self.area, 1, 1))
        self._trace: list[tuple[pymupdf.Rect, int]] | None = None
        self._full_image: bool | None = None
        self._backgrounds: list[tuple[pymupdf.Rect, bool]] | None = None

    def span_kind(self, span: dict[str, Any]) -> str:
        bbox: BBox = span["bbox"]
        if span.get("alpha", 255) == 0:
            return OCR if self._over_full_image() else INVISIBLE
        if span["size"] < TINY_FONT_PT:
            return TINY
        x0, y0, x1, y1 = self.visible
        if bbox[2] < x0 or bbox[0] > x1 or bbox[3] < y0 or bbox[1] > y1:
            return OFFPAGE
        if _is_white(span["color"]) and not self._on_background(bbox):
            return WHITE
        return BODY

    def covering(self, bbox: BBox, colour: int) -> int:
        """Index of the cover hiding a character with this box, or -1."""
        centre = pymupdf.Point((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
        for index, cover in enumerate(self.covers):
            if not cover.rect.contains(centre):
                continue
            if cover.always or _same_colour(cover.fill, colour):
                return index
            seqno = self._text_seqno(centre)
            # Unknown order (the trace missed the character): trust colour only, as above.
            if seqno is not None and seqno < cover.seqno:
                return index
        return -1

    def _text_seqno(self, point: pymupdf.Point) -> int | None:
        if self._trace is None:
            self._trace = [(grow(pymupdf.Rect(t["bbox"]), 0.5, 2), int(t["seqno"]))
                           for t in self.page.get_texttrace()]
        for rect, seqno in self._trace:
            if rect.contains(point):
                return seqno
        return None

    def _over_full_image(self) -> bool:
        if self._full_image is None:
            area = abs(self.area)
            self._full_image = any(abs(pymupdf.Rect(info["bbox"]) & self.area) >= 0.8 * area
                                   for info in self.page.get_image_info())
        return self._full_image

    def _on_background(self, bbox: BBox) -> bool:
        """White text is readable on a dark box or a picture."""
        if self._backgrounds is None:
            self._backgrounds = [(pymupdf.Rect(d["rect"]), True) for d in self.page.get_drawings()
                                 if d.get("fill") is not None and not _is_white_rgb(d["fill"])]
            self._backgrounds += [(pymupdf.Rect(i["bbox"]), True) for i in self.page.get_image_info()]
        centre = pymupdf.Point((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
        return any(rect.contains(centre) for rect, _ in self._backgrounds)


def _line_runs(line: dict[str, Any], classifier: _Classifier) -> list[_Run]:
    runs: list[_Run] = []
    for span in line["spans"]:
        kind = classifier.span_kind(span)
        if "chars" in span:
            pieces = _char_pieces(span, kind, classifier)
        else:
            pieces = [_Run(span["text"], kind, tuple(span["bbox"]))]
        for piece in pieces:
            if not piece.text:
                continue
            last = runs[-1] if runs else None
            # Spaces take their neighbour's kind so a hidden phrase stays one run.
            if (last and (last.kind, last.cover) == (piece.kind, piece.cover)) or (last and not piece.text.strip()):
                last.text += piece.text
                last.bbox = _union(last.bbox, piece.bbox)
            else:
                runs.append(piece)
    return runs


def _char_pieces(span: dict[str, Any], kind: str, classifier: _Classifier) -> list[_Run]:
    pieces: list[_Run] = []
    for char in span["chars"]:
        rect: BBox = char["bbox"]
        cover = classifier.covering(rect, span["color"]) if kind in (BODY, WHITE, OCR) else -1
        char_kind = COVERED if cover >= 0 else kind
        if pieces and pieces[-1].kind == char_kind and pieces[-1].cover == cover:
            pieces[-1].text += char["c"]
            pieces[-1].bbox = _union(pieces[-1].bbox, rect)
        else:
            pieces.append(_Run(char["c"], char_kind, rect, cover))
    return pieces


def _covered_images(page: pymupdf.Page, page_no: int, covers: list[Cover]) -> list[HiddenItem]:
    items = []
    for info in page.get_image_info():
        box = pymupdf.Rect(info["bbox"])
        for cover in covers:
            overlap = box & cover.rect
            if overlap.is_empty or abs(overlap) < 0.5 * abs(cover.rect):
                continue
            items.append(HiddenItem(
                "redaction_failure",
                f"image under a {cover.source} on page {page_no}: its pixels are still in the file",
                "", Location(page=page_no, part=f"page {page_no}", bbox=_bbox(overlap))))
    return items


# --- scanned pages: OCR and blacked-out words still in the OCR layer ------------------------------


def ocr_scanned_pages(pdf: pymupdf.Document, pages: list[int], ctx: ExtractContext) -> tuple[list[Segment], list[str]]:
    """OCR segments (layer `ocr`, boxes in points) for pages that are images, and notes for pages
    a human must check (OCR off, unavailable, or unsure)."""
    if not pages:
        return [], []
    numbers = ", ".join(str(p + 1) for p in pages[:10]) + (" ..." if len(pages) > 10 else "")
    if ctx.ocr == "never":
        return [], [f"page(s) {numbers}: scanned image without a text layer, not read (OCR is off); check by hand"]
    try:
        from .ocr.pdf import ocr_pdf_pages

        results = ocr_pdf_pages([pdf.load_page(p) for p in pages], ctx)
    except LimitExceeded:
        raise
    except (ImportError, ExtractionError) as exc:
        return [], [f"page(s) {numbers}: scanned image without a text layer, OCR unavailable ({exc}); check by hand"]
    segments: list[Segment] = []
    notes: list[str] = []
    for result in results:
        result = replace(result, part=f"page {result.page} ocr")
        segments.extend(result.segments)
        note = result.note()
        if note:
            notes.append(note)
    return segments, notes


def raster_redaction_failures(pdf: pymupdf.Document, pages: list[int], segments: list[Segment],
                              ctx: ExtractContext) -> list[HiddenItem]:
    """Words of an OCR layer that sit on solid black in the page image: blacked out in the scan,
    still in the text. Their text moves from the body to the under_redaction layer."""
    if not pages:
        return []
    try:
        from .ocr.pdf import find_raster_redaction_failures
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


# --- annotations, attachments, actions, images ----------------------------------------------


def _annotations(page: pymupdf.Page, page_no: int, path: str, ctx: ExtractContext, shown: set[str]
                 ) -> tuple[list[Segment], list[HiddenItem], list[Document]]:
    segments: list[Segment] = []
    hidden: list[HiddenItem] = []
    files: list[Document] = []
    part = f"page {page_no} annotations"
    offset = 0
    for annot in page.annots() or ():
        kind, name = annot.type[0], annot.type[1]
        if kind in _ANNOT_SKIP:
            continue
        info = annot.info
        content = (info.get("content") or "").strip()
        author = (info.get("title") or "").strip()
        bbox = _bbox(annot.rect)
        for text, label in ((content, "annotation"), (author, "annotation author"), (
                (info.get("subject") or "").strip(), "annotation subject")):
            if text:
                segments.append(Segment(text, Layer.COMMENT, Location(page=page_no, start=offset,
                                                                      end=offset + len(text), part=part, bbox=bbox),
                                        field=label))
                offset += len(text) + 1
        if kind == pymupdf.PDF_ANNOT_FILE_ATTACHMENT:
            file_info = annot.file_info
            fname = file_info.get("filename") or "attachment"
            description = f"file '{fname}' attached to a note on page {page_no}"
            files.extend(_read_embedded(annot.get_file(), f"{path}!{fname}", ctx))
            hidden.append(HiddenItem("embedded", description, fname, Location(page=page_no, part=part, bbox=bbox)))
        elif content or author:
            by = f" by {author}" if author else ""
            hidden.append(HiddenItem("comment", f"{name} annotation{by} on page {page_no}", content or author,
                                     Location(page=page_no, part=part, bbox=bbox)))
    for widget in page.widgets() or ():
        value = widget.field_value
        if (isinstance(value, str) and value.strip() and widget.field_type_string in ("Text", "ComboBox", "ListBox")
                and _norm(value) not in shown):  # most fields' appearance is already in the page text
            text = value.strip()
            segments.append(Segment(text, Layer.BODY, Location(
                page=page_no, start=0, end=len(text), part=f"page {page_no} form field {widget.field_name}",
                bbox=_bbox(widget.rect)), field=widget.field_name))
    return segments, hidden, files


def _attachments(pdf: pymupdf.Document, path: str, ctx: ExtractContext) -> tuple[list[Document], list[HiddenItem]]:
    files: list[Document] = []
    hidden: list[HiddenItem] = []
    names = pdf.embfile_names()
    for name in names[:MAX_ATTACHMENTS]:
        ctx.check_time()
        info = pdf.embfile_info(name)
        fname = info.get("ufilename") or info.get("filename") or name
        size = info.get("size", -1)
        hidden.append(HiddenItem("embedded", f"attached file '{fname}' ({size} bytes)", fname,
                                 Location(part="attachments", pointer=name)))
        if 0 <= size <= ctx.limits.max_file_bytes:
            files.extend(_read_embedded(pdf.embfile_get(name), f"{path}!{fname}", ctx))
    if len(names) > MAX_ATTACHMENTS:
        hidden.append(HiddenItem("embedded", f"{len(names) - MAX_ATTACHMENTS} more attached files not read",
                                 "", Location(part="attachments")))
    return files, hidden


def _read_embedded(data: bytes, path: str, ctx: ExtractContext) -> list[Document]:
    from .dispatch import extract_bytes  # the dispatcher reads attachments with this registry

    try:
        return [extract_bytes(data, path, ctx.child())]
    except LimitExceeded as exc:
        return [Document(path=path, media_type="", sha256=sha256_bytes(data), status="error",
                         error=f"safety limit: {exc}")]
    except Exception as exc:  # noqa: BLE001 - a missing or broken reader must not lose the PDF
        return [Document(path=path, media_type="", sha256=sha256_bytes(data), status="error",
                         error=f"could not read attachment ({type(exc).__name__}: {exc})")]


def _actions(pdf: pymupdf.Document, data: bytes) -> list[HiddenItem]:
    """JavaScript, automatic actions and launch actions: active content a reader never sees."""
    items: list[HiddenItem] = []
    catalog = pdf.pdf_catalog()
    kind, value = pdf.xref_get_key(catalog, "OpenAction")
    if kind != "null":
        target = _object_text(pdf, kind, value)
        what = "runs JavaScript" if "/JavaScript" in target else "performs an action"
        items.append(HiddenItem("embedded", f"document {what} when opened (OpenAction)", target[:200],
                                Location(part="catalog")))
    if pdf.xref_get_key(catalog, "AA")[0] != "null":
        items.append(HiddenItem("embedded", "document-level automatic actions (AA)", "", Location(part="catalog")))
    if pdf.xref_get_key(catalog, "Names/JavaScript")[0] != "null":
        items.append(HiddenItem("embedded", "document-level JavaScript (Names/JavaScript)", "",
                                Location(part="catalog")))
    # Object streams hide keys from a byte search, so only a clean miss skips the object walk.
    if not any(marker in data for marker in (b"/JS", b"/JavaScript", b"/Launch", b"/ObjStm")):
        return items
    scripts = launches = 0
    for xref in range(1, pdf.xref_length()):
        action = pdf.xref_get_key(xref, "S")[1]
        if action == "/JavaScript" or pdf.xref_get_key(xref, "JS")[0] != "null":
            scripts += 1
        elif action == "/Launch":
            launches += 1
    if scripts:
        items.append(HiddenItem("embedded", f"{scripts} JavaScript action(s) in the file", "",
                                Location(part="objects")))
    if launches:
        items.append(HiddenItem("embedded", f"{launches} action(s) that launch programs or files", "",
                                Location(part="objects"), Severity.HIGH))
    return items


def _object_text(pdf: pymupdf.Document, kind: str, value: str) -> str:
    if kind == "xref":
        try:
            return str(pdf.xref_object(int(value.split()[0]), compressed=True))
        except Exception:  # noqa: BLE001 - a dangling reference is just reported as such
            return value
    return value


def _images(pdf: pymupdf.Document, path: str, ctx: ExtractContext) -> list[Document]:
    """Original JPEG images that carry their own metadata (EXIF, GPS, XMP): the image reader
    reports what is in them. Re-encoded images (PNG, Flate) carry none, so they are skipped."""
    out: list[Document] = []
    seen: set[int] = set()
    for pno in range(pdf.page_count):
        for entry in pdf.get_page_images(pno, full=True):
            xref, filt = entry[0], entry[8]
            if xref in seen or filt != "DCTDecode":
                continue
            seen.add(xref)
            if len(out) >= MAX_IMAGES:
                return out
            ctx.check_time()
            try:
                raw = pdf.xref_stream_raw(xref)
            except Exception:  # noqa: BLE001 - a broken image stream is not the PDF's fault to report
                continue
            if raw and len(raw) <= MAX_IMAGE_BYTES and jpeg_has_metadata(raw):
                out.extend(_read_embedded(raw, f"{path}!page{pno + 1}-image{xref}.jpg", ctx))
    return out


def jpeg_has_metadata(data: bytes) -> bool:
    """True if a JPEG has APP1 (EXIF/XMP), APP13 (IPTC) or comment segments before its image data."""
    if not data.startswith(b"\xff\xd8"):
        return False
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker in (0xE1, 0xED, 0xFE):
            return True
        if marker == 0xDA:  # start of scan: no more metadata segments
            return False
        pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    return False


# --- metadata ---------------------------------------------------------------------------------


def read_metadata(pdf: pymupdf.Document) -> tuple[list[MetadataField], list[Segment], list[HiddenItem]]:
    """Info dictionary (standard and custom keys) and XMP packet."""
    fields: list[MetadataField] = []
    hidden: list[HiddenItem] = []
    for key, value in info_items(pdf):
        fields.append(MetadataField(key, value, "Info"))
        if key not in _STANDARD_INFO:
            hidden.append(HiddenItem("metadata", f"custom document property '{key}'", value, Location(part="Info",
                                                                                                       pointer=key)))
        elif key in _REVEALING_INFO:
            hidden.append(HiddenItem("metadata", f"document property {key}", value,
                                     Location(part="Info", pointer=key), _REVEALING_INFO[key]))
        elif _PATH_RE.search(value):
            hidden.append(HiddenItem("metadata", f"internal file path in document property {key}", value,
                                     Location(part="Info", pointer=key), Severity.MEDIUM))
    xmp = pdf.get_xml_metadata() or ""
    if xmp.strip():
        xmp_fields = xmp_items(xmp)
        fields.extend(MetadataField(k, v, "XMP") for k, v in xmp_fields)
        hidden.extend(_xmp_hidden(xmp_fields))
    segments: list[Segment] = []
    offsets = {"Info": 0, "XMP": 0}
    for f in fields:
        part = f.part or "Info"
        start = offsets[part]
        segments.append(Segment(f.value, Layer.METADATA, Location(start=start, end=start + len(f.value), part=part,
                                                                  pointer=f.key), field=f.key))
        offsets[part] = start + len(f.value) + 1
    return fields, segments, hidden


def info_items(pdf: pymupdf.Document) -> list[tuple[str, str]]:
    """Every text value of the Info dictionary, custom keys included (`pdf.metadata` drops those)."""
    kind, ref = pdf.xref_get_key(-1, "Info")
    if kind != "xref":
        return []
    xref = int(ref.split()[0])
    out = []
    for key in pdf.xref_get_keys(xref):
        kind, value = pdf.xref_get_key(xref, key)
        if kind in ("string", "name", "int", "float") and value.strip():
            out.append((key, value.strip().lstrip("/") if kind == "name" else value.strip()))
    return out


def xmp_items(xmp: str) -> list[tuple[str, str]]:
    """Leaf values of an XMP packet as (path, value); history events become one line each."""
    try:
        root = SafeET.fromstring(xmp.strip().encode("utf-8"))
    except Exception:  # noqa: BLE001 - broken XMP is reported as such, not fatal
        return [("XMP", "unreadable XMP packet")]
    out: list[tuple[str, str]] = []
    _walk_xmp(root, [], out)
    return out


def _qname(tag: str) -> str:
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        prefix = _XMP_PREFIX.get(uri)
        return f"{prefix}:{local}" if prefix else local
    return tag


def _walk_xmp(element: Any, trail: list[str], out: list[tuple[str, str]]) -> None:
    name = _qname(element.tag)
    is_container = name.startswith("rdf:") or name.startswith("x:")
    here = trail if is_container else [*trail, name]
    if name == "rdf:li" and trail and trail[-1] == "xmpMM:History":
        event = [f"{_qname(k).split(':')[-1]}={v}" for k, v in element.attrib.items()]
        event += [f"{_qname(c.tag).split(':')[-1]}={(c.text or '').strip()}" for c in element if (c.text or "").strip()]
        for desc in element:  # <rdf:li rdf:parseType="Resource"> or nested rdf:Description
            event += [f"{_qname(k).split(':')[-1]}={v}" for k, v in desc.attrib.items()]
        if event:
            out.append(("xmpMM:History", "; ".join(event)))
        return
    for key, value in element.attrib.items():
        qkey = _qname(key)
        if not qkey.startswith(("rdf:", "x:", "xml")) and value.strip():
            out.append(("/".join([*here, qkey]), value.strip()))
    text = (element.text or "").strip()
    if text and len(element) == 0 and here:
        out.append(("/".join(here), text))
    for child in element:
        _walk_xmp(child, here, out)


def _xmp_hidden(fields: list[tuple[str, str]]) -> list[HiddenItem]:
    hidden: list[HiddenItem] = []
    history = [v for k, v in fields if k == "xmpMM:History"]
    if history:
        joined = " | ".join(history)
        if len(joined) > MAX_HISTORY_VALUE:
            joined = joined[:MAX_HISTORY_VALUE] + "…"
        hidden.append(HiddenItem("metadata", f"editing history in XMP metadata ({len(history)} events)",
                                 joined, Location(part="XMP", pointer="xmpMM:History"), Severity.MEDIUM))
    for key, value in fields:
        leaf = key.rsplit("/", 1)[-1]
        location = Location(part="XMP", pointer=key)
        if key == "xmpMM:History":
            continue
        if _PATH_RE.search(value):
            hidden.append(HiddenItem("metadata", f"internal file path in XMP {leaf}", value, location, Severity.MEDIUM))
        elif any(leaf.startswith(p) or key.startswith(p) for p in _XMP_REVEALING):
            hidden.append(HiddenItem("metadata", f"XMP {leaf}", value, location))
        elif leaf in _XMP_IDS:
            hidden.append(HiddenItem("metadata", f"XMP {leaf} (links this file to its source and other versions)",
                                     value, location, Severity.LOW))
    return hidden


# --- incremental-save history -----------------------------------------------------------------


def revision_ends(data: bytes) -> list[int]:
    """Byte offsets just after each %%EOF marker: where each saved revision of the file ends."""
    return [m.end() for m in re.finditer(rb"%%EOF", data)]


def read_history(data: bytes, latest: pymupdf.Document, latest_lines: set[str], latest_meta: set[str],
                 ctx: ExtractContext) -> tuple[list[Segment], list[HiddenItem]]:
    """Open each earlier revision (the file cut after an earlier %%EOF) and report what it shows
    that the current version no longer shows."""
    ends = revision_ends(data)
    if len(ends) < 2:
        return [], []
    total = len(ends)
    earlier = ends[:-1]
    if data[ends[-1]:].strip() and len(data) - ends[-1] > 1024:
        # Bytes after the last marker are an unfinished save; the last marker still ends a revision.
        earlier, total = ends, total + 1
    segments: list[Segment] = []
    hidden: list[HiddenItem] = []
    for number, end in list(enumerate(earlier, start=1))[-MAX_REVISIONS:]:
        ctx.check_time()
        try:
            old = pymupdf.open(stream=data[:end], filetype="pdf")
        except Exception:  # noqa: BLE001 - a prefix that is not a whole PDF (linearised files)
            continue
        try:
            if old.needs_pass or old.page_count == 0 or (old.is_repaired and not latest.is_repaired):
                continue
            found = list(_revision_diff(old, number, latest_lines, latest_meta, ctx))
        finally:
            old.close()
        segments.extend(found)
        part = f"revision {number}"
        if found:
            removed = " / ".join(s.text for s in found)
            if len(removed) > MAX_HISTORY_VALUE:
                removed = removed[:MAX_HISTORY_VALUE] + "…"
            hidden.append(HiddenItem(
                "pdf_history",
                f"earlier revision {number} of {total} is still in the file (incremental save): "
                f"{len(found)} line(s) it shows are gone from the current version",
                removed, Location(page=found[0].location.page, part=part)))
        else:
            hidden.append(HiddenItem(
                "pdf_history", f"earlier revision {number} of {total} is still in the file (incremental save)",
                "", Location(part=part), Severity.LOW))
    return segments, hidden


def _revision_diff(old: pymupdf.Document, number: int, latest_lines: set[str], latest_meta: set[str],
                   ctx: ExtractContext) -> Iterator[Segment]:
    seen: set[str] = set()
    for pno in range(old.page_count):
        ctx.check_time()
        text = old.load_page(pno).get_text("text", flags=TEXT_FLAGS, clip=pymupdf.INFINITE_RECT())
        part = f"revision {number} page {pno + 1}"
        offset = 0
        for line in text.splitlines():
            key = _norm(line)
            if key and key not in latest_lines and key not in seen:
                seen.add(key)
                yield Segment(line, Layer.HISTORY, Location(page=pno + 1, start=offset, end=offset + len(line),
                                                            part=part))
            offset += len(line) + 1
    offset = 0
    for key, value in info_items(old):
        if value not in latest_meta:
            yield Segment(value, Layer.HISTORY, Location(start=offset, end=offset + len(value),
                                                         part=f"revision {number} Info", pointer=key), field=key)
            offset += len(value) + 1


# --- small helpers ----------------------------------------------------------------------------


def grow(rect: pymupdf.Rect, dx: float, dy: float) -> pymupdf.Rect:
    """`rect` widened by `dx` left and right and `dy` above and below."""
    return pymupdf.Rect(rect.x0 - dx, rect.y0 - dy, rect.x1 + dx, rect.y1 + dy)


def _norm(text: str) -> str:
    return "".join(text.split())


def _bbox(rect: pymupdf.Rect) -> BBox:
    return (float(rect.x0), float(rect.y0), float(rect.x1), float(rect.y1))


def _union(a: BBox | None, b: BBox) -> BBox:
    if a is None:
        return b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _rgb(colour: int) -> tuple[float, float, float]:
    return ((colour >> 16 & 255) / 255, (colour >> 8 & 255) / 255, (colour & 255) / 255)


def _is_white(colour: int) -> bool:
    return all(c >= WHITE_MIN for c in _rgb(colour))


def _is_white_rgb(fill: tuple[float, ...]) -> bool:
    if len(fill) == 1:  # grey
        return fill[0] >= WHITE_MIN
    if len(fill) == 4:  # CMYK: white is no ink
        return all(c <= 1 - WHITE_MIN for c in fill)
    return all(c >= WHITE_MIN for c in fill)


def _same_colour(fill: tuple[float, ...], colour: int) -> bool:
    """A dark box over text of (nearly) its own colour hides it whatever the drawing order."""
    if len(fill) == 1:
        fill = (fill[0],) * 3
    elif len(fill) == 4:
        c, m, y, k = fill
        fill = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    if _is_white_rgb(fill):
        return False  # white on white is hidden text, reported as such, not a redaction
    return all(abs(a - b) < 0.1 for a, b in zip(fill, _rgb(colour), strict=False))
