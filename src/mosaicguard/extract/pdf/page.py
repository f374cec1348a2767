"""Page text: one segment per run of same-kind characters in a line, with boxes, and the
kinds a reader cannot see: white, tiny, off-page and invisible text, text under boxes, pictures
or unapplied redaction annotations, and text in layers that are switched off. Running headers and
footers are marked as such."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pymupdf

from ...model import BBox, HiddenItem, Layer, Location, Segment, Severity
from ..base import ExtractContext
from .common import CJK_COMPAT, MAX_VALUE_CHARS, TEXT_FLAGS, grow, norm, to_bbox, union_bbox

TINY_FONT_PT = 2.0
WHITE_MIN = 0.92  # every colour component at least this: reads as white on a white page
IMAGE_COVER = "picture pasted on top"
MIN_COVER_SIDE = 3.0  # thinner filled shapes are rules and underlines, not redaction boxes
MARGIN_SHARE = 0.12  # top and bottom share of the page where running headers and footers sit
# A cover hides what is under it only if a viewer sees one dark colour there (as x-ray judges):
# the rendered area, 1 px border aside, within this many levels (0-255) per channel of one colour,
DARK_TOLERANCE = 5
DARK_LUMINANCE = 100  # and that colour's luminance (ITU-R BT.601, 0-255) at most this.
CHAR_COVERED = 0.8  # share of a character's width under a cover for the character to count as covered
_DIGITS = re.compile(r"\d+")
_WORDLIKE = re.compile(r"\w")

# The kinds of text a span (or a character) can be.
BODY, WHITE, TINY, OFFPAGE, INVISIBLE, COVERED, OCR = "body", "white", "tiny", "offpage", "invisible", "covered", "ocr"
DUPLICATE = "duplicate"  # invisible text laid over the same visible text (searchable-PDF producers)
_LAYER = {
    BODY: Layer.BODY,
    OCR: Layer.BODY,  # invisible text over a scanned page image is its OCR layer, not hidden text
    DUPLICATE: Layer.BODY,
    WHITE: Layer.HIDDEN_TEXT,
    TINY: Layer.HIDDEN_TEXT,
    OFFPAGE: Layer.HIDDEN_TEXT,
    INVISIBLE: Layer.HIDDEN_TEXT,
    COVERED: Layer.UNDER_REDACTION,
}
_HIDDEN_DESCRIPTION = {
    WHITE: "white text on a white page",
    TINY: f"text smaller than {TINY_FONT_PT:g} pt",
    OFFPAGE: "text outside the visible page area",
    INVISIBLE: "invisible text (render mode 3) not over a scanned image",
}


@dataclass(frozen=True)
class Cover:
    """An opaque shape over the page that may hide text: a drawn filled box, a picture or an
    annotation."""

    rect: pymupdf.Rect
    seqno: int  # painting order; annotations are painted after all page content
    fill: tuple[float, ...]  # empty for pictures
    source: str  # how a reviewer would call it: "drawn box", "picture pasted on top", ...
    always: bool = False  # an unapplied Redact annotation hides nothing: anything under it is a failure
    # Only a shape that renders as one dark colour hides text (see `renders_dark`); an unapplied
    # Redact annotation counts whatever it looks like.


@dataclass
class _Run:
    """Consecutive characters of one line that share a kind (and cover)."""

    text: str
    kind: str
    bbox: BBox  # plain tuples: building a pymupdf.Rect per span costs more than reading the page
    cover: int = -1


@dataclass
class PageText:
    """What one page yields, plus what the document-level checks need from it."""

    segments: list[Segment] = field(default_factory=list)
    hidden: list[HiddenItem] = field(default_factory=list)
    # Normalised line texts without covered characters: what an earlier revision is compared with.
    lines: set[str] = field(default_factory=set)
    chars: int = 0
    visible_chars: int = 0  # non-space characters a reader sees (or an OCR layer holds)
    ocr_layer: bool = False  # invisible text over a full-page image


def read_page(page: pymupdf.Page, page_no: int) -> PageText:
    """Segments (one per run of same-kind characters in a line) and hidden items of one page."""
    covers = find_covers(page)
    out = PageText()
    classifier = _Classifier(page, covers)
    data = page.get_text("dict", flags=TEXT_FLAGS, clip=pymupdf.INFINITE_RECT())
    if covers and any(classifier.cover_index.touching(span["bbox"]) for block in data["blocks"]
                      for line in block.get("lines", ()) for span in line["spans"]):
        # Characters with their boxes, only where a box may cover some of them.
        data = page.get_text("rawdict", flags=TEXT_FLAGS, clip=pymupdf.INFINITE_RECT())
    classifier.blocks = data["blocks"]
    part = f"page {page_no}"
    offset = 0
    covered_text: dict[int, list[str]] = {}
    previous_hidden: tuple[str, int] | None = None  # (kind, index in out.hidden) for merging lines
    for block in data["blocks"]:
        if block.get("type", 0) != 0:
            continue
        for line in block["lines"]:
            runs = _line_runs(line, classifier)
            if not runs:
                continue
            visible: list[str] = []
            for run in runs:
                layer = _LAYER[run.kind]
                bbox = run.bbox
                out.segments.append(Segment(run.text, layer, Location(page=page_no, start=offset,
                                                                      end=offset + len(run.text), part=part,
                                                                      bbox=bbox)))
                offset += len(run.text)
                if run.kind == COVERED:
                    covered_text.setdefault(run.cover, []).append(run.text)
                    continue
                visible.append(run.text)
                if run.kind in (BODY, OCR):
                    out.visible_chars += len("".join(run.text.split()))
                    out.ocr_layer = out.ocr_layer or run.kind == OCR
                if run.kind in _HIDDEN_DESCRIPTION and meaningful(run.text):
                    if previous_hidden and previous_hidden[0] == run.kind:
                        index = previous_hidden[1]
                        item = out.hidden[index]
                        out.hidden[index] = HiddenItem(item.category, item.description, f"{item.value} {run.text}",
                                                       Location(page=page_no, part=part,
                                                                bbox=union_bbox(item.location.bbox, bbox)))
                    else:
                        out.hidden.append(HiddenItem("hidden_text", f"{_HIDDEN_DESCRIPTION[run.kind]} (page {page_no})",
                                                     run.text, Location(page=page_no, part=part, bbox=bbox)))
                        previous_hidden = (run.kind, len(out.hidden) - 1)
                elif run.text.strip():
                    previous_hidden = None
            offset += 1  # the newline that joins lines in the page's text stream
            key = norm("".join(visible))
            if key:
                out.lines.add(key)
    for index, texts in sorted(covered_text.items()):
        cover = covers[index]
        value = " ".join(t.strip() for t in texts if t.strip())
        if meaningful(value):
            out.hidden.append(HiddenItem(
                "redaction_failure",
                f"text under a {cover.source} (page {page_no})",
                value, Location(page=page_no, part=part, bbox=to_bbox(cover.rect))))
    if covers:
        out.hidden.extend(_covered_images(page, page_no, covers, classifier.hides))
    out.chars = offset
    return out


def mark_headers_footers(segments: list[Segment], heights: dict[int, float]) -> list[Segment]:
    """Body lines repeated in the top or bottom margin of most pages (page numbers aside) are the
    running header or footer: secrecy markings and unit names often sit there."""
    pages = len(heights)
    if pages < 2:
        return segments
    seen: dict[tuple[str, str], set[int]] = {}
    for seg in segments:
        band = _band(seg, heights)
        if band:
            seen.setdefault((band, _DIGITS.sub("#", norm(seg.text))), set()).add(seg.location.page or 0)
    repeated = {key for key, on in seen.items() if len(on) >= max(2, (pages + 1) // 2)}
    if not repeated:
        return segments
    out = []
    for seg in segments:
        band = _band(seg, heights)
        if band and (band, _DIGITS.sub("#", norm(seg.text))) in repeated:
            seg = replace(seg, layer=Layer.HEADER if band == "top" else Layer.FOOTER)
        out.append(seg)
    return out


def _band(seg: Segment, heights: dict[int, float]) -> str | None:
    loc = seg.location
    if seg.layer != Layer.BODY or loc.bbox is None or loc.page not in heights or not seg.text.strip():
        return None
    height = heights[loc.page]
    if loc.bbox[3] <= MARGIN_SHARE * height:
        return "top"
    if loc.bbox[1] >= (1 - MARGIN_SHARE) * height:
        return "bottom"
    return None


def find_covers(page: pymupdf.Page) -> list[Cover]:
    """Opaque filled rectangles drawn on the page, opaque images placed over text, and
    redaction-looking annotations."""
    covers: list[Cover] = []
    annots = list(page.annots() or ())
    # Annotation appearances show up among the drawings; markup (a highlight is an opaque yellow
    # shape blended with "multiply") must not read as a box. Annotations are judged below.
    annot_rects = [grow(a.rect, 1, 1) for a in annots]
    for drawing in page.get_drawings():
        fill = drawing.get("fill")
        if fill is None or (drawing.get("fill_opacity") or 1.0) < 0.95:
            continue
        if any(r.contains(drawing["rect"]) for r in annot_rects):
            continue
        for item in drawing["items"]:
            if item[0] == "re":
                rect = pymupdf.Rect(item[1])
            elif item[0] == "qu":
                rect = pymupdf.Quad(item[1]).rect
            else:
                continue
            if rect.width >= MIN_COVER_SIDE and rect.height >= MIN_COVER_SIDE:
                covers.append(Cover(rect, int(drawing.get("seqno", 0)), tuple(fill), "drawn box"))
    if page.get_images(full=False):
        covers.extend(_image_covers(page))
    for annot in annots:
        kind = annot.type[0]
        fill = (annot.colors or {}).get("fill") or ()
        if kind == pymupdf.PDF_ANNOT_REDACT:
            covers.append(Cover(annot.rect, 1 << 30, tuple(fill) or (0.0, 0.0, 0.0),
                                "redaction annotation that was never applied", always=True))
        elif kind == pymupdf.PDF_ANNOT_SQUARE and fill and (annot.opacity < 0 or annot.opacity >= 0.95):
            covers.append(Cover(annot.rect, 1 << 30, tuple(fill), "filled box annotation"))
        elif kind == pymupdf.PDF_ANNOT_HIGHLIGHT:
            # A black highlighter is a makeshift redaction; the rendering check below tells a
            # dark one from ordinary yellow markup.
            stroke = (annot.colors or {}).get("stroke") or ()
            if stroke and _luminance(tuple(stroke)) <= DARK_LUMINANCE / 255:
                # The marked quads, not the annotation's box (which has a margin around them).
                points = annot.vertices or ()
                for i in range(0, len(points) - 3, 4):
                    quad = pymupdf.Quad(*(pymupdf.Point(p) for p in points[i:i + 4]))
                    covers.append(Cover(quad.rect, 1 << 30, tuple(stroke), "dark highlight annotation"))
    return covers


def meaningful(text: str) -> bool:
    """Text worth reporting as hidden or under a box: a letter or digit (dot leaders, rules of
    dashes and blank form lines are not), more than one character, not one character repeated
    (`XXXX XXX` is a placeholder) and not undecodable glyphs."""
    alnum = [c.lower() for c in text if c.isalnum()]
    if len(alnum) < 2 or "\ufffd" in text or not _WORDLIKE.search(text):
        return False
    return len(set(alnum)) > 1 or len(alnum) <= 3


def renders_dark(page: pymupdf.Page, rect: pymupdf.Rect) -> bool:
    """True when a viewer sees one dark colour over `rect`: the area rendered (annotations
    included) is, apart from a 1-pixel border where edges blur, one colour within
    `DARK_TOLERANCE`, and that colour is dark. This is what tells a black box over text from a
    white form field, a bright sidebar, a box with text drawn on it, a frame whose inside is not
    filled (winding rules) or a box whose clipping path leaves the text in view."""
    import numpy as np

    clip = pymupdf.Rect(rect * page.rotation_matrix).normalize() & page.rect
    if clip.width > 4 and clip.height > 4:
        clip = grow(clip, -1, -1)  # edges are anti-aliased into the neighbouring pixels
    if clip.is_empty or clip.width < 1 or clip.height < 1:
        return False
    pix = page.get_pixmap(colorspace=pymupdf.csRGB, clip=clip, alpha=False)
    if pix.width == 0 or pix.height == 0:
        return False
    pixels = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, :pix.width * 3]
    pixels = pixels.reshape(pix.height, pix.width, 3).astype(np.int16)
    if pix.width > 2 and pix.height > 2:
        pixels = pixels[1:-1, 1:-1]
    reference = pixels.reshape(-1, 3)[0]
    if int(np.abs(pixels - reference).max()) > DARK_TOLERANCE:
        return False
    return _luminance(tuple(float(v) / 255 for v in reference)) <= DARK_LUMINANCE / 255


def _image_covers(page: pymupdf.Page) -> list[Cover]:
    """Opaque images drawn over text (a black picture pasted on a line hides it as a box does).
    Page-size images are backgrounds or scans, and images with transparency hide nothing for sure."""
    area = abs(page.rect)
    masked = {tuple(round(v) for v in info["bbox"]) for info in page.get_image_info() if info.get("has-mask")}
    covers = []
    # The bbox log lists every drawing operation in painting order: its index is the sequence
    # number that `get_texttrace` and `get_drawings` report.
    for seqno, (kind, box) in enumerate(page.get_bboxlog()):
        if kind not in ("fill-image", "fill-imgmask"):
            continue
        rect = pymupdf.Rect(box)
        if (rect.width < MIN_COVER_SIDE or rect.height < MIN_COVER_SIDE or abs(rect) >= 0.8 * area
                or tuple(round(v) for v in box) in masked):
            continue
        covers.append(Cover(rect, seqno, (), IMAGE_COVER))
    return covers


class _Classifier:
    """Decides what kind of text a span or a character is on one page."""

    def __init__(self, page: pymupdf.Page, covers: list[Cover]) -> None:
        self.page = page
        self.covers = covers
        # Text and drawings come in unrotated page coordinates; `page.rect` is the rotated view.
        self.area = pymupdf.Rect(page.rect * page.derotation_matrix).normalize()
        self.visible = to_bbox(grow(self.area, 1, 1))
        self.cover_index = BandIndex([to_bbox(c.rect) for c in covers])
        self._trace: tuple[BandIndex, list[int]] | None = None
        self._images: BandIndex | None = None
        self._visible_spans: BandIndex | None = None
        self.blocks: list[dict[str, Any]] = []  # the page's text blocks, set by `read_page`
        self._backgrounds: BandIndex | None = None
        self._dark: dict[int, bool] = {}

    def hides(self, index: int) -> bool:
        """Whether cover `index` really hides what is under it (rendered once per cover, and only
        for covers that overlap some text or image)."""
        cover = self.covers[index]
        if cover.always:
            return True
        if index not in self._dark:
            self._dark[index] = renders_dark(self.page, cover.rect)
        return self._dark[index]

    def _visible_span_index(self) -> BandIndex:
        """Boxes of the page's visible spans (built on first use: only pages with invisible text
        need them)."""
        if self._visible_spans is None:
            self._visible_spans = BandIndex([tuple(span["bbox"]) for block in self.blocks
                                             for line in block.get("lines", ()) for span in line["spans"]
                                             if span.get("alpha", 255) != 0 and _span_text(span).strip()])
        return self._visible_spans

    def span_kind(self, span: dict[str, Any]) -> str:
        bbox: BBox = span["bbox"]
        if span.get("alpha", 255) == 0:
            # Invisible text (render mode 3) over a picture is the picture's OCR layer, and over
            # visible text it is a duplicate layer (searchable PDFs): neither is hidden.
            return self._invisible_kind(bbox)
        if span["size"] < TINY_FONT_PT:
            return TINY
        x0, y0, x1, y1 = self.visible
        if bbox[2] < x0 or bbox[0] > x1 or bbox[3] < y0 or bbox[1] > y1:
            return OFFPAGE
        if _is_white(span["color"]) and not self._on_background(bbox):
            return WHITE
        return BODY

    def covering(self, bbox: BBox, colour: int) -> int:
        """Index of the cover hiding a character with this box, or -1."""
        x, y = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
        width = max(bbox[2] - bbox[0], 1e-6)
        for index in self.cover_index.containing(x, y):
            cover = self.covers[index]
            # A box that only clips the edge of a character does not hide it.
            if (min(bbox[2], cover.rect.x1) - max(bbox[0], cover.rect.x0)) / width < CHAR_COVERED:
                continue
            if cover.always:
                return index
            # Text painted before the box, or in the box's own colour, may be hidden by it; the
            # rendering check (the costly one, so last) says whether a viewer really sees it dark.
            # Unknown order (the trace missed the character): trust colour only.
            if _same_colour(cover.fill, colour):
                hidden = True
            else:
                seqno = self._text_seqno(x, y)
                hidden = seqno is not None and seqno < cover.seqno
            if hidden and self.hides(index):
                return index
        return -1

    def _text_seqno(self, x: float, y: float) -> int | None:
        """Painting order of the text at this point (to tell text under a box from text on it)."""
        if self._trace is None:
            trace = self.page.get_texttrace()
            self._trace = (BandIndex([to_bbox(grow(pymupdf.Rect(t["bbox"]), 0.5, 2)) for t in trace]),
                           [int(t["seqno"]) for t in trace])
        index, seqnos = self._trace
        found = index.containing(x, y)
        return seqnos[found[0]] if found else None

    def _invisible_kind(self, bbox: BBox) -> str:
        if self._images is None:
            self._images = BandIndex([tuple(info["bbox"]) for info in self.page.get_image_info()])
        x, y = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
        if self._images.containing(x, y):
            return OCR
        return DUPLICATE if self._visible_span_index().containing(x, y) else INVISIBLE

    def _on_background(self, bbox: BBox) -> bool:
        """White text is readable on a dark box or a picture."""
        if self._backgrounds is None:
            boxes = [to_bbox(d["rect"]) for d in self.page.get_drawings()
                     if d.get("fill") is not None and not _is_white_rgb(d["fill"])]
            self._backgrounds = BandIndex(boxes + [tuple(i["bbox"]) for i in self.page.get_image_info()])
        return bool(self._backgrounds.containing((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2))


class BandIndex:
    """Boxes bucketed by horizontal bands of the page, so "which boxes touch this one" reads a
    few bands instead of every box (maps and drawings have thousands of filled shapes)."""

    BAND = 16.0  # points
    MAX_BANDS = 400  # a box taller than this many bands is clamped (it is a page background)

    def __init__(self, boxes: list[BBox]) -> None:
        self.boxes = boxes
        self._bands: dict[int, list[int]] = {}
        for index, box in enumerate(boxes):
            for band in self._span(box[1], box[3]):
                self._bands.setdefault(band, []).append(index)

    def _span(self, top: float, bottom: float) -> range:
        first = int(top // self.BAND)
        return range(first, min(int(bottom // self.BAND), first + self.MAX_BANDS) + 1)

    def touching(self, box: BBox) -> list[int]:
        """Indices (ascending) of the boxes that overlap `box`."""
        seen: set[int] = set()
        for band in self._span(box[1], box[3]):
            seen.update(self._bands.get(band, ()))
        x0, y0, x1, y1 = box
        return sorted(i for i in seen if self.boxes[i][0] < x1 and self.boxes[i][2] > x0
                      and self.boxes[i][1] < y1 and self.boxes[i][3] > y0)

    def containing(self, x: float, y: float) -> list[int]:
        """Indices (ascending) of the boxes that contain the point."""
        return sorted(i for i in self._bands.get(int(y // self.BAND), ())
                      if self.boxes[i][0] <= x <= self.boxes[i][2] and self.boxes[i][1] <= y <= self.boxes[i][3])


def _span_text(span: dict[str, Any]) -> str:
    """A span's text from `dict` (text) or `rawdict` (characters) output."""
    if "text" in span:
        return str(span["text"])
    return "".join(char["c"] for char in span.get("chars", ()))


