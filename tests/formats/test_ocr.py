"""OCR: planted values in rendered zh/en page strips are read with boxes over the planted
region; page cache; parallel pages; scanned PDFs (OCR of an image-only page, and a stale
invisible text layer under a raster black box); pixel blackout verified by re-OCR.

OCR costs ~1-3 s per strip, so images are 1/3-A4 strips at 300 dpi and each is read once
(later reads are cache hits)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from formats.factory_cn import render_text_image
from mosaicguard.detect.engine import Engine
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.ocr import (
    blackout_findings,
    find_raster_redaction_failures,
    needs_ocr,
    ocr_image,
    ocr_images,
    ocr_pdf_page,
    redaction_failure_findings_input,
    should_ocr_image,
    still_readable,
)
from mosaicguard.extract.ocr.result import overlaps
from mosaicguard.model import Document, Layer
from mosaicguard.policy.schema import Policy

ID = "11010519491231002X"
PHONE = "13812345678"
LINES = ["关于7301工程验收的通知", f"联系人身份证号 {ID}", f"Site manager phone {PHONE}"]


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    # One cache for the module's tests (so each strip is OCR'd once), never the user's cache.
    root = tmp_path_factory.getbasetemp() / "ocr-cache"
    monkeypatch.setenv("MOSAICGUARD_CACHE_DIR", str(root))
    monkeypatch.delenv("MOSAICGUARD_OCR_ENGINE", raising=False)
    return root


@pytest.fixture(scope="module")
def strip() -> tuple[object, list[tuple[float, float, float, float]]]:
    return render_text_image(LINES)


def _findings(segments: tuple) -> list:  # type: ignore[type-arg]
    doc = Document(path="x.png", media_type="image/png", sha256="", segments=segments)
    return Engine(Policy(), "python").scan(doc)


def test_ocr_reads_planted_values_with_boxes(strip: tuple) -> None:  # type: ignore[type-arg]
    image, planted = strip
    page = ocr_image(image, ExtractContext(), page=1)
    assert page.engine == "rapidocr" and not page.low_confidence and page.confidence > 0.9
    assert all(s.layer is Layer.OCR and s.location.bbox for s in page.segments)
    compact = page.text.replace(" ", "")
    assert ID in compact and PHONE in compact and "7301工程" in compact
    found = {f.category: f for f in _findings(page.segments)}
    assert {"cn_id", "phone"} <= set(found)
    for category, line in (("cn_id", 1), ("phone", 2)):
        f = found[category]
        assert f.layer is Layer.OCR and f.location.page == 1
        assert overlaps(f.location.bbox, planted[line])
        tight = page.boxes_for_span(f.location.start, f.location.end)
        assert len(tight) == 1 and overlaps(tight[0], planted[line])
        # the value's box is narrower than its line (only the value gets blacked out)
        assert tight[0][2] - tight[0][0] < (f.location.bbox[2] - f.location.bbox[0]) * 0.8


def test_cache_makes_a_rescan_free(strip: tuple, _cache: Path) -> None:  # type: ignore[type-arg]
    image, _ = strip
    first = ocr_image(image)
    again = ocr_image(image)
    assert again.cached and again.text == first.text
    entries = list(_cache.glob("ocr/*/*.ocr"))
    assert entries
    # Sealed: the page's text is not in the cache in any encoding.
    stored = b"".join(e.read_bytes() for e in entries)
    for enc in ("utf-8", "utf-16-le", "utf-16-be", "gb18030"):
        assert PHONE.encode(enc) not in stored and "7301工程".encode(enc) not in stored
    flagged = ocr_image(image, low_confidence=1.01)  # same reading, stricter bar: flagged for a human
    assert flagged.low_confidence and "check this page by hand" in (flagged.note() or "")


def test_deskew_and_tesseract_fallback(strip: tuple) -> None:  # type: ignore[type-arg]
    image, _ = strip
    tilted = image.convert("L").rotate(2.0, fillcolor=255)
    page = ocr_image(tilted, engine="tesseract")
    assert page.engine == "tesseract"
    assert PHONE in page.text.replace(" ", "")


def test_parallel_pages_numbered_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOSAICGUARD_OCR_CACHE", "0")
    small = [render_text_image([f"第{i}页 电话 1391234567{i}"], width=1200)[0] for i in (1, 2)]
    pages = ocr_images(small, ExtractContext(), first_page=3, jobs=2)
    assert [p.page for p in pages] == [3, 4]
    assert "13912345671" in pages[0].text.replace(" ", "") and "13912345672" in pages[1].text.replace(" ", "")


def _scanned_pdf(image: object, *, stale_text: str | None = None, black_line: int | None = None,
                 planted: list | None = None) -> bytes:  # type: ignore[type-arg]
    import pymupdf
    from PIL import ImageDraw

    img = image.copy()  # type: ignore[attr-defined]
    if black_line is not None and planted is not None:
        ImageDraw.Draw(img).rectangle(planted[black_line], fill="black")  # raster redaction
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    w, h = img.size
    doc = pymupdf.open()
    page = doc.new_page(width=w * 72 / 300, height=h * 72 / 300)
    page.insert_image(page.rect, stream=buf.getvalue())
    if stale_text is not None and planted is not None and black_line is not None:
        x0, y0, _x1, y1 = (v * 72 / 300 for v in planted[black_line])
        page.insert_text((x0, y1 - 2), stale_text, fontsize=(y1 - y0) * 0.8, render_mode=3)
        page.insert_text((x0, (y1 - y0) * 2 + y1), "visible-area-word", fontsize=8, render_mode=3)
    return doc.tobytes()


def test_stale_invisible_text_under_raster_black_box(strip: tuple) -> None:  # type: ignore[type-arg]
    import pymupdf

    image, planted = strip
    data = _scanned_pdf(image, stale_text=f"ID {ID}", black_line=1, planted=planted)
    page = pymupdf.open(stream=data, filetype="pdf")[0]
    failures = find_raster_redaction_failures(page)
    assert [f.text for f in failures] == [f"ID {ID}"]
    failure = failures[0]
    assert failure.invisible and failure.page == 1 and failure.dark_share > 0.9
    items, segments = redaction_failure_findings_input(failures)
    assert items[0].category == "redaction_failure" and segments[0].layer is Layer.UNDER_REDACTION
    cats = {(f.category, f.layer) for f in _findings(tuple(segments))}
    assert ("cn_id", Layer.UNDER_REDACTION) in cats
    # the same page without a black box: nothing to report
    clean = pymupdf.open(stream=_scanned_pdf(image), filetype="pdf")[0]
    assert find_raster_redaction_failures(clean) == []


def test_image_only_pdf_page_is_ocrd_in_points(strip: tuple) -> None:  # type: ignore[type-arg]
    import pymupdf

    image, planted = strip
    page = pymupdf.open(stream=_scanned_pdf(image), filetype="pdf")[0]
    assert needs_ocr(page, ExtractContext(ocr="auto"))
    assert not needs_ocr(page, ExtractContext(ocr="never"))
    result = ocr_pdf_page(page, ExtractContext())
    assert result.page == 1 and abs(result.width - page.rect.width) < 1
    phone = next(f for f in _findings(result.segments) if f.category == "phone")
    in_points = tuple(v * 72 / 300 for v in planted[2])
    assert overlaps(phone.location.bbox, in_points)


def test_text_pdf_does_not_need_ocr() -> None:
    import pymupdf

    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "A normal text page with plenty of characters on it.")
    page = doc[0]
    assert not needs_ocr(page, ExtractContext(ocr="auto")) and needs_ocr(page, ExtractContext(ocr="always"))


def test_blackout_then_reocr_no_longer_reads_value(strip: tuple) -> None:  # type: ignore[type-arg]
    image, _ = strip
    page = ocr_image(image)
    phone = [f for f in _findings(page.segments) if f.category == "phone"]
    cleaned, boxes = blackout_findings(image, phone)
    assert len(boxes) == 1
    assert still_readable(cleaned, [PHONE, "7301工程"]) == ["7301工程"]


def test_should_ocr_image_skips_blank_and_tiny() -> None:
    from PIL import Image

    auto = ExtractContext(ocr="auto")
    assert not should_ocr_image(auto, Image.new("RGB", (400, 300), "white"))
    assert not should_ocr_image(auto, Image.new("RGB", (8, 8), "black"))
    assert should_ocr_image(auto, render_text_image(["文字"], width=400)[0])
    assert not should_ocr_image(ExtractContext(ocr="never"), render_text_image(["文字"], width=400)[0])


def test_scan_and_sanitize_png_end_to_end(strip: tuple, tmp_path: Path) -> None:  # type: ignore[type-arg]
    from mosaicguard.pipeline import ScanOptions, scan_paths
    from mosaicguard.sanitize.run import sanitize_paths

    image, planted = strip
    src = tmp_path / "in" / "scan.png"
    src.parent.mkdir()
    image.save(src, dpi=(300, 300))  # type: ignore[attr-defined]
    options = ScanOptions(engine="python")
    result = scan_paths([str(src)], options).files[0]
    phone = next(f for f in result.findings if f.category == "phone")
    assert phone.layer is Layer.OCR and overlaps(phone.location.bbox, planted[2])
    assert any(f.category == "cn_id" and f.layer is Layer.OCR for f in result.findings)
    assert scan_paths([str(src)], ScanOptions(engine="python", ocr="never")).files[0].findings == ()
    outcome = sanitize_paths([str(src)], str(tmp_path / "out"), options).files[0]
    assert outcome.status == "sanitized", outcome.error
    assert not [f for _, f in outcome.residual if f.category in ("phone", "cn_id")]
    assert still_readable((tmp_path / "out" / "scan.png").read_bytes(), [PHONE, ID, "7301工程"]) == ["7301工程"]


def test_preprocess_scales_low_dpi_and_maps_boxes_back() -> None:
    from mosaicguard.extract.ocr.preprocess import estimate_skew, prepare, to_gray

    image, _ = render_text_image(["低分辨率扫描 13812345678"], width=1200)
    small = image.resize((600, image.size[1] // 2))
    small.info["dpi"] = (150, 150)
    prepared = prepare(small)
    assert prepared.scale == pytest.approx(2.0) and prepared.gray.shape[1] == 1200
    assert prepared.to_original((200.0, 40.0, 400.0, 80.0)) == pytest.approx((100.0, 20.0, 200.0, 40.0))
    tilted = image.convert("L").rotate(2.0, fillcolor=255)
    assert estimate_skew(to_gray(tilted)) == pytest.approx(-2.0, abs=0.3)
    straight = prepare(tilted)
    assert straight.matrix is not None
    # a box on the straightened page maps back near where the tilted original has it
    x0, y0, x1, y1 = straight.to_original((600.0, 100.0, 610.0, 110.0))
    assert abs((x0 + x1) / 2 - 605) < 30 and abs((y0 + y1) / 2 - 105) < 30


def test_huge_pdf_page_is_rendered_within_pixel_cap() -> None:
    import pymupdf

    from mosaicguard.extract.ocr import render_page

    doc = pymupdf.open()
    page = doc.new_page(width=5000, height=5000)  # a 1.76 m square poster
    image = render_page(page)
    assert image.size[0] * image.size[1] <= 40_000_000 and image.info["dpi"][0] < 300
