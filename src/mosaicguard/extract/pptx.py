"""PowerPoint presentations (.pptx, .pptm), read from the raw XML: slide text and tables, speaker
notes, comments (legacy and modern), hidden slides, hidden shapes and shapes placed off the slide.

Each slide part has one text stream (one segment per paragraph, pointer "slide 3"); the sanitiser
re-walks the same `shape_paragraphs` to map findings back to the a:t elements that hold the text.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..model import Document, HiddenItem, Layer, Location, sha256_bytes
from .base import ExtractContext, Extractor
from .ooxml import (
    Element,
    Extracted,
    Package,
    PartText,
    finish,
    parse_xml,
    preview,
    q,
    read_package_parts,
)

_SHAPE_TAGS = {q("p", "sp"), q("p", "graphicFrame"), q("p", "grpSp"), q("p", "cxnSp"), q("p", "pic")}
_DEFAULT_SIZE = (12192000, 6858000)  # 16:9 in EMU, PowerPoint's default


@dataclass
class Paragraph:
    """One a:p of a shape: its layer, the shape it belongs to and its text pieces."""

    layer: Layer
    shape: Element
    shape_name: str
    pieces: list[tuple[Element | None, str]] = field(default_factory=list)
    off_slide: bool = False
    hidden_shape: bool = False

    @property
    def text(self) -> str:
        return "".join(t for _, t in self.pieces)


@dataclass(frozen=True)
class SlideInfo:
    number: int
    part: str


def slide_size(root: Element) -> tuple[int, int]:
    """Slide width and height in EMU from presentation.xml."""
    size = root.find(q("p", "sldSz"))
    if size is None:
        return _DEFAULT_SIZE
    try:
        return int(size.get("cx", "0")), int(size.get("cy", "0"))
    except ValueError:
        return _DEFAULT_SIZE


def slides(pkg: Package, presentation: str, root: Element) -> list[SlideInfo]:
    """Slides in show order, with their parts and whether they are hidden (show="0")."""
    rels = pkg.rel_map(presentation)
    out: list[SlideInfo] = []
    for number, sld in enumerate(root.iter(q("p", "sldId")), start=1):
        rel = rels.get(sld.get(q("r", "id"), ""))
        if rel is None or rel.external or not pkg.has(rel.target):
            continue
        out.append(SlideInfo(number, rel.target))
    return out


def is_hidden_slide(root: Element) -> bool:
    return root.get("show", "1").lower() in {"0", "false"}


def off_slide(shape: Element, size: tuple[int, int]) -> bool:
    """True when a shape lies wholly outside the slide (a common place to park content)."""
    xfrm = None
    for child in shape.iter(q("a", "xfrm"), q("p", "xfrm")):
        xfrm = child
        break
    if xfrm is None:
        return False
    off, ext = xfrm.find(q("a", "off")), xfrm.find(q("a", "ext"))
    if off is None or size[0] <= 0 or size[1] <= 0:
        return False
    try:
        x, y = int(off.get("x", "0")), int(off.get("y", "0"))
        cx = int(ext.get("cx", "0")) if ext is not None else 0
        cy = int(ext.get("cy", "0")) if ext is not None else 0
    except ValueError:
        return False
    return x >= size[0] or y >= size[1] or x + cx <= 0 or y + cy <= 0


def _shape_props(shape: Element) -> tuple[str, bool]:
    for nv in shape.iter(q("p", "cNvPr")):
        return nv.get("name", ""), nv.get("hidden", "0").lower() in {"1", "true"}
    return "", False


def _paragraph_pieces(p: Element) -> list[tuple[Element | None, str]]:
    pieces: list[tuple[Element | None, str]] = []
    for item in p.iter(q("a", "t"), q("a", "br")):
        if item.tag == q("a", "br"):
            pieces.append((None, "\n"))
        elif item.text:
            pieces.append((item, item.text))
    return pieces


def shape_paragraphs(tree: Element, base: Layer, size: tuple[int, int], notes: bool = False) -> Iterator[Paragraph]:
    """Paragraphs of every top-level shape in a slide's (or notes slide's) shape tree, in order.
    Group members inherit their group's placement."""
    sp_tree = tree.find(f".//{q('p', 'spTree')}")
    if sp_tree is None:
        return
    for shape in sp_tree:
        if shape.tag not in _SHAPE_TAGS:
            continue
        name, hidden = _shape_props(shape)
        outside = off_slide(shape, size) and not notes
        if notes and not _is_notes_body(shape):
            continue
        for txbody_owner in _text_holders(shape):
            in_table = txbody_owner.tag == q("a", "tc")
            layer = Layer.HIDDEN_TEXT if (outside or hidden) else Layer.TABLE if in_table else base
            for p in txbody_owner.iter(q("a", "p")):
                pieces = _paragraph_pieces(p)
                if pieces:
                    yield Paragraph(layer, shape, name, pieces, outside, hidden)