def _line_runs(line: dict[str, Any], classifier: _Classifier) -> list[_Run]:
    runs: list[_Run] = []
    for span in line["spans"]:
        kind = classifier.span_kind(span)
        if "chars" in span:
            pieces = _char_pieces(span, kind, classifier)
        else:
            pieces = [_Run(span["text"].translate(CJK_COMPAT), kind, tuple(span["bbox"]))]
        for piece in pieces:
            if not piece.text:
                continue
            last = runs[-1] if runs else None
            # Spaces take their neighbour's kind so a hidden phrase stays one run.
            if (last and (last.kind, last.cover) == (piece.kind, piece.cover)) or (last and not piece.text.strip()):
                last.text += piece.text
                last.bbox = union_bbox(last.bbox, piece.bbox)
            else:
                runs.append(piece)
    return runs


def _char_pieces(span: dict[str, Any], kind: str, classifier: _Classifier) -> list[_Run]:
    pieces: list[_Run] = []
    for char in span["chars"]:
        rect: BBox = char["bbox"]
        cover = classifier.covering(rect, span["color"]) if kind in (BODY, WHITE, OCR) else -1
        char_kind = COVERED if cover >= 0 else kind
        c = char["c"].translate(CJK_COMPAT)
        if pieces and pieces[-1].kind == char_kind and pieces[-1].cover == cover:
            pieces[-1].text += c
            pieces[-1].bbox = union_bbox(pieces[-1].bbox, rect)
        else:
            pieces.append(_Run(c, char_kind, rect, cover))
    return pieces


