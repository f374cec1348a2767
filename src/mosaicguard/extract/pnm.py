"""Netpbm pictures (ppm, pgm, pbm, pnm): the pixels through the image reader, and the `#` comment
lines of the header, which Pillow skips and editors (GIMP writes "Created by GIMP") fill in."""

from __future__ import annotations

from dataclasses import replace

from ..model import Document, HiddenItem, Layer, Severity
from .base import ExtractContext, Extractor
from .image import ImageExtractor
from .ooxml import PartText, preview

_MAX_HEADER = 64 * 1024  # comments live in the header, before the pixel data


def header_comments(data: bytes) -> list[str]:
    """The `#` comments of a Netpbm header (up to the last of width, height and maxval)."""
    if data[:1] != b"P" or data[1:2] not in b"123456":
        return []
    wanted = 2 if data[1:2] in b"14" else 3  # pbm has no maxval
    comments: list[str] = []
    fields = 0
    i = 2
    head = data[:_MAX_HEADER]
    while i < len(head) and fields < wanted:
        ch = head[i:i + 1]
        if ch == b"#":
            end = head.find(b"\n", i)
            end = len(head) if end < 0 else end
            comments.append(head[i + 1:end].decode("utf-8", "replace").strip())
            i = end + 1
        elif ch.isspace():
            i += 1
        else:
            while i < len(head) and not head[i:i + 1].isspace() and head[i:i + 1] != b"#":
                i += 1
            fields += 1
    return [c for c in comments if c]


class PnmExtractor(Extractor):
    media_type = "image/x-portable-anymap"
    suffixes = (".ppm", ".pgm", ".pbm", ".pnm")

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        doc = ImageExtractor().extract(data, path, ctx)  # pixels, OCR; Pillow skips the comments
        stream = PartText("header")
        hidden: list[HiddenItem] = []
        for comment in header_comments(data):
            location = stream.add(comment, Layer.COMMENT, "header comment")
            # An editor's signature is low; content detectors grade what else a comment holds.
            hidden.append(HiddenItem("comment", "comment in the picture header", preview(comment), location,
                                     Severity.LOW))
        return replace(doc, segments=doc.segments + tuple(stream.segments), hidden=doc.hidden + tuple(hidden))
