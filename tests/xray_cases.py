"""One-page PDFs, built with PyMuPDF, that reproduce the constructions of x-ray's test files
(freelawproject/x-ray, tests/assets and tests/test_utils.py): the clean cases its tests expect no
bad redaction in, and the bad ones with its expected counts. Nothing is copied from x-ray; each
builder draws the construction its test describes.

`CLEAN` maps a name to a builder; `BAD` maps a name to (builder, number of bad redactions x-ray's
current tests expect). Text is base-14 Helvetica, so every word is in the content stream.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pymupdf
from PIL import Image, ImageDraw

Builder = Callable[[pymupdf.Document, pymupdf.Page], None]

LINE = "The parties met on March 3 at the district office."
SECRETS = ("Jonathan Whitfield", "555-01-7734", "Account 88213")


def _line(page: pymupdf.Page, y: float, text: str, **kw: object) -> pymupdf.Rect:
    page.insert_text((72, y), text, fontname="helv", fontsize=11, **kw)
    return page.search_for(text)[0] if kw.get("render_mode", 0) != 3 else pymupdf.Rect(72, y - 12, 400, y + 4)


def _word_box(page: pymupdf.Page, word: str, pad: float = 1.5) -> pymupdf.Rect:
    r = page.search_for(word)[0]
    return pymupdf.Rect(r.x0 - pad, r.y0 - pad, r.x1 + pad, r.y1 + pad)


def _append_content(pdf: pymupdf.Document, page: pymupdf.Page, stream: bytes) -> None:
    """Raw PDF operators painted after everything on the page (PDF coordinates: origin bottom left)."""
    xref = pdf.get_new_xref()
    pdf.update_object(xref, "<<>>")
    pdf.update_stream(xref, stream)
    contents = page.get_contents()
    pdf.xref_set_key(page.xref, "Contents", "[" + " ".join(f"{x} 0 R" for x in [*contents, xref]) + "]")


def _png(size: tuple[int, int], colour: tuple[int, int, int], scribble: bool = False) -> bytes:
    img = Image.new("RGB", size, colour)
    if scribble:  # a scanned page: dark strokes of text on paper
        draw = ImageDraw.Draw(img)
        for row in range(20, size[1] - 20, 24):
            draw.text((20, row), "Scanned page text line " * 3, fill=(20, 20, 20))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


# --- clean: x-ray's tests expect no bad redaction ----------------------------------------------


def unfilled_rect(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """A box with a border and no fill around text, and a table of contents with white dot leaders."""
    r = _line(page, 120, SECRETS[0])
    page.draw_rect(pymupdf.Rect(r.x0 - 4, r.y0 - 4, r.x1 + 4, r.y1 + 4), color=(0, 0, 0), width=1)
    for n, title in enumerate(("Introduction", "Background of the case", "Argument"), start=1):
        y = 200 + 20 * n
        page.insert_text((72, y), title, fontname="helv", fontsize=11)
        page.insert_text((230, y), "." * 60, fontname="helv", fontsize=11, color=(1, 1, 1))
        page.insert_text((500, y), str(n * 3), fontname="helv", fontsize=11)


def dot_leaders(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """Table of contents whose leaders are grey and white dots (and a rule of dashes)."""
    for n, title in enumerate(("Summary", "Facts", "Discussion", "Conclusion"), start=1):
        y = 150 + 18 * n
        page.insert_text((72, y), title, fontname="helv", fontsize=11)
        colour = (1, 1, 1) if n % 2 else (0.6, 0.6, 0.6)
        page.insert_text((180, y), ". " * 40, fontname="helv", fontsize=11, color=colour)
        page.insert_text((520, y), str(n + 1), fontname="helv", fontsize=11)
    page.insert_text((72, 300), "-" * 80, fontname="helv", fontsize=11, color=(1, 1, 1))


def white_on_white(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """A white rectangle (a form field's background) painted over text on a white page."""
    _line(page, 100, LINE)
    r = _line(page, 130, SECRETS[2])
    page.draw_rect(pymupdf.Rect(r.x0 - 3, r.y0 - 3, r.x1 + 3, r.y1 + 3), color=None, fill=(1, 1, 1))


def text_on_rectangles(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """x-ray's rect_ordering files: text painted on top of opaque boxes (a dark banner with white
    heading, a grey table cell with black text, a black box with black text *behind* it on the
    left and visible text on it in white)."""
    page.draw_rect(pymupdf.Rect(60, 85, 540, 110), color=None, fill=(0.1, 0.15, 0.35))
    page.insert_text((72, 102), "UNITED STATES DISTRICT COURT", fontname="helv", fontsize=12, color=(1, 1, 1))
    page.draw_rect(pymupdf.Rect(60, 125, 300, 145), color=None, fill=(0.85, 0.85, 0.85))
    page.insert_text((72, 140), "Case No. 2:21-cv-01234", fontname="helv", fontsize=11)


def partial_intersections(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """Black boxes that only touch text: a bar under a line (its lower edge) and a box over the
    last letter's edge."""
    r = _line(page, 100, LINE)
    page.draw_rect(pymupdf.Rect(r.x0, r.y1 - 2.5, r.x1, r.y1 + 6), color=None, fill=(0, 0, 0))
    r2 = _line(page, 140, "Signed and dated")
    page.draw_rect(pymupdf.Rect(r2.x1 - 2, r2.y0 - 2, r2.x1 + 60, r2.y1 + 2), color=None, fill=(0, 0, 0))


def multi_line_redaction(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """One drawing of two black bars (a redaction over a line break) over blank space, with
    visible words before the first and after the second: the drawing's outer box covers them."""
    page.insert_text((72, 100), "The witness stated", fontname="helv", fontsize=11)
    page.insert_text((340, 116), "and then left.", fontname="helv", fontsize=11)
    shape = page.new_shape()
    shape.draw_rect(pymupdf.Rect(180, 89, 540, 103))
    shape.draw_rect(pymupdf.Rect(72, 105, 335, 119))
    shape.finish(color=None, fill=(0, 0, 0))
    shape.commit()


def whitespace_and_placeholders(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """Black boxes over nothing but spaces, a comma, a placeholder of repeated letters and a single
    letter (x-ray's whitespace_redactions, repeated_chars_with_spaces)."""
    page.insert_text((72, 100), "Name:" + " " * 30 + ", dated", fontname="helv", fontsize=11)
    name, rest = page.search_for("Name:")[0], page.search_for(", dated")[0]
    page.draw_rect(pymupdf.Rect(name.x1 + 2, name.y0 - 2, rest.x0 + 3, name.y1 + 2), color=None, fill=(0, 0, 0))
    for y, text in ((140, "XXXXX XXXX"), (170, "Q")):
        r = _line(page, y, text)
        page.draw_rect(pymupdf.Rect(r.x0 - 2, r.y0 - 2, r.x1 + 2, r.y1 + 2), color=None, fill=(0, 0, 0))


def winding_rule_frame(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """x-ray's no_bad_redactions.2.1 and 3.1: two squares in one path filled with a winding rule
    that leaves the inside empty, so the text they surround shows through a red frame."""
    r = _line(page, 120, SECRETS[0])
    shape = page.new_shape()
    shape.draw_rect(pymupdf.Rect(r.x0 - 12, r.y0 - 12, r.x1 + 12, r.y1 + 12))
    shape.draw_rect(pymupdf.Rect(r.x0 - 4, r.y0 - 4, r.x1 + 4, r.y1 + 4))
    shape.finish(color=None, fill=(0.8, 0, 0), even_odd=True)
    shape.commit()


def clipped_box(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """x-ray's no_bad_redactions.3.2: a box painted where the text is, but through a clipping path
    that keeps it off the text (only a strip beside the text is painted)."""
    _line(page, 100, LINE)
    # PDF space: the text baseline is at y = 842 - 100; the box spans the line, the clip a margin.
    _append_content(pdf, page, b"q 20 700 30 60 re W n 0 0 0 rg 20 730 520 20 re f Q")


def invisible_text_layers(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """Render-mode-3 text: an OCR layer over a scanned picture that covers half the page (the
    picture is drawn over nothing, its OCR text after it), and an invisible copy laid exactly over
    visible text (searchable-PDF producers do this)."""
    r = _line(page, 80, LINE)
    page.insert_text((r.x0, 80), LINE, fontname="helv", fontsize=11, render_mode=3)
    box = pymupdf.Rect(60, 120, 540, 520)
    page.insert_image(box, stream=_png((480, 400), (245, 245, 240), scribble=True))
    for n in range(6):
        page.insert_text((80, 150 + 40 * n), f"Scanned page text line {n}", fontname="helv", fontsize=10,
                         render_mode=3)


def image_behind_text(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """A dark picture drawn behind text that is painted on it in white (a form's header)."""
    page.insert_image(pymupdf.Rect(60, 85, 400, 110), stream=_png((340, 25), (15, 15, 15)))
    page.insert_text((72, 102), "EXHIBIT A - DECLARATION", fontname="helv", fontsize=12, color=(1, 1, 1))


def bright_sidebar(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """A bright teal sidebar (a design element) painted over the page edge, over text too."""
    _line(page, 100, LINE)
    page.insert_text((560, 300), "draft 3", fontname="helv", fontsize=9)
    page.draw_rect(pymupdf.Rect(550, 0, 595, 842), color=None, fill=(0, 0.68, 0.78))


CLEAN: dict[str, Builder] = {
    "unfilled_rect": unfilled_rect,
    "dot_leaders": dot_leaders,
    "white_on_white": white_on_white,
    "text_on_rectangles": text_on_rectangles,
    "partial_intersections": partial_intersections,
    "multi_line_redaction": multi_line_redaction,
    "whitespace_and_placeholders": whitespace_and_placeholders,
    "winding_rule_frame": winding_rule_frame,
    "clipped_box": clipped_box,
    "invisible_text_layers": invisible_text_layers,
    "image_behind_text": image_behind_text,
    "bright_sidebar": bright_sidebar,
}


# --- bad: each bad redaction must be found, as many as x-ray's tests expect ---------------------


def rectangles_yes(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """Three black boxes drawn over three pieces of text (x-ray: 3 bad redactions on page 1)."""
    _line(page, 100, f"Plaintiff {SECRETS[0]} filed the motion.")
    _line(page, 130, f"Social security number {SECRETS[1]} on file.")
    _line(page, 160, f"Funds moved from {SECRETS[2]} in May.")
    for word in SECRETS:
        page.draw_rect(_word_box(page, word), color=None, fill=(0, 0, 0))


def short_text(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """A two-digit number under a black box (x-ray's short_text_redaction)."""
    _line(page, 100, "The defendant was 34 years old.")
    page.draw_rect(_word_box(page, "34"), color=None, fill=(0, 0, 0))


def unapplied_redact_annotations(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """Two Redact annotations marked over text and never applied (x-ray's red_rectangle: 2)."""
    _line(page, 100, f"Witness {SECRETS[0]} testified.")
    _line(page, 130, f"Reference {SECRETS[2]} closed.")
    for word in (SECRETS[0], SECRETS[2]):
        page.add_redact_annot(_word_box(page, word), fill=(1, 0, 0))


def image_redaction(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """A black picture pasted over a name (x-ray's image_redaction)."""
    _line(page, 100, f"Plaintiff {SECRETS[0]} filed the motion.")
    box = _word_box(page, SECRETS[0], pad=2)
    page.insert_image(box, stream=_png((int(box.width * 2), int(box.height * 2)), (0, 0, 0)), keep_proportion=False)


def dark_highlight(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """A black Highlight annotation over a number (x-ray's dark_highlight_annotation)."""
    _line(page, 100, f"Social security number {SECRETS[1]} on file.")
    annot = page.add_highlight_annot(page.search_for(SECRETS[1])[0])
    annot.set_colors(stroke=(0, 0, 0))
    annot.update()


def near_black_bars(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """Two bars in two nearly identical dark greys (x-ray's near_black_redaction_bars)."""
    _line(page, 100, f"Plaintiff {SECRETS[0]} filed the motion.")
    _line(page, 130, f"Funds moved from {SECRETS[2]} in May.")
    page.draw_rect(_word_box(page, SECRETS[0]), color=None, fill=(34 / 255, 31 / 255, 31 / 255))
    page.draw_rect(_word_box(page, SECRETS[2]), color=None, fill=(35 / 255, 32 / 255, 32 / 255))


BAD: dict[str, tuple[Builder, int]] = {
    "rectangles_yes": (rectangles_yes, 3),
    "short_text": (short_text, 1),
    "unapplied_redact_annotations": (unapplied_redact_annotations, 2),
    "image_redaction": (image_redaction, 1),
    "dark_highlight": (dark_highlight, 1),
    "near_black_bars": (near_black_bars, 2),
}


def build(builder: Builder) -> bytes:
    """The one-page PDF a builder draws."""
    pdf = pymupdf.open()
    page = pdf.new_page()  # A4 portrait, 595 x 842 pt
    builder(pdf, page)
    data: bytes = pdf.tobytes()
    pdf.close()
    return data


def white_text(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    """White words on the white page (not a redaction; x-ray does not look for it, we report it
    as hidden text)."""
    _line(page, 100, LINE)
    _line(page, 130, f"Contact {SECRETS[0]} directly", color=(1, 1, 1))
