"""Findings drawn on the rendered document: boxes on PDF pages where the scan located them, text
highlighted in place for the rest, every value masked unless the reviewer asks."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from PIL import Image

from mosaicguard.desk.render import Mark, _pieces, page_png, render_document
from mosaicguard.model import mask
from mosaicguard.pipeline import ScanOptions, rescan_bytes
from office_factory import ID_NUMBER, PHONE, make_docx
from pdf_factory import ID_UNDER_BOX, OFFPAGE, build_leaky_pdf


def _scan(data: bytes, name: str) -> tuple[str, list[dict[str, Any]]]:
    result = rescan_bytes(data, name, ScanOptions())
    return result.media_type, [f.to_dict() for f in result.findings]


@pytest.fixture(scope="module")
def leaky_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str, list[dict[str, Any]]]:
    data = build_leaky_pdf(tmp_path_factory.mktemp("pdf") / "leaky.pdf")
    media_type, findings = _scan(data, "leaky.pdf")
    return data, media_type, findings


def test_failed_redaction_is_boxed_where_the_id_is(leaky_pdf: tuple[bytes, str, list[dict[str, Any]]]) -> None:
    data, media_type, findings = leaky_pdf
    rendering = render_document(data, "leaky.pdf", media_type, findings)
    assert rendering.paged and rendering.page_count == 1
    failure = next(f for f in findings if f["category"] == "redaction_failure")
    boxes = {b.finding_id: b for page in rendering.pages for b in page.boxes}
    box = boxes[failure["id"]]
    with pymupdf.open(stream=data, filetype="pdf") as pdf:
        page = pdf[0]
        target = page.search_for(ID_UNDER_BOX)[0]
        width, height = page.rect.width, page.rect.height
    # The box covers the ID's own rectangle on the page.
    assert box.left * width <= target.x0 + 1 and (box.left + box.width) * width >= target.x1 - 1
    assert box.top * height <= target.y0 + 1 and (box.top + box.height) * height >= target.y1 - 1
    assert all(0 <= v <= 1 for b in boxes.values() for v in (b.left, b.top, b.left + b.width, b.top + b.height))


def test_text_off_the_page_is_shown_masked_in_the_page_text(leaky_pdf: tuple[bytes, str, list[dict[str, Any]]]) -> None:
    data, media_type, findings = leaky_pdf
    offpage = next(f for f in findings if f["match"] == OFFPAGE)
    rendering = render_document(data, "leaky.pdf", media_type, findings)
    assert offpage["id"] not in {b.finding_id for page in rendering.pages for b in page.boxes}
    shown = "".join(p.text for part in rendering.parts for p in part.pieces)
    marked = [p for part in rendering.parts for p in part.pieces if offpage["id"] in p.finding_ids]
    assert marked and marked[0].text == mask(OFFPAGE)
    for value in (OFFPAGE, ID_UNDER_BOX, "13812345678"):
        assert value not in shown  # other findings' values in the shown text are masked too
    revealed = render_document(data, "leaky.pdf", media_type, findings, reveal=True)
    assert OFFPAGE in "".join(p.text for part in revealed.parts for p in part.pieces)


def _box_pixels(png: bytes, box: Any, inset: int = 3) -> set[tuple[int, int, int]]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = image.size
    crop = image.crop((int(box.left * w) + inset, int(box.top * h) + inset,
                       int((box.left + box.width) * w) - inset, int((box.top + box.height) * h) - inset))
    return set(crop.get_flattened_data())


def test_masked_page_holds_no_pixels_of_the_value(leaky_pdf: tuple[bytes, str, list[dict[str, Any]]]) -> None:
    data, media_type, findings = leaky_pdf
    phone = next(f for f in findings if f["category"] == "phone" and f["layer"] == "body")
    rendering = render_document(data, "leaky.pdf", media_type, findings)
    box = next(b for page in rendering.pages for b in page.boxes if b.finding_id == phone["id"])
    masked = page_png(data, media_type, 1, findings)
    revealed = page_png(data, media_type, 1, findings, reveal=True)
    assert len(_box_pixels(masked, box)) == 1  # one flat fill
    assert len(_box_pixels(revealed, box)) > 10  # the printed digits
    with pytest.raises(ValueError, match="page 2"):
        page_png(data, media_type, 2, findings)


def test_docx_findings_are_highlighted_in_place(tmp_path: Path) -> None:
    data = make_docx(tmp_path / "notice.docx").read_bytes()
    media_type, findings = _scan(data, "notice.docx")
    rendering = render_document(data, "notice.docx", media_type, findings)
    assert not rendering.paged and not rendering.pages
    id_finding = next(f for f in findings if f["category"] == "cn_id")
    body = next(part for part in rendering.parts if part.part == "word/document.xml")
    marked = [p for p in body.pieces if id_finding["id"] in p.finding_ids]
    assert [p.text for p in marked] == [mask(ID_NUMBER)]
    assert ID_NUMBER not in "".join(p.text for p in body.pieces)
    assert PHONE not in "".join(p.text for p in body.pieces)
    # Metadata findings are shown inside their part too (found by their field pointer).
    assert any(part.layer == "metadata" for part in rendering.parts)
    revealed = render_document(data, "notice.docx", media_type, findings, reveal=True)
    body = next(part for part in revealed.parts if part.part == "word/document.xml")
    assert [p.text for p in body.pieces if id_finding["id"] in p.finding_ids] == [ID_NUMBER]
    with pytest.raises(ValueError):
        page_png(data, media_type, 1, findings)


def test_overlapping_findings_are_one_region_masked_as_a_whole() -> None:
    text = "before WHITE-SECRET-5521 after"
    outer = Mark("a", "hidden_text", "medium", "WHITE-SECRET-5521", "hidden_text", start=7, end=24)
    inner = Mark("b", "marking", "high", "SECRET", "hidden_text", start=13, end=19)
    pieces = _pieces(text, [(7, 24, outer), (13, 19, inner)], frozenset(), reveal=False)
    assert [(p.text, p.finding_ids, p.severity) for p in pieces] == [
        ("before ", (), ""), (mask("WHITE-SECRET-5521"), ("a", "b"), "high"), (" after", (), "")]


def test_a_damaged_file_keeps_its_findings_listed() -> None:
    finding = {"id": "x1", "category": "phone", "severity": "medium", "match": "13812345678", "layer": "body",
               "location": {"page": 1, "bbox": [1, 1, 20, 20]}}
    rendering = render_document(b"%PDF-1.7 broken", "broken.pdf", "application/pdf", [finding])
    assert rendering.errors and rendering.elsewhere == ("x1",)


def test_the_same_document_is_rendered_once(leaky_pdf: tuple[bytes, str, list[dict[str, Any]]]) -> None:
    data, media_type, findings = leaky_pdf
    first = render_document(data, "leaky.pdf", media_type, findings)
    assert render_document(data, "leaky.pdf", media_type, findings) is first
    assert render_document(data, "leaky.pdf", media_type, findings, reveal=True) is not first
    assert render_document(data, "leaky.pdf", media_type, findings[:-1]) is not first


def test_a_photo_is_drawn_and_its_exif_shown_in_place() -> None:
    from office_factory import jpeg_with_exif

    data = jpeg_with_exif()
    media_type, findings = _scan(data, "site.jpg")
    assert media_type.startswith("image/") and findings
    rendering = render_document(data, "site.jpg", media_type, findings)
    assert rendering.paged and [p.number for p in rendering.pages] == [1]
    exif = [part for part in rendering.parts if "exif" in part.part.lower()]
    assert exif and any(p.finding_ids for p in exif[0].pieces)
    png = page_png(data, media_type, 1, findings)
    assert Image.open(io.BytesIO(png)).format == "PNG"


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_boxes_follow_a_rotated_page(rotation: int) -> None:
    pdf = pymupdf.open()
    page = pdf.new_page()
    page.insert_text((72, 100), "Site manager phone 13812345678", fontname="helv", fontsize=14)
    page.set_rotation(rotation)
    data = pdf.tobytes()
    media_type, findings = _scan(data, "turned.pdf")
    phone = next(f for f in findings if f["category"] == "phone")
    rendering = render_document(data, "turned.pdf", media_type, findings)
    box = next(b for view in rendering.pages for b in view.boxes if b.finding_id == phone["id"])
    revealed = page_png(data, media_type, 1, findings, reveal=True)
    dark = [p for p in _box_pixels(revealed, box, inset=4) if sum(p) < 200]
    assert dark, "the box must lie on the printed number"
