"""EPUB books: a zip of XHTML chapters, style sheets and pictures, described by an OPF package
document (read like OpenDocument: a bounded zip of XML parts).

The OPF metadata (creators, contributors, publisher, identifiers, dates, descriptions, `<meta>`
properties) is hidden data; every item of the manifest goes through the registry (XHTML by the
HTML reader, CSS, SVG and pictures by theirs) and is reported as `book.epub!OEBPS/ch1.xhtml`;
a member that is neither listed in the manifest nor part of the container is a HiddenItem.
"""

from __future__ import annotations

import posixpath

from ..errors import ExtractionError
from ..model import Document, HiddenItem, Layer, Location, MetadataField, sha256_bytes
from .base import ExtractContext, Extractor
from .ooxml import Element, Extracted, PartText, check_text_budget, finish, local_name, preview
from .zipxml import ZipParts, descendants, resolve

_CONTAINER = "META-INF/container.xml"
#: container members that describe the book rather than carry it
_CONTAINER_FILES = {"mimetype", _CONTAINER, "META-INF/manifest.xml", "META-INF/metadata.xml"}
_QUIET_META = {"identifier", "language", "date", "modified", "rights", "type", "format"}


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
            inner = out.add_embedded(parts.read(name), f"{path}!{name}", child)
            if inner is not None and inner.status != "ok" and not items.get(name, "").startswith("font/"):
                why = inner.error or inner.status
                out.hidden.append(HiddenItem("embedded", f"member {name} could not be checked ({why})",
                                             posixpath.basename(name), Location(part=name)))
        check_text_budget(out, ctx.limits)
        return finish(out, path, self.media_type, sha256_bytes(data))

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
