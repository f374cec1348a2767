"""Findings drawn on the rendered document, for the review page and the review record.

Paged documents (PDF, images) are drawn as PNG pages by PyMuPDF and Pillow, and each finding that
carries a page and a box (`location.page`, `location.bbox`, the document model's coordinates in
PDF points, or pixels for an image) becomes a box on that page. Every other finding is placed in
the text it was found in: the document is read again by the same extractor the scan used
(`extract.dispatch.extract_bytes`, so the offsets are the scan's own offsets) and the finding's
span is highlighted in place inside its part (body, header, comments, metadata field...).
Values are masked by default, as in the human reports: on a masked page the box is filled, so the
PNG itself no longer holds the value; in text the span shows `model.mask(value)`.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pymupdf
from PIL import Image, ImageDraw

from ..extract.base import ExtractContext, Limits
from ..extract.dispatch import extract_bytes
from ..extract.heif import register_heif
from ..model import Document, Segment, mask
from ..report.summary import _mask_values

#: Render scale for PDF pages: 1.5 x 72 dpi = 108 dpi, legible on screen, ~150 kB per A4 page.
PDF_ZOOM = 1.5
#: Longest side of a drawn image page, in pixels.
MAX_IMAGE_SIDE = 1600
#: Text shown per part: a huge part is cut (the findings list still has every finding).
MAX_PART_CHARS = 200_000

_SEVERITY_COLOURS = {
    "critical": (176, 0, 32),
    "high": (214, 40, 40),
    "medium": (230, 126, 34),
    "low": (52, 101, 164),
}
_MASK_FILL = (70, 70, 70)


@dataclass(frozen=True)
class Mark:
    """What the renderer needs of one finding (from the report shape of CONTRACTS.md)."""

    id: str
    category: str
    severity: str
    match: str
    layer: str
    page: int | None = None
    start: int | None = None
    end: int | None = None
    part: str | None = None
    pointer: str | None = None
    bbox: tuple[float, float, float, float] | None = None

    @classmethod
    def from_finding(cls, finding: Mapping[str, Any]) -> Mark:
        """A mark from a finding dict (`Finding.to_dict()` shape)."""
        loc = finding.get("location") or {}
        raw_box = loc.get("bbox")
        box = None
        if raw_box is not None and len(raw_box) == 4:
            box = (float(raw_box[0]), float(raw_box[1]), float(raw_box[2]), float(raw_box[3]))
        return cls(
            id=str(finding.get("id", "")), category=str(finding.get("category", "")),
            severity=str(finding.get("severity", "medium")), match=str(finding.get("match", "")),
            layer=str(finding.get("layer", "body")), page=loc.get("page"), start=loc.get("start"),
            end=loc.get("end"), part=loc.get("part"), pointer=loc.get("pointer"), bbox=box,
        )


@dataclass(frozen=True)
class Box:
    """A finding's box on a page, as fractions (0-1) of the page's width and height, so the page
    may be shown at any size with the boxes laid over it."""

    finding_id: str
    category: str
    severity: str
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class PageView:
    """One drawn page (1-based number) with its boxes."""

    number: int
    boxes: tuple[Box, ...]


@dataclass(frozen=True)
class Piece:
    """A run of a text part: plain text (`finding_ids` empty) or a highlighted finding span."""

    text: str
    finding_ids: tuple[str, ...] = ()
    severity: str = ""


@dataclass(frozen=True)
class TextPart:
    """A part of the document (body, a header, a comment, a metadata block...) with its
    findings highlighted in place."""

    part: str
    layer: str
    pieces: tuple[Piece, ...]
    truncated: bool = False


@dataclass(frozen=True)
class Rendering:
    """Where every finding of a document is shown: on a page, in a text part, or elsewhere
    (found in a place that has no text or page to point at, e.g. a structural item)."""

    paged: bool
    pages: tuple[PageView, ...] = ()
    parts: tuple[TextPart, ...] = ()
    elsewhere: tuple[str, ...] = ()
    page_count: int = 0
    errors: tuple[str, ...] = field(default=())


def is_paged(media_type: str) -> bool:
    """True for documents drawn as pages (PDF and raster images)."""
    return media_type == "application/pdf" or (media_type.startswith("image/") and media_type != "image/svg+xml")


#: Renderings kept per process: a review page is opened again and again while it is decided.
_CACHE_SIZE = 16
_cache: OrderedDict[tuple[str, ...], Rendering] = OrderedDict()
_cache_lock = threading.Lock()


def render_document(data: bytes, path: str, media_type: str, findings: Sequence[Mapping[str, Any]], *,
                    reveal: bool = False, ocr: str = "auto") -> Rendering:
    """Place every finding of a document: boxes on pages for paged documents, highlights in the
    text parts for the rest. `path` is the name the scan used (it chooses the extractor), so the
    document is read exactly as the scan read it. Never raises for a bad file: the reason is in
    `errors` and the findings are listed `elsewhere`. The same document with the same findings
    is rendered once (a small per-process cache keyed by content hash, findings and `reveal`)."""
    key = (hashlib.sha256(data).hexdigest(), path, media_type, str(reveal), ocr,
           json.dumps(list(findings), sort_keys=True, ensure_ascii=False, default=str))
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    rendering = _render(data, path, media_type, findings, reveal=reveal, ocr=ocr)
    with _cache_lock:
        _cache[key] = rendering
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return rendering


def _render(data: bytes, path: str, media_type: str, findings: Sequence[Mapping[str, Any]], *,
            reveal: bool, ocr: str) -> Rendering:
    marks = [Mark.from_finding(f) for f in findings]
    paged = is_paged(media_type)
    pages: list[PageView] = []
    page_count = 0
    placed: set[str] = set()
    errors: list[str] = []
    if paged:
        try:
            sizes = _page_sizes(data, media_type)
        except Exception as exc:  # noqa: BLE001 - a damaged file still gets its findings listed
            errors.append(f"pages could not be drawn: {type(exc).__name__}: {exc}")
            sizes = []
        page_count = len(sizes)
        pages, placed = _page_views(marks, sizes)
    parts: list[TextPart] = []
    if any(m.id not in placed for m in marks):
        doc = extract_bytes(data, path, ExtractContext(limits=Limits(), ocr=ocr))
        if doc.status != "ok" and doc.error:
            errors.append(doc.error)
        parts, in_text = _text_parts(doc, marks, placed, reveal)
        placed |= in_text
    elsewhere = tuple(m.id for m in marks if m.id not in placed)
    return Rendering(paged=paged, pages=tuple(pages), parts=tuple(parts), elsewhere=elsewhere,
                     page_count=page_count, errors=tuple(errors))


# --- pages -----------------------------------------------------------------------------------


#: A page as drawn: width, height, and the matrix from the findings' coordinates to the drawing
#: (PyMuPDF gives text boxes on the unrotated page; a rotated page is drawn rotated), or None.
PageGeometry = tuple[float, float, tuple[float, float, float, float, float, float] | None]


def _geometry(page: pymupdf.Page) -> PageGeometry:
    matrix = None
    if page.rotation % 360:
        m = page.rotation_matrix
        matrix = (m.a, m.b, m.c, m.d, m.e, m.f)
    return page.rect.width, page.rect.height, matrix


def _page_sizes(data: bytes, media_type: str) -> list[PageGeometry]:
    """Each page's geometry, in the unit of the findings' boxes."""
    if media_type == "application/pdf":
        with pymupdf.open(stream=data, filetype="pdf") as pdf:
            return [_geometry(page) for page in pdf]
    register_heif()  # HEIC/AVIF photos open in Pillow like any image
    with Image.open(io.BytesIO(data)) as img:
        return [(float(img.width), float(img.height), None)]


def _page_views(marks: Iterable[Mark], sizes: Sequence[PageGeometry]) -> tuple[list[PageView], set[str]]:
    by_page: dict[int, list[Box]] = {}
    placed: set[str] = set()
    for m in marks:
        page = m.page if m.page is not None else (1 if len(sizes) == 1 else None)
        if m.bbox is None or page is None or not 1 <= page <= len(sizes):
            continue
        width, height, matrix = sizes[page - 1]
        bbox = m.bbox
        if matrix is not None:
            turned = pymupdf.Rect(bbox) * pymupdf.Matrix(*matrix)
            bbox = (turned.x0, turned.y0, turned.x1, turned.y1)
        box = _clamped(bbox, width, height)
        if box is None:  # entirely off the page (text placed outside the visible area)
            continue
        x0, y0, x1, y1 = box
        by_page.setdefault(page, []).append(Box(m.id, m.category, m.severity, x0 / width, y0 / height,
                                                (x1 - x0) / width, (y1 - y0) / height))
        placed.add(m.id)
    views = [PageView(n, tuple(boxes)) for n, boxes in sorted(by_page.items())]
    if not views and sizes:
        views = [PageView(1, ())]  # a preview of the first page even with nothing drawn on it
    return views, placed


def _clamped(bbox: tuple[float, float, float, float], width: float, height: float,
             ) -> tuple[float, float, float, float] | None:
    x0, y0, x1, y1 = bbox
    x0, x1 = max(0.0, min(x0, x1)), min(width, max(x0, x1))
    y0, y1 = max(0.0, min(y0, y1)), min(height, max(y0, y1))
    if x1 <= x0 or y1 <= y0:
        return None
    # A 1-pt text line is still worth a visible frame.
    if y1 - y0 < 4:
        y0, y1 = max(0.0, y0 - 2), min(height, y1 + 2)
    return x0, y0, x1, y1


def page_png(data: bytes, media_type: str, number: int, findings: Sequence[Mapping[str, Any]], *,
             reveal: bool = False, zoom: float = PDF_ZOOM) -> bytes:
    """PNG of page `number` (1-based) with each finding's box framed in its severity's colour.
    Masked by default: boxes are filled, so the PNG does not carry the values. Raises
    ValueError for a page that does not exist."""
    if not is_paged(media_type):
        raise ValueError(f"a {media_type or 'file of unknown kind'} has no pages to draw")
    marks = [Mark.from_finding(f) for f in findings]
    if media_type == "application/pdf":
        with pymupdf.open(stream=data, filetype="pdf") as pdf:
            if not 1 <= number <= pdf.page_count:
                raise ValueError(f"page {number} does not exist (the document has {pdf.page_count})")
            page = pdf[number - 1]
            size = _geometry(page)
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
            image = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    else:
        if number != 1:
            raise ValueError(f"page {number} does not exist (an image has one)")
        register_heif()
        try:
            with Image.open(io.BytesIO(data)) as src:
                size = (float(src.width), float(src.height), None)
                image = src.convert("RGB")
        except (OSError, Image.DecompressionBombError) as exc:
            raise ValueError(f"the image cannot be drawn: {exc}") from exc
        image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    views, _ = _page_views(marks, [size] * (number if media_type == "application/pdf" else 1))
    boxes = next((v.boxes for v in views if v.number == number), ())
    _draw_boxes(image, boxes, reveal)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _draw_boxes(image: Image.Image, boxes: Iterable[Box], reveal: bool) -> None:
    draw = ImageDraw.Draw(image)
    w, h = image.size
    line = max(2, round(min(w, h) / 400))
    for b in boxes:
        rect = (b.left * w - line, b.top * h - line, (b.left + b.width) * w + line, (b.top + b.height) * h + line)
        colour = _SEVERITY_COLOURS.get(b.severity, _SEVERITY_COLOURS["high"])
        draw.rectangle(rect, outline=colour, width=line, fill=None if reveal else _MASK_FILL)


# --- text parts ------------------------------------------------------------------------------


def _segment_parts(doc: Document) -> dict[str, list[Segment]]:
    """Segments grouped by the part name findings carry. Embedded files are named as the
    detection engine names them (`detect.engine._as_embedded`: `name:inner` or `name`)."""
    parts: dict[str, list[Segment]] = {}
    for seg in doc.segments:
        parts.setdefault(seg.location.part or "", []).append(seg)
    for inner in doc.embedded:
        name = inner.path.rsplit("!", 1)[-1]
        for seg in inner.segments:
            key = f"{name}:{seg.location.part}" if seg.location.part else name
            parts.setdefault(key, []).append(seg)
    return parts


def _part_text(segments: Sequence[Segment]) -> str:
    """The part's text stream: each segment at its own offset, gaps as line breaks."""
    chars: list[str] = []
    for seg in sorted(segments, key=lambda s: s.location.start or 0):
        start = seg.location.start
        if start is None:
            start = len(chars) + (1 if chars else 0)
        if start > len(chars):
            chars.extend("\n" * (start - len(chars)))
        chars[start:start + len(seg.text)] = list(seg.text)
    return "".join(chars)


