"""Image sanitiser with OCR findings: only the value is blacked out (value-precise boxes from the
OCR character boxes), the rest of its line stays readable, and the result is verified by re-OCR."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from formats.factory_cn import render_text_image
from mosaicguard.detect.engine import Engine
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.extract.ocr import still_readable
from mosaicguard.model import Finding, Layer
from mosaicguard.policy.schema import Policy, SanitizeSettings
from mosaicguard.sanitize.base import SanitizeError
from mosaicguard.sanitize.image import ImageSanitizer, _black_out

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOSAICGUARD_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "ocr-cache"))
    monkeypatch.delenv("MOSAICGUARD_OCR_ENGINE", raising=False)


@pytest.fixture(scope="module")
def notice() -> tuple[bytes, tuple[float, float, float, float]]:
    image, boxes = render_text_image([f"值班电话 {PHONE} 请勿外传"], width=1400)
    buf = io.BytesIO()
    image.save(buf, "PNG", dpi=(300, 300))
    return buf.getvalue(), boxes[0]


def _phone(data: bytes) -> tuple[object, Finding]:
    doc = extract_bytes(data, "notice.png", ExtractContext())
    phone = next(f for f in Engine(Policy(), "python").scan(doc) if f.category == "phone")
    assert phone.layer is Layer.OCR and phone.location.bbox is not None
    return doc, phone


def test_only_the_value_is_blacked_out_and_the_line_stays_readable(notice: tuple) -> None:  # type: ignore[type-arg]
    data, line_box = notice
    doc, phone = _phone(data)
    result = ImageSanitizer().sanitize(data, doc, [phone], SanitizeSettings())  # type: ignore[arg-type]
    assert [a.kind for a in result.actions] == ["black_out"]
    cleaned = Image.open(io.BytesIO(result.data)).convert("L")
    assert still_readable(cleaned, [PHONE, "值班电话", "请勿外传"]) == ["值班电话", "请勿外传"]
    # Pixels: the start and end of the line are untouched, the value's middle is solid black.
    x0, y0, x1, y1 = line_box
    mid_y = int((y0 + y1) / 2)
    lo = min(cleaned.getpixel((x, mid_y)) for x in range(int(x0), int(x0) + 150))
    assert lo < 100, "the first word's ink is still there"
    black_run = max_run(cleaned, mid_y, int(x0), int(x1))
    assert 150 < black_run < (x1 - x0) * 0.8, black_run  # the value, not the whole line


def max_run(image: Image.Image, y: int, x0: int, x1: int) -> int:
    best = run = 0
    for x in range(x0, x1):
        run = run + 1 if image.getpixel((x, y)) == 0 else 0
        best = max(best, run)
    return best


def test_unverifiable_blackout_writes_nothing(notice: tuple) -> None:  # type: ignore[type-arg]
    # A finding whose box misses its value (a stale box): the re-OCR still reads the value,
    # so the sanitiser refuses instead of writing a copy that leaks it.
    data, _ = notice
    _doc, phone = _phone(data)
    from dataclasses import replace

    wrong = replace(phone, location=replace(phone.location, start=None, end=None, bbox=(0.0, 0.0, 20.0, 20.0)))
    image = Image.open(io.BytesIO(data)).convert("RGB")
    with pytest.raises(SanitizeError, match="still readable"):
        _black_out(image, image, [wrong])


def test_sanitize_command_keeps_rest_of_line(notice: tuple, tmp_path: Path) -> None:  # type: ignore[type-arg]
    from mosaicguard.pipeline import ScanOptions
    from mosaicguard.sanitize.run import sanitize_paths

    data, _ = notice
    src = tmp_path / "in" / "notice.png"
    src.parent.mkdir()
    src.write_bytes(data)
    outcome = sanitize_paths([str(src)], str(tmp_path / "out"), ScanOptions(engine="python")).files[0]
    assert outcome.status == "sanitized", outcome.error
    assert not [f for _, f in outcome.residual if f.category == "phone"]
    assert still_readable((tmp_path / "out" / "notice.png").read_bytes(), [PHONE, "请勿外传"]) == ["请勿外传"]


def test_multi_page_tiff_is_cleaned_page_by_page(tmp_path: Path) -> None:
    from mosaicguard.extract.ocr import image_frames
    from mosaicguard.pipeline import ScanOptions
    from mosaicguard.sanitize.run import sanitize_paths

    page1, _ = render_text_image(["关于7301工程验收的通知"], width=1200)
    page2, _ = render_text_image([f"值班电话 {PHONE} 请勿外传"], width=1400)
    src = tmp_path / "in" / "scan.tif"
    src.parent.mkdir()
    page1.save(src, format="TIFF", save_all=True, append_images=[page2], dpi=(300, 300))  # type: ignore[attr-defined]
    outcome = sanitize_paths([str(src)], str(tmp_path / "out"), ScanOptions(engine="python")).files[0]
    assert outcome.status == "sanitized", outcome.error
    assert not [f for _, f in outcome.residual if f.category == "phone"]
    frames = image_frames((tmp_path / "out" / "scan.tif").read_bytes())
    assert len(frames) == 2
    assert still_readable(frames[0], ["7301工程"]) == ["7301工程"]  # page 1 untouched
    assert still_readable(frames[1], [PHONE, "请勿外传"]) == ["请勿外传"]
