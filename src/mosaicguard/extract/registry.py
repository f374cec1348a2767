"""Which extractor reads which file: an explicit table, loaded lazily so that start-up does not
import every parser (PyMuPDF, openpyxl, ...) for a scan that needs only one of them."""

from __future__ import annotations

import importlib
import re
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
    # issue #10: every format mat2 reads
    ".heic": "heif:HeifExtractor",
    ".heif": "heif:HeifExtractor",
    ".avif": "heif:HeifExtractor",
    ".jxl": "jxl:JxlExtractor",
    ".mp4": "video:VideoExtractor",
    ".m4v": "video:VideoExtractor",
    ".mov": "video:VideoExtractor",
    ".3gp": "video:VideoExtractor",
    ".avi": "video:VideoExtractor",
    ".wmv": "video:VideoExtractor",
    ".asf": "video:VideoExtractor",
    ".mkv": "video:VideoExtractor",
    ".webm": "video:VideoExtractor",
    ".mp3": "audio:AudioExtractor",
    ".flac": "audio:AudioExtractor",
    ".ogg": "audio:AudioExtractor",
    ".oga": "audio:AudioExtractor",
    ".opus": "audio:AudioExtractor",
    ".m4a": "audio:AudioExtractor",
    ".wav": "audio:AudioExtractor",
    ".aif": "audio:AudioExtractor",
    ".aiff": "audio:AudioExtractor",
    ".wma": "audio:AudioExtractor",
    ".svg": "svg:SvgExtractor",
    ".epub": "epub:EpubExtractor",
    ".ppm": "pnm:PnmExtractor",
    ".pgm": "pnm:PnmExtractor",
    ".pbm": "pnm:PnmExtractor",
    ".pnm": "pnm:PnmExtractor",
    ".css": "css:CssExtractor",
    ".torrent": "torrent:TorrentExtractor",
}

# Kinds the tool knows it cannot read, with what the reviewer can do instead (none at present:
# JPEG XL, the last one, is read through pillow-jxl-plugin).
_ADVICE: dict[str, str] = {}

# Content sniffing for files whose name says nothing useful: (magic prefix, suffix to use).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"II*\x00", ".tif"),
    (b"MM\x00*", ".tif"),
    (b"GIF8", ".gif"),
    (b"\xff\x0a", ".jxl"),  # JPEG XL codestream
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", ".jxl"),  # JPEG XL container (signature box)
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".doc"),  # OLE compound file (legacy Office/WPS, .msg)
    (b"ID3", ".mp3"),
    (b"fLaC", ".flac"),
    (b"OggS", ".ogg"),
    (b"\x1a\x45\xdf\xa3", ".mkv"),  # EBML (Matroska, WebM)
    (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", ".wmv"),  # ASF header object
    (b"d8:announce", ".torrent"),
    (b"d10:created by", ".torrent"),
    (b"d4:info", ".torrent"),
)

#: how many leading bytes the content sniffers look at
SNIFF_BYTES = 4096


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
        # A generic container or plain text is only trusted when the name claims nothing.
        spec = _BY_SUFFIX.get(sniff_suffix(head, generic=suffix == "") or "")
    return _load(spec) if spec else None


def sniff_suffix(head: bytes, *, generic: bool = True) -> str | None:
    """The suffix a file's leading bytes say it is: magic numbers, then RIFF/AIFF/ISO-media/PPM/SVG
    containers, then (when `generic`) a zip (`.epub` when its mimetype says so) or UTF-8 text.
    None: the bytes say nothing. The one content sniffer of the package (scan, the desk's upload
    check)."""
    for magic, sniffed in _MAGIC:
        if head.startswith(magic):
            return sniffed
    container = _sniff_container(head)
    if container is not None:
        return container
    if not generic:
        return None
    if head.startswith(b"PK\x03\x04"):
        return ".epub" if head[30:58] == b"mimetypeapplication/epub+zip" else ".zip"
    if _looks_like_text(head):
        return ".txt"  # an extensionless UTF-8 file (README, LICENSE, a note) is text
    return None


def unsupported_advice(path: str) -> str | None:
    """What to do with a file of a kind the tool knows it does not read (None: no advice)."""
    lower = path.lower()
    dot = lower.rfind(".")
    return _ADVICE.get(lower[dot:]) if dot > lower.rfind("/") else None


def _sniff_container(head: bytes) -> str | None:
    """RIFF (WAV, AVI), AIFF, ISO base media (HEIC/AVIF pictures, MP4/MOV video) and SVG."""
    if head[:4] == b"RIFF" and head[8:12] in (b"WAVE", b"AVI "):
        return ".wav" if head[8:12] == b"WAVE" else ".avi"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return ".aiff"
    if head[4:8] == b"ftyp":
        from .heif import is_heif_or_avif

        if is_heif_or_avif(head):
            return ".heic"
        return ".m4a" if head[8:11] == b"M4A" else ".mp4"
    if head[:2] in (b"P1", b"P2", b"P3", b"P4", b"P5", b"P6") and head[2:3] in (b"\n", b" ", b"\r", b"\t", b"#"):
        return ".ppm"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        first = _FIRST_ELEMENT.search(stripped)  # after the XML declaration, comments and DOCTYPE
        if first is not None and first.group(1).rsplit(b":", 1)[-1] == b"svg":
            return ".svg"
    return None


_FIRST_ELEMENT = re.compile(rb"<(?![?!])([\w:.-]+)")


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 (or ASCII) without control bytes other than whitespace; a cut multi-byte character at
    the end of the sniffed bytes is fine."""
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return False
        text = head[: exc.start].decode("utf-8")
    return all(ch.isprintable() or ch in "\t\r\n\f" for ch in text)
