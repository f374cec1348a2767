"""PDF sanitiser: true redaction, not boxes.

Text to redact is found again at its page and box (MuPDF's search inside the line's box, else the
line's characters, gives the exact sub-box of the value; OCR findings use the OCR character boxes)
and removed with redaction annotations that are then applied: the characters leave the content
stream and image pixels under them are blanked. Text that an earlier author only covered with a
drawn box or a pasted picture is removed the same way (the box stays, so the page looks the same).
Form fields holding a value are deleted. Hidden text (white, tiny, off-page, invisible, in layers
switched off), comments, attachments and image metadata go as the settings say; JavaScript,
automatic and launch actions, page thumbnails and application private data always go. The file is
written anew with garbage collection, so no earlier incremental revision survives, and the output
is re-opened and checked before it is returned.
"""

from __future__ import annotations

import bisect
from typing import Any

import pymupdf

from ..errors import ExtractionError
from ..extract.pdf import ATTACHMENTS, CJK_COMPAT, TEXT_FLAGS, grow, open_pdf, revision_ends
from ..model import Document, Finding, Layer, Location
from ..policy.schema import SanitizeSettings
from .base import Action, SanitizeError, Sanitizer, SanitizeResult

# Layers whose text sits on a page (and can be redacted there).
_PAGE_LAYERS = {Layer.BODY, Layer.HEADER, Layer.FOOTER, Layer.TABLE, Layer.HIDDEN_TEXT, Layer.UNDER_REDACTION,
                Layer.OCR}
_FORM_FIELD = " form field "  # the extractor names a field's part "page N form field NAME"
_PAD = 1.0  # points around a line box when searching for a value inside it
_MAX_GLYPH = 200.0  # points: no glyph is taller, so a band lookup may start this far above


