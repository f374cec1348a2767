"""Word documents (.docx, .docm), read from the raw XML so that nothing hidden is lost: body and
tables, headers and footers, footnotes and endnotes, comments, tracked insertions and deletions
(deleted text is still in the file), hidden runs (w:vanish), text boxes and field codes.

Each story part (word/document.xml, word/header1.xml, ...) has one text stream. `paragraph_chunks`
cuts it into chunks of one layer each; the extractor turns chunks into segments and the sanitiser
re-walks the same chunks to map a finding's offsets back to the w:t elements that hold the text.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..model import Document, HiddenItem, Layer, Location, MetadataField, sha256_bytes
from .base import ExtractContext, Extractor
from .ooxml import (
    Element,
    Extracted,
    Package,
    PartText,
    finish,
    local_name,
    looks_like_path,
    preview,
    q,
    read_package_parts,
)

W = "w"
_P = q(W, "p")
_R = q(W, "r")
_TBL = q(W, "tbl")
_FALLBACK = q("mc", "Fallback")
_INS_TAGS = {q(W, "ins"), q(W, "moveTo")}
_DEL_TAGS = {q(W, "del"), q(W, "moveFrom")}
_TEXT_TAGS = {q(W, "t"), q(W, "delText")}
_FIELD_TAGS = {q(W, "instrText"), q(W, "delInstrText")}
_CHAR_TAGS = {q(W, "tab"): "\t", q(W, "br"): "\n", q(W, "cr"): "\n", q(W, "noBreakHyphen"): "-"}
_OFF = {"0", "false", "off"}
_STOP_TAGS = {_P, _FALLBACK, q(W, "txbxContent")}
#: elements whose attribute carries data a reader never sees: content-control names and tags,
#: custom-XML and smart-tag attributes, data bindings into customXml (the sanitiser removes them)
LABEL_TAGS = (q(W, "alias"), q(W, "tag"), q(W, "attr"), q(W, "dataBinding"))
LABEL_POINTER = "content control / custom XML label"


@dataclass
class Chunk:
    """Consecutive text of one layer inside one paragraph.

    `pieces` are (element, text) pairs; the element's `.text` holds the piece (None for characters
    that stand for a tab or break). `revision` is the w:ins/w:del element the text belongs to.
    """

    layer: Layer
    paragraph: int
    pieces: list[tuple[Element | None, str]] = field(default_factory=list)
    revision: Element | None = None
    field_code: bool = False
    hidden: str | None = None

    @property
    def text(self) -> str:
        return "".join(t for _, t in self.pieces)


def part_base_layer(part: str) -> Layer:
    """The layer of ordinary text in a story part."""
    base = posixpath.basename(part)
    if base.startswith("header"):
        return Layer.HEADER
    if base.startswith("footer"):
        return Layer.FOOTER
    if base.startswith("comments"):
        return Layer.COMMENT
    return Layer.BODY


def _paragraphs(el: Element, in_table: bool) -> Iterator[tuple[Element, bool]]:
    """Paragraphs in document order, text-box paragraphs after their anchor, skipping the
    mc:Fallback copies Word writes of every text box (they repeat the mc:Choice content)."""
    for child in el:
        tag = child.tag
        if tag == _FALLBACK:
            continue
        if tag == _P:
            yield child, in_table
        yield from _paragraphs(child, in_table or tag == _TBL)


def hidden_reason(run: Element) -> str | None:
    """Why a run is invisible to a reader, or None: w:vanish, white text on an unshaded
    background, or type of 1 pt or less. Shared with the sanitiser, which removes such runs."""
    rpr = run.find(q(W, "rPr"))
    if rpr is None:
        return None
    for tag in ("vanish", "specVanish"):
        flag = rpr.find(q(W, tag))
        if flag is not None and flag.get(q(W, "val"), "true").lower() not in _OFF:
            return "hidden text (w:vanish)"
    size = rpr.find(q(W, "sz"))
    if size is not None and size.get(q(W, "val"), "").isdigit() and int(size.get(q(W, "val"))) <= 2:
        return "text of 1 pt or less"
    color = rpr.find(q(W, "color"))
    if color is not None and color.get(q(W, "val"), "").upper() == "FFFFFF" and not _on_shading(run, rpr):
        return "white text on a white background"
    return None


def _shaded(props: Element | None) -> bool:
    if props is None:
        return False
    if props.find(q(W, "highlight")) is not None:
        return True
    shd = props.find(q(W, "shd"))
    return shd is not None and shd.get(q(W, "fill"), "auto").upper() not in ("AUTO", "FFFFFF")


def _on_shading(run: Element, rpr: Element) -> bool:
    """White text is legitimate on a shaded run, paragraph or table cell."""
    if _shaded(rpr):
        return True
    for ancestor in run.iterancestors(_P, q(W, "tc")):
        props = ancestor.find(q(W, "pPr") if ancestor.tag == _P else q(W, "tcPr"))
        if _shaded(props):
            return True
    return False


def _walk_paragraph(p: Element, base: Layer, index: int) -> list[Chunk]:
    chunks: list[Chunk] = []

    def emit(layer: Layer, revision: Element | None, element: Element | None, text: str, is_field: bool,
             hidden: str | None = None) -> None:
        last = chunks[-1] if chunks else None
        if (last is None or last.layer != layer or last.revision is not revision or last.field_code != is_field
                or last.hidden != hidden):
            last = Chunk(layer, index, revision=revision, field_code=is_field, hidden=hidden)
            chunks.append(last)
        last.pieces.append((element, text))

    def walk(el: Element, revision: Element | None, deleted: bool) -> None:
        for child in el:
            tag = child.tag
            if tag in _STOP_TAGS:
                continue  # nested paragraphs are walked on their own
            if tag in _DEL_TAGS:
                walk(child, child, True)
            elif tag in _INS_TAGS:
                walk(child, child, deleted)
            elif tag == _R:
                hidden = hidden_reason(child)
                layer = Layer.REVISION if revision is not None else Layer.HIDDEN_TEXT if hidden else base
                for item in child.iter():
                    itag = item.tag
                    if itag in _TEXT_TAGS:
                        if item.text:
                            emit(layer, revision, item, item.text, False, hidden)
                    elif itag in _FIELD_TAGS:
                        if item.text and item.text.strip():
                            emit(Layer.REVISION if deleted else Layer.HIDDEN_TEXT, revision, item, item.text, True)
                    elif itag in _CHAR_TAGS and item.getparent() is child:
                        emit(layer, revision, None, _CHAR_TAGS[itag], False, hidden)
                    elif itag == q(W, "txbxContent") or itag == _FALLBACK:
                        break  # text boxes inside a run are separate paragraphs
            elif isinstance(tag, str):
                walk(child, revision, deleted)

    walk(p, None, False)
    return chunks


def paragraph_chunks(root: Element, part: str) -> Iterator[Chunk]:
    """Every chunk of a story part, in stream order. Paragraph numbers start at 1."""
    base = part_base_layer(part)
    for index, (p, in_table) in enumerate(_paragraphs(root, False), start=1):
        layer = Layer.TABLE if in_table and base is Layer.BODY else base
        yield from _walk_paragraph(p, layer, index)


def story_parts(pkg: Package) -> list[str]:
    """The parts that hold document text, main document first."""
    main = pkg.main_part("docx")
    folder = posixpath.dirname(main)
    parts = [main]
    kinds = ("header", "footer", "footnotes", "endnotes", "comments")
    for rel in pkg.rels(main):
        if not rel.external and rel.kind in kinds and pkg.has(rel.target) and rel.target not in parts:
            parts.append(rel.target)
    # Parts present but not linked (a half-removed comments part) still hold text.
    for name in pkg.names:
        base = posixpath.basename(name)
        if (name.startswith(folder + "/") and name.endswith(".xml") and name not in parts
                and base.startswith(kinds) and "/" not in name[len(folder) + 1:]
                and not base.startswith(("commentsExtended", "commentsIds", "commentsExtensible"))):
            parts.append(name)
    return parts


def _author(el: Element | None) -> str:
    return el.get(q(W, "author"), "") if el is not None else ""


def _hidden_for_chunk(chunk: Chunk, location: Location) -> HiddenItem | None:
    pointer = f"paragraph {chunk.paragraph}"
    if chunk.field_code:
        text = chunk.text
        if looks_like_path(text) or any(k in text.upper() for k in ("INCLUDETEXT", "INCLUDEPICTURE", "LINK ")):
            return HiddenItem("hidden_text", f"field code referring to a file or link in {pointer}",
                              preview(text), location)
        return None
    if chunk.revision is not None:
        kind = local_name(chunk.revision.tag)
        verb = {"del": "deletion", "moveFrom": "move (old place)", "ins": "insertion", "moveTo": "move (new place)"}
        author = _author(chunk.revision)
        who = f" by '{author}'" if author else ""
        date = chunk.revision.get(q(W, "date"), "")
        when = f" on {date}" if date else ""
        return HiddenItem("revision", f"tracked {verb.get(kind, kind)}{who}{when} in {pointer}",
                          preview(chunk.text), location)
    if chunk.layer is Layer.HIDDEN_TEXT:
        reason = chunk.hidden or "hidden text"
        return HiddenItem("hidden_text", f"{reason} in {pointer}", preview(chunk.text), location)
    return None


def _read_story(root: Element, part: str, out: Extracted) -> None:
    """Segments of one story part; for comments, one HiddenItem per comment as well."""
    stream = PartText(part)
    comments = _comment_of_paragraph(root) if part_base_layer(part) is Layer.COMMENT else {}
    spans: dict[Element, list[int]] = {}
    for chunk in paragraph_chunks(root, part):
        text = chunk.text
        pointer = f"paragraph {chunk.paragraph}"
        comment = comments.get(chunk.paragraph)
        if comment is not None:
            pointer = f"comment {comment.get(q(W, 'id'), '?')}, {pointer}"
        location = stream.add(text, chunk.layer, pointer)
        if comment is not None:
            span = spans.setdefault(comment, [location.start or 0, location.end or 0])
            span[1] = location.end or 0
        item = _hidden_for_chunk(chunk, location) if text.strip() else None
        if item is not None:
            out.hidden.append(item)
    for label in root.iter(*LABEL_TAGS):
        value = (label.get(q(W, "val")) or label.get(q(W, "xpath")) or "").strip()
        if value:
            stream.add(value, Layer.METADATA, LABEL_POINTER)
    out.add_stream(stream)
    for comment in root.iter(q(W, "comment")):
        cid = comment.get(q(W, "id"), "?")
        author = _author(comment)
        text = " ".join("".join(t.text or "" for t in p.iter(q(W, "t"))) for p in comment.iter(_P)).strip()
        start, end = spans.get(comment, [None, None])
        who = f" by '{author}'" if author else ""
        out.hidden.append(HiddenItem("comment", f"comment{who}", preview(text),
                                     Location(start=start, end=end, part=part, pointer=f"comment {cid}")))


def _comment_of_paragraph(root: Element) -> dict[int, Element]:
    """Paragraph number -> the w:comment element that holds it."""
    out: dict[int, Element] = {}
    for number, (p, _) in enumerate(_paragraphs(root, False), start=1):
        parent = p.getparent()
        if parent is not None and parent.tag == q(W, "comment"):
            out[number] = parent
    return out


def _settings(pkg: Package, main: str, out: Extracted) -> None:
    """Document variables (w:docVars) are invisible but travel with the file."""
    for rel in pkg.rels(main):
        if rel.kind != "settings" or rel.external or not pkg.has(rel.target):
            continue
        stream = PartText(rel.target)
        for var in pkg.xml(rel.target).iter(q(W, "docVar")):
            name = var.get(q(W, "name"), "")
            value = var.get(q(W, "val"), "")
            if not value.strip():
                continue
            key = f"docVar:{name}"
            out.metadata.append(MetadataField(key, value, rel.target))
            location = stream.add(value, Layer.METADATA, key, key)
            out.hidden.append(HiddenItem("metadata", f"document variable '{name}'", preview(value), location))
        out.add_stream(stream)


class DocxExtractor(Extractor):
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    suffixes = (".docx", ".docm")

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        pkg = Package(data, ctx.limits)
        out = Extracted()
        main = pkg.main_part("docx")
        for part in story_parts(pkg):
            ctx.check_time()
            _read_story(pkg.xml(part), part, out)
        _settings(pkg, main, out)
        read_package_parts(pkg, path, ctx, main, "word", out)
        return finish(out, path, self.media_type, sha256_bytes(data))

    def sniff(self, data: bytes) -> bool:
        return data.startswith(b"PK") and b"word/" in data[:4096]
