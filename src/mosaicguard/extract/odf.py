"""OpenDocument (odt, ods, odp; written by LibreOffice and WPS on domestic platforms) with the
same hidden-data coverage as OOXML: meta.xml properties, tracked changes (deleted text is still
in the file), annotations, hidden paragraphs/sections/text, hidden sheets, rows and columns,
hidden slides, speaker notes, embedded pictures and objects.

Styles decide much of what is hidden (`text:display="none"`, `table:display="false"`,
`presentation:visibility="hidden"`), so the automatic styles of content.xml and the styles of
styles.xml are read first.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import ExtractionError
from ..model import Document, HiddenItem, Layer, Location, MetadataField, Segment, sha256_bytes
from .base import ExtractContext, Extractor
from .ooxml import Element, Extracted, PartText, check_text_budget, finish, local_name, preview, unknown_xml_text
from .zipxml import ZipParts, child, descendants

_MEDIA_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.graphics": "odg",
}
#: members the extractor reads (or reports as embedded); any other member is read as unknown
_KNOWN_TOP = ("Pictures", "Thumbnails", "media")
_KNOWN_FILES = {"mimetype", "content.xml", "styles.xml", "meta.xml", "META-INF/manifest.xml"}
#: what LibreOffice writes into every file (view settings, layout cache, toolbar configuration,
#: RDF stub): scanned when it is XML, never reported on its own, always dropped by `sanitize`
_HOUSEKEEPING = ("settings.xml", "layout-cache", "manifest.rdf", "Configurations2/")
_META_LABELS = {"initial-creator": "initial author", "creator": "last author", "generator": "generating application",
                "title": "title", "subject": "subject", "description": "description", "keyword": "keywords",
                "template": "template", "printed-by": "printed by"}
_NOT_TEXT = {"annotation", "annotation-end", "tracked-changes", "note", "frame", "custom-shape", "hidden-paragraph",
             "change", "change-start", "change-end", "bookmark", "bookmark-start", "bookmark-end", "soft-page-break"}


def odf_attr(elem: Element, name: str) -> str:
    """An attribute by local name, whatever its namespace (ODF producers vary in prefixes)."""
    for key, value in elem.attrib.items():
        if key.rsplit("}", 1)[-1] == name:
            return str(value)
    return ""


_attr = odf_attr


def hidden_styles(roots: Iterable[Element]) -> set[str]:
    """Names of styles that hide what uses them."""
    hidden: set[str] = set()
    for root in roots:
        for style in descendants(root, "style"):
            for props in style:
                kind = local_name(props.tag)
                if ((kind == "text-properties" and _attr(props, "display") == "none")
                        or (kind == "table-properties" and _attr(props, "display") == "false")
                        or (kind == "drawing-page-properties" and _attr(props, "visibility") == "hidden")
                        or (kind == "graphic-properties" and _attr(props, "visibility") == "hidden")):
                    hidden.add(_attr(style, "name"))
    return hidden


@dataclass
class _Walk:
    out: Extracted
    stream: PartText
    hidden_styles: set[str]
    slide: int | None = None
    pointer: str | None = None
    tables: list[str] = field(default_factory=list)

    def add(self, text: str, layer: Layer, pointer: str | None = None) -> Location:
        start = self.stream.pos
        where = pointer or self.pointer
        loc = Location(page=self.slide, start=start, end=start + len(text), part=self.stream.part, pointer=where)
        if text:
            self.stream.segments.append(Segment(text, layer, loc))
        self.stream.pos = start + len(text) + 1
        return loc

    def is_hidden_style(self, elem: Element) -> bool:
        return any(_attr(elem, a) in self.hidden_styles for a in ("style-name",) if _attr(elem, a))


def _inline(elem: Element, walk: _Walk, hidden: list[str], nested: list[Element]) -> str:
    """The visible text of a paragraph; hidden runs go to `hidden`, annotations, notes and frames
    to `nested` (they are visited on their own, with their own layer)."""
    parts: list[str] = [elem.text or ""]
    for node in elem:
        name = local_name(node.tag)
        if name == "s":
            parts.append(" " * int(_attr(node, "c") or 1))
        elif name == "tab":
            parts.append("\t")
        elif name == "line-break":
            parts.append("\n")
        elif name == "hidden-text":
            value = _attr(node, "string-value")
            if value and _attr(node, "is-hidden") != "false":
                hidden.append(value)
        elif name in _NOT_TEXT:
            nested.append(node)
        elif walk.is_hidden_style(node):
            inner = "".join(node.itertext())
            if inner.strip():
                hidden.append(inner)
        else:
            parts.append(_inline(node, walk, hidden, nested))
        parts.append(node.tail or "")
    return "".join(parts)


def _visit(elem: Element, walk: _Walk, layer: Layer) -> None:
    name = local_name(elem.tag)
    out = walk.out
    if name in ("p", "h"):
        hidden_pieces: list[str] = []
        nested: list[Element] = []
        text = _inline(elem, walk, hidden_pieces, nested)
        para_hidden = walk.is_hidden_style(elem) or any(
            local_name(n.tag) == "hidden-paragraph" and _attr(n, "is-hidden") != "false" for n in nested)
        own_layer = Layer.HIDDEN_TEXT if para_hidden and layer in (Layer.BODY, Layer.TABLE) else layer
        if text.strip():
            loc = walk.add(text, own_layer)
            if own_layer is Layer.HIDDEN_TEXT:
                out.hidden.append(HiddenItem("hidden_text", "hidden paragraph", preview(text), loc))
        for piece in hidden_pieces:
            loc = walk.add(piece, Layer.HIDDEN_TEXT)
            out.hidden.append(HiddenItem("hidden_text", "hidden text (display: none or hidden field)",
                                         preview(piece), loc))
        for node in nested:
            _visit(node, walk, layer)
        return
    if name == "annotation":
        who = "".join(c.text or "" for c in elem if local_name(c.tag) == "creator").strip()
        text = "\n".join("".join(p.itertext()) for p in elem if local_name(p.tag) in ("p", "list"))
        loc = walk.add(text or who, Layer.COMMENT)
        if who:
            walk.add(who, Layer.COMMENT, "comment author")
        out.hidden.append(HiddenItem("comment", f"comment{' by ' + who if who else ''}", preview(text or who), loc))
        return
    if name == "tracked-changes":
        _changes(elem, walk)
        return
    if name == "page" and local_name(elem.getparent().tag) == "presentation":
        walk.slide = (walk.slide or 0) + 1
        hidden = _attr(elem, "visibility") == "hidden" or walk.is_hidden_style(elem)
        slide_layer = Layer.HIDDEN_TEXT if hidden else layer
        text = _visit_children(elem, walk, slide_layer, " ")
        if hidden:
            out.hidden.append(HiddenItem("hidden_text", f"hidden slide {walk.slide}", preview(text),
                                         Location(page=walk.slide, part=walk.stream.part)))
        return
    if name == "notes":
        text = _visit_children(elem, walk, Layer.NOTES, " ")
        if text.strip():
            out.hidden.append(HiddenItem("notes", f"speaker notes on slide {walk.slide}", preview(text),
                                         Location(page=walk.slide, part=walk.stream.part)))
        return
    if name == "table":
        table_name = _attr(elem, "name") or "table"
        hidden = walk.is_hidden_style(elem)
        saved = walk.pointer
        walk.pointer = table_name
        table_layer = Layer.HIDDEN_SHEET if hidden else Layer.TABLE if layer is Layer.BODY else layer
        text = _visit_children(elem, walk, table_layer, " | ")
        if hidden:
            out.hidden.append(HiddenItem("hidden_sheet", f"hidden sheet '{table_name}'", preview(text),
                                         Location(part=walk.stream.part, pointer=table_name)))
        walk.pointer = saved
        return
    if name in ("table-row", "table-column") and _attr(elem, "visibility") in ("collapse", "filter"):
        before = len(walk.stream.segments)
        for node in elem:
            _visit(node, walk, Layer.HIDDEN_SHEET)
        text = " | ".join(s.text for s in walk.stream.segments[before:])
        kind = "row" if name == "table-row" else "column"
        if text.strip() or kind == "column":
            out.hidden.append(HiddenItem("hidden_sheet", f"hidden {kind} in '{walk.pointer}'", preview(text),
                                         Location(part=walk.stream.part, pointer=walk.pointer)))
        return
    if name == "section" and (_attr(elem, "display") == "none" or walk.is_hidden_style(elem)):
        before = len(walk.stream.segments)
        for node in elem:
            _visit(node, walk, Layer.HIDDEN_TEXT)
        text = " ".join(s.text for s in walk.stream.segments[before:])
        out.hidden.append(HiddenItem("hidden_text", f"hidden section '{_attr(elem, 'name')}'", preview(text),
                                     Location(part=walk.stream.part)))
        return
    for node in elem:
        _visit(node, walk, layer)


def _visit_children(elem: Element, walk: _Walk, layer: Layer, sep: str) -> str:
    """Visit the children of `elem` in `layer`; the text of the segments they added, joined by `sep`
    (what a hidden slide, a hidden table or speaker notes report as their preview)."""
    before = len(walk.stream.segments)
    for node in elem:
        _visit(node, walk, layer)
    return sep.join(s.text for s in walk.stream.segments[before:])


def _changes(elem: Element, walk: _Walk) -> None:
    for region in descendants(elem, "changed-region"):
        for change in region:
            kind = local_name(change.tag)
            info = child(change, "change-info")
            who = when = ""
            if info is not None:
                for node in info:
                    if local_name(node.tag) == "creator":
                        who = (node.text or "").strip()
                    elif local_name(node.tag) == "date":
                        when = (node.text or "").strip()
            text = "\n".join("".join(p.itertext()) for p in change if local_name(p.tag) in ("p", "h", "list"))
            by = f" by {who}" if who else ""
            at = f" on {when[:10]}" if when else ""
            if kind == "deletion":
                loc = walk.add(text, Layer.REVISION, f"tracked deletion {_attr(region, 'id')}")
                walk.out.hidden.append(HiddenItem("revision", f"tracked deletion{by}{at} (deleted text kept in file)",
                                                  preview(text), loc))
            elif kind in ("insertion", "format-change"):
                loc = walk.add(who, Layer.REVISION, f"tracked {kind} {_attr(region, 'id')}")
                walk.out.hidden.append(HiddenItem("revision", f"tracked {kind}{by}{at}", who, loc))


def read_meta(parts: ZipParts, out: Extracted) -> None:
    """meta.xml: authors, generator, template, user-defined fields."""
    if not parts.has("meta.xml"):
        return
    stream = PartText("meta.xml")
    for node in descendants(parts.xml("meta.xml"), "meta"):
        for item in node:
            name = local_name(item.tag)
            value = (_attr(item, "href") if name == "template" else "".join(item.itertext())).strip()
            if name == "user-defined":
                name = f"user-defined:{_attr(item, 'name')}"
            if not name or not value or name in ("document-statistic",):
                continue
            out.metadata.append(MetadataField(name, value, "meta.xml"))
            if name in ("creation-date", "date", "print-date", "editing-cycles", "editing-duration"):
                continue
            loc = stream.add(value, Layer.METADATA, name, name)
            label = _META_LABELS.get(name) or (f"user-defined field '{name.split(':', 1)[1]}'"
                                                if name.startswith("user-defined:") else None)
            if label:
                out.hidden.append(HiddenItem("metadata", f"document property {label} ({name})", preview(value), loc))
    out.add_stream(stream)


class OdfExtractor(Extractor):
    media_type = "application/vnd.oasis.opendocument"
    suffixes = (".odt", ".ods", ".odp", ".odg")

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ExtractionError("file is password-protected or a legacy binary file, not OpenDocument")
        parts = ZipParts(data, ctx.limits, "OpenDocument")
        mimetype = parts.read("mimetype", 200).decode("ascii", "replace").strip() if parts.has("mimetype") else ""
        if not parts.has("content.xml"):
            raise ExtractionError("not an OpenDocument file (no content.xml)")
        if parts.has("META-INF/manifest.xml") and b"encryption-data" in parts.read("META-INF/manifest.xml"):
            raise ExtractionError("OpenDocument file is password-protected; save it without a password to check it")
        out = Extracted()
        read_meta(parts, out)
        content = parts.xml("content.xml")
        styles = [content] + ([parts.xml("styles.xml")] if parts.has("styles.xml") else [])
        walk = _Walk(out, PartText("content.xml"), hidden_styles(styles))
        body = child(content, "body")
        if body is not None:
            _visit(body, walk, Layer.BODY)
        out.add_stream(walk.stream)
        if len(styles) > 1:  # headers and footers live in the master pages of styles.xml
            header_walk = _Walk(out, PartText("styles.xml"), walk.hidden_styles)
            for page in descendants(styles[1], "master-page"):
                for part in page:
                    kind = local_name(part.tag)
                    layer = (Layer.HEADER if kind.startswith("header")
                             else Layer.FOOTER if kind.startswith("footer") else None)
                    if layer is not None:
                        _visit(part, header_walk, layer)
            out.add_stream(header_walk.stream)
        self._embedded(parts, path, ctx, out)
        self._other_members(parts, out)
        check_text_budget(out, ctx.limits)
        media_type = mimetype if mimetype in _MEDIA_TYPES else self.media_type
        return finish(out, path, media_type, sha256_bytes(data), page_count=walk.slide)

    @staticmethod
    def _other_members(parts: ZipParts, out: Extracted) -> None:
        """Every member the format code does not read (settings.xml, RDF metadata, scripts, a
        vendor's own files) is read here, so nothing the sanitiser could keep goes unscanned:
        XML members give their text and attribute values as metadata segments; a member that is
        not settings.xml, or is not XML, is a HiddenItem too (the sanitiser drops them all)."""
        for name in parts.names:
            top = name.split("/", 1)[0]
            if name in _KNOWN_FILES or name.endswith("/") or top in _KNOWN_TOP or top.startswith("Object "):
                continue
            where = Location(part=name)
            data = parts.read(name)
            if not name.endswith((".xml", ".rdf")):
                if data.strip() and not name.startswith(_HOUSEKEEPING):
                    out.hidden.append(HiddenItem("embedded", f"member {name} of a kind mosaicguard does not read; "
                                                 "sanitize drops it", posixpath.basename(name), where))
                continue
            root = parts.xml(name)
            stream, texts = unknown_xml_text(name, root, ("urn:", "http:", "https:"))
            out.add_stream(stream)
            if texts and not name.startswith(_HOUSEKEEPING):  # view state and the like: scanned, not reported
                out.hidden.append(HiddenItem("metadata", f"member {name} of a kind mosaicguard does not understand; "
                                             "sanitize drops it", preview(" ".join(texts)), where))

    def _embedded(self, parts: ZipParts, path: str, ctx: ExtractContext, out: Extracted) -> None:
        child_ctx: ExtractContext | None = None
        for name in parts.names:
            top = name.split("/", 1)[0]
            if top.startswith("Object ") and name.endswith(".xml"):
                # An embedded chart, formula or document: its text is read (embedded layer) so
                # that a copy keeping it never carries text the scan did not see.
                stream = PartText(name)
                for el in parts.xml(name).iter():
                    if isinstance(el.tag, str) and el.text and el.text.strip():
                        stream.add(el.text.strip(), Layer.EMBEDDED, posixpath.dirname(name))
                out.add_stream(stream)
                if name.endswith("content.xml"):
                    out.hidden.append(HiddenItem("embedded", f"embedded object {posixpath.dirname(name)}",
                                                 posixpath.dirname(name), Location(part=name)))
                continue
            if top not in ("Pictures", "Thumbnails", "media") or name.endswith("/"):
                continue
            ctx.check_time()
            child_ctx = child_ctx or ctx.child()
            out.add_embedded(parts.read(name), f"{path}!{name}", child_ctx)