def _span_of(mark: Mark, segments: Sequence[Segment], text: str) -> tuple[int, int] | None:
    """Where the finding is in its part's text: its own offsets when they hold its value, else
    the value inside the segment its pointer names (metadata fields), else its first occurrence."""
    if mark.start is not None and mark.end is not None and 0 <= mark.start < mark.end <= len(text):
        return mark.start, mark.end
    if not mark.match:
        return None
    for seg in segments:
        if mark.pointer and seg.location.pointer != mark.pointer:
            continue
        at = seg.text.find(mark.match)
        if at >= 0 and seg.location.start is not None:
            return seg.location.start + at, seg.location.start + at + len(mark.match)
    at = text.find(mark.match)
    if at >= 0:
        return at, at + len(mark.match)
    # A value joined from several fields or lines ("make model", a hidden line of two runs) is
    # in the part with other white space between its words.
    words = mark.match.split()
    if len(words) > 1:
        found = re.search(r"\s+".join(re.escape(w) for w in words), text)
        if found:
            return found.start(), found.end()
    return None


def _text_parts(doc: Document, marks: Sequence[Mark], on_pages: set[str], reveal: bool,
                ) -> tuple[list[TextPart], set[str]]:
    """The parts holding a finding that is not on a drawn page, every finding of such a part
    highlighted (those also framed on a page too: a part is masked as a whole)."""
    segment_parts = _segment_parts(doc)
    spans: dict[str, list[tuple[int, int, Mark]]] = {}
    placed: set[str] = set()
    texts: dict[str, str] = {}
    for m in marks:
        key = m.part or ""
        segments = segment_parts.get(key)
        if not segments:
            continue
        if key not in texts:
            texts[key] = _part_text(segments)
        span = _span_of(m, segments, texts[key])
        if span is None:
            continue
        spans.setdefault(key, []).append((span[0], span[1], m))
        placed.add(m.id)
    values = sensitive_values(marks)
    order = {key: i for i, key in enumerate(segment_parts)}
    parts = []
    for key in sorted(spans, key=lambda k: order.get(k, len(order))):
        if all(m.id in on_pages for _, _, m in spans[key]):
            continue
        text = texts[key]
        truncated = len(text) > MAX_PART_CHARS
        pieces = _pieces(text[:MAX_PART_CHARS], spans[key], values, reveal)
        layer = segment_parts[key][0].layer.value
        parts.append(TextPart(part=key or "text", layer=layer, pieces=tuple(pieces), truncated=truncated))
    return parts, placed - on_pages


