"""Which extractor reads which file: an explicit table, loaded lazily so that start-up does not
import every parser (PyMuPDF, openpyxl, ...) for a scan that needs only one of them."""

from __future__ import annotations

import importlib
from functools import cache

from .base import Extractor

# suffix -> "module:Class". One module per format; add a row to support a new format.
_BY_SUFFIX: dict[str, str] = {
    ".txt": "text:TextExtractor",
    ".md": "text:TextExtractor",
    ".log": "text:TextExtractor",
    ".htm": "html:HtmlExtractor",
    ".html": "html:HtmlExtractor",
    ".xhtml": "html:HtmlExtractor",
    ".pdf": "pdf:PdfExtractor",
    ".docx": "docx:DocxExtractor",
    ".docm": "docx:DocxExtractor",
    ".xlsx": "xlsx:XlsxExtractor",
    ".xlsm": "xlsx:XlsxExtractor",
    ".pptx": "pptx:PptxExtractor",
    ".pptm": "pptx:PptxExtractor",
    ".csv": "csv_table:CsvExtractor",
    ".tsv": "csv_table:CsvExtractor",
    ".json": "social_json:JsonExtractor",
    ".jsonl": "social_json:JsonExtractor",
    ".ndjson": "social_json:JsonExtractor",
    ".jpg": "image:ImageExtractor",
    ".jpeg": "image:ImageExtractor",
    ".png": "image:ImageExtractor",
    ".tif": "image:ImageExtractor",
    ".tiff": "image:ImageExtractor",
    ".webp": "image:ImageExtractor",
    ".gif": "image:ImageExtractor",
    ".bmp": "image:ImageExtractor",
    ".zip": "archive:ZipExtractor",
    # issue #5: Chinese and legacy formats, e-mail, drawings
    ".ofd": "ofd:OfdExtractor",
    ".eml": "email_msg:EmlExtractor",
    ".msg": "email_msg:MsgExtractor",
    ".dxf": "dxf:DxfExtractor",
    ".dwg": "dxf:DwgExtractor",
    ".odt": "odf:OdfExtractor",
    ".ods": "odf:OdfExtractor",
    ".odp": "odf:OdfExtractor",
    ".odg": "odf:OdfExtractor",
    ".doc": "ole:OleExtractor",
    ".xls": "ole:OleExtractor",
    ".ppt": "ole:OleExtractor",
    ".wps": "ole:OleExtractor",
    ".et": "ole:OleExtractor",
    ".dps": "ole:OleExtractor",
}

# Content sniffing for files whose name says nothing useful: (magic prefix, suffix to use).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"II*\x00", ".tif"),
    (b"MM\x00*", ".tif"),
    (b"GIF8", ".gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".doc"),  # OLE compound file (legacy Office/WPS, .msg)
)


@cache
def _load(spec: str) -> Extractor:
    module_name, class_name = spec.split(":")
    module = importlib.import_module(f"{__package__}.{module_name}")
    cls = getattr(module, class_name)
    instance: Extractor = cls()
    return instance


def register(suffix: str, spec: str) -> None:
    """Add or replace a suffix mapping (used by format modules added in later issues)."""
    _BY_SUFFIX[suffix.lower()] = spec


def supported_suffixes() -> list[str]:
    return sorted(_BY_SUFFIX)


def extractor_for(path: str, head: bytes) -> Extractor | None:
    """The extractor for a file, by suffix first, then by content. None: unsupported."""
    lower = path.lower()
    dot = lower.rfind(".")
    suffix = lower[dot:] if dot > lower.rfind("/") else ""
    spec = _BY_SUFFIX.get(suffix)
    if spec is None:
        for magic, sniffed in _MAGIC:
            if head.startswith(magic):
                spec = _BY_SUFFIX.get(sniffed)
                break
    if spec is None and head.startswith(b"PK\x03\x04") and suffix == "":
        spec = _BY_SUFFIX[".zip"]
    return _load(spec) if spec else None
