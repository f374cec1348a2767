"""JPEG XL photos, read like any other picture.

`pillow-jxl-plugin` (libjxl inside the wheel, GPL-3.0-or-later, compatible with the project's
AGPL-3.0) adds JPEG XL as a Pillow plugin. Once it is registered the image extractor reads EXIF
(camera, time, GPS, free-text fields) and the pixels for OCR exactly as for a JPEG, so there is one
reading of picture metadata, not two. The plugin exposes the `Exif` box only: an XMP (`xml `) box
is not read.
"""

from __future__ import annotations

from functools import cache

from ..model import Document
from .base import ExtractContext, Extractor
from .image import ImageExtractor

#: the bare codestream signature
CODESTREAM = b"\xff\x0a"
#: the ISO base media container's first box, `JXL ` (ISO/IEC 18181-2)
CONTAINER = b"\x00\x00\x00\x0cJXL \r\n\x87\n"


@cache
def register_jxl() -> None:
    """Teach Pillow to open and write JPEG XL (once per process)."""
    import pillow_jxl  # noqa: F401 - importing the package registers the Pillow plugin


def is_jxl(head: bytes) -> bool:
    """A JPEG XL codestream (FF 0A) or container (signature box `JXL `)."""
    return head.startswith(CODESTREAM) or head.startswith(CONTAINER)


class JxlExtractor(Extractor):
    media_type = "image/jxl"
    suffixes = (".jxl",)

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        register_jxl()
        return ImageExtractor().extract(data, path, ctx)

    def sniff(self, data: bytes) -> bool:
        return is_jxl(data[:16])