def _covered_images(page: pymupdf.Page, page_no: int, covers: list[Cover],
                    hides: Callable[[int], bool]) -> list[HiddenItem]:
    items = []
    for info in page.get_image_info():
        box = pymupdf.Rect(info["bbox"])
        for index, cover in enumerate(covers):
            if cover.source == IMAGE_COVER:
                continue
            overlap = box & cover.rect
            if overlap.is_empty or abs(overlap) < 0.5 * abs(cover.rect) or not hides(index):
                continue
            items.append(HiddenItem(
                "redaction_failure",
                f"image under a {cover.source} (page {page_no})",
                "", Location(page=page_no, part=f"page {page_no}", bbox=to_bbox(overlap))))
    return items


# --- optional content (layers) switched off ---------------------------------------------------


def read_hidden_layers(pdf: pymupdf.Document, shown: set[str], ctx: ExtractContext
                       ) -> tuple[list[Segment], list[HiddenItem]]:
    """Text in optional-content layers that are off: viewers hide it, the file holds it. All
    layers are switched on (in memory) and the lines not shown before are reported."""
    off = sorted({str(info.get("name") or xref) for xref, info in pdf.get_ocgs().items() if not info.get("on")})
    if not off:
        return [], []
    for config in pdf.layer_ui_configs():
        if not config.get("on"):
            pdf.set_layer_ui_config(config["number"], 0)  # 0: switch on
    names = ", ".join(f"'{n}'" for n in off)
    segments: list[Segment] = []
    hidden: list[HiddenItem] = []
    for pno in range(pdf.page_count):
        ctx.check_time()
        data = pdf.load_page(pno).get_text("dict", flags=TEXT_FLAGS, clip=pymupdf.INFINITE_RECT())
        part = f"page {pno + 1} hidden layer"
        offset = 0
        found: list[Segment] = []
        for block in data["blocks"]:
            for line in block.get("lines", ()):
                text = "".join(span["text"] for span in line["spans"]).translate(CJK_COMPAT)
                if not norm(text) or norm(text) in shown:
                    continue
                found.append(Segment(text, Layer.HIDDEN_TEXT, Location(page=pno + 1, start=offset,
                                                                       end=offset + len(text), part=part,
                                                                       bbox=tuple(line["bbox"]))))
                offset += len(text) + 1
        if found:
            segments.extend(found)
            box: BBox | None = None
            for seg in found:
                assert seg.location.bbox is not None
                box = union_bbox(box, seg.location.bbox)
            hidden.append(HiddenItem("hidden_text", f"text in layer(s) switched off ({names}) on page {pno + 1}",
                                     " ".join(s.text for s in found)[:MAX_VALUE_CHARS],
                                     Location(page=pno + 1, part=part, bbox=box)))
    if not hidden:
        hidden.append(HiddenItem("hidden_text", f"layer(s) switched off: {names}", "", Location(part="layers"),
                                 Severity.LOW))
    return segments, hidden


