"""What every part of the PDF reader shares: MuPDF settings, text flags, small box helpers."""

from __future__ import annotations

import unicodedata

import pymupdf

from ...model import BBox

# MuPDF reports recoverable problems on stderr; they would garble the CLI's output. Problems that
# matter surface as exceptions or as `is_repaired`.
pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)

# Keep text outside the page box (off-page text is one of the things we look for) and skip image
# blocks (decoding them would cost far more than the text).
TEXT_FLAGS = pymupdf.TEXTFLAGS_DICT & ~pymupdf.TEXT_MEDIABOX_CLIP & ~pymupdf.TEXT_PRESERVE_IMAGES

ATTACHMENTS = "attachments"  # location part of attached files (document-level and in annotations)
MAX_VALUE_CHARS = 300  # longest value a hidden item quotes (history, XMP events, layer text)

# Some CJK fonts map glyphs to compatibility ideographs (年 as U+F98E); readers see the same
# character, detectors and lexicons would not. One-to-one, so offsets stay valid.
CJK_COMPAT = {cp: unicodedata.normalize("NFC", chr(cp)) for cp in (*range(0xF900, 0xFB00), *range(0x2F800, 0x2FA20))
              if len(unicodedata.normalize("NFC", chr(cp))) == 1 and unicodedata.normalize("NFC", chr(cp)) != chr(cp)}


def grow(rect: pymupdf.Rect, dx: float, dy: float) -> pymupdf.Rect:
    """`rect` widened by `dx` left and right and `dy` above and below."""
    return pymupdf.Rect(rect.x0 - dx, rect.y0 - dy, rect.x1 + dx, rect.y1 + dy)


def norm(text: str) -> str:
    """Text without whitespace: how lines are compared across revisions and layers."""
    return "".join(text.split())


def to_bbox(rect: pymupdf.Rect) -> BBox:
    """A Rect as the model's plain tuple."""
    return (float(rect.x0), float(rect.y0), float(rect.x1), float(rect.y1))


def union_bbox(a: BBox | None, b: BBox) -> BBox:
    """The box around both (`a` None: nothing yet)."""
    if a is None:
        return b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