class PdfSanitizer(Sanitizer):
    """Sanitises PDFs from the Document the PDF extractor made of them (pages, boxes, hidden items)."""

    suffixes = (".pdf",)

    def plan(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> list[Action]:
        actions: list[Action] = []
        for finding in redact:
            loc = finding.location
            if finding.layer in _PAGE_LAYERS and loc.page and loc.bbox:
                actions.append(Action("redact_text", f"remove {finding.category} from page {loc.page}", loc,
                                      finding.category))
        for item in doc.hidden:
            if item.category == "redaction_failure":
                actions.append(Action("redact_region", f"delete what lies under the box: {item.description}",
                                      item.location, item.category))
        forced = {f.layer for f in redact}
        if settings.remove_hidden:
            for item in doc.hidden:
                if item.category == "hidden_text":
                    actions.append(Action("remove_hidden_text", f"remove {item.description}", item.location,
                                          item.category))
        if settings.remove_comments and any(item.category == "comment" for item in doc.hidden):
            actions.append(Action("remove_comments", "remove all annotations (comments, notes, markup)",
                                  category="comment"))
        elif Layer.COMMENT in forced:
            # Comments are kept, except those holding a value that must go.
            for finding in redact:
                if finding.layer == Layer.COMMENT and finding.location.page and finding.location.bbox:
                    actions.append(Action("remove_comment", f"remove the annotation holding {finding.category} "
                                          f"on page {finding.location.page}", finding.location, finding.category))
        embedded = [i for i in doc.hidden if i.category == "embedded"]
        if any(i.location.part == ATTACHMENTS for i in embedded) and (
                settings.remove_embedded or Layer.EMBEDDED in forced):
            actions.append(Action("remove_attachments", "remove attached files", category="embedded"))
        if any(i.location.part != ATTACHMENTS for i in embedded):
            actions.append(Action("remove_active_content", "remove JavaScript, automatic and launch actions, page "
                                  "thumbnails and application private data", category="embedded"))
        if settings.remove_metadata and (doc.metadata or any(e.hidden for e in doc.embedded)):
            actions.append(Action("remove_metadata", "remove document properties (Info, custom keys), XMP and "
                                  "image metadata", category="metadata"))
        elif Layer.METADATA in forced:
            for finding in redact:
                loc = finding.location
                if finding.layer == Layer.METADATA and loc.part in ("Info", "XMP"):
                    what = f"property {loc.pointer}" if loc.part == "Info" else "XMP packet"
                    actions.append(Action("remove_metadata_field", f"remove {what} (holds {finding.category})", loc,
                                          finding.category))
                elif finding.layer == Layer.METADATA and loc.part:  # inside an image on a page ("page1-image7.jpg:")
                    actions.append(Action("remove_image_metadata", f"remove metadata of images (holds "
                                          f"{finding.category})", loc, finding.category))
        if len(revision_ends(data)) > 1:
            actions.append(Action("flatten_history", "rewrite the file without its earlier revisions",
                                  category="pdf_history"))
        return actions

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        actions = self.plan(data, doc, redact, settings)
        kinds = {a.kind for a in actions}
        try:
            pdf = open_pdf(data)
        except ExtractionError as exc:
            raise SanitizeError(str(exc)) from None
        try:
            checks = _redact_pages(pdf, doc, redact, kinds)
            if "remove_attachments" in kinds:
                _remove_attachments(pdf)
            _remove_active_content(pdf)
            if "remove_metadata" in kinds:
                _remove_metadata(pdf)
                _strip_image_metadata(pdf)
            else:
                _remove_metadata_fields(pdf, [a.location for a in actions if a.kind == "remove_metadata_field"])
                if "remove_image_metadata" in kinds:
                    _strip_image_metadata(pdf)
            # A full rewrite with garbage collection keeps one revision only; `clean` rewrites page
            # content streams so removed operators do not linger as unused bytes.
            out = pdf.tobytes(garbage=4, deflate=True, clean=True, incremental=False)
        except SanitizeError:
            raise
        except Exception as exc:  # noqa: BLE001 - MuPDF failures on odd files: refuse, write nothing
            raise SanitizeError(f"could not rewrite PDF safely ({type(exc).__name__}: {exc})") from None
        finally:
            pdf.close()
        _verify(out, checks)
        return SanitizeResult(out, tuple(actions))


def _redact_pages(pdf: pymupdf.Document, doc: Document, redact: list[Finding], kinds: set[str]
                  ) -> list[tuple[int, str, pymupdf.Rect]]:
    """Add and apply redactions page by page; return (page, text, box) to verify afterwards."""
    boxes: dict[int, list[tuple[pymupdf.Rect, bool]]] = {}  # page -> (box, keep a black fill)
    ocr_cache: dict[int, Any] = {}
    pages: dict[int, _PageText] = {}
    fields: dict[int, list[tuple[pymupdf.Rect, str, str | None]]] = {}  # page -> (box, value, field name)
    checks: list[tuple[int, str, pymupdf.Rect]] = []
    for finding in redact:
        loc = finding.location
        if finding.layer not in _PAGE_LAYERS or not loc.page or not loc.bbox or loc.page > pdf.page_count:
            continue
        line = grow(pymupdf.Rect(loc.bbox), _PAD, _PAD)
        if loc.page not in pages:
            pages[loc.page] = _PageText(pdf[loc.page - 1])
        page = pages[loc.page].page
        # A value shown in a form field lives in the field, whichever way the finding names it.
        fields.setdefault(loc.page, []).append((line, finding.match, _field_name(loc.part)))
        if _field_name(loc.part):
            continue
        if finding.layer == Layer.OCR:
            # Text read from the page image: the value's own boxes come from the OCR reading.
            hits = _ocr_boxes(page, loc, ocr_cache)
        else:
            hits = pages[loc.page].value_boxes(finding.match, line)
            checks.append((loc.page, finding.match, line))
        for hit in hits or [line]:
            boxes.setdefault(loc.page, []).append((pymupdf.Rect(hit), True))
    for item in doc.hidden:
        if item.category == "redaction_failure" and _on_page(item.location, pdf):
            assert item.location.page is not None and item.location.bbox is not None
            boxes.setdefault(item.location.page, []).append((pymupdf.Rect(item.location.bbox), True))
    for seg in doc.segments:
        loc = seg.location
        if not _on_page(loc, pdf) or not seg.text.strip():
            continue
        assert loc.page is not None and loc.bbox is not None
        if seg.layer == Layer.UNDER_REDACTION or (seg.layer == Layer.HIDDEN_TEXT and "remove_hidden_text" in kinds):
            # Hidden text was never visible: remove it without leaving a mark.
            boxes.setdefault(loc.page, []).append((pymupdf.Rect(loc.bbox), seg.layer == Layer.UNDER_REDACTION))
            checks.append((loc.page, seg.text.strip(), pymupdf.Rect(loc.bbox)))
    remove_annots = "remove_comments" in kinds
    targeted: dict[int, list[pymupdf.Rect]] = {}
    for finding in redact:
        loc = finding.location
        if finding.layer == Layer.COMMENT and loc.page and loc.bbox:
            targeted.setdefault(loc.page, []).append(pymupdf.Rect(loc.bbox))
    for pno in range(pdf.page_count):
        page = pdf[pno]
        for annot in list(page.annots() or ()):
            kind = annot.type[0]
            if (remove_annots or (kind == pymupdf.PDF_ANNOT_FILE_ATTACHMENT and "remove_attachments" in kinds)
                    or any(annot.rect.intersects(r) for r in targeted.get(pno + 1, []))):
                page.delete_annot(annot)
        _remove_fields(page, fields.get(pno + 1, []))
        page_boxes = boxes.get(pno + 1, [])
        for rect, black in page_boxes:
            page.add_redact_annot(rect, fill=(0, 0, 0) if black else False, cross_out=False)
        if page_boxes or any(a.type[0] == pymupdf.PDF_ANNOT_REDACT for a in page.annots() or ()):
            # Keep vector art (the original black boxes stay, so the page looks the same) but
            # blank image pixels under each box.
            page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_PIXELS,
                                  graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
    return checks


class _PageText:
    """One page's text, read once and only when needed (a page can hold hundreds of findings)."""

    def __init__(self, page: pymupdf.Page) -> None:
        self.page = page
        self.textpage = page.get_textpage(clip=pymupdf.INFINITE_RECT(), flags=TEXT_FLAGS | pymupdf.TEXT_DEHYPHENATE)
        self._chars: list[tuple[float, int, str, tuple[float, float, float, float]]] | None = None
        self._tops: list[float] = []

    def text_in(self, area: pymupdf.Rect) -> list[tuple[str, tuple[float, float, float, float]]]:
        """The characters whose box overlaps `area`, in reading order."""
        if self._chars is None:
            raw = self.textpage.extractRAWDICT()
            chars = [(c["c"], tuple(c["bbox"])) for block in raw["blocks"] for ln in block.get("lines", ())
                     for span in ln["spans"] for c in span["chars"]]
            # Indexed by top edge so a lookup reads one band of the page, not every character.
            self._chars = sorted((b[1], index, c, b) for index, (c, b) in enumerate(chars))
            self._tops = [t[0] for t in self._chars]
        x0, y0, x1, y1 = area
        lo = bisect.bisect_left(self._tops, y0 - _MAX_GLYPH)
        hi = bisect.bisect_left(self._tops, y1)
        found = sorted((index, c, b) for _, index, c, b in self._chars[lo:hi]
                       if b[0] < x1 and b[2] > x0 and b[3] > y0)
        return [(c, b) for _, c, b in found]

    def value_boxes(self, value: str, line: pymupdf.Rect) -> list[pymupdf.Rect]:
        """The exact boxes of `value` inside a line: MuPDF's search first, then the line's
        characters (compatibility ideographs folded, as the extractor does). Empty: box the line."""
        if not value.strip():
            return []
        hits = [pymupdf.Rect(h) for h in self.page.search_for(value, clip=line, textpage=self.textpage)]
        if hits:
            return hits
        chars = self.text_in(line)
        start = "".join(c for c, _ in chars).translate(CJK_COMPAT).find(value)
        if start < 0:
            return []
        box = pymupdf.Rect(chars[start][1])
        for _, bbox in chars[start + 1:start + len(value)]:
            box |= pymupdf.Rect(bbox)
        return [box]


def _field_name(part: str | None) -> str | None:
    if part and _FORM_FIELD in part:
        return part.split(_FORM_FIELD, 1)[1]
    return None


def _remove_fields(page: pymupdf.Page, hits: list[tuple[pymupdf.Rect, str, str | None]]) -> None:
    """Delete form fields that hold a value to redact (their text is in the field, not in the page
    content, so a redaction box would not reach it)."""
    if not hits:
        return
    doomed = []
    for widget in page.widgets() or ():
        value = widget.field_value if isinstance(widget.field_value, str) else ""
        for box, match, name in hits:
            if widget.field_name == name or (match and match in value and widget.rect.intersects(box)):
                doomed.append(widget)
                break
    for widget in doomed:
        page.delete_widget(widget)


def _ocr_boxes(page: pymupdf.Page, loc: Location, cache: dict[int, Any]) -> list[pymupdf.Rect]:
    """Boxes of the characters `loc.start:loc.end` of the page's OCR text (an OCR cache hit: the
    extractor read the same pixels). Empty when OCR is unavailable: the caller boxes the line."""
    if loc.start is None or loc.end is None:
        return []
    try:
        if page.number not in cache:
            from ..extract.ocr.pdf import ocr_pdf_page

            cache[page.number] = ocr_pdf_page(page)
        spans = cache[page.number].boxes_for_span(loc.start, loc.end)
    except Exception:  # noqa: BLE001 - no OCR engine here: fall back to the whole line
        return []
    return [grow(pymupdf.Rect(box), _PAD, _PAD) for box in spans]


def _on_page(loc: Location, pdf: pymupdf.Document) -> bool:
    return bool(loc.page and loc.bbox and loc.page <= pdf.page_count)


def _remove_attachments(pdf: pymupdf.Document) -> None:
    for name in pdf.embfile_names():
        pdf.embfile_del(name)
    if pdf.xref_get_key(pdf.pdf_catalog(), "PageMode")[1] == "/UseAttachments":
        pdf.xref_set_key(pdf.pdf_catalog(), "PageMode", "/UseNone")


def _remove_active_content(pdf: pymupdf.Document) -> None:
    """JavaScript, OpenAction, additional actions and launch actions (a published file runs no
    code), page thumbnails and application private data."""
    catalog = pdf.pdf_catalog()
    for pno in range(pdf.page_count):  # thumbnails can show the page as it was before redaction
        for key in ("Thumb", "PieceInfo", "AA"):
            if pdf.xref_get_key(pdf.page_xref(pno), key)[0] != "null":
                pdf.xref_set_key(pdf.page_xref(pno), key, "null")
    for key in ("OpenAction", "AA", "PieceInfo"):
        if pdf.xref_get_key(catalog, key)[0] != "null":
            pdf.xref_set_key(catalog, key, "null")
    if pdf.xref_get_key(catalog, "Names/JavaScript")[0] != "null":
        pdf.xref_set_key(catalog, "Names/JavaScript", "null")
    for xref in range(1, pdf.xref_length()):
        if not pdf.xref_is_stream(xref) and pdf.xref_object(xref, compressed=True) in ("", "null"):
            continue
        action = pdf.xref_get_key(xref, "S")[1]
        if action in ("/JavaScript", "/Launch"):
            pdf.update_object(xref, "<<>>")
            continue
        for key in ("JS", "AA"):
            if pdf.xref_get_key(xref, key)[0] != "null":
                pdf.xref_set_key(xref, key, "null")


def _remove_metadata(pdf: pymupdf.Document) -> None:
    pdf.set_metadata({})
    pdf.del_xml_metadata()
    if pdf.xref_get_key(-1, "Info")[0] != "null":
        pdf.xref_set_key(-1, "Info", "null")  # custom keys survive set_metadata({})
    for xref in range(1, pdf.xref_length()):
        if pdf.xref_get_key(xref, "Type")[1] == "/Metadata":
            pdf.update_object(xref, "<<>>")
            pdf.update_stream(xref, b" ", new=True)
            continue
        for key in ("Metadata", "PieceInfo"):  # XMP on pages and images; application private data
            if pdf.xref_get_key(xref, key)[0] != "null":
                pdf.xref_set_key(xref, key, "null")


def _remove_metadata_fields(pdf: pymupdf.Document, locations: list[Location]) -> None:
    """Only the properties that hold a value to remove (when metadata is otherwise kept)."""
    kind, ref = pdf.xref_get_key(-1, "Info")
    for loc in locations:
        if loc.part == "Info" and loc.pointer and kind == "xref":
            pdf.xref_set_key(int(ref.split()[0]), loc.pointer, "null")
        elif loc.part == "XMP":
            pdf.del_xml_metadata()


def _strip_image_metadata(pdf: pymupdf.Document) -> None:
    """EXIF, XMP and IPTC inside JPEG images (camera, GPS, author) go, losslessly: the segments are
    cut from the stream, the compressed image data is not touched."""
    for xref in range(1, pdf.xref_length()):
        if pdf.xref_get_key(xref, "Subtype")[1] != "/Image" or pdf.xref_get_key(xref, "Filter")[1] != "/DCTDecode":
            continue
        raw = pdf.xref_stream_raw(xref)
        clean = strip_jpeg_metadata(raw)
        if clean != raw:
            pdf.update_stream(xref, clean, compress=0)
            pdf.xref_set_key(xref, "Filter", "/DCTDecode")  # update_stream drops the filter


def strip_jpeg_metadata(data: bytes) -> bytes:
    """The JPEG without APP1-APP15 (except Adobe APP14, which decoding needs) and comment segments."""
    if not data.startswith(b"\xff\xd8"):
        return data
    out = bytearray(data[:2])
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            break
        end = pos + 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
        if not ((0xE1 <= marker <= 0xEF and marker != 0xEE) or marker == 0xFE):
            out += data[pos:end]
        pos = end
    return bytes(out + data[pos:])


def _verify(out: bytes, checks: list[tuple[int, str, pymupdf.Rect]]) -> None:
    """Every removed value must be gone from where it was; otherwise write nothing."""
    pdf = pymupdf.open(stream=out, filetype="pdf")
    try:
        pages: dict[int, _PageText] = {}
        for page_no, text, box in checks:
            if page_no not in pages:
                pages[page_no] = _PageText(pdf[page_no - 1])
            chars = pages[page_no].text_in(grow(box, _PAD, _PAD))
            left = "".join("".join(c for c, _ in chars).translate(CJK_COMPAT).split())
            if "".join(text.split()) and "".join(text.split()) in left:
                raise SanitizeError(f"could not remove text on page {page_no}; nothing was written")
    finally:
        pdf.close()
