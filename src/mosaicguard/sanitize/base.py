"""The sanitiser contract.

A sanitiser gets the original bytes, the Document the extractor made of them and the findings
the engine reported, and returns clean bytes plus the list of actions it took. It removes, it
never covers: redacted text is gone from the file, not hidden under a box. A sanitiser that
cannot clean a file safely raises `SanitizeError`; the command then writes nothing for that file.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cache

from ..errors import MosaicGuardError
from ..model import Document, Finding, Location
from ..policy.schema import SanitizeSettings

# Which policy setting (`SanitizeSettings`) asks for each hidden-data category to be removed: the
# sanitisers verify against it that nothing the policy removes is left in their output.
HIDDEN_CATEGORY_SETTING = {
    "metadata": "remove_metadata",
    "comment": "remove_comments",
    "revision": "accept_revisions",
    "hidden_text": "remove_hidden",
    "hidden_sheet": "remove_hidden",
    "notes": "remove_notes",
    "embedded": "remove_embedded",
}


def removal_requested(category: str, settings: SanitizeSettings) -> bool:
    """True when the policy asks for hidden data of `category` to be removed."""
    setting = HIDDEN_CATEGORY_SETTING.get(category)
    return bool(setting and getattr(settings, setting))


class SanitizeError(MosaicGuardError):
    """This file cannot be sanitised safely (encrypted, malformed, unsupported construct)."""


@dataclass(frozen=True)
class Action:
    """One thing the sanitiser removed or changed, for `--dry-run` and the sanitise report."""

    kind: str  # "remove_metadata", "accept_revisions", "redact_text", "remove_comments", ...
    description: str
    location: Location = field(default_factory=Location)
    category: str | None = None  # the finding category this action resolves, if any


@dataclass(frozen=True)
class SanitizeResult:
    data: bytes
    actions: tuple[Action, ...]


class Sanitizer(ABC):
    suffixes: tuple[str, ...] = ()

    @abstractmethod
    def plan(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> list[Action]:
        """What `sanitize` would do, without doing it (for --dry-run)."""

    @abstractmethod
    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        """Clean bytes. `redact` are the content findings whose text must be removed."""


# suffix -> "module:Class"
SANITIZERS: dict[str, str] = {
    ".docx": "ooxml:DocxSanitizer",
    ".docm": "ooxml:DocxSanitizer",
    ".xlsx": "ooxml:XlsxSanitizer",
    ".xlsm": "ooxml:XlsxSanitizer",
    ".pptx": "ooxml:PptxSanitizer",
    ".pptm": "ooxml:PptxSanitizer",
    ".pdf": "pdf:PdfSanitizer",
    ".jpg": "image:ImageSanitizer",
    ".jpeg": "image:ImageSanitizer",
    ".png": "image:ImageSanitizer",
    ".tif": "image:ImageSanitizer",
    ".tiff": "image:ImageSanitizer",
    ".webp": "image:ImageSanitizer",
    ".html": "text:HtmlSanitizer",
    ".htm": "text:HtmlSanitizer",
    ".txt": "text:PlainTextSanitizer",
    ".md": "text:PlainTextSanitizer",
    ".ofd": "ofd:OfdSanitizer",  # issue #5
    ".csv": "text:PlainTextSanitizer",
    ".tsv": "text:PlainTextSanitizer",
    ".log": "text:PlainTextSanitizer",
    ".xhtml": "text:HtmlSanitizer",
    ".json": "text:JsonSanitizer",
    ".jsonl": "text:JsonSanitizer",
    ".ndjson": "text:JsonSanitizer",
    ".gif": "image:ImageSanitizer",
    ".bmp": "image:ImageSanitizer",
    ".heic": "image:ImageSanitizer",
    ".heif": "image:ImageSanitizer",
    ".avif": "image:ImageSanitizer",
    ".jxl": "image:ImageSanitizer",
    ".ppm": "image:ImageSanitizer",
    ".pgm": "image:ImageSanitizer",
    ".pbm": "image:ImageSanitizer",
    ".pnm": "image:ImageSanitizer",
    ".mp4": "media:VideoSanitizer",
    ".m4v": "media:VideoSanitizer",
    ".mov": "media:VideoSanitizer",
    ".3gp": "media:VideoSanitizer",
    ".avi": "media:UnwritableVideoSanitizer",
    ".wmv": "media:UnwritableVideoSanitizer",
    ".asf": "media:UnwritableVideoSanitizer",
    ".mkv": "media:UnwritableVideoSanitizer",
    ".webm": "media:UnwritableVideoSanitizer",
    ".mp3": "media:AudioSanitizer",
    ".flac": "media:AudioSanitizer",
    ".ogg": "media:AudioSanitizer",
    ".oga": "media:AudioSanitizer",
    ".opus": "media:AudioSanitizer",
    ".m4a": "media:AudioSanitizer",
    ".wav": "media:AudioSanitizer",
    ".aif": "media:AudioSanitizer",
    ".aiff": "media:AudioSanitizer",
    ".wma": "media:AudioSanitizer",
    ".svg": "svg:SvgSanitizer",
    ".css": "css:CssSanitizer",
    ".torrent": "torrent:TorrentSanitizer",
    ".epub": "epub:EpubSanitizer",
    ".odt": "odf:OdfSanitizer",
    ".ods": "odf:OdfSanitizer",
    ".odp": "odf:OdfSanitizer",
    ".odg": "odf:OdfSanitizer",
}


def register(suffix: str, spec: str) -> None:
    SANITIZERS[suffix.lower()] = spec


@cache
def _load(spec: str) -> Sanitizer:
    module_name, class_name = spec.split(":")
    module = importlib.import_module(f"{__package__}.{module_name}")
    instance: Sanitizer = getattr(module, class_name)()
    return instance


def sanitizer_for(path: str) -> Sanitizer | None:
    lower = path.lower()
    dot = lower.rfind(".")
    spec = SANITIZERS.get(lower[dot:]) if dot >= 0 else None
    return _load(spec) if spec else None
