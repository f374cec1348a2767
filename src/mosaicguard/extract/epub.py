"""EPUB books: a zip of XHTML chapters, style sheets and pictures, described by an OPF package
document (read like OpenDocument: a bounded zip of XML parts).

The OPF metadata (creators, contributors, publisher, identifiers, dates, descriptions, `<meta>`
properties) is hidden data. Chapters (XHTML) are read by the HTML reader and their text is the
book's own text, located by chapter (`part: OEBPS/ch1.xhtml`); the NCX table of contents is read
here; style sheets, SVG and pictures go through the registry as embedded parts. A member that is
neither listed in the manifest nor part of the container is a HiddenItem.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from ..errors import ExtractionError
from ..model import Document, HiddenItem, Layer, Location, MetadataField, sha256_bytes
from .base import ExtractContext, Extractor
from .ooxml import Element, Extracted, PartText, check_text_budget, finish, local_name, preview
from .zipxml import ZipParts, descendants, resolve

_CONTAINER = "META-INF/container.xml"
#: container members that describe the book rather than carry it
_CONTAINER_FILES = {"mimetype", _CONTAINER, "META-INF/manifest.xml", "META-INF/metadata.xml"}
#: fields every reader shows (the title) or that say nothing about people: scanned, not reported
_QUIET_META = {"title", "identifier", "language", "date", "modified", "rights", "type", "format"}
CHAPTER_TYPES = ("application/xhtml+xml", "text/html")
NCX_TYPE = "application/x-dtbncx+xml"


def opf_path(parts: ZipParts) -> str:
    """The package document named by META-INF/container.xml."""
    if not parts.has(_CONTAINER):
        raise ExtractionError("not an EPUB book (no META-INF/container.xml)")
    for rootfile in descendants(parts.xml(_CONTAINER), "rootfile"):
        full = str(rootfile.get("full-path", ""))
        if full and parts.has(full):
            return full
    raise ExtractionError("EPUB container names no package document that exists")


def manifest_items(opf: Element, opf_part: str) -> dict[str, str]:
    """Member name -> media type of every manifest item."""
    out: dict[str, str] = {}
    for item in descendants(opf, "item"):
        href = item.get("href", "")
        if href and "://" not in href:
            out[resolve(opf_part, href)] = item.get("media-type", "")
    return out


class EpubExtractor(Extractor):
    media_type = "application/epub+zip"
    suffixes = (".epub",)

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        parts = ZipParts(data, ctx.limits, "EPUB")
        if parts.has("META-INF/encryption.xml"):
            raise ExtractionError("EPUB book is encrypted (DRM); it cannot be checked")
        opf_part = opf_path(parts)
        opf = parts.xml(opf_part)
        out = Extracted()
        self._metadata(opf, opf_part, out)
        items = manifest_items(opf, opf_part)
        child: ExtractContext | None = None
        for name in parts.names:
            if name.endswith("/") or name in _CONTAINER_FILES or name == opf_part:
                continue
            ctx.check_time()
            child = child or ctx.child()
            if name not in items:
                out.hidden.append(HiddenItem("embedded", f"member {name} is not part of the book's manifest "
                                             "(carried along, never shown)", posixpath.basename(name),
                                             Location(part=name)))
            media = items.get(name, "")
            if media in CHAPTER_TYPES or media == NCX_TYPE:
                self._chapter(parts, name, media, path, child, out)
                continue
            inner = out.add_embedded(parts.read(name), f"{path}!{name}", child)
            if inner is not None and inner.status != "ok" and not items.get(name, "").startswith("font/"):
                why = inner.error or inner.status
                out.hidden.append(HiddenItem("embedded", f"member {name} could not be checked ({why})",
                                             posixpath.basename(name), Location(part=name)))
        check_text_budget(out, ctx.limits)
        return finish(out, path, self.media_type, sha256_bytes(data))

    @staticmethod
    def _chapter(parts: ZipParts, name: str, media: str, path: str, ctx: ExtractContext, out: Extracted) -> None:
        """A chapter's text, hidden items and metadata become the book's own, located by chapter."""
        if media == NCX_TYPE:
            stream = PartText(name)
            for el in parts.xml(name).iter():
                if isinstance(el.tag, str) and el.text and el.text.strip():
                    in_author = any(local_name(a.tag) == "docAuthor" for a in el.iterancestors())
                    location = stream.add(el.text.strip(), Layer.METADATA if in_author else Layer.BODY, name)
                    if in_author:
                        out.hidden.append(HiddenItem("metadata", "book author in the table of contents (NCX)",
                                                     preview(el.text), location))
            out.add_stream(stream)
            return
        from .html import HtmlExtractor

        inner = HtmlExtractor().extract(parts.read(name), f"{path}!{name}", ctx)

        def moved(location: Location) -> Location:
            return replace(location, part=f"{name}:{location.part}" if location.part else name)

        out.segments.extend(replace(s, location=moved(s.location)) for s in inner.segments)
        out.hidden.extend(replace(h, location=moved(h.location)) for h in inner.hidden)
        out.metadata.extend(replace(m, part=name) for m in inner.metadata)
        out.embedded.extend(inner.embedded)

    @staticmethod
    def _metadata(opf: Element, opf_part: str, out: Extracted) -> None:
        stream = PartText(opf_part)
        for block in descendants(opf, "metadata"):
            for el in block:
                if not isinstance(el.tag, str):
                    continue
                name = local_name(el.tag)
                if name == "meta":
                    name = el.get("property") or el.get("name") or "meta"
                    value = (el.text or el.get("content") or "").strip()
                else:
                    value = "".join(el.itertext()).strip()
                if not value:
                    continue
                out.metadata.append(MetadataField(name, value, opf_part))
                location = stream.add(value, Layer.METADATA, name, name)
                if name not in _QUIET_META and not name.startswith(("dcterms:modified", "cover")):
                    out.hidden.append(HiddenItem("metadata", f"book metadata {name}", preview(value), location))
        out.add_stream(stream)