def sensitive_values(marks: Iterable[Mark]) -> frozenset[str]:
    """Values masked wherever they appear in shown text: every finding's value and, for a value
    of several words (a hidden line, a comment), each of its telling words, since such a value
    is often split over lines in the text."""
    values: set[str] = set()
    for m in marks:
        if len(m.match) >= 3:
            values.add(m.match)
        words = m.match.split()
        if len(words) > 1:
            # Words that carry the value (codes, numbers, Chinese names and places), not the
            # ordinary English words around them ("inserted words" must not mask "words").
            values.update(w for w in words if len(w) >= 4 and (len(w) >= 10 or not w.isascii()
                                                                or any(c.isdigit() for c in w)))
    return frozenset(values)


_SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}


def _pieces(text: str, spans: Sequence[tuple[int, int, Mark]], values: frozenset[str], reveal: bool) -> list[Piece]:
    """Plain runs and highlighted regions. Overlapping findings (a marking inside a hidden line)
    become one region naming all of them, masked as a whole: masking each piece separately would
    show the edges of the inner value."""
    regions: list[tuple[int, int, list[Mark]]] = []
    for start, end, mark in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start >= len(text):
            continue
        end = min(end, len(text))
        if regions and start < regions[-1][1]:
            last = regions[-1]
            regions[-1] = (last[0], max(last[1], end), [*last[2], mark])
        else:
            regions.append((start, end, [mark]))
    pieces: list[Piece] = []
    cursor = 0
    for start, end, group in regions:
        if start > cursor:
            pieces.append(Piece(_plain(text[cursor:start], values, reveal)))
        value = text[start:end]
        worst = max((m.severity for m in group), key=lambda s: _SEVERITY_RANK.get(s, 0))
        pieces.append(Piece(value if reveal else mask(value), tuple(m.id for m in group), worst))
        cursor = end
    if cursor < len(text):
        pieces.append(Piece(_plain(text[cursor:], values, reveal)))
    return pieces


_GAPS = re.compile(r"\n{3,}")


def _plain(text: str, values: frozenset[str], reveal: bool) -> str:
    """Unmarked text for display: other findings' values masked, long gaps between segments
    (offsets of parts the text stream skips) shown as one blank line."""
    return _GAPS.sub("\n\n", text if reveal else _mask_values(text, values))
