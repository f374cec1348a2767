"""The shared template for Office Open XML packages (docx, xlsx, pptx): a zip of XML parts tied
together by relationship files.

Everything here is bounded: the package is refused when it is an encrypted (OLE) file, a damaged
zip, has too many members, or a part expands beyond its limits; XML is parsed with entity
resolution and network access off, and any part that declares a DTD is refused outright (no
legitimate OOXML part has one; a DTD is how "billion laughs" bombs are built).

The format modules (`docx`, `xlsx`, `pptx`) read their parts through `Package`; the sanitisers
reuse the same parser and relationship helpers so that what is cleaned is exactly what was read.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from ..errors import ExtractionError, LimitExceeded
from ..model import Document, HiddenItem, Layer, Location, MetadataField, Segment, Severity
from .archive import BoundedZip
from .base import ExtractContext, Limits
from .ooxml_parts import (
    READ_BY_FORMAT,
    READ_WITH_ATTRIBUTES,
    content_type,
    content_type_map,
    declares_foreign_namespace,
    foreign_name,
    is_media_or_object,
    is_xml_type,
    unknown_parts,
)

#: an lxml element (lxml ships no type information)
Element = Any

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "cust": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    "p188": "http://schemas.microsoft.com/office/powerpoint/2018/8/main",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
}

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"

# One parser for every part: no entity expansion, no DTD loading, no network, no huge trees.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=False
)

# Metadata fields worth a HiddenItem of their own: they name people, organisations or paths.
_REVEALING_FIELDS = {
    "dc:creator": "author",
    "cp:lastModifiedBy": "last modified by",
    "ep:Company": "company",
    "ep:Manager": "manager",
    "ep:Template": "template",
    "ep:HyperlinkBase": "hyperlink base",
    "dc:title": "title",
    "dc:subject": "subject",
    "dc:description": "description (comments)",
    "cp:keywords": "keywords",
    "cp:category": "category",
    "cp:contentStatus": "content status",
}
_VALUE_PREVIEW = 200


def q(prefix: str, local: str) -> str:
    """Clark notation for a namespaced name: q("w", "t") -> "{...main}t"."""
    return f"{{{NS[prefix]}}}{local}"


def preview(text: str, limit: int = _VALUE_PREVIEW) -> str:
    """A HiddenItem value: whitespace folded, cut at `limit` characters."""
    folded = " ".join(text.split())
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"


def parse_xml(data: bytes, name: str, allow_doctype: bool = False) -> Element:
    """Parse one XML part safely; refuse DTDs and name the part in every error. `allow_doctype`
    accepts a bare `<!DOCTYPE svg PUBLIC ...>` line (SVG files carry one; it is never loaded) but
    still refuses an internal subset, where entities are declared."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ExtractionError(f"malformed XML in part {name}: {exc}") from exc
    if root is None:
        raise ExtractionError(f"part {name} is empty")
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    declares = dtd is not None and (bool(dtd.entities()) or bool(dtd.elements()))
    if (docinfo.doctype and not allow_doctype) or declares or (dtd is not None and not allow_doctype):
        raise ExtractionError(
            f"part {name} declares a DTD/entities (a possible XML bomb); refused to read it"
        )
    return root


def serialize_xml(root: Element) -> bytes:
    """Serialise a part as Office writes it (UTF-8, standalone declaration)."""
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def local_name(tag: object) -> str:
    """The local part of an element's tag ("" for comments and processing instructions)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


@dataclass(frozen=True)
class Relationship:
    """One entry of a .rels file, with its target resolved to a part name (no leading slash)."""

    id: str
    type: str
    target: str
    external: bool

    @property
    def kind(self) -> str:
        """The last path step of the relationship type ("comments", "image", "hyperlink")."""
        return self.type.rsplit("/", 1)[-1]


def rels_name(part: str) -> str:
    """The relationship part of `part`: word/document.xml -> word/_rels/document.xml.rels."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def source_of_rels(rels: str) -> str:
    """Inverse of `rels_name` ("" for the package's root relationships)."""
    folder, base = posixpath.split(rels)
    parent = posixpath.dirname(folder)
    return posixpath.join(parent, base[: -len(".rels")]) if base != ".rels" else ""


