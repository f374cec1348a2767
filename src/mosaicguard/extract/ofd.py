"""OFD (GB/T 33190-2016), the Chinese fixed-layout format: a zip of XML.

`OFD.xml` -> DocInfo (author, creator, dates, custom data) as metadata; each `DocRoot`
(`Doc_N/Document.xml`) -> pages (`Pages/Page_N/Content.xml`: TextObject/TextCode with positions),
annotations (`Annots`), attachments (`Attachs`) and media (images, scanned through the dispatcher
so their EXIF is checked). Boxes are in OFD page units (millimetres, top-left origin).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field, replace

from ..errors import ExtractionError
from ..model import BBox, Document, HiddenItem, Layer, Location, MetadataField, Segment, sha256_bytes
from .base import ExtractContext, Extractor
from .ooxml import Element, Extracted, PartText, check_text_budget, finish, local_name, preview
from .zipxml import ZipParts, child, children, descendants, resolve, text_of

_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif", ".jb2", ".webp")
# DocInfo children that name people, organisations or software: reported as hidden metadata.
_REVEALING = {"Author": "author", "Creator": "creating application", "CreatorVersion": "creator version",
              "Title": "title", "Subject": "subject", "Abstract": "abstract", "Keywords": "keywords",
              "DocUsage": "document usage"}


def read_docinfo(parts: ZipParts) -> tuple[list[Element], Element | None]:
    """The DocBody elements of OFD.xml and the first DocInfo (None if absent)."""
    if not parts.has("OFD.xml"):
        raise ExtractionError("not an OFD file (no OFD.xml entry point)")
    root = parts.xml("OFD.xml")
    if local_name(root.tag) != "OFD":
        raise ExtractionError("not an OFD file (OFD.xml has no OFD root element)")
    bodies = list(children(root, "DocBody"))
    info = child(bodies[0], "DocInfo") if bodies else None
    return bodies, info


class OfdExtractor(Extractor):
    media_type = "application/ofd"
    suffixes = (".ofd",)

    def sniff(self, data: bytes) -> bool:
        return data.startswith(b"PK") and b"OFD.xml" in data[:4096]

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        parts = ZipParts(data, ctx.limits, "OFD")
        out = Extracted()
        bodies, _ = read_docinfo(parts)
        for body in bodies:
            self._docinfo(child(body, "DocInfo"), out)
        page_no = 0
        scans = _Scans()
        for body in bodies:
            root_loc = text_of(child(body, "DocRoot"))
            if not root_loc:
                continue
            doc_part = resolve("OFD.xml", root_loc)
            if not parts.has(doc_part):
                raise ExtractionError(f"OFD DocRoot {doc_part} is missing")
            page_no = self._document(parts, doc_part, page_no, out, ctx, path, scans)
        self._ocr_scans(parts, scans, ctx, out)
        self._media(parts, path, ctx, out, scans.read)
        check_text_budget(out, ctx.limits)
        doc = finish(out, path, self.media_type, sha256_bytes(data), page_count=page_no)
        return replace(doc, notes=tuple(scans.notes)) if scans.notes else doc

    def _docinfo(self, info: Element | None, out: Extracted) -> None:
        if info is None:
            return
        stream = PartText("OFD.xml")
        for item_el in info:
            name = local_name(item_el.tag)
            if name == "CustomDatas":
                for item in children(item_el, "CustomData"):
                    key, value = f"CustomData:{item.get('Name', '')}", text_of(item)
                    if value:
                        out.metadata.append(MetadataField(key, value, "OFD.xml"))
                        loc = stream.add(value, Layer.METADATA, key, key)
                        out.hidden.append(HiddenItem("metadata", f"OFD custom data '{item.get('Name', '')}'",
                                                     preview(value), loc))
                continue
            value = " ".join(t.strip() for t in item_el.itertext() if t.strip())
            if not name or not value:
                continue
            out.metadata.append(MetadataField(name, value, "OFD.xml"))
            if name in ("CreationDate", "ModDate", "DocID"):
                continue  # timestamps and ids: metadata, nothing for content detectors
            loc = stream.add(value, Layer.METADATA, name, name)
            if name in _REVEALING:
                out.hidden.append(HiddenItem("metadata", f"OFD document info {_REVEALING[name]} ({name})",
                                             preview(value), loc))
        out.add_stream(stream)

    def _document(self, parts: ZipParts, doc_part: str, page_no: int, out: Extracted, ctx: ExtractContext,
                  path: str, scans: _Scans) -> int:
        doc = parts.xml(doc_part)
        media = _media_map(parts, doc_part, doc)
        page_ids: dict[str, int] = {}
        pages = child(doc, "Pages")
        for page in children(pages, "Page") if pages is not None else ():
            ctx.check_time()
            page_no += 1
            page_ids[page.get("ID", "")] = page_no
            content_part = resolve(doc_part, page.get("BaseLoc", ""))
            if parts.has(content_part):
                content = parts.xml(content_part)
                if self._page(content, content_part, page_no, Layer.BODY, out) == 0 or ctx.ocr == "always":
                    scans.add_page(content, page_no, media, ctx)
        for tpl in descendants(doc, "TemplatePage"):
            tpl_part = resolve(doc_part, tpl.get("BaseLoc", ""))
            if parts.has(tpl_part):  # templates carry letterheads, headers and markings
                self._page(parts.xml(tpl_part), tpl_part, None, Layer.HEADER, out)
        annots = text_of(child(doc, "Annotations"))
        if annots and parts.has(resolve(doc_part, annots)):
            self._annotations(parts, resolve(doc_part, annots), page_ids, out)
        attachs = text_of(child(doc, "Attachments"))
        if attachs and parts.has(resolve(doc_part, attachs)):
            self._attachments(parts, resolve(doc_part, attachs), out, ctx, path)
        return page_no

    def _page(self, root: Element, part: str, page_no: int | None, layer: Layer, out: Extracted) -> int:
        """Text objects of one page as segments; returns how many there were."""
        stream = PartText(part)
        for obj in descendants(root, "TextObject"):
            text = "".join(text_of(code) for code in children(obj, "TextCode"))
            if not text:
                continue
            hidden = obj.get("Visible", "true").lower() == "false" or obj.get("Alpha") == "0"
            pointer = f"text object {obj.get('ID', '?')}"
            loc = _add(stream, text, Layer.HIDDEN_TEXT if hidden else layer, pointer, page_no,
                       _box(obj.get("Boundary", "")))
            if hidden:
                out.hidden.append(HiddenItem("hidden_text", f"invisible text object on page {page_no}",
                                             preview(text), loc))
        out.add_stream(stream)
        return len(stream.segments)

    def _annotations(self, parts: ZipParts, index_part: str, page_ids: dict[str, int], out: Extracted) -> None:
        index = parts.xml(index_part)
        for page in children(index, "Page"):
            page_no = page_ids.get(page.get("PageID", ""))
            loc_text = text_of(child(page, "FileLoc"))
            annot_part = resolve(index_part, loc_text) if loc_text else ""
            if not annot_part or not parts.has(annot_part):
                continue
            stream = PartText(annot_part)
            for annot in descendants(parts.xml(annot_part), "Annot"):
                pieces = [text_of(child(annot, "Remark"))]
                pieces += [text_of(p) for p in descendants(annot, "Parameter")]
                pieces += [text_of(c) for c in descendants(annot, "TextCode")]
                text = " ".join(p for p in pieces if p)
                who = annot.get("Creator", "")
                kind = annot.get("Type", "annotation")
                appearance = child(annot, "Appearance")
                box = _box(appearance.get("Boundary", "")) if appearance is not None else None
                loc = _add(stream, text or kind, Layer.COMMENT, f"{kind} annotation {annot.get('ID', '?')}",
                           page_no, box)
                by = f" by {who}" if who else ""
                out.hidden.append(HiddenItem("comment", f"OFD {kind} annotation{by} on page {page_no}",
                                             preview(text or who), loc))
                if who:
                    _add(stream, who, Layer.COMMENT, "annotation creator", page_no, box)
            out.add_stream(stream)

    def _attachments(self, parts: ZipParts, index_part: str, out: Extracted, ctx: ExtractContext, path: str) -> None:
        from .dispatch import extract_bytes

        self_read = _attached(out)
        for att in descendants(parts.xml(index_part), "Attachment"):
            file_loc = text_of(child(att, "FileLoc"))
            name = att.get("Name", "") or posixpath.basename(file_loc)
            target = resolve(index_part, file_loc) if file_loc else ""
            out.hidden.append(HiddenItem("embedded", f"OFD attachment '{name}'", name,
                                         Location(part=target or index_part)))
            if target and parts.has(target):
                ctx.check_time()
                fmt = att.get("Format", "")
                inner_name = name if "." in name else f"{name}.{fmt.lower()}" if fmt else name
                inner = extract_bytes(parts.read(target), f"{path}!{inner_name}", ctx.child())
                out.embedded.append(inner)
                self_read.add(target)

    def _ocr_scans(self, parts: ZipParts, scans: _Scans, ctx: ExtractContext, out: Extracted) -> None:
        """Scanned pages (images, no text objects): OCR the page images in parallel and place
        the text on the page, boxes in millimetres like the text objects."""
        if not scans.items:
            return
        from .ocr import OcrUnavailable, ocr_images, open_image

        try:
            images = [open_image(parts.read(part), ctx) for _, _, part in scans.items]
            pages = ocr_images(images, ctx, first_page=None)
        except OcrUnavailable as exc:
            scans.notes.append(f"scanned OFD page(s) not read: OCR unavailable ({exc}); check by hand")
            return
        for (page_no, box, part), image, reading in zip(scans.items, images, pages, strict=True):
            scans.read.add(part)
            sx = (box[2] - box[0]) / max(1, image.size[0])
            sy = (box[3] - box[1]) / max(1, image.size[1])
            for seg in reading.segments:
                b = seg.location.bbox or (0.0, 0.0, 0.0, 0.0)
                mm = (box[0] + b[0] * sx, box[1] + b[1] * sy, box[0] + b[2] * sx, box[1] + b[3] * sy)
                loc = replace(seg.location, page=page_no, part=f"{part} ocr", bbox=mm, pointer=f"image {part}")
                out.segments.append(replace(seg, location=loc))
            note = replace(reading, page=page_no).note()
            if note:
                scans.notes.append(note)

    def _media(self, parts: ZipParts, path: str, ctx: ExtractContext, out: Extracted, read: set[str]) -> None:
        child_ctx: ExtractContext | None = None
        quiet_ctx: ExtractContext | None = None
        for name in parts.names:
            if not name.lower().endswith(_IMAGE_SUFFIXES) or name in _attached(out):
                continue
            ctx.check_time()
            child_ctx = child_ctx or ctx.child()
            # A page scan already read in place is still checked for EXIF, but not OCR'd twice.
            quiet_ctx = quiet_ctx or replace(child_ctx, ocr="never")
            out.add_embedded(parts.read(name), f"{path}!{name}", quiet_ctx if name in read else child_ctx)


@dataclass
class _Scans:
    """Page images to OCR: (page number, ImageObject boundary in mm, image part)."""

    items: list[tuple[int, BBox, str]] = field(default_factory=list)
    read: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def add_page(self, content: Element, page_no: int, media: dict[str, str], ctx: ExtractContext) -> None:
        if ctx.ocr == "never":
            return
        for obj in descendants(content, "ImageObject"):
            part = media.get(obj.get("ResourceID", ""))
            box = _box(obj.get("Boundary", ""))
            if part and box and part.lower().endswith(_IMAGE_SUFFIXES):
                self.items.append((page_no, box, part))


def _media_map(parts: ZipParts, doc_part: str, doc: Element) -> dict[str, str]:
    """MultiMedia resource ID -> image part, from the document's DocumentRes and PublicRes."""
    out: dict[str, str] = {}
    common = child(doc, "CommonData")
    for tag in ("DocumentRes", "PublicRes"):
        for ref in children(common, tag) if common is not None else ():
            res_part = resolve(doc_part, text_of(ref))
            if not parts.has(res_part):
                continue
            root = parts.xml(res_part)
            base = root.get("BaseLoc", "")
            anchor = resolve(res_part, base + "/x") if base else res_part
            for item in descendants(root, "MultiMedia"):
                media_file = text_of(child(item, "MediaFile"))
                if media_file:
                    out[item.get("ID", "")] = resolve(anchor, media_file)
    return out


def _add(stream: PartText, text: str, layer: Layer, pointer: str, page: int | None, bbox: BBox | None) -> Location:
    """Add a piece to a part's text stream with its page and box (PartText keeps offsets only)."""
    start = stream.pos
    loc = Location(page=page, start=start, end=start + len(text), part=stream.part, bbox=bbox, pointer=pointer)
    stream.segments.append(Segment(text, layer, loc))
    stream.pos = loc.end + 1  # type: ignore[operator]
    return loc


def _attached(out: Extracted) -> set[str]:
    """Attachment parts already read (kept on the accumulator so media are not read twice)."""
    seen: set[str] = out.__dict__.setdefault("_ofd_attached", set())
    return seen


def _box(raw: str) -> BBox | None:
    try:
        x, y, w, h = (float(v) for v in raw.split())
    except ValueError:
        return None
    return (x, y, x + w, y + h)
