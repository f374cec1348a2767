"""Objects a reader does not see on the page: annotations (comments), attached files,
JavaScript and automatic actions, page thumbnails, application private data, and JPEG images
that carry their own metadata."""

from __future__ import annotations

import pymupdf

from ...errors import LimitExceeded
from ...model import Document, HiddenItem, Layer, Location, Segment, Severity, sha256_bytes
from ..base import ExtractContext
from .common import ATTACHMENTS, norm, to_bbox

MAX_ATTACHMENTS = 100
MAX_IMAGES = 50
MAX_IMAGE_BYTES = 32 * 1024 * 1024
_ANNOT_SKIP = {pymupdf.PDF_ANNOT_POPUP, pymupdf.PDF_ANNOT_REDACT, pymupdf.PDF_ANNOT_WIDGET,
               pymupdf.PDF_ANNOT_LINK}


def read_annotations(page: pymupdf.Page, page_no: int, path: str, ctx: ExtractContext, shown: set[str]
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
        bbox = to_bbox(annot.rect)
        for text, label in ((content, "annotation"), (author, "annotation author"), (
                (info.get("subject") or "").strip(), "annotation subject")):
            if text and label == "annotation" and kind == pymupdf.PDF_ANNOT_FREE_TEXT and norm(text) in shown:
                continue  # a text box shows its text on the page: it is already a body line
            if text:
                segments.append(Segment(text, Layer.COMMENT, Location(page=page_no, start=offset,
                                                                      end=offset + len(text), part=part, bbox=bbox),
                                        field=label))
                offset += len(text) + 1
        if kind == pymupdf.PDF_ANNOT_FILE_ATTACHMENT:
            file_info = annot.file_info
            fname = file_info.get("filename") or "attachment"
            description = f"file '{fname}' attached to a note on page {page_no}"
            files.extend(read_embedded(annot.get_file(), f"{path}!{fname}", ctx))
            hidden.append(HiddenItem("embedded", description, fname, Location(page=page_no, part=ATTACHMENTS,
                                                                              bbox=bbox)))
        elif content or author:
            by = f" by {author}" if author else ""
            hidden.append(HiddenItem("comment", f"{name} annotation{by} on page {page_no}", content or author,
                                     Location(page=page_no, part=part, bbox=bbox)))
    for widget in page.widgets() or ():
        value = widget.field_value
        if (isinstance(value, str) and value.strip() and widget.field_type_string in ("Text", "ComboBox", "ListBox")
                and norm(value) not in shown):  # most fields' appearance is already in the page text
            text = value.strip()
            segments.append(Segment(text, Layer.BODY, Location(
                page=page_no, start=0, end=len(text), part=f"page {page_no} form field {widget.field_name}",
                bbox=to_bbox(widget.rect)), field=widget.field_name))
    return segments, hidden, files


def read_attachments(pdf: pymupdf.Document, path: str, ctx: ExtractContext) -> tuple[list[Document], list[HiddenItem]]:
    files: list[Document] = []
    hidden: list[HiddenItem] = []
    names = pdf.embfile_names()
    for name in names[:MAX_ATTACHMENTS]:
        ctx.check_time()
        info = pdf.embfile_info(name)
        fname = info.get("ufilename") or info.get("filename") or name
        size = info.get("size", -1)
        hidden.append(HiddenItem("embedded", f"attached file '{fname}' ({size} bytes)", fname,
                                 Location(part=ATTACHMENTS, pointer=name)))
        if 0 <= size <= ctx.limits.max_file_bytes:
            files.extend(read_embedded(pdf.embfile_get(name), f"{path}!{fname}", ctx))
    if len(names) > MAX_ATTACHMENTS:
        hidden.append(HiddenItem("embedded", f"{len(names) - MAX_ATTACHMENTS} more attached files not read",
                                 "", Location(part=ATTACHMENTS)))
    return files, hidden


def read_embedded(data: bytes, path: str, ctx: ExtractContext) -> list[Document]:
    from ..dispatch import extract_bytes  # the dispatcher reads attachments with this registry

    try:
        return [extract_bytes(data, path, ctx.child())]
    except LimitExceeded as exc:
        return [Document(path=path, media_type="", sha256=sha256_bytes(data), status="error",
                         error=f"safety limit: {exc}")]
    except Exception as exc:  # noqa: BLE001 - a missing or broken reader must not lose the PDF
        return [Document(path=path, media_type="", sha256=sha256_bytes(data), status="error",
                         error=f"could not read attachment ({type(exc).__name__}: {exc})")]


def find_actions(pdf: pymupdf.Document, data: bytes) -> list[HiddenItem]:
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


def find_private_data(pdf: pymupdf.Document) -> list[HiddenItem]:
    """Page thumbnails (they can show a page before it was redacted) and application private data
    (PieceInfo: Illustrator, for one, keeps its whole editable file there)."""
    thumbs = [p + 1 for p in range(pdf.page_count) if pdf.xref_get_key(pdf.page_xref(p), "Thumb")[0] != "null"]
    pieces = [p + 1 for p in range(pdf.page_count) if pdf.xref_get_key(pdf.page_xref(p), "PieceInfo")[0] != "null"]
    items = []
    if thumbs:
        items.append(HiddenItem("embedded", f"stored page thumbnails on {len(thumbs)} page(s): they can show an "
                                "earlier state of the page", "", Location(page=thumbs[0], part="thumbnails"),
                                Severity.LOW))
    if pieces or pdf.xref_get_key(pdf.pdf_catalog(), "PieceInfo")[0] != "null":
        items.append(HiddenItem("embedded", "application private data (PieceInfo) can hold the editable source "
                                "file", "", Location(page=pieces[0] if pieces else None, part="PieceInfo")))
    return items


def _object_text(pdf: pymupdf.Document, kind: str, value: str) -> str:
    if kind == "xref":
        try:
            return str(pdf.xref_object(int(value.split()[0]), compressed=True))
        except Exception:  # noqa: BLE001 - a dangling reference is just reported as such
            return value
    return value


def read_images(pdf: pymupdf.Document, path: str, ctx: ExtractContext) -> list[Document]:
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
                out.extend(read_embedded(raw, f"{path}!page{pno + 1}-image{xref}.jpg", ctx))
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
