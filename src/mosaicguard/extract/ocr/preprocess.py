"""Page-image preparation before OCR: grayscale, scale to ~300 dpi, deskew, binarise.

Grayscale and DPI scaling are always applied (both engines read 300-dpi text best and the colour
carries nothing for them). Deskew straightens a tilted scan (projection-profile search over
+-5 degrees). Otsu binarisation is on for Tesseract and off for RapidOCR, whose neural models
were trained on natural grey images. The effect of each step on scan-like pages is measured by
`bench/ocr_pages.py --ablation` (docs/benchmarks-ocr.md). Boxes found on the prepared image are
mapped back to the original's pixels with `Prepared.to_original`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...model import BBox

PREPROCESS_VERSION = "1"  # part of the cache key: change it when the steps change
TARGET_DPI = 300.0
_MAX_UPSCALE = 3.0
_MAX_PIXELS = 40_000_000  # never upscale past this (large pages are already rendered lower)
_MAX_SKEW_DEG = 5.0
_MIN_SKEW_DEG = 0.3


@dataclass(frozen=True)
class Prepared:
    gray: Any  # numpy uint8 (H, W)
    scale: float  # prepared pixels per original pixel
    angle: float  # degrees the original was rotated by (counter-clockwise) to deskew it
    matrix: Any | None  # 2x3 affine original->prepared, None if no rotation

    def to_original(self, box: BBox) -> BBox:
        """A box on the prepared image as an axis-aligned box on the original image."""
        import numpy as np

        x0, y0, x1, y1 = box
        if self.matrix is None:
            s = self.scale
            return (x0 / s, y0 / s, x1 / s, y1 / s)
        import cv2

        inverse = cv2.invertAffineTransform(self.matrix)
        pts = np.array([[x0, y0, 1.0], [x1, y0, 1.0], [x1, y1, 1.0], [x0, y1, 1.0]])
        mapped = pts @ inverse.T
        return (float(mapped[:, 0].min()), float(mapped[:, 1].min()),
                float(mapped[:, 0].max()), float(mapped[:, 1].max()))


def to_gray(image: Any) -> Any:
    """A PIL image as a uint8 grayscale array (alpha flattened onto white)."""
    import numpy as np
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    return np.asarray(image.convert("L"), dtype=np.uint8)


def estimate_skew(gray: Any) -> float:
    """The text tilt in degrees (positive: counter-clockwise), from the sharpness of the
    horizontal projection profile over candidate angles on a small copy of the page."""
    import cv2
    import numpy as np

    h, w = gray.shape
    factor = min(1.0, 1000.0 / max(h, w))
    small = cv2.resize(gray, (max(1, int(w * factor)), max(1, int(h * factor))), interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if ink.mean() < 0.5 or ink.mean() > 128:  # blank page or a photo: nothing to straighten
        return 0.0
    centre = (small.shape[1] / 2.0, small.shape[0] / 2.0)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(ink, m, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST)
        profile = rotated.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    coarse = max(np.arange(-_MAX_SKEW_DEG, _MAX_SKEW_DEG + 0.01, 0.5), key=sharpness)
    fine = max(np.arange(coarse - 0.4, coarse + 0.41, 0.1), key=sharpness)
    return float(round(fine, 2))


def prepare(image: Any, *, binarise: bool = False, deskew: bool = True) -> Prepared:
    """Grayscale, scale a low-resolution scan towards 300 dpi, straighten, optionally binarise."""
    import cv2

    gray = to_gray(image)
    scale = 1.0
    dpi = image.info.get("dpi")
    if dpi and isinstance(dpi, tuple) and dpi[0] and 50 <= float(dpi[0]) < 0.8 * TARGET_DPI:
        scale = min(_MAX_UPSCALE, TARGET_DPI / float(dpi[0]),
                    (_MAX_PIXELS / max(1, gray.shape[0] * gray.shape[1])) ** 0.5)
    if scale > 1.01:
        gray = cv2.resize(gray, (int(gray.shape[1] * scale), int(gray.shape[0] * scale)),
                          interpolation=cv2.INTER_CUBIC)
    else:
        scale = 1.0
    matrix: Any = None
    angle = estimate_skew(gray) if deskew else 0.0
    if abs(angle) >= _MIN_SKEW_DEG:
        h, w = gray.shape
        rot = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
        gray = cv2.warpAffine(gray, rot, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)
        matrix = rot.astype("float64")
        matrix[:, :2] = matrix[:, :2] * scale  # compose with the scaling: original -> scaled -> rotated
    else:
        angle = 0.0
    if binarise:
        _, gray = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    if matrix is None and scale != 1.0:
        return Prepared(gray, scale, 0.0, None)
    return Prepared(gray, scale, angle, matrix)
