"""OCR of images and page images: preprocess, read with the engine, cache, and run pages in
parallel processes. Results are data (`OcrPage`); callers add `page.segments` to their Document
and `page.note()` to `Document.notes`."""

from __future__ import annotations

import io
import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from typing import Any

from ...errors import ExtractionError, LimitExceeded
from ..base import ExtractContext
from . import cache
from .engines import get_engine
from .preprocess import PREPROCESS_VERSION, prepare
from .result import DEFAULT_LOW_CONFIDENCE, OcrLine, OcrPage

ImageInput = Any  # bytes of an image file, or a PIL.Image.Image


def open_image(data: ImageInput, ctx: ExtractContext | None = None) -> Any:
    """A PIL image from bytes (or the image itself), refusing decompression bombs."""
    from PIL import Image

    limits = (ctx or ExtractContext()).limits
    if not isinstance(data, bytes | bytearray):
        if data.size[0] * data.size[1] > limits.max_image_pixels:
            raise LimitExceeded(f"image has {data.size[0]}x{data.size[1]} pixels, over the limit")
        return data
    try:
        image = Image.open(io.BytesIO(bytes(data)))
    except Exception as exc:
        raise ExtractionError(f"not a readable image: {exc}") from exc
    if image.size[0] * image.size[1] > limits.max_image_pixels:
        raise LimitExceeded(f"image has {image.size[0]}x{image.size[1]} pixels, over the limit")
    return image


def image_frames(data: bytes, ctx: ExtractContext | None = None) -> list[Any]:
    """Every frame of an image file (all pages of a multi-page TIFF), loaded."""
    image = open_image(data, ctx)
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        frame = image.copy()
        frame.info.setdefault("dpi", image.info.get("dpi"))
        frames.append(frame)
    return frames


def read_lines(image: Any, engine_name: str | None = None) -> list[OcrLine]:
    """The engine's lines for one image, in the image's own pixel coordinates (no cache)."""
    engine = get_engine(engine_name)
    deskew, binarise = _prep_flags(engine.name)
    prepared = prepare(image, binarise=binarise, deskew=deskew)
    lines = engine.recognise(prepared.gray)
    if prepared.scale == 1.0 and prepared.matrix is None:
        return lines
    return [
        OcrLine(ln.text, prepared.to_original(ln.bbox), ln.confidence,
                tuple(None if b is None else prepared.to_original(b) for b in ln.char_boxes))
        for ln in lines
    ]


def _prep_flags(engine_name: str) -> tuple[bool, bool]:
    """(deskew, binarise): defaults chosen by measurement (docs/benchmarks-ocr.md); the
    environment overrides them for ablation runs (`MOSAICGUARD_OCR_DESKEW=0`,
    `MOSAICGUARD_OCR_BINARISE=0|1`)."""
    deskew = os.environ.get("MOSAICGUARD_OCR_DESKEW", "1") != "0"
    forced = os.environ.get("MOSAICGUARD_OCR_BINARISE", "")
    binarise = forced == "1" if forced in ("0", "1") else engine_name == "tesseract"
    return deskew, binarise


def _worker(payload: tuple[str, tuple[int, int], bytes, Any, str | None]) -> list[OcrLine]:
    from PIL import Image

    mode, size, raw, dpi, engine_name = payload
    image = Image.frombytes(mode, size, raw)
    if dpi:
        image.info["dpi"] = dpi
    return read_lines(image, engine_name)


def _jobs(requested: int | None, pending: int) -> int:
    if requested is None:
        # Inside a scan worker process (`scan --jobs N`) the cores are already taken.
        if multiprocessing.parent_process() is not None:
            return 1
        try:
            requested = int(os.environ.get("MOSAICGUARD_OCR_JOBS", "0")) or (os.cpu_count() or 1)
        except ValueError:
            requested = os.cpu_count() or 1
    return max(1, min(requested, pending))