def resolve_target(source: str, target: str) -> str:
    """Resolve a relationship target relative to its source part."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    base = posixpath.dirname(source)
    return posixpath.normpath(posixpath.join(base, target)).lstrip("/")


def parse_rels(data: bytes, rels_part: str) -> list[Relationship]:
    """All relationships declared in one .rels part."""
    return rels_from_tree(parse_xml(data, rels_part), rels_part)


def rels_from_tree(root: Element, rels_part: str) -> list[Relationship]:
    """All relationships of an already parsed .rels part (the sanitiser edits these trees)."""
    source = source_of_rels(rels_part)
    out: list[Relationship] = []
    for rel in root.iter(q("rel", "Relationship")):
        target = rel.get("Target", "")
        external = rel.get("TargetMode", "") == "External"
        resolved = target if external else resolve_target(source, target)
        out.append(Relationship(rel.get("Id", ""), rel.get("Type", ""), resolved, external))
    return out


#: XML parts up to this size keep their bytes after the first read: the full-coverage passes
#: (unknown parts, foreign markup) look at parts the format code already read
_CACHE_PART_BYTES = 8 * 1024 * 1024


class XmlZip(BoundedZip):
    """A bounded zip container whose parts are XML, parsed safely (OOXML, OpenDocument, OFD)."""

    def __init__(self, data: bytes, limits: Limits, kind: str, noun: str = "file") -> None:
        super().__init__(data, limits, kind, noun)
        self._part_cache: dict[str, bytes] = {}

    def part_bytes(self, name: str) -> bytes:
        """One XML part's bytes (size-limited to `max_xml_part_bytes`); small parts are read and
        counted against the container's total once."""
        if name in self._part_cache:
            return self._part_cache[name]
        data = self.read(name, self.limits.max_xml_part_bytes)
        if len(data) <= _CACHE_PART_BYTES:
            self._part_cache[name] = data
        return data

    def xml(self, name: str) -> Element:
        """One XML part parsed safely (size-limited to `max_xml_part_bytes`)."""
        return parse_xml(self.part_bytes(name), name)


class Package(XmlZip):
    """An opened OOXML package with bounded member reading and cached relationships."""

    def __init__(self, data: bytes, limits: Limits | None = None) -> None:
        if data.startswith(OLE_MAGIC):
            raise ExtractionError(
                "file is password-protected/encrypted (an encrypted Office file is stored as an OLE "
                "container) or is a legacy binary Office file; it cannot be checked until it is "
                "saved without a password"
            )
        if not data.startswith(b"PK"):
            raise ExtractionError("not an Office Open XML file (no zip container)")
        super().__init__(data, limits or Limits(), "Office Open XML", noun="package")
        self._rels: dict[str, list[Relationship]] = {}
        if CONTENT_TYPES not in self._infos:
            raise ExtractionError("not an Office Open XML package (no [Content_Types].xml part)")

    def rels(self, source: str) -> list[Relationship]:
        """Relationships of `source` ("" for the package root); empty when it has none."""
        name = ROOT_RELS if source == "" else rels_name(source)
        if name not in self._rels:
            data = self.read(name, self.limits.max_xml_part_bytes) if self.has(name) else None
            self._rels[name] = parse_rels(data, name) if data is not None else []
        return self._rels[name]

    def may_have_external(self, rels_part: str) -> bool:
        """False when the .rels part cannot hold an external relationship, so that it need not be
        parsed: most parts of a package link only internally. Only plain UTF-8/ASCII bytes
        without `External` are skipped; a character reference (`Extern&#97;l`) or another
        encoding could spell it differently, so those parts are parsed."""
        if rels_part in self._rels:
            return any(r.external for r in self._rels[rels_part])
        data = self.read(rels_part, self.limits.max_xml_part_bytes)
        head = data[:120].lower()
        plain = b"&" not in data and b"\x00" not in data and (b"encoding" not in head or b"utf-8" in head)
        return not plain or b"External" in data

    def rel_map(self, source: str) -> dict[str, Relationship]:
        return {r.id: r for r in self.rels(source)}

    def main_part(self, kind: str) -> str:
        """The target of the root `officeDocument` relationship (falls back to the usual name)."""
        for rel in self.rels(""):
            if rel.kind == "officeDocument" and not rel.external:
                return rel.target
        defaults = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
        return defaults[kind]


# ---------------------------------------------------------------------------------------------
# Text streams: one per part, segments separated by a newline, offsets kept exact.


@dataclass
class PartText:
    """Builds the text stream of one part: every added piece becomes a Segment whose
    `location.start/end` are its offsets in the stream (pieces are separated by one newline)."""

    part: str
    pos: int = 0
    segments: list[Segment] = field(default_factory=list)

    def add(self, text: str, layer: Layer, pointer: str | None = None, field_name: str | None = None) -> Location:
        start = self.pos
        end = start + len(text)
        location = Location(start=start, end=end, part=self.part, pointer=pointer)
        if text:
            self.segments.append(Segment(text, layer, location, field_name))
        self.pos = end + 1
        return location


