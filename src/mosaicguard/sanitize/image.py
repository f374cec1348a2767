"""Images: re-encode the pixels into a fresh file, so nothing but pixels (and the colour profile)
survives: no EXIF, GPS, XMP, PNG text, comments or thumbnails. Findings with a pixel box (OCR text)
are blacked out before encoding: only the value's characters where OCR can place them, and
verified by re-reading. A multi-page TIFF is cleaned page by page; animations are refused.

Re-encoding rather than deleting tags is deliberate (mat2 does the same): a metadata block we do
not know cannot survive a file we wrote from scratch.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import replace
from typing import Any

from ..extract.base import ExtractContext, Limits
from ..extract.ocr.result import overlaps
from ..model import BBox, Document, Finding, Layer, Location, mask
from ..policy.schema import SanitizeSettings
from .base import Action, SanitizeError, Sanitizer, SanitizeResult

# Pillow format -> save options that keep quality close to the original.
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 95, "optimize": True},
    "PNG": {"optimize": False},
    "WEBP": {"quality": 95},
    "TIFF": {"compression": "tiff_deflate"},
    "BMP": {},
    "GIF": {},
    "PPM": {},  # Pillow writes no header comments
    "HEIF": {"quality": 90},  # HEIC/AVIF are lossy: re-encoding from pixels is the only clean copy
    "AVIF": {"quality": 90},
    "JXL": {"quality": 90, "exif": b""},  # empty EXIF: the plugin would otherwise ask the image for one
}


def _metadata_actions(doc: Document) -> list[Action]:
    kinds = sorted({(m.part or "metadata") for m in doc.metadata})
    actions: list[Action] = []
    if doc.metadata or any(h.category in ("metadata", "gps", "embedded") for h in doc.hidden):
        described = ", ".join(kinds) if kinds else "metadata"
        actions.append(Action("remove_metadata", f"re-encode pixels without metadata ({described}; "
                                                 f"{len(doc.metadata)} value(s))", category="metadata"))
    for item in doc.hidden:
        if item.category == "gps":
            actions.append(Action("remove_gps", f"remove GPS position ({item.description})", item.location, "gps"))
    return actions


def _boxes(redact: list[Finding]) -> list[Finding]:
    return [f for f in redact if f.location.bbox is not None]


def _black_out(clean: Any, upright: Any, redact: list[Finding]) -> Any:
    """Draw solid black over the findings' pixels and, for OCR text, check that OCR can no longer
    read the values. OCR findings get value-precise boxes (the characters of the value, from a
    re-read of the same pixels: a cache hit after the scan), so the rest of the line stays
    readable; anything that cannot be mapped precisely gets its whole box."""
    if not redact:
        return clean
    boxes = _precise_boxes(upright, redact)
    out = _draw(clean, boxes)
    ocr_values = [f.match for f in redact if f.layer is Layer.OCR and f.match.strip()]
    if not ocr_values:
        return out
    from ..extract.ocr import OcrUnavailable, still_readable

    try:
        left = still_readable(out, ocr_values, ExtractContext())
        if left and boxes != [f.location.bbox for f in redact]:
            # The tight boxes missed something (a re-read that differs): fall back to whole lines.
            out = _draw(clean, [f.location.bbox for f in redact if f.location.bbox is not None])
            left = still_readable(out, ocr_values, ExtractContext())
    except OcrUnavailable:
        return out  # cannot verify here; the sanitise run re-scans the clean copy anyway
    if left:
        shown = ", ".join(mask(v) for v in left)
        raise SanitizeError(f"blacked-out text is still readable by OCR ({shown}); nothing written")
    return out


def _precise_boxes(upright: Any, redact: list[Finding]) -> list[BBox]:
    """A box per finding: the value's own characters where OCR can place them, else its bbox."""
    from ..extract.ocr import OcrUnavailable, boxes_for_findings, ocr_image

    wants_precise = [f for f in redact if f.layer is Layer.OCR and f.location.start is not None
                     and f.location.end is not None]
    reading = None
    if wants_precise:
        try:
            reading = ocr_image(upright, ExtractContext(), page=1)
        except OcrUnavailable:
            reading = None
    boxes: list[BBox] = []
    for f in redact:
        loc = f.location
        assert loc.bbox is not None
        tight: list[BBox] = []
        if reading is not None and f in wants_precise and _same_value(reading.text, f):
            tight = boxes_for_findings(replace(reading, page=loc.page), [f])
        # A tight box must lie on the finding's line: otherwise the re-read placed it elsewhere.
        if tight and all(overlaps(b, loc.bbox) for b in tight):
            boxes.extend(b for b in tight if b not in boxes)
        else:
            boxes.append(loc.bbox)
    return boxes


def _same_value(text: str, f: Finding) -> bool:
    """The re-read text at the finding's offsets is the finding's value (spacing ignored)."""
    assert f.location.start is not None and f.location.end is not None
    got = "".join(text[f.location.start : f.location.end].split())
    return bool(got) and got == "".join(f.match.split())