def ocr_images(
    images: Sequence[ImageInput],
    ctx: ExtractContext | None = None,
    *,
    first_page: int | None = 1,
    part: str = "ocr",
    scale: float = 1.0,
    jobs: int | None = None,
    engine: str | None = None,
    low_confidence: float = DEFAULT_LOW_CONFIDENCE,
) -> list[OcrPage]:
    """OCR several page images, in parallel processes, cached by content.

    `scale` converts image pixels to output coordinates (72/dpi for a PDF page rendered at dpi);
    pages are numbered from `first_page` (None: unnumbered, for a single photo).
    """
    ctx = ctx or ExtractContext()
    eng = get_engine(engine)
    pils = [open_image(img, ctx) for img in images]
    prep_id = f"{PREPROCESS_VERSION}-{_prep_flags(eng.name)}"
    keys = [cache.page_key(img, eng.ident, prep_id) for img in pils]
    found: list[list[OcrLine] | None] = [cache.load(k) for k in keys]
    pending = [i for i, lines in enumerate(found) if lines is None]
    cached = [lines is not None for lines in found]
    workers = _jobs(jobs, len(pending))
    if workers <= 1:
        for i in pending:
            ctx.check_time()
            found[i] = read_lines(pils[i], engine)
            cache.store(keys[i], found[i] or [])
    else:
        payloads = []
        for i in pending:
            img = pils[i] if pils[i].mode in ("L", "RGB", "RGBA", "LA") else pils[i].convert("RGB")
            payloads.append((img.mode, img.size, img.tobytes(), pils[i].info.get("dpi"), engine))
        # spawn, not fork: a forked onnxruntime session can deadlock in the child.
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        try:
            futures = [pool.submit(_worker, p) for p in payloads]
            for i, future in zip(pending, futures, strict=True):
                remaining = ctx.deadline - time.monotonic()
                try:
                    found[i] = future.result(timeout=max(0.1, remaining))
                except FutureTimeout as exc:
                    raise LimitExceeded("OCR took longer than the per-file time limit") from exc
                cache.store(keys[i], found[i] or [])
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
    pages = []
    for index, (img, lines) in enumerate(zip(pils, found, strict=True)):
        page_no = None if first_page is None else first_page + index
        pages.append(_page(lines or [], img.size, page_no, part, scale, eng.name, low_confidence, cached[index]))
    return pages


def ocr_image(
    image: ImageInput,
    ctx: ExtractContext | None = None,
    *,
    page: int | None = None,
    part: str = "ocr",
    scale: float = 1.0,
    engine: str | None = None,
    low_confidence: float = DEFAULT_LOW_CONFIDENCE,
) -> OcrPage:
    """OCR one image (bytes or PIL image). Boxes are image pixels times `scale`."""
    return ocr_images([image], ctx, first_page=page, part=part, scale=scale, jobs=1, engine=engine,
                      low_confidence=low_confidence)[0]


def _page(lines: list[OcrLine], size: tuple[int, int], page: int | None, part: str, scale: float,
          engine: str, threshold: float, cached: bool) -> OcrPage:
    if scale != 1.0:
        lines = [replace(ln, bbox=_scaled(ln.bbox, scale),
                         char_boxes=tuple(None if b is None else _scaled(b, scale) for b in ln.char_boxes))
                 for ln in lines]
    chars = sum(len(ln.text.replace(" ", "")) for ln in lines)
    confidence = (sum(ln.confidence * len(ln.text.replace(" ", "")) for ln in lines) / chars) if chars else 1.0
    low = bool(chars) and confidence < threshold
    return OcrPage(page=page, lines=tuple(lines), confidence=confidence, low_confidence=low,
                   engine=engine, width=size[0] * scale, height=size[1] * scale, part=part, cached=cached)


def _scaled(box: tuple[float, float, float, float], s: float) -> tuple[float, float, float, float]:
    return (box[0] * s, box[1] * s, box[2] * s, box[3] * s)


_MIN_SIDE = 16  # pixels: smaller images (icons, spacers) cannot hold readable text


def should_ocr_image(ctx: ExtractContext, image: Any | None = None) -> bool:
    """Images have no text layer: OCR them unless OCR is switched off (`--ocr never`). In `auto`
    mode, images too small for text and blank images (one flat colour) are skipped, which keeps
    icons, spacers and solid backgrounds from costing an OCR pass each."""
    if ctx.ocr == "never":
        return False
    if ctx.ocr == "always" or image is None:
        return True
    if min(image.size) < _MIN_SIDE:
        return False
    from PIL import ImageStat

    small = image.convert("L")
    small.thumbnail((256, 256))
    return float(ImageStat.Stat(small).stddev[0]) >= 2.0