def _text_holders(shape: Element) -> Iterator[Element]:
    """Text bodies of a shape: p:txBody of shapes (also inside groups) and table cells."""
    # Table cells hold a:txBody (never p:txBody), so the two never nest.
    yield from shape.iter(q("p", "txBody"), q("a", "tc"))


def _is_notes_body(shape: Element) -> bool:
    """Notes slides repeat the slide image and number: only the body placeholder holds notes."""
    ph = shape.find(f".//{q('p', 'ph')}")
    return ph is not None and ph.get("type") == "body"


def _read_slide(pkg: Package, slide: SlideInfo, size: tuple[int, int], out: Extracted) -> None:
    root = pkg.xml(slide.part)
    hidden_slide = is_hidden_slide(root)
    base = Layer.HIDDEN_TEXT if hidden_slide else Layer.BODY
    stream = PartText(slide.part)
    pointer = f"slide {slide.number}"
    slide_text: list[str] = []
    reported: set[Element] = set()
    for para in shape_paragraphs(root, base, size):
        location = stream.add(para.text, para.layer, pointer)
        slide_text.append(para.text)
        if hidden_slide or para.shape in reported or not (para.off_slide or para.hidden_shape):
            continue
        reported.add(para.shape)
        shape_text = " ".join("".join(t for _, t in _paragraph_pieces(p)) for p in para.shape.iter(q("a", "p")))
        what = "placed off the slide" if para.off_slide else "hidden"
        out.hidden.append(HiddenItem("hidden_text", f"shape '{para.shape_name}' {what} on {pointer}",
                                     preview(shape_text), location))
    out.add_stream(stream)
    if hidden_slide:
        out.hidden.append(HiddenItem("hidden_text", f"hidden slide {slide.number}", preview(" ".join(slide_text)),
                                     Location(part=slide.part, pointer=pointer)))
    for rel in pkg.rels(slide.part):
        if rel.external or not pkg.has(rel.target):
            continue
        if rel.kind == "notesSlide":
            _read_notes(pkg, rel.target, slide, size, out)
        elif rel.kind == "comments":
            _read_comments(pkg, rel.target, slide, out)


def _read_notes(pkg: Package, part: str, slide: SlideInfo, size: tuple[int, int], out: Extracted) -> None:
    stream = PartText(part)
    pointer = f"slide {slide.number} notes"
    texts: list[str] = []
    first: Location | None = None
    for para in shape_paragraphs(pkg.xml(part), Layer.NOTES, size, notes=True):
        location = stream.add(para.text, Layer.NOTES, pointer)
        first = first or location
        texts.append(para.text)
    out.add_stream(stream)
    text = " ".join(texts).strip()
    if text:
        out.hidden.append(HiddenItem("notes", f"speaker notes on slide {slide.number}", preview(text),
                                     Location(part=part, pointer=pointer, start=first.start if first else None,
                                              end=stream.pos - 1)))