# --- colours ------------------------------------------------------------------------------------


def _rgb(colour: int) -> tuple[float, float, float]:
    return ((colour >> 16 & 255) / 255, (colour >> 8 & 255) / 255, (colour & 255) / 255)


def _is_white(colour: int) -> bool:
    return all(c >= WHITE_MIN for c in _rgb(colour))


def _is_white_rgb(fill: tuple[float, ...]) -> bool:
    if len(fill) == 1:  # grey
        return fill[0] >= WHITE_MIN
    if len(fill) == 4:  # CMYK: white is no ink
        return all(c <= 1 - WHITE_MIN for c in fill)
    return all(c >= WHITE_MIN for c in fill)


def _luminance(fill: tuple[float, ...]) -> float:
    """Perceived brightness 0..1 of a grey, RGB or CMYK colour (ITU-R BT.601 weights)."""
    if len(fill) == 1:
        return fill[0]
    if len(fill) == 4:
        c, m, y, k = fill
        fill = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return 0.299 * fill[0] + 0.587 * fill[1] + 0.114 * fill[2]


def _same_colour(fill: tuple[float, ...], colour: int) -> bool:
    """A dark box over text of (nearly) its own colour hides it whatever the drawing order."""
    if len(fill) == 1:
        fill = (fill[0],) * 3
    elif len(fill) == 4:
        c, m, y, k = fill
        fill = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    if _is_white_rgb(fill):
        return False  # white on white is hidden text, reported as such, not a redaction
    return all(abs(a - b) < 0.1 for a, b in zip(fill, _rgb(colour), strict=False))