def _draw(clean: Any, boxes: list[BBox]) -> Any:
    """A copy of `clean` with solid black rectangles (3 px padding, as OCR boxes are tight)."""
    from PIL import ImageDraw

    out = clean.copy()
    if out.mode == "P":
        black = _darkest_palette_index(out)
        if black is None:
            out = out.convert("RGBA" if "transparency" in out.info else "RGB")
    draw = ImageDraw.Draw(out)
    fill: Any
    if out.mode == "P":
        fill = black
    elif out.mode in ("L", "1", "I", "F"):
        fill = 0
    else:
        fill = tuple(255 if band == "A" else 0 for band in out.getbands())
    width, height = out.size
    for x0, y0, x1, y1 in boxes:
        draw.rectangle((max(0.0, x0 - _PAD), max(0.0, y0 - _PAD), min(width - 1.0, x1 + _PAD),
                        min(height - 1.0, y1 + _PAD)), fill=fill)
    return out


def _darkest_palette_index(image: Any) -> int | None:
    """The palette entry to paint with in a palette image, if one is (near) black: index 0 is
    not necessarily black."""
    palette = image.getpalette() or []
    best, best_luma = None, 256.0
    for index in range(len(palette) // 3):
        r, g, b = palette[3 * index : 3 * index + 3]
        luma = 0.299 * r + 0.587 * g + 0.114 * b
        if luma < best_luma and image.info.get("transparency") != index:
            best, best_luma = index, luma
    return best if best_luma <= 16 else None


_PAD = 3.0


class ImageSanitizer(Sanitizer):
    suffixes = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".gif", ".bmp", ".heic", ".heif", ".avif", ".jxl",
                ".ppm", ".pgm", ".pbm", ".pnm")

    def plan(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> list[Action]:
        actions = _metadata_actions(doc) if settings.remove_metadata else []
        actions += [Action("black_out", f"black out {f.category} in the picture", f.location, f.category)
                    for f in _boxes(redact)]
        if not actions:
            # Even a clean-looking image is re-encoded: unknown blocks must not survive.
            actions.append(Action("reencode", "re-encode pixels (drops any unknown metadata blocks)"))
        return actions

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        from PIL import Image

        from ..extract.heif import is_heif_or_avif, register_heif
        from ..extract.jxl import is_jxl, register_jxl

        if is_heif_or_avif(data[:16]):
            register_heif()
        if is_jxl(data[:16]):
            register_jxl()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                src = Image.open(io.BytesIO(data))
                fmt = src.format or ""
                n_frames = int(getattr(src, "n_frames", 1) or 1)
                if n_frames > 1 and fmt != "TIFF":
                    raise SanitizeError("multi-frame images (animations) are not sanitised; "
                                        "export the frames you need and sanitise them")
                icc = src.info.get("icc_profile")
                frames = _upright_frames(src, n_frames)
        except SanitizeError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise SanitizeError(f"image too large to re-encode safely: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - any decoder failure means we cannot produce a clean copy
            raise SanitizeError(f"image could not be decoded: {exc}") from None
        if fmt not in _SAVE_OPTIONS:
            raise SanitizeError(f"image format {fmt or 'unknown'} is not supported by the sanitiser")
        actions = self.plan(data, doc, redact, settings)
        boxed = _boxes(redact)
        cleans = []
        for number, upright in enumerate(frames, start=1):
            # Findings are on the page the extractor numbered (frame + 1); one without a page
            # number cannot be placed, so every frame gets it (over-redaction beats a leak).
            mine = [f for f in boxed if f.location.page in (number, None) or n_frames == 1]
            cleans.append(_black_out(_fresh(upright), upright, mine))
        clean = cleans[0]
        options = dict(_SAVE_OPTIONS[fmt])
        if fmt == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        if fmt == "JXL" and clean.mode not in ("RGB", "RGBA", "L", "LA", "I;16", "F"):
            clean = clean.convert("RGBA" if "A" in clean.mode or "transparency" in clean.info else "RGB")
        if icc and fmt in ("JPEG", "PNG", "WEBP", "TIFF"):
            options["icc_profile"] = icc  # colour profile only; it describes colours, not people
        if "transparency" in clean.info:
            options["transparency"] = clean.info["transparency"]
        if len(cleans) > 1:
            options.update(save_all=True, append_images=cleans[1:])
        out = io.BytesIO()
        try:
            clean.save(out, fmt, **options)
        except Exception as exc:  # noqa: BLE001 - encoder failure: write nothing
            raise SanitizeError(f"could not re-encode the image: {exc}") from None
        return SanitizeResult(out.getvalue(), tuple(actions))


def _upright_frames(src: Any, n_frames: int) -> list[Any]:
    """Every frame, decoded and upright. The EXIF orientation is applied first: once the tag is
    gone the picture must still stand upright. All pages of a multi-page TIFF together stay under
    the pixel limit of one image (they are all held to write the clean copy)."""
    from PIL import ImageOps

    limit = Limits().max_image_pixels
    frames, total = [], 0
    for index in range(n_frames):
        if n_frames > 1:
            src.seek(index)
        total += src.size[0] * src.size[1]
        if total > limit:
            raise SanitizeError(f"image pages hold more than {limit} pixels together; too large to re-encode safely")
        upright = ImageOps.exif_transpose(src)
        upright.load()
        frames.append(upright)
    return frames


def _fresh(upright: Any) -> Any:
    """A brand-new image from the pixel data only: info, EXIF and text chunks are left behind."""
    from PIL import Image

    clean = Image.new(upright.mode, upright.size)
    clean.frombytes(upright.tobytes())
    if upright.mode == "P":
        palette = upright.getpalette()
        if palette:
            clean.putpalette(palette)
        if "transparency" in upright.info and isinstance(upright.info["transparency"], int):
            clean.info["transparency"] = upright.info["transparency"]
    return clean


__all__ = ["ImageSanitizer", "Location"]
