"""The extractor contract and the limits every extractor honours."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from ..errors import LimitExceeded
from ..model import Document


@dataclass(frozen=True)
class Limits:
    """Bounds against hostile input (zip bombs, XML bombs, huge images, deep nesting)."""

    max_file_bytes: int = 512 * 1024 * 1024
    max_archive_total_bytes: int = 2 * 1024 * 1024 * 1024
    max_archive_ratio: float = 200.0  # uncompressed / compressed, per member
    max_archive_members: int = 20_000
    max_depth: int = 8  # archive in archive in ...
    max_xml_part_bytes: int = 256 * 1024 * 1024
    max_image_pixels: int = 200_000_000
    max_pdf_pages: int = 20_000
    max_seconds_per_file: float = 120.0
    max_text_chars: int = 200_000_000

    def check_text(self, text: str, what: str) -> None:
        """Refuse a decoded `what` ("page", "file") longer than `max_text_chars` before parsing it."""
        if len(text) > self.max_text_chars:
            raise LimitExceeded(f"{what} has {len(text)} characters, over the limit of {self.max_text_chars}")


@dataclass
class ExtractContext:
    """What an extractor needs besides the bytes: limits, nesting depth, a deadline, and a way to
    extract embedded files with the same registry (so a docx inside a zip inside an eml works)."""

    limits: Limits = field(default_factory=Limits)
    depth: int = 0
    deadline: float = field(default_factory=lambda: time.monotonic() + Limits().max_seconds_per_file)
    ocr: str = "auto"  # auto | always | never
    # Counters shared by a file and everything nested in it (archive members and bytes), so
    # that limits hold for the whole tree, not per level (a 42.zip multiplies per level).
    shared: dict[str, int] = field(default_factory=dict)

    def child(self) -> ExtractContext:
        if self.depth + 1 > self.limits.max_depth:
            raise LimitExceeded(f"nesting deeper than {self.limits.max_depth} levels")
        return ExtractContext(limits=self.limits, depth=self.depth + 1, deadline=self.deadline, ocr=self.ocr,
                              shared=self.shared)

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(
                f"took longer than {self.limits.max_seconds_per_file:.0f} s; stopped (per-file time limit)"
            )


class Extractor(ABC):
    """Reads one file format into a `Document`. Raise `ExtractionError` with a clear message for
    a file that cannot be read; never return a half-read document as if it were complete."""

    #: media type reported for documents this extractor produces
    media_type: str = "application/octet-stream"
    #: lower-case file name suffixes this extractor reads (".docx")
    suffixes: tuple[str, ...] = ()

    @abstractmethod
    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        """Read `data` (the whole file) named `path` into a Document."""

    def sniff(self, data: bytes) -> bool:
        """True if the content looks like this format regardless of its name (used when the
        suffix is missing or wrong). Default: no opinion."""
        return False
