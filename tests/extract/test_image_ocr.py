"""OCR of images inside the extractor: every page of a multi-page TIFF as its own page number
with boxes, the frame limit, and low-confidence readings reaching the JSON report as notes.

Each OCR call costs about a second, so the strips are small and the cache is shared by the
module's tests (later reads of the same pixels are cache hits)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageFilter

from formats.factory_cn import render_text_image
from mosaicguard.extract import image as image_module
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.image import ImageExtractor
from mosaicguard.extract.ocr.result import overlaps
from mosaicguard.model import Layer
from mosaicguard.pipeline import ScanOptions, scan_paths
from mosaicguard.report.base import get_reporter

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOSAICGUARD_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "ocr-cache"))
    monkeypatch.delenv("MOSAICGUARD_OCR_ENGINE", raising=False)
    monkeypatch.setenv("MOSAICGUARD_OCR_JOBS", "1")  # 2 shared cores: a process pool costs more than it saves


@pytest.fixture(scope="module")
def two_pages() -> tuple[bytes, tuple[float, float, float, float]]:
    """A 2-page TIFF (zh/en text, 300 dpi) whose page 2 holds a phone number; plus its drawn box.
    A third frame repeats page 1 (as animations and some scanners do)."""
    page1, _ = render_text_image(["关于7301工程验收的通知", "Page one has no numbers"], width=1400)
    page2, boxes = render_text_image(["第二页 page two", f"值班电话 {PHONE} 请勿外传"], width=1400)
    buf = io.BytesIO()
    page1.save(buf, format="TIFF", save_all=True, append_images=[page2, page1.copy()], dpi=(300, 300),
               compression="tiff_deflate")
    return buf.getvalue(), boxes[1]


def test_every_tiff_page_is_read_with_its_page_number(two_pages: tuple, tmp_path: Path) -> None:  # type: ignore[type-arg]
    data, planted = two_pages
    doc = ImageExtractor().extract(data, "scan.tif", ExtractContext())
    assert doc.page_count == 3 and doc.notes == ()
    ocr = [s for s in doc.segments if s.layer is Layer.OCR]
    # page 3 is the same picture as page 1: read once
    assert {s.location.page for s in ocr} == {1, 2}
    assert any("7301" in s.text for s in ocr if s.location.page == 1)
    # end to end: the phone on page 2 is reported on page 2, boxed over the drawn text
    src = tmp_path / "scan.tif"
    src.write_bytes(data)
    result = scan_paths([str(src)], ScanOptions(engine="python")).files[0]
    phone = next(f for f in result.findings if f.category == "phone")
    assert phone.match == PHONE and phone.layer is Layer.OCR
    assert phone.location.page == 2
    assert phone.location.bbox is not None and overlaps(phone.location.bbox, planted)
    assert not [f for f in result.findings if f.category == "phone" and f.location.page != 2]


def test_frames_over_the_limit_become_a_note(two_pages: tuple, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[type-arg]
    data, _ = two_pages
    monkeypatch.setattr(image_module, "MAX_OCR_FRAMES", 1)
    doc = ImageExtractor().extract(data, "scan.tif", ExtractContext())
    assert {s.location.page for s in doc.segments if s.layer is Layer.OCR} == {1}
    assert doc.notes == ("frames 2-3 of 3 were not read by OCR (limit of 1 frames); check by hand",)


def test_ocr_never_reads_no_frame(two_pages: tuple) -> None:  # type: ignore[type-arg]
    data, _ = two_pages
    doc = ImageExtractor().extract(data, "scan.tif", ExtractContext(ocr="never"))
    assert doc.segments == () and doc.notes == ()


def _poor_image() -> Image.Image:
    """Text shrunk to ~100 dpi, blurred and noisy: OCR reads something, with low confidence."""
    import numpy as np

    image, _ = render_text_image([f"值班电话 {PHONE} 请勿外传", f"Site manager phone {PHONE}"], width=1600)
    small = image.resize((560, 175)).filter(ImageFilter.GaussianBlur(1.4))
    pixels = np.asarray(small.convert("L"), dtype=np.int16)
    noisy = pixels + np.random.default_rng(1).normal(0, 40, pixels.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype("uint8"))


def test_low_confidence_image_gets_a_note_in_the_json_report(tmp_path: Path) -> None:
    src = tmp_path / "photo.png"
    _poor_image().save(src)
    report = scan_paths([str(src)], ScanOptions(engine="python"))
    out = json.loads(get_reporter("json").render(report, redact=False))
    notes = out["files"][0]["notes"]
    assert len(notes) == 1
    assert notes[0].startswith("page 1: OCR confidence 0.") and "check this page by hand" in notes[0]
    # the human report does not call it publishable
    text = get_reporter("text").render(report, redact=False)
    assert "需人工核对 / check by hand" in text and "第 1 页：OCR 识别置信度" in text


def test_long_animation_reads_a_bounded_number_of_frames() -> None:
    # Flat frames cost no OCR (skipped as blank); the frames past the limit are named in a note.
    frames = [Image.new("RGB", (64, 64), (i * 10, 0, 0)) for i in range(image_module.MAX_OCR_ANIMATION_FRAMES + 2)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    doc = ImageExtractor().extract(buf.getvalue(), "anim.gif", ExtractContext())
    n = image_module.MAX_OCR_ANIMATION_FRAMES
    assert doc.page_count == n + 2 and doc.segments == ()
    assert doc.notes == (f"frames {n + 1}-{n + 2} of {n + 2} were not read by OCR (limit of {n} frames); "
                         "check by hand",)