# ---------------------------------------------------------------------------------------------
# Document properties (docProps/core.xml, app.xml, custom.xml), common to all three formats.

_CORE_PART = "docProps/core.xml"
_APP_PART = "docProps/app.xml"
_CUSTOM_PART = "docProps/custom.xml"
_PREFIX_BY_NS = {uri: prefix for prefix, uri in NS.items()}


@dataclass
class Extracted:
    """What a format extractor accumulates before it freezes a Document."""

    segments: list[Segment] = field(default_factory=list)
    metadata: list[MetadataField] = field(default_factory=list)
    hidden: list[HiddenItem] = field(default_factory=list)
    embedded: list[Document] = field(default_factory=list)

    def add_stream(self, stream: PartText) -> None:
        self.segments.extend(stream.segments)

    def add_embedded(self, data: bytes, path: str, ctx: ExtractContext) -> Document | None:
        """Read an embedded file (picture, object) with the registry; kept when it was read.
        Returns what the registry made of it (None: a format module not installed in this build
        left the file unread), so that the caller can report a file nothing could check."""
        from .dispatch import extract_bytes  # the dispatcher imports the registry, which imports us

        try:
            inner = extract_bytes(data, path, ctx)
        except ImportError:
            return None
        if inner.status == "ok":
            self.embedded.append(inner)
        return inner


_DEFAULT_TEMPLATES = {"normal.dotm", "normal.dot", "normal", "blank.potx", ""}
_NOT_INFORMATIVE = re.compile(r"[\d.:TZ+\- ]*|true|false", re.IGNORECASE)


def _informative(value: str) -> bool:
    return not _NOT_INFORMATIVE.fullmatch(value)


def _prefixed(tag: str) -> str:
    uri, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    prefix = _PREFIX_BY_NS.get(uri)
    return f"{prefix}:{local}" if prefix else local


def _property_location(pkg: Package, part: str) -> str | None:
    return part if pkg.has(part) else None


def read_properties(pkg: Package, out: Extracted) -> None:
    """Core, extended and custom properties as MetadataFields, metadata-layer segments (so content
    detectors see a phone number in the Author field) and one HiddenItem per revealing field."""
    for part in (_CORE_PART, _APP_PART):
        if not pkg.has(part):
            continue
        stream = PartText(part)
        root = pkg.xml(part)
        for child in root:
            if not isinstance(child.tag, str) or len(child):
                continue  # nested vectors (HeadingPairs, TitlesOfParts) repeat visible titles
            value = (child.text or "").strip()
            if not value:
                continue
            key = _prefixed(child.tag)
            out.metadata.append(MetadataField(key, value, part))
            if not _informative(value):
                continue  # counters, flags and timestamps: nothing for content detectors
            location = stream.add(value, Layer.METADATA, key, key)
            label = _REVEALING_FIELDS.get(key)
            if label and not (key == "ep:Template" and value.lower() in _DEFAULT_TEMPLATES):
                out.hidden.append(
                    HiddenItem("metadata", f"document property {label} ({key})", preview(value), location)
                )
        out.add_stream(stream)
    if pkg.has(_CUSTOM_PART):
        stream = PartText(_CUSTOM_PART)
        for prop in pkg.xml(_CUSTOM_PART).iter(q("cust", "property")):
            name = prop.get("name", "")
            value = " ".join(t.strip() for t in prop.itertext() if t.strip())
            if not value:
                continue
            key = f"custom:{name}"
            out.metadata.append(MetadataField(key, value, _CUSTOM_PART))
            location = stream.add(value, Layer.METADATA, key, key)
            out.hidden.append(
                HiddenItem("metadata", f"custom document property '{name}'", preview(value), location)
            )
        out.add_stream(stream)


_PATH_MARKERS = ("\\\\", ":\\", "file:", "smb:", "/home/", "/users/")


def looks_like_path(value: str) -> bool:
    """True for values that reveal a file system or network share (template paths, links)."""
    lower = value.lower()
    return any(marker in lower for marker in _PATH_MARKERS)


