"""SVG drawings: visible text, and what travels unseen — the `<metadata>` block (RDF/Dublin Core:
authors, titles, licences), Inkscape and Sodipodi attributes (`sodipodi:docname`,
`inkscape:export-filename` name files and folders on the author's machine), comments, scripts
and event handlers, links to local files, and pictures embedded as `data:` URIs (read by the
registry, so a JPEG's EXIF GPS inside an SVG is found).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator

from lxml import etree  # type: ignore[import-untyped]

from ..errors import ExtractionError
from ..model import Document, HiddenItem, Layer, Location, Severity, sha256_bytes
from .base import ExtractContext, Extractor
from .ooxml import (
    Element,
    Extracted,
    PartText,
    check_text_budget,
    finish,
    local_name,
    looks_like_path,
    parse_xml,
    preview,
)

#: editor namespaces whose elements and attributes only the editor uses
EDITOR_NAMESPACES = (
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://ns.adobe.com/AdobeIllustrator/10.0/",
    "http://ns.adobe.com/SaveForWeb/1.0/",
    "http://ns.adobe.com/Extensibility/1.0/",
    "http://www.bohemiancoding.com/sketch/ns",
)
_TEXT_ELEMENTS = {"text", "tspan", "textPath", "flowPara", "flowRoot", "flowSpan"}
_DESCRIPTIVE = {"title", "desc"}
_PART = "svg"


def parse_svg(data: bytes) -> Element:
    """The SVG's root, parsed safely (a bare DOCTYPE line is allowed, entity declarations are not)."""
    root = parse_xml(data, "the SVG", allow_doctype=True)
    if local_name(root.tag) != "svg":
        raise ExtractionError("not an SVG drawing (the root element is not <svg>)")
    return root


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def is_editor_name(name: str) -> bool:
    """An element or attribute name in an editor's private namespace."""
    return namespace(name) in EDITOR_NAMESPACES


def is_script(el: Element) -> bool:
    return local_name(el.tag) == "script"


def event_handlers(el: Element) -> Iterator[str]:
    """Names of on* attributes (onclick, onload...): script that runs when the drawing is shown."""
    for key in el.attrib:
        if local_name(key).lower().startswith("on"):
            yield key


def data_uri_bytes(href: str) -> bytes | None:
    """The bytes of a base64 `data:` URI, else None."""
    if not href.startswith("data:") or ";base64," not in href[:100]:
        return None
    try:
        return base64.b64decode(href.split(",", 1)[1], validate=False)
    except (binascii.Error, ValueError):
        return None


def _href(el: Element) -> str:
    for key, value in el.attrib.items():
        if local_name(key) == "href":
            return str(value)
    return ""


class SvgExtractor(Extractor):
    media_type = "image/svg+xml"
    suffixes = (".svg",)

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        root = parse_svg(data)
        out = Extracted()
        stream = PartText(_PART)
        pictures: list[tuple[int, bytes]] = []
        # Comments before and after the root element (the prolog) belong to the file too.
        prolog = [*reversed(list(root.itersiblings(preceding=True))), *root.itersiblings()]
        for el in [*prolog, *root.iter()]:
            if not isinstance(el.tag, str):
                if isinstance(el, etree._Comment) and el.text and el.text.strip():
                    location = stream.add(el.text.strip(), Layer.COMMENT, "comment")
                    out.hidden.append(HiddenItem("comment", "comment in the SVG source", preview(el.text), location,
                                                 Severity.LOW))
                continue
            name = local_name(el.tag)
            own = (el.text or "").strip()
            if is_script(el):
                code = "".join(el.itertext()).strip()
                location = stream.add(code, Layer.HIDDEN_TEXT, "script") if code else Location(part=_PART)
                out.hidden.append(HiddenItem("embedded", "script inside the SVG", preview(code) or "script", location))
                continue
            if name == "metadata":
                texts = [t.strip() for t in el.itertext() if t.strip()]
                values = texts + [str(v) for n in el.iter() if isinstance(n.tag, str) for v in n.attrib.values()]
                for value in values:
                    stream.add(value, Layer.METADATA, "metadata")
                if texts:
                    out.hidden.append(HiddenItem("metadata", "SVG <metadata> block (authors, titles, licence)",
                                                 preview(" ".join(texts)), Location(part=_PART, pointer="metadata")))
            elif own and not _inside(el, "metadata") and not _inside(el, "script"):
                in_text = name in _TEXT_ELEMENTS or any(local_name(a.tag) in _TEXT_ELEMENTS for a in el.iterancestors())
                layer = Layer.BODY if in_text else Layer.METADATA
                stream.add(own, layer, name)
                if name in _DESCRIPTIVE and el.getparent() is root:
                    out.hidden.append(HiddenItem("metadata", f"SVG {name}", preview(own), Location(part=_PART,
                                                                                                     pointer=name)))
            for key, value in el.attrib.items():
                if is_editor_name(key) or is_editor_name(el.tag):
                    text = str(value).strip()
                    if text and (looks_like_path(text) or local_name(key) in ("docname", "label", "export-filename",
                                                                              "export-xdpi")):
                        location = stream.add(text, Layer.METADATA, local_name(key))
                        if local_name(key) not in ("label", "export-xdpi"):
                            out.hidden.append(HiddenItem("metadata", f"editor attribute {local_name(key)}",
                                                         preview(text), location))
            for handler in event_handlers(el):
                code = str(el.get(handler))
                location = stream.add(code, Layer.HIDDEN_TEXT, local_name(handler))
                out.hidden.append(HiddenItem("embedded", f"script in the {local_name(handler)} attribute of <{name}>",
                                             preview(code), location))
            href = _href(el)
            picture = data_uri_bytes(href) if href else None
            if picture is not None:
                pictures.append((len(pictures) + 1, picture))
            elif href and looks_like_path(href):
                location = stream.add(href, Layer.METADATA, "link")
                out.hidden.append(HiddenItem("metadata", f"link to a local file from <{name}>", preview(href),
                                             location))
        out.add_stream(stream)
        if pictures:
            child = ctx.child()
            for number, picture in pictures:
                ctx.check_time()
                suffix = ".jpg" if picture[:3] == b"\xff\xd8\xff" else ".png"
                out.add_embedded(picture, f"{path}!image{number}{suffix}", child)
        check_text_budget(out, ctx.limits)
        return finish(out, path, self.media_type, sha256_bytes(data))

    def sniff(self, data: bytes) -> bool:
        return b"<svg" in data[:4096]


def _inside(el: Element, name: str) -> bool:
    return any(local_name(a.tag) == name for a in el.iterancestors())
