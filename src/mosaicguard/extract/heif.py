"""HEIC/HEIF and AVIF photos (phones write them by default), read like any other picture.

Pillow reads AVIF itself; `pillow-heif` (libheif inside the wheel) adds HEIC/HEIF as a Pillow
plugin. Once the plugin is registered the image extractor reads EXIF (camera, time, GPS), XMP and
the pixels for OCR exactly as for a JPEG, so there is one reading of picture metadata, not two.
"""

from __future__ import annotations

from functools import cache

from ..model import Document
from .base import ExtractContext, Extractor
from .image import ImageExtractor


@cache
def register_heif() -> None:
    """Teach Pillow to open HEIC/HEIF (once per process)."""
    import pillow_heif

    pillow_heif.register_heif_opener()


def is_heif_or_avif(head: bytes) -> bool:
    """ISO base media file with a HEIF/AVIF brand ("....ftypheic", "....ftypavif", ...)."""
    return head[4:8] == b"ftyp" and head[8:12] in _BRANDS


_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}


class HeifExtractor(Extractor):
    media_type = "image/heic"
    suffixes = (".heic", ".heif", ".avif")

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        register_heif()
        return ImageExtractor().extract(data, path, ctx)

    def sniff(self, data: bytes) -> bool:
        return is_heif_or_avif(data[:16])
