"""HTML pages: visible text, and what a browser does not show (hidden elements, comments, meta tags).

The stdlib `html.parser` is used on purpose: it never rejects broken markup, which published pages
often are. A small open-element stack decides what is visible; the same rules (`hidden_reason`)
are used by the HTML sanitiser so that what is reported hidden is exactly what is removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..model import Document, HiddenItem, Layer, Location, MetadataField, Segment, Severity, sha256_bytes
from .base import ExtractContext, Extractor
from .encoding import decode_text

VOID = frozenset([
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    "keygen"
])
BLOCK = frozenset(
    [
        "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
        "tr", "ul", "title", "option", "select", "textarea"
    ]
)
# Text of these elements is never shown as page text.
INVISIBLE = frozenset({"script", "style", "noscript", "template", "head"})
# Opening one of these implicitly closes an open element of the listed kinds (HTML's optional end tags),
# so that a hidden <li> does not swallow the visible items after it in sloppy markup.
IMPLICIT_CLOSE: dict[str, frozenset[str]] = {
    "p": frozenset({"p"}),
    "li": frozenset({"li"}),
    "dt": frozenset({"dt", "dd"}),
    "dd": frozenset({"dt", "dd"}),
    "td": frozenset({"td", "th"}),
    "th": frozenset({"td", "th"}),
    "tr": frozenset({"tr", "td", "th"}),
    "option": frozenset({"option"}),
}
# Block elements that end an open <p> (a <p> cannot contain them).
CLOSES_P = frozenset([
    "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre",
    "section", "table", "ul"
])
# Meta names whose value names a person or organisation (reported as hidden metadata).
PERSON_META = frozenset({"author", "creator", "dc.creator", "dcterms.creator", "publisher", "owner",
                         "last-modified-by", "lastmodifiedby", "contact", "reply-to", "article:author"})
_META_KEEP = PERSON_META | frozenset({"generator", "keywords", "description", "copyright", "subject", "company",
                                      "application-name", "dc.subject", "dc.description", "progid"})
_INTERNAL_PATH = re.compile(r"(?:[A-Za-z]:\\|\\\\[\w.$-]+\\|file:/|/home/|/Users/|/srv/|/mnt/|\\\\)")
# A link or source on the author's own disk or file share (the page was saved from a local copy).
LOCAL_LINK = re.compile(r"^\s*(?:file:|[A-Za-z]:[\\/]|\\\\)", re.IGNORECASE)
LINK_ATTRS = ("href", "src", "action", "data", "background", "poster")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_WHITE = {"white", "#fff", "#ffffff", "rgb(255,255,255)", "rgba(255,255,255,1)", "#ffffffff"}
_ZERO_SIZE = re.compile(r"^0(?:\.0+)?(?:px|pt|em|rem|%)?$")
_CHUNK_LIMIT = 4000  # a visible block longer than this is cut (keeps segments small, offsets exact)


def parse_style(style: str) -> dict[str, str]:
    """CSS declarations of a style attribute, names and values lower-cased, spaces removed."""
    out: dict[str, str] = {}
    if not style:
        return out
    for decl in style.split(";"):
        name, sep, value = decl.partition(":")
        if sep:
            out[name.strip().lower()] = "".join(value.lower().split()).replace("!important", "")
    return out


def hidden_reason(tag: str, attrs: dict[str, str], background_white: bool = True) -> str | None:
    """Why this element is not shown to a reader, or None if it is shown. Shared with the sanitiser."""
    if not attrs:
        return None
    if "hidden" in attrs:
        return "hidden attribute"
    if tag == "input" and attrs.get("type", "").lower() == "hidden":
        return "hidden form field"
    style = parse_style(attrs.get("style", ""))
    if style.get("display") == "none":
        return "display:none"
    if style.get("visibility") in ("hidden", "collapse"):
        return "visibility:hidden"
    if style.get("opacity") in ("0", "0.0", "0%"):
        return "opacity:0"
    if _ZERO_SIZE.match(style.get("font-size", "-")):
        return "font-size:0"
    color = style.get("color")
    background = style.get("background-color") or style.get("background")
    if color in _WHITE and (background in _WHITE if background else background_white):
        return "white text on white background"
    if tag == "font" and attrs.get("color", "").lower() in _WHITE and background_white:
        return "white text on white background"
    return None


def sets_background(attrs: dict[str, str]) -> bool | None:
    """True/False if this element sets a white/non-white background, None if it sets none."""
    if "style" not in attrs and "bgcolor" not in attrs:
        return None
    style = parse_style(attrs.get("style", ""))
    value = style.get("background-color") or style.get("background") or attrs.get("bgcolor", "").lower() or None
    if value is None:
        return None
    return value in _WHITE


def decode_html(data: bytes) -> tuple[str, str]:
    """Text and encoding: a BOM wins, then a declared meta charset, then the shared guesser."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = _CHARSET.search(data[:4096])
        if declared:
            name = declared.group(1).decode("ascii", "replace").lower()
            # Browsers read gb2312/gbk labels as GB18030 (a superset); so do we.
            if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030"):
                name = "gb18030"
            try:
                return data.decode(name), name
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong label is common; fall back to guessing
    return decode_text(data)