def read_external_targets(pkg: Package, out: Extracted) -> None:
    """External relationship targets (hyperlinks, linked templates and files, external workbooks)
    as metadata segments; those that point into a file system or share are HiddenItems too."""
    for name in pkg.names:
        if not name.endswith(".rels"):
            continue
        source = source_of_rels(name)
        if not pkg.may_have_external(name):
            continue
        stream = PartText(name)
        for rel in pkg.rels(source):
            if not rel.external or not rel.target:
                continue
            location = stream.add(rel.target, Layer.METADATA, f"{rel.kind} {rel.id}", rel.kind)
            if looks_like_path(rel.target) or rel.kind in {"attachedTemplate", "externalLinkPath", "oleObject"}:
                out.hidden.append(
                    HiddenItem("metadata", f"external {rel.kind} link from {source or 'package'}",
                               preview(rel.target), location)
                )
        out.add_stream(stream)


# ---------------------------------------------------------------------------------------------
# Embedded media and objects


# Parts outside the story/slide/sheet parts whose text is shown: charts (titles, category and
# series names), SmartArt data and spreadsheet drawings (text boxes, shapes).
_DRAWING_PARTS = (("charts/chart", "chart"), ("diagrams/data", "diagram"), ("drawings/drawing", "drawing"))


def is_chart_label(el: Element) -> bool:
    """A c:v that holds a chart's category or series name (c:strCache/c:pt/c:v), not a number."""
    parent = el.getparent()
    grand = parent.getparent() if parent is not None else None
    return grand is not None and grand.tag == q("c", "strCache")


def drawing_texts(root: Element) -> Iterator[str]:
    """Shown text of a chart, SmartArt or drawing part: paragraphs and chart labels."""
    for el in root.iter(q("a", "p"), q("c", "v")):
        if el.tag == q("a", "p"):
            text = "".join(t.text or "" for t in el.iter(q("a", "t")))
        elif is_chart_label(el):
            text = el.text or ""
        else:
            continue
        if text.strip():
            yield text


def read_drawing_text(pkg: Package, folder: str, out: Extracted) -> None:
    """Text of charts, SmartArt and spreadsheet drawings as body segments (one per paragraph or
    label; pointer like "chart chart1.xml")."""
    for name in pkg.names:
        if not name.startswith(folder + "/") or not name.endswith(".xml"):
            continue
        inner = name[len(folder) + 1:]
        label = next((kind for prefix, kind in _DRAWING_PARTS if inner.startswith(prefix)), None)
        if label is None:
            continue
        stream = PartText(name)
        pointer = f"{label} {posixpath.basename(name)}"
        for text in drawing_texts(pkg.xml(name)):
            stream.add(text, Layer.BODY, pointer)
        out.add_stream(stream)


def is_macro_part(name: str) -> bool:
    """The VBA project of a .docm/.xlsm/.pptm (and its signature and data parts)."""
    base = posixpath.basename(name).lower()
    return base.startswith("vbaproject") or base == "vbadata.xml"


def _is_embedded_part(name: str, media_dirs: Iterable[str]) -> bool:
    return any(name.startswith(d) for d in media_dirs)


def read_embedded(pkg: Package, path: str, ctx: ExtractContext, folder: str, out: Extracted) -> None:
    """Media (`<folder>/media/*`) and embedded objects (`<folder>/embeddings/*`) go through the
    dispatcher into `Document.embedded` (an embedded JPEG's EXIF is then checked by the image
    extractor); every embedded object is also a HiddenItem of category `embedded`."""
    media_dir = f"{folder}/media/"
    objects_dir = f"{folder}/embeddings/"
    child_ctx: ExtractContext | None = None
    for name in pkg.names:
        if is_macro_part(name):
            # Macros can carry author names, paths and logic; they never belong in a publication.
            out.hidden.append(HiddenItem("embedded", f"VBA macro project ({name})", posixpath.basename(name),
                                         Location(part=name)))
            continue
        if not _is_embedded_part(name, (media_dir, objects_dir)):
            continue
        ctx.check_time()
        if child_ctx is None:
            child_ctx = ctx.child()
        content = pkg.read(name)
        if name.startswith(objects_dir):
            out.hidden.append(
                HiddenItem("embedded", f"embedded object {posixpath.basename(name)}",
                           posixpath.basename(name), Location(part=name))
            )
        inner = out.add_embedded(content, f"{path}!{name}", child_ctx)
        if name.startswith(media_dir) and (inner is None or inner.status != "ok"):
            # A picture nothing could read (an unknown drawing format, a damaged file) travels
            # with the document unchecked: say so rather than drop it from the report.
            why = inner.error if inner is not None and inner.error else "no reader for this kind of file"
            out.hidden.append(HiddenItem("embedded", f"embedded file {posixpath.basename(name)} could not be "
                                         f"checked ({why}); review it by hand", posixpath.basename(name),
                                         Location(part=name)))


