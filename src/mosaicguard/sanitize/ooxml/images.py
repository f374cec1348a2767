"""Image metadata removal, lossless for JPEG and PNG."""

from __future__ import annotations

import io

_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"pHYs",
             b"bKGD", b"acTL", b"fcTL", b"fdAT"}


def strip_jpeg(data: bytes) -> bytes:
    """Drop EXIF/XMP (APP1), IPTC (APP13), comments and other APPn segments; keep JFIF, ICC
    profiles and the Adobe colour marker so the picture looks the same. Lossless."""
    if not data.startswith(b"\xff\xd8"):
        return data
    out = bytearray(b"\xff\xd8")
    i = 2
    n = len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            raise ValueError("corrupt JPEG marker stream")
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in (0xDA, 0xD9):  # start of scan: the rest is image data
            out += data[i:]
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += data[i:i + 2]
            i += 2
            continue
        length = int.from_bytes(data[i + 2:i + 4], "big")
        segment = data[i:i + 2 + length]
        payload = segment[4:]
        keep = not (marker == 0xFE or 0xE1 <= marker <= 0xEF)
        keep = keep or (marker == 0xE2 and payload.startswith(b"ICC_PROFILE\x00"))
        keep = keep or (marker == 0xEE and payload.startswith(b"Adobe"))
        if keep:
            out += segment
        i += 2 + length
    raise ValueError("truncated JPEG")


def strip_png(data: bytes) -> bytes:
    """Keep only the chunks that draw the picture (text, EXIF and time chunks go). Lossless."""
    sig = b"\x89PNG\r\n\x1a\n"
    if not data.startswith(sig):
        return data
    out = bytearray(sig)
    i = len(sig)
    while i + 8 <= len(data):
        length = int.from_bytes(data[i:i + 4], "big")
        kind = data[i + 4:i + 8]
        end = i + 12 + length
        if kind in _PNG_KEEP:
            out += data[i:end]
        i = end
        if kind == b"IEND":
            break
    return bytes(out)


def strip_image(name: str, data: bytes) -> bytes:
    """Image bytes without metadata; formats Pillow can re-save lose theirs by re-encoding."""
    lower = name.lower()
    if lower.endswith((".jpg", ".jpeg")):
        return strip_jpeg(data)
    if lower.endswith(".png"):
        return strip_png(data)
    if lower.endswith((".tif", ".tiff", ".webp", ".gif")):
        from PIL import Image

        with Image.open(io.BytesIO(data)) as img:
            img.load()
            fmt = img.format or "PNG"
            clean = img.copy()
        clean.info = {}
        out = io.BytesIO()
        clean.save(out, format=fmt)
        return out.getvalue()
    return data
