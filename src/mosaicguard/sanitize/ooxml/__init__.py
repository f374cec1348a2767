"""Sanitisers for Word, Excel and PowerPoint files.

One template (`template.OoxmlSanitizer`) does what all three share: open the package with the
extractor's limits, redact findings, remove document properties, thumbnails, embedded objects and image
metadata, drop every part no relationship reaches any more, and write a clean zip. Each format
adds its own hidden data: tracked changes, comments and hidden runs (docx); hidden sheets, rows,
columns, notes, defined names and external links (xlsx); notes, comments, hidden slides and
off-slide shapes (pptx).

Redaction replaces the matched characters with the same number of mask characters inside the
elements that hold them; offsets come from the same walk the extractor used, with a match by
value as a fallback, so the original text is gone from the file rather than covered.
The output is re-read by the extractor before it is returned: a file that does not read back,
or still has hidden data of a kind that was to be removed, is refused (`SanitizeError`).
"""

from __future__ import annotations

from .docx import DocxSanitizer
from .images import strip_image, strip_jpeg, strip_png
from .pptx import PptxSanitizer
from .redaction import MASK
from .xlsx import XlsxSanitizer

__all__ = ["MASK", "DocxSanitizer", "PptxSanitizer", "XlsxSanitizer", "strip_image", "strip_jpeg", "strip_png"]