def read_package_parts(pkg: Package, path: str, ctx: ExtractContext, main: str, folder: str,
                       out: Extracted) -> None:
    """What every OOXML format shares besides its own stories: document properties, external
    targets, text of drawings and charts, embedded files (in the folder of the `main` part, else
    `folder`); then the text budget is checked over everything read."""
    folder = posixpath.dirname(main) or folder
    read_properties(pkg, out)
    read_external_targets(pkg, out)
    read_drawing_text(pkg, folder, out)
    read_embedded(pkg, path, ctx, folder, out)
    unknown = read_other_parts(pkg, out)
    read_foreign_markup(pkg, out, skip=unknown)
    check_text_budget(out, ctx.limits)


def read_foreign_markup(pkg: Package, out: Extracted, skip: set[str]) -> None:
    """Elements and attributes in a namespace Office does not write, inside parts the tool
    understands (a vendor's tags in document.xml, a plug-in's attributes on a cell): the format
    readers skip them, so their text and values are read here as metadata segments and reported
    (the sanitiser removes such markup). Only parts whose bytes declare such a namespace are
    parsed again."""
    for name in pkg.names:
        if not name.endswith(".xml") or name == CONTENT_TYPES or name in skip or is_media_or_object(name):
            continue
        if not declares_foreign_namespace(pkg.part_bytes(name)):
            continue
        stream = PartText(name)
        for el in pkg.xml(name).iter():
            if not isinstance(el.tag, str):
                continue
            if foreign_name(el.tag) and el.text and el.text.strip():
                stream.add(el.text.strip(), Layer.METADATA, local_name(el.tag))
            for key, value in el.attrib.items():
                if (foreign_name(key) or foreign_name(el.tag)) and str(value).strip():
                    stream.add(str(value).strip(), Layer.METADATA, local_name(key))
        if stream.segments:
            out.add_stream(stream)
            text = " ".join(s.text for s in stream.segments)
            out.hidden.append(HiddenItem("metadata", f"markup of another program in {name} (not Office's own; "
                                         "sanitize removes it)", preview(text), Location(part=name)))


# Text between two pieces of markup: a `>` followed (after whitespace) by anything but `<`, or by
# a CDATA section. CDATA can only stand inside an element, so some `>` (of a tag, a comment, a
# processing instruction or another CDATA section) or other text precedes it.
_ELEMENT_TEXT = re.compile(rb">[ \t\r\n]*+(?:[^< \t\r\n]|<!\[CDATA\[)")


def has_element_text(data: bytes) -> bool:
    """True when some element of the XML `data` holds text (or a tail after a child): a `>`
    followed by something other than the next `<`, or a CDATA section; a `>` inside an attribute
    value only makes the answer a cautious True. One C-level regex pass without copying: the
    style parts of every Word file (~800 KB) go through it (it was a whitespace-stripping copy
    and two counts, twice as slow)."""
    return _ELEMENT_TEXT.search(data) is not None


def _printer_settings(data: bytes, name: str, out: Extracted) -> None:
    """Office keeps the printer's DEVMODE: its first 32 UTF-16 characters name the printer (often
    a print server and a room). Reported as metadata; `sanitize` drops the part."""
    device = data[:64].decode("utf-16-le", "replace").split("\x00", 1)[0].strip()
    stream = PartText(name)
    location = stream.add(device, Layer.METADATA, "printer", "printer") if device else Location(part=name)
    out.add_stream(stream)
    out.hidden.append(HiddenItem("metadata", f"printer settings ({name}); sanitize drops it",
                                 preview(device) or posixpath.basename(name), location))


