"""OFD sanitiser: document info and custom data, annotations, attachments, invisible text
objects, image metadata (EXIF/GPS), and the text of content findings, all removed from the
package rather than covered. The output is a fresh zip written member by member; members that
are not touched are copied byte for byte."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from ..errors import ExtractionError
from ..extract.base import Limits
from ..extract.ofd import read_docinfo
from ..extract.ooxml import Element, local_name, serialize_xml
from ..extract.zipxml import ZipParts, child, children, descendants, resolve, text_of
from ..model import Document, Finding, Layer, Location
from ..policy.schema import SanitizeSettings
from .base import Action, SanitizeError, Sanitizer, SanitizeResult

_KEEP_DOCINFO = {"DocID"}  # the identifier readers use to tell documents apart; carries nothing
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp")
_MASK = "*"


@dataclass
class _Work:
    changed: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    actions: list[Action] = field(default_factory=list)


class OfdSanitizer(Sanitizer):
    suffixes = (".ofd",)

    def plan(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> list[Action]:
        return list(self._run(data, redact, settings).actions)

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        work = self._run(data, redact, settings)
        return SanitizeResult(_rezip(data, work), tuple(work.actions))

    def _run(self, data: bytes, redact: list[Finding], settings: SanitizeSettings) -> _Work:
        try:
            parts = ZipParts(data, Limits(), "OFD")
            bodies, _ = read_docinfo(parts)
        except ExtractionError as exc:
            raise SanitizeError(str(exc)) from None
        work = _Work()
        ofd_root = _parse(parts, "OFD.xml")
        if settings.remove_metadata:
            for info in descendants(ofd_root, "DocInfo"):
                for item in list(info):
                    if local_name(item.tag) not in _KEEP_DOCINFO:
                        what = f"remove OFD document info {local_name(item.tag)}"
                        work.actions.append(Action("remove_metadata", what, Location(part="OFD.xml"), "metadata"))
                        info.remove(item)
            if work.actions:
                work.changed["OFD.xml"] = serialize_xml(ofd_root)
        for body in bodies:
            root_loc = text_of(child(body, "DocRoot"))
            if root_loc:
                self._document(parts, resolve("OFD.xml", root_loc), redact, settings, work)
        self._scans(parts, redact, work)
        if settings.remove_metadata:
            for name in parts.names:
                if name.lower().endswith(_IMAGE_SUFFIXES) and name not in work.removed and name not in work.changed:
                    clean = _strip_image_metadata(parts.read(name))
                    if clean is not None:
                        work.changed[name] = clean
                        work.actions.append(Action("remove_metadata", f"re-encode image {name} without EXIF/GPS",
                                                   Location(part=name), "gps"))
        return work

    def _scans(self, parts: ZipParts, redact: list[Finding], work: _Work) -> None:
        """Black out OCR findings in the pixels of scanned page images (the extractor names
        their part "<image part> ocr" and keeps offsets into the image's OCR text)."""
        by_image: dict[str, list[Finding]] = {}
        for f in redact:
            part = f.location.part or ""
            if f.layer is Layer.OCR and part.endswith(" ocr") and parts.has(part[:-4]):
                by_image.setdefault(part[:-4], []).append(f)
        if not by_image:
            return
        from ..extract.ocr import blackout, ocr_image, open_image

        for name, findings in by_image.items():
            try:
                image = open_image(parts.read(name))
                fmt = image.format or "PNG"
                reading = ocr_image(image)  # a cache hit: the scan just read this image
            except ExtractionError as exc:
                raise SanitizeError(f"scanned page {name} could not be re-read: {exc}") from None
            boxes = [b for f in findings if f.location.start is not None and f.location.end is not None
                     for b in reading.boxes_for_span(f.location.start, f.location.end)]
            out = io.BytesIO()
            # Re-encoded from pixels: EXIF and other metadata blocks do not survive either.
            blackout(image, boxes).save(out, format=fmt)
            work.changed[name] = out.getvalue()
            for f in findings:
                work.actions.append(Action("black_out", f"black out {f.category} in scanned page {name}",
                                           f.location, f.category))

    def _document(self, parts: ZipParts, doc_part: str, redact: list[Finding], settings: SanitizeSettings,
                  work: _Work) -> None:
        doc = _parse(parts, doc_part)
        doc_changed = False
        for tag, category, wanted in (("Annotations", "comment", settings.remove_comments),
                                      ("Attachments", "embedded", settings.remove_embedded)):
            elem = child(doc, tag)
            if elem is None or not wanted:
                continue
            index = resolve(doc_part, text_of(elem))
            for part in _referenced(parts, index, "Page" if tag == "Annotations" else "Attachment"):
                work.removed.add(part)
            work.removed.add(index)
            doc.remove(elem)
            doc_changed = True
            work.actions.append(Action(f"remove_{category}s" if category == "comment" else "remove_embedded",
                                       f"remove OFD {tag.lower()} ({index})", Location(part=index), category))
        if doc_changed:
            work.changed[doc_part] = serialize_xml(doc)
        by_part: dict[str, list[Finding]] = {}
        for f in redact:
            if f.location.part:
                by_part.setdefault(f.location.part, []).append(f)
        pages = child(doc, "Pages")
        for page in children(pages, "Page") if pages is not None else ():
            part = resolve(doc_part, page.get("BaseLoc", ""))
            if parts.has(part):
                self._page(parts, part, by_part.get(part, []), settings, work)
        # Template pages (letterheads, headers, markings) are drawn under every page that uses
        # them: the extractor reads them, so they are redacted like content pages.
        for tpl in descendants(doc, "TemplatePage"):
            part = resolve(doc_part, tpl.get("BaseLoc", ""))
            if parts.has(part):
                self._page(parts, part, by_part.get(part, []), settings, work)

    def _page(self, parts: ZipParts, part: str, redact: list[Finding], settings: SanitizeSettings,
              work: _Work) -> None:
        root = _parse(parts, part)
        changed = False
        for obj in list(descendants(root, "TextObject")):
            hidden = obj.get("Visible", "true").lower() == "false" or obj.get("Alpha") == "0"
            if hidden and settings.remove_hidden:
                obj.getparent().remove(obj)
                changed = True
                work.actions.append(Action("remove_hidden", f"remove invisible text object {obj.get('ID', '?')}",
                                           Location(part=part), "hidden_text"))
                continue
            codes = list(children(obj, "TextCode"))
            for f in redact:
                if f.layer in (Layer.BODY, Layer.HEADER) and _mask_codes(codes, f.match):
                    changed = True
                    work.actions.append(Action("redact_text", f"remove {f.category} text", f.location, f.category))
        if changed:
            work.changed[part] = serialize_xml(root)


def _parse(parts: ZipParts, name: str) -> Element:
    try:
        return parts.xml(name)
    except ExtractionError as exc:
        raise SanitizeError(str(exc)) from None


def _referenced(parts: ZipParts, index: str, entry: str) -> list[str]:
    """Parts listed in an annotation or attachment index (FileLoc children)."""
    if not parts.has(index):
        return []
    out = []
    for item in descendants(_parse(parts, index), entry):
        loc = text_of(child(item, "FileLoc"))
        if loc:
            out.append(resolve(index, loc))
    return out


def _mask_codes(codes: list[Element], value: str) -> bool:
    """Replace every occurrence of `value` in the joined text of `codes` with mask characters of
    the same count (glyph positions stay valid), across TextCode boundaries. True if any."""
    texts = [c.text or "" for c in codes]
    joined = "".join(texts)
    hits = []
    start = joined.find(value) if value else -1
    while start >= 0:
        hits.append((start, start + len(value)))
        start = joined.find(value, start + len(value))
    if not hits:
        return False
    chars = list(joined)
    for lo, hi in hits:
        for i in range(lo, hi):
            if not chars[i].isspace():
                chars[i] = _MASK
    pos = 0
    for code, text in zip(codes, texts, strict=True):
        code.text = "".join(chars[pos : pos + len(text)])
        pos += len(text)
    return True


def _strip_image_metadata(data: bytes) -> bytes | None:
    """The image re-encoded without EXIF/XMP when it had any, else None (left as is)."""
    from PIL import Image

    try:
        img = Image.open(io.BytesIO(data))
        if not (img.info.get("exif") or img.info.get("xmp") or img.getexif()):
            return None
        fmt = img.format or "PNG"
        img.load()
        pixels = Image.frombytes(img.mode, img.size, img.tobytes())
        out = io.BytesIO()
        pixels.save(out, format=fmt, **({"quality": 95} if fmt == "JPEG" else {}))
        return out.getvalue()
    except Exception as exc:  # noqa: BLE001 - an undecodable image cannot be proven clean
        raise SanitizeError(f"embedded image could not be re-encoded: {exc}") from None


def _rezip(data: bytes, work: _Work) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            name = info.filename.lstrip("/")
            if name in work.removed or info.is_dir():
                continue
            content = work.changed.get(name)
            if content is None:
                content = src.read(info)
            dst.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), content,
                         compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()