@dataclass
class _Open:
    tag: str
    hidden: str | None  # reason, if this element (or an ancestor) hides its content
    background_white: bool
    pointer: str


@dataclass
class _Block:
    layer: Layer
    pointer: str
    pieces: list[str] = field(default_factory=list)
    line: int = 0
    reason: str = ""


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Open] = []
        self.segments: list[Segment] = []
        self.metadata: list[MetadataField] = []
        self.hidden: list[HiddenItem] = []
        self.visible: _Block | None = None
        self.hidden_block: _Block | None = None
        self.offsets: dict[str, int] = {"": 0, "html:hidden": 0, "html:comment": 0, "html:head": 0, "html:links": 0,
                                        "html:ld+json": 0}
        self.tables = 0
        self.table_pos: list[list[int]] = []  # per open table: [table no, row, col]
        self.title: list[str] = []
        self.in_title = False
        self.ld_json: list[str] | None = None  # text of an open <script type="application/ld+json">
        self.ld_line = 0

    # -- state helpers -----------------------------------------------------------------------
    def _path(self, tag: str) -> str:
        names = [o.tag for o in self.stack[-3:]] + [tag]
        return ">".join(names)

    def _hidden_now(self) -> str | None:
        return self.stack[-1].hidden if self.stack else None

    def _invisible_now(self) -> bool:
        return any(o.tag in INVISIBLE for o in self.stack)

    def _layer_now(self) -> Layer:
        tags = {o.tag for o in self.stack}
        if "table" in tags:
            return Layer.TABLE
        if "footer" in tags:
            return Layer.FOOTER
        if "header" in tags:
            return Layer.HEADER
        return Layer.BODY

    def _emit(self, text: str, layer: Layer, part: str, pointer: str, field_name: str | None = None) -> Segment:
        start = self.offsets[part]
        seg = Segment(text, layer=layer, location=Location(start=start, end=start + len(text), part=part or None,
                                                           pointer=pointer), field=field_name)
        self.offsets[part] = start + len(text) + 1
        self.segments.append(seg)
        return seg

    def _flush_visible(self) -> None:
        block, self.visible = self.visible, None
        if block is None:
            return
        text = _SPACE.sub(" ", "".join(block.pieces)).strip()
        while text:
            piece, text = text[:_CHUNK_LIMIT], text[_CHUNK_LIMIT:]
            self._emit(piece, block.layer, "", f"line {block.line}: {block.pointer}")

    def _flush_hidden(self) -> None:
        block, self.hidden_block = self.hidden_block, None
        if block is None:
            return
        text = _SPACE.sub(" ", "".join(block.pieces)).strip()
        if not text:
            return
        pointer = f"line {block.line}: {block.pointer}"
        seg = self._emit(text, Layer.HIDDEN_TEXT, "html:hidden", pointer)
        self.hidden.append(HiddenItem("hidden_text", f"hidden element ({block.reason})",
                                      value=text[:500], location=seg.location))

    def _pop_to(self, index: int) -> None:
        was_hidden = self._hidden_now()
        del self.stack[index:]
        if was_hidden and not self._hidden_now():
            self._flush_hidden()

    # -- parser callbacks --------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k.lower(): (v or "") for k, v in attrs_list}
        closes = IMPLICIT_CLOSE.get(tag)
        if tag in CLOSES_P and self.stack and self.stack[-1].tag == "p":
            self._pop_to(len(self.stack) - 1)
        elif closes and self.stack and self.stack[-1].tag in closes:
            self._pop_to(len(self.stack) - 1)
            if tag == "tr" and self.stack and self.stack[-1].tag == "tr":
                self._pop_to(len(self.stack) - 1)
        if tag in BLOCK:
            self._flush_visible()
        if tag == "meta":
            self._meta(attrs)
            return
        self._links(tag, attrs)
        if tag == "table":
            self.tables += 1
            self.table_pos.append([self.tables, 0, 0])
        elif tag == "tr" and self.table_pos:
            self.table_pos[-1][1] += 1
            self.table_pos[-1][2] = 0
        elif tag in ("td", "th") and self.table_pos:
            self.table_pos[-1][2] += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "script" and attrs.get("type", "").strip().lower() == "application/ld+json":
            self.ld_json = []
            self.ld_line = self.getpos()[0]
        parent_bg = self.stack[-1].background_white if self.stack else True
        bg = sets_background(attrs)
        background_white = parent_bg if bg is None else bg
        inherited = self._hidden_now()
        reason = inherited or hidden_reason(tag, attrs, background_white)
        line = self.getpos()[0]
        pointer = self._pointer(tag)
        if reason and not inherited:
            self._flush_visible()
            self.hidden_block = _Block(Layer.HIDDEN_TEXT, f"{pointer} [{reason}]", line=line, reason=reason)
            if tag == "input" and attrs.get("value"):
                self.hidden_block.pieces.append(f"{attrs.get('name', '')}={attrs['value']}")
        if tag in VOID:
            if reason and not inherited:
                self._flush_hidden()
            return
        self.stack.append(_Open(tag, reason, background_white, pointer))

    def _pointer(self, tag: str) -> str:
        if self.table_pos and tag in ("td", "th", "tr"):
            t, r, c = self.table_pos[-1]
            return f"table {t}, row {r}, col {c}"
        return self._path(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK:
            self._flush_visible()
        if tag == "title":
            self.in_title = False
        if tag == "script" and self.ld_json is not None:
            self._structured_data("".join(self.ld_json))
            self.ld_json = None
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                self._pop_to(index)
                break
        if tag == "table" and self.table_pos:
            self.table_pos.pop()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
            return
        if self.ld_json is not None:
            self.ld_json.append(data)
            return
        if self._invisible_now():
            return
        if self._hidden_now():
            if self.hidden_block is not None:
                self.hidden_block.pieces.append(data)
            return
        if self.visible is None:
            if not data.strip():
                return
            top = self.stack[-1].pointer if self.stack else "document"
            self.visible = _Block(self._layer_now(), top, line=self.getpos()[0])
        self.visible.pieces.append(data)

    def handle_comment(self, data: str) -> None:
        text = data.strip()
        # Conditional comments are markup for old browsers, not something an author wrote.
        if not text or text.startswith(("[if", "<![endif", "[endif")):
            return
        self._flush_visible()
        pointer = f"line {self.getpos()[0]}: comment"
        seg = self._emit(text, Layer.COMMENT, "html:comment", pointer)
        # Low by itself: what the content detectors find in it raises it, and a comment that is
        # only template markup is not reported at all (detect/hidden.py judges both).
        self.hidden.append(HiddenItem("comment", "HTML comment <!-- -->", value=text[:500], location=seg.location,
                                      severity=Severity.LOW))

    def _structured_data(self, raw: str) -> None:
        """JSON-LD (schema.org) blocks: invisible, read by search engines, and often holding the
        author, an address or a GeoCoordinates position."""
        values = structured_values(raw)
        for path, value in values:
            pointer = f"line {self.ld_line}: ld+json {path}"
            if isinstance(value, tuple):
                text = f"{value[0]:.6f}, {value[1]:.6f}"
                seg = self._emit(text, Layer.METADATA, "html:ld+json", pointer, field_name=f"ld+json:{path}")
                self.hidden.append(HiddenItem("gps", "structured data (JSON-LD) gives a position",
                                              value=text, location=seg.location, severity=Severity.HIGH))
            else:
                self._emit(value, Layer.METADATA, "html:ld+json", pointer, field_name=f"ld+json:{path}")

    def _links(self, tag: str, attrs: dict[str, str]) -> None:
        """Link targets are not page text, but mail and phone links and paths on the author's
        disk are still in the published page."""
        for attr in LINK_ATTRS:
            value = attrs.get(attr, "").strip()
            if not value:
                continue
            lowered = value.lower()
            pointer = f"line {self.getpos()[0]}: <{tag} {attr}>"
            if lowered.startswith(("mailto:", "tel:")):
                self._emit(value.split(":", 1)[1], Layer.METADATA, "html:links", pointer, field_name=f"{tag}@{attr}")
            elif LOCAL_LINK.match(value):
                seg = self._emit(value, Layer.METADATA, "html:links", pointer, field_name=f"{tag}@{attr}")
                self.hidden.append(HiddenItem("metadata", f"<{tag} {attr}> points to a local disk or file share",
                                              value=value, location=seg.location, severity=Severity.MEDIUM))

    def _meta(self, attrs: dict[str, str]) -> None:
        name = (attrs.get("name") or attrs.get("property") or attrs.get("http-equiv") or "").strip().lower()
        content = attrs.get("content", "").strip()
        if not name or not content or (name not in _META_KEEP and not name.startswith(("dc.", "dcterms."))):
            return
        key = f"meta:{name}"
        self.metadata.append(MetadataField(key, content))
        pointer = f"line {self.getpos()[0]}: <meta name={name}>"
        seg = self._emit(content, Layer.METADATA, "html:head", pointer, field_name=key)
        if name in PERSON_META:
            self.hidden.append(HiddenItem("metadata", f"page metadata '{name}' names a person or organisation",
                                          value=content, location=seg.location, severity=Severity.MEDIUM))
        elif name == "generator" and _INTERNAL_PATH.search(content):
            self.hidden.append(HiddenItem("metadata", "page 'generator' metadata holds an internal path",
                                          value=content, location=seg.location, severity=Severity.MEDIUM))

    def finish(self) -> None:
        self.close()
        self._flush_visible()
        if self._hidden_now():
            self._flush_hidden()
        title = _SPACE.sub(" ", "".join(self.title)).strip()
        if title:
            self.metadata.insert(0, MetadataField("html:title", title))
            self._emit(title, Layer.METADATA, "html:head", "<title>", field_name="html:title")


_MAX_LD_DEPTH = 32


def structured_values(raw: str) -> list[tuple[str, str | tuple[float, float]]]:
    """(key path, string value or (lat, lon)) from a JSON-LD block; [] if it is not valid JSON."""
    import json

    from .social_json import geo_pair

    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return []
    out: list[tuple[str, str | tuple[float, float]]] = []

    def walk(value: object, path: str, parent: dict[str, object] | None, depth: int) -> None:
        if depth > _MAX_LD_DEPTH:
            return
        key = path.rsplit(".", 1)[-1]
        pair = geo_pair(key or "geo", value, parent) if isinstance(value, dict | list) else None
        if pair is not None:
            out.append((path or "geo", pair))
            return
        if isinstance(value, str):
            if value.strip() and not key.startswith("@"):
                out.append((path, value.strip()))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}.{k}" if path else str(k), value, depth + 1)
        elif isinstance(value, list):
            for item in value:
                walk(item, path, parent, depth + 1)

    walk(data, "", None, 0)
    return out


class HtmlExtractor(Extractor):
    media_type = "text/html"
    suffixes = (".html", ".htm", ".xhtml")

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        text, _encoding = decode_html(data)
        ctx.limits.check_text(text, "page")
        parser = _PageParser()
        # Feed in slices so a huge page still honours the per-file deadline.
        step = 1 << 20
        for i in range(0, len(text), step):
            ctx.check_time()
            parser.feed(text[i : i + step])
        parser.finish()
        return Document(
            path=path,
            media_type=self.media_type,
            sha256=sha256_bytes(data),
            segments=tuple(parser.segments),
            metadata=tuple(parser.metadata),
            hidden=tuple(parser.hidden),
        )

    def sniff(self, data: bytes) -> bool:
        head = data[:512].lstrip().lower()
        return head.startswith((b"<!doctype html", b"<html"))