def read_other_parts(pkg: Package, out: Extracted) -> set[str]:
    """Every part the format code does not read is read here, so that nothing the sanitiser could
    keep goes unscanned. Parts of a kind the tool does not understand (customXml data, a
    glossary, unknown content types) give all their text, attribute values included, as metadata
    segments and a HiddenItem each (the sanitiser drops them; the item's severity stays the
    category default and content detectors grade what the text holds); known structural parts (styles,
    themes, layouts, masters) give their element text only. Pictures outside the media folder
    (the preview thumbnail) are removed by the sanitiser whatever they hold. Returns the names of
    the parts of a kind the tool does not understand."""
    types = content_type_map(pkg.xml(CONTENT_TYPES))
    unknown = dict(unknown_parts(pkg.names, types))
    read = {s.location.part for s in out.segments}
    for name in pkg.names:
        ctype = content_type(name, types)
        if (name in read or name == CONTENT_TYPES or ctype.startswith("image/") or name.endswith((".rels", "/"))
                or is_media_or_object(name)
                or (name not in unknown and (ctype in READ_BY_FORMAT or not is_xml_type(ctype, name)))):
            continue
        kind = ctype or "no content type"
        if name not in unknown:
            # Structural parts (styles, themes, numbering) are nearly always attributes only: parse
            # one only when its bytes hold text between tags (a cheap test on the raw part).
            attributes = ctype in READ_WITH_ATTRIBUTES
            if not attributes and not has_element_text(pkg.part_bytes(name)):
                continue
            stream = PartText(name)
            for el in pkg.xml(name).iter():
                # Text after a child (its tail) is text of the part too: `has_element_text` says so.
                if el.tail and el.tail.strip():
                    stream.add(el.tail.strip(), Layer.METADATA, name)
                if not isinstance(el.tag, str):
                    continue
                if el.text and el.text.strip():
                    stream.add(el.text.strip(), Layer.METADATA, name)
                for value in el.attrib.values() if attributes else ():
                    if value.strip() and not value.isdigit():
                        stream.add(value.strip(), Layer.METADATA, name)
            out.add_stream(stream)
            continue
        where = Location(part=name)
        if is_macro_part(name):
            continue  # reported by `read_embedded` as a VBA project
        if ctype.endswith(".printerSettings"):
            _printer_settings(pkg.read(name), name, out)
            continue
        if not is_xml_type(ctype, name):
            out.hidden.append(HiddenItem("embedded", f"part {name} of a kind mosaicguard does not read ({kind}); "
                                         "sanitize drops it", posixpath.basename(name), where, Severity.MEDIUM))
            continue
        try:
            root = pkg.xml(name)
        except ExtractionError as exc:
            out.hidden.append(HiddenItem("metadata", f"part {name} ({kind}) could not be read: {exc}; "
                                         "sanitize drops it", posixpath.basename(name), where, Severity.MEDIUM))
            continue
        stream, texts = unknown_xml_text(name, root)
        out.add_stream(stream)
        # Attribute-only parts (Word's empty bibliography store, customXml item properties) are
        # scanned but not reported on their own: every Word file has them and they say nothing.
        if texts:
            out.hidden.append(HiddenItem("metadata", f"part {name} of a kind mosaicguard does not understand "
                                         f"({kind}); sanitize drops it", preview(" ".join(texts)), where))
    return set(unknown)


def finish(extracted: Extracted, path: str, media_type: str, sha256: str, page_count: int | None = None) -> Document:
    """Freeze what was extracted into a Document."""
    return Document(
        path=path,
        media_type=media_type,
        sha256=sha256,
        segments=tuple(extracted.segments),
        metadata=tuple(extracted.metadata),
        hidden=tuple(extracted.hidden),
        embedded=tuple(extracted.embedded),
        page_count=page_count,
    )


def check_text_budget(extracted: Extracted, limits: Limits) -> None:
    """Refuse documents whose text outgrows the limit instead of returning part of it."""
    total = sum(len(s.text) for s in extracted.segments)
    if total > limits.max_text_chars:
        raise LimitExceeded(f"more than {limits.max_text_chars} characters of text")


def unknown_xml_text(name: str, root: Element, skip_values: tuple[str, ...] = ()) -> tuple[PartText, list[str]]:
    """Every element text and attribute value of an XML part the tool does not understand, as a
    metadata stream for the detectors (so nothing in it goes unscanned), plus the element texts
    (to tell a part that says something from an empty one). Attribute values starting with one of
    `skip_values` (namespace URIs) are left out."""
    stream = PartText(name)
    texts: list[str] = []
    for el in root.iter():
        if el.tail and el.tail.strip():  # text after a child element (or after a comment)
            texts.append(el.tail.strip())
            stream.add(el.tail.strip(), Layer.METADATA, name)
        if not isinstance(el.tag, str):
            continue
        if el.text and el.text.strip():
            texts.append(el.text.strip())
            stream.add(el.text.strip(), Layer.METADATA, name)
        for value in el.attrib.values():
            if value.strip() and not (skip_values and value.startswith(skip_values)):
                stream.add(value.strip(), Layer.METADATA, name)
    return stream, texts
