"""Images: re-encode the pixels into a fresh file, so nothing but pixels (and the colour profile)
survives: no EXIF, GPS, XMP, PNG text, comments or thumbnails. Findings with a pixel box (OCR text)
are blacked out before encoding.

Re-encoding rather than deleting tags is deliberate (mat2 does the same): a metadata block we do
not know cannot survive a file we wrote from scratch.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from ..model import Document, Finding, Location
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


class ImageSanitizer(Sanitizer):
    suffixes = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".gif", ".bmp")

    def plan(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> list[Action]:
        actions = _metadata_actions(doc) if settings.remove_metadata else []
        actions += [Action("black_out", f"black out {f.category} in the picture", f.location, f.category)
                    for f in _boxes(redact)]
        if not actions:
            # Even a clean-looking image is re-encoded: unknown blocks must not survive.
            actions.append(Action("reencode", "re-encode pixels (drops any unknown metadata blocks)"))
        return actions

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        from PIL import Image, ImageDraw, ImageOps

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                src = Image.open(io.BytesIO(data))
                fmt = src.format or ""
                if getattr(src, "n_frames", 1) > 1:
                    raise SanitizeError("multi-frame images (animations, multi-page TIFF) are not sanitised; "
                                        "export the frames you need and sanitise them")
                icc = src.info.get("icc_profile")
                # Apply the EXIF orientation first: once the tag is gone the picture must still stand upright.
                upright = ImageOps.exif_transpose(src)
                upright.load()
        except SanitizeError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise SanitizeError(f"image too large to re-encode safely: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - any decoder failure means we cannot produce a clean copy
            raise SanitizeError(f"image could not be decoded: {exc}") from None
        if fmt not in _SAVE_OPTIONS:
            raise SanitizeError(f"image format {fmt or 'unknown'} is not supported by the sanitiser")
        # A brand-new image from the pixel data only: info, EXIF and text chunks are left behind.
        clean = Image.new(upright.mode, upright.size)
        clean.frombytes(upright.tobytes())
        if upright.mode == "P":
            palette = upright.getpalette()
            if palette:
                clean.putpalette(palette)
            if "transparency" in upright.info and isinstance(upright.info["transparency"], int):
                clean.info["transparency"] = upright.info["transparency"]
        actions = self.plan(data, doc, redact, settings)
        boxes = _boxes(redact)
        if boxes:
            draw = ImageDraw.Draw(clean)
            fill: Any = 0 if clean.mode in ("L", "P", "1", "I", "F") else (0,) * len(clean.getbands())
            for f in boxes:
                assert f.location.bbox is not None
                x0, y0, x1, y1 = f.location.bbox
                draw.rectangle((x0, y0, x1, y1), fill=fill)
        options = dict(_SAVE_OPTIONS[fmt])
        if fmt == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        if icc and fmt in ("JPEG", "PNG", "WEBP", "TIFF"):
            options["icc_profile"] = icc  # colour profile only; it describes colours, not people
        if "transparency" in clean.info:
            options["transparency"] = clean.info["transparency"]
        out = io.BytesIO()
        try:
            clean.save(out, fmt, **options)
        except Exception as exc:  # noqa: BLE001 - encoder failure: write nothing
            raise SanitizeError(f"could not re-encode the image: {exc}") from None
        return SanitizeResult(out.getvalue(), tuple(actions))


__all__ = ["ImageSanitizer", "Location"]
