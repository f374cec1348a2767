"""Plain text and Markdown."""

from __future__ import annotations

from ..model import Document, Location, MetadataField, Segment, sha256_bytes
from .base import ExtractContext, Extractor
from .encoding import decode_text

# Segments are cut at line ends near this size so that findings keep exact offsets while no
# single segment becomes huge (detectors and reports work per segment).
_CHUNK = 256 * 1024


def split_into_segments(text: str, part: str | None = None) -> tuple[Segment, ...]:
    """Cut long text into body segments at line boundaries, keeping absolute offsets."""
    segments: list[Segment] = []
    start = 0
    n = len(text)
    while start < n:
        end = min(n, start + _CHUNK)
        if end < n:
            newline = text.rfind("\n", start, end)
            if newline > start:
                end = newline + 1
        segments.append(Segment(text[start:end], location=Location(start=start, end=end, part=part)))
        start = end
    return tuple(segments)


class TextExtractor(Extractor):
    media_type = "text/plain"
    suffixes = (".txt", ".md", ".log")

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        text, encoding = decode_text(data)
        return Document(
            path=path,
            media_type=self.media_type,
            sha256=sha256_bytes(data),
            segments=split_into_segments(text),
            # Which decoding was used, so a reviewer can tell a GBK file from a UTF-8 one.
            metadata=(MetadataField("text:encoding", encoding),),
        )