def _authors(pkg: Package) -> dict[str, str]:
    """Comment author ids -> names, from both the legacy and the modern author lists."""
    names: dict[str, str] = {}
    for rel in pkg.rels(pkg.main_part("pptx")):
        if rel.kind in {"commentAuthors", "authors"} and not rel.external and pkg.has(rel.target):
            for author in pkg.xml(rel.target):
                if isinstance(author.tag, str):
                    names[author.get("id", "")] = author.get("name", "")
    return names


def _read_comments(pkg: Package, part: str, slide: SlideInfo, out: Extracted) -> None:
    authors = _authors(pkg)
    stream = PartText(part)
    pointer = f"slide {slide.number} comments"
    for cm in pkg.xml(part):
        if not isinstance(cm.tag, str):
            continue
        text = " ".join(t.text or "" for t in cm.iter(q("p", "text"), q("a", "t"))).strip()
        location = stream.add(text, Layer.COMMENT, pointer)
        author = authors.get(cm.get("authorId", ""), "")
        who = f" by '{author}'" if author else ""
        if text:
            out.hidden.append(HiddenItem("comment", f"comment on slide {slide.number}{who}", preview(text), location))
    out.add_stream(stream)


def _read_masters(pkg: Package, size: tuple[int, int], out: Extracted) -> None:
    """Text that masters and layouts put on every slide using them (a logo line, a marking).
    Placeholders are skipped: their text is only the prompt ("Click to edit...")."""
    for name in pkg.names:
        folder = posixpath.dirname(name)
        if not name.endswith(".xml") or posixpath.basename(folder) not in ("slideMasters", "slideLayouts"):
            continue
        label = "slide master" if folder.endswith("slideMasters") else "slide layout"
        stream = PartText(name)
        for text, layer in _master_paragraphs(pkg, name, size):
            stream.add(text, layer, f"{label} {posixpath.basename(name)}")
        out.add_stream(stream)


# Masters and layouts come from a handful of templates: a batch of presentations repeats the same
# dozen parts byte for byte, and parsing them was most of the extractor's time. Their non-placeholder
# paragraphs are kept by content digest (and slide size, which decides what is off the slide).
_MASTER_CACHE: dict[tuple[bytes, tuple[int, int]], tuple[tuple[str, Layer], ...]] = {}
_MASTER_CACHE_MAX = 1024


def _master_paragraphs(pkg: Package, name: str, size: tuple[int, int]) -> tuple[tuple[str, Layer], ...]:
    data = pkg.read(name, pkg.limits.max_xml_part_bytes)
    key = (hashlib.blake2b(data, digest_size=16).digest(), size)
    found = _MASTER_CACHE.get(key)
    if found is None:
        ph = q("p", "ph")
        found = tuple((para.text, para.layer) for para in shape_paragraphs(parse_xml(data, name), Layer.BODY, size)
                      if para.shape.find(f".//{ph}") is None)
        if len(_MASTER_CACHE) >= _MASTER_CACHE_MAX:
            _MASTER_CACHE.clear()
        _MASTER_CACHE[key] = found
    return found


class PptxExtractor(Extractor):
    media_type = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    suffixes = (".pptx", ".pptm")

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        pkg = Package(data, ctx.limits)
        out = Extracted()
        presentation = pkg.main_part("pptx")
        root = pkg.xml(presentation)
        size = slide_size(root)
        slide_list = slides(pkg, presentation, root)
        for slide in slide_list:
            ctx.check_time()
            _read_slide(pkg, slide, size, out)
        _read_masters(pkg, size, out)
        read_package_parts(pkg, path, ctx, presentation, "ppt", out)
        return finish(out, path, self.media_type, sha256_bytes(data), page_count=len(slide_list))

    def sniff(self, data: bytes) -> bool:
        return data.startswith(b"PK") and b"ppt/" in data[:4096]
