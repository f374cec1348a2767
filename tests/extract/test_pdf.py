"""PDF extraction: text with boxes and every kind of hidden data, on real PDFs built with PyMuPDF."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest

import pdf_factory as pf
from mosaicguard.extract.base import ExtractContext, Limits
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.extract.pdf import jpeg_has_metadata, revision_ends
from mosaicguard.model import Document, Layer
from mosaicguard.pipeline import ScanOptions, scan_paths


def _extract(data: bytes, name: str = "doc.pdf", ctx: ExtractContext | None = None) -> Document:
    return extract_bytes(data, name, ctx or ExtractContext())


def _overlaps(a: tuple[float, float, float, float] | None, b: pymupdf.Rect) -> bool:
    assert a is not None
    return not (pymupdf.Rect(a) & b).is_empty


@pytest.fixture(scope="module")
def leaky(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, Document]:
    path = tmp_path_factory.mktemp("pdf") / "leaky.pdf"
    data = pf.build_leaky_pdf(path)
    return path, data, _extract(data, "leaky.pdf")


def test_visible_text_lines_have_page_offsets_and_boxes(leaky: tuple[Path, bytes, Document]) -> None:
    _, data, doc = leaky
    assert doc.status == "ok", doc.error
    assert doc.page_count == 1 and doc.media_type == "application/pdf"
    body = [s for s in doc.segments if s.layer == Layer.BODY and s.location.part == "page 1"]
    texts = [s.text for s in body]
    assert pf.VISIBLE in texts and pf.VISIBLE_ZH in texts
    # Offsets index the page's text stream: rebuilding it from the segments reproduces each text.
    stream = [" "] * max(s.location.end or 0 for s in doc.segments if s.location.part == "page 1")
    for seg in doc.segments:
        if seg.location.part == "page 1":
            assert seg.location.page == 1 and seg.location.bbox is not None
            stream[seg.location.start or 0: seg.location.end or 0] = list(seg.text)
    joined = "".join(stream)
    zh = next(s for s in body if s.text == pf.VISIBLE_ZH)
    assert joined[zh.location.start or 0: zh.location.end or 0] == pf.VISIBLE_ZH
    with pymupdf.open(stream=data, filetype="pdf") as pdf:
        planted = pdf[0].search_for(pf.VISIBLE_ZH)[0]
    assert _overlaps(zh.location.bbox, planted)


def test_text_under_a_drawn_box_is_a_redaction_failure_with_its_box(leaky: tuple[Path, bytes, Document]) -> None:
    _, data, doc = leaky
    under = [s for s in doc.segments if s.layer == Layer.UNDER_REDACTION]
    assert [s.text for s in under] == [pf.ID_UNDER_BOX]
    # Only the covered characters: the visible rest of the line stays body text.
    assert any(s.text == "ID number: " and s.layer == Layer.BODY for s in doc.segments)
    items = [h for h in doc.hidden if h.category == "redaction_failure"]
    assert len(items) == 1 and items[0].value == pf.ID_UNDER_BOX and items[0].location.page == 1
    with pymupdf.open(stream=data, filetype="pdf") as pdf:
        box = next(pymupdf.Rect(d["rect"]) for d in pdf[0].get_drawings() if d.get("fill") == (0.0, 0.0, 0.0))
    assert _overlaps(items[0].location.bbox, box) and _overlaps(under[0].location.bbox, box)


@pytest.mark.parametrize(
    ("value", "description"),
    [
        (f"{pf.WHITE} {pf.WHITE_ZH}", "white text"),
        (pf.TINY, "smaller than 2 pt"),
        (pf.OFFPAGE, "outside the visible page"),
    ],
)
def test_hidden_text_kinds(leaky: tuple[Path, bytes, Document], value: str, description: str) -> None:
    _, _, doc = leaky
    item = next(h for h in doc.hidden if h.category == "hidden_text" and description in h.description)
    assert item.value == value and item.location.page == 1 and item.location.bbox is not None
    first = value.split()[0]
    assert any(s.layer == Layer.HIDDEN_TEXT and s.text.startswith(first) for s in doc.segments)
    assert not any(s.layer == Layer.BODY and first in s.text for s in doc.segments)


def test_comments_metadata_attachments_actions(leaky: tuple[Path, bytes, Document]) -> None:
    _, _, doc = leaky
    comments = [s for s in doc.segments if s.layer == Layer.COMMENT]
    assert {s.text for s in comments} >= {pf.COMMENT, pf.COMMENT_AUTHOR}
    comment = next(h for h in doc.hidden if h.category == "comment")
    assert comment.value == pf.COMMENT and pf.COMMENT_AUTHOR in comment.description
    meta = {(m.part, m.key): m.value for m in doc.metadata}
    assert meta[("Info", "Author")] == pf.AUTHOR and meta[("Info", pf.CUSTOM_KEY)] == pf.CUSTOM
    assert meta[("XMP", "xmpMM:DerivedFrom")] == pf.XMP_PATH
    assert any(s.layer == Layer.METADATA and s.text == pf.CUSTOM for s in doc.segments)
    descriptions = " | ".join(h.description for h in doc.hidden if h.category == "metadata")
    for expected in ("Author", f"'{pf.CUSTOM_KEY}'", "editing history in XMP metadata (2 events)",
                     "internal file path", "xmpMM:DocumentID"):
        assert expected in descriptions
    history = next(h for h in doc.hidden if "editing history" in h.description)
    assert pf.XMP_AGENT in history.value
    embedded = [h for h in doc.hidden if h.category == "embedded"]
    assert any(h.value == pf.ATTACHMENT_NAME for h in embedded)
    assert any("JavaScript" in h.description and pf.JS in h.value for h in embedded)
    attachment = next(d for d in doc.embedded if d.path == f"leaky.pdf!{pf.ATTACHMENT_NAME}")
    assert "ATTACH-SECRET-6612" in attachment.text()
    # The JPEG with EXIF is handed to the image reader; it is named after page and object.
    assert any(d.path.startswith("leaky.pdf!page1-image") and d.path.endswith(".jpg") for d in doc.embedded)


def test_incremental_save_history(leaky: tuple[Path, bytes, Document]) -> None:
    _, data, doc = leaky
    assert len(revision_ends(data)) == 2
    history = [s for s in doc.segments if s.layer == Layer.HISTORY]
    texts = " ".join(s.text for s in history)
    assert pf.REMOVED in texts and pf.REMOVED_ZH in texts and pf.REMOVED_PHONE in texts
    assert pf.VISIBLE not in texts  # unchanged lines are not history
    item = next(h for h in doc.hidden if h.category == "pdf_history")
    assert "revision 1 of 2" in item.description and pf.REMOVED in item.value and item.location.page == 1


def test_scan_end_to_end_reports_hidden_and_content_findings(leaky: tuple[Path, bytes, Document]) -> None:
    path, _, _ = leaky
    report = scan_paths([str(path)], ScanOptions())
    result = report.files[0]
    assert result.status == "ok"
    found = {(f.category, f.layer.value) for f in result.findings}
    for expected in [("cn_id", "under_redaction"), ("redaction_failure", "under_redaction"),
                     ("phone", "body"), ("phone", "history"), ("pdf_history", "history"),
                     ("hidden_text", "hidden_text"), ("comment", "comment"), ("metadata", "metadata"),
                     ("embedded", "embedded")]:
        assert expected in found, expected
    cn_id = next(f for f in result.findings if f.category == "cn_id" and f.layer == Layer.UNDER_REDACTION)
    assert cn_id.match == pf.ID_UNDER_BOX and cn_id.location.page == 1 and cn_id.location.bbox is not None
    failure = next(f for f in result.findings if f.category == "redaction_failure")
    assert failure.severity.value == "critical"


# --- what is and is not hidden: one real page per case ------------------------------------------


def _page(draw: Callable[[pymupdf.Document, pymupdf.Page], None]) -> bytes:
    pdf = pymupdf.open()
    page = pdf.new_page()
    draw(pdf, page)
    data = pdf.tobytes()
    pdf.close()
    return data


def _text(page: pymupdf.Page, text: str = "SECRET-TEXT-1234", **kw: object) -> pymupdf.Rect:
    page.insert_text((72, 100), text, fontname="helv", fontsize=kw.pop("fontsize", 11), **kw)  # type: ignore[arg-type]
    return page.search_for(text)[0] if kw.get("render_mode", 0) != 3 else pymupdf.Rect(72, 88, 200, 104)


def _box(page: pymupdf.Page, fill: tuple[float, ...]) -> None:
    page.draw_rect(pymupdf.Rect(60, 80, 260, 110), color=None, fill=fill)


def _white_on_dark(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    _box(page, (0.1, 0.2, 0.5))
    _text(page, color=(1, 1, 1))


def _black_box_after(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    _text(page)
    _box(page, (0, 0, 0))


def _white_box_after(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    _text(page)
    _box(page, (1, 1, 1))


def _black_text_on_black_box(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    _box(page, (0, 0, 0))
    _text(page)


def _grey_cell(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    _box(page, (0.9, 0.9, 0.9))
    _text(page)


def _redact_annot(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    rect = _text(page)
    page.add_redact_annot(rect, fill=(0, 0, 0))


def _square_annot(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    rect = _text(page)
    annot = page.add_rect_annot(pymupdf.Rect(rect.x0 - 2, rect.y0 - 2, rect.x1 + 2, rect.y1 + 2))
    annot.set_colors(stroke=(0, 0, 0), fill=(0, 0, 0))
    annot.update()


def _png(colour: tuple[int, ...], mode: str = "RGB") -> bytes:
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new(mode, (20, 5), colour).save(buf, format="PNG")
    return buf.getvalue()


def _black_picture_after(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    rect = _text(page)
    page.insert_image(rect, stream=_png((0, 0, 0)), keep_proportion=False)


def _picture_before_text(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    page.insert_image(pymupdf.Rect(60, 80, 260, 110), stream=_png((200, 220, 240)), keep_proportion=False)
    _text(page)


def _transparent_picture_after(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    rect = _text(page)
    page.insert_image(rect, stream=_png((0, 0, 0, 0), "RGBA"), keep_proportion=False)


def _highlighted(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    page.add_highlight_annot(_text(page))


def _invisible(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    _text(page, render_mode=3)


def _invisible_over_scan(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 80), False)
    pix.set_rect(pix.irect, (250, 250, 250))
    page.insert_image(page.rect, pixmap=pix)
    _text(page, render_mode=3)


def _tiny(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    _text(page, fontsize=1.5)


def _small_but_readable(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    _text(page, fontsize=6)


def _light_grey_text(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
    _text(page, color=(0.6, 0.6, 0.6))


@pytest.mark.parametrize(
    ("build", "layer", "category"),
    [
        (_white_on_dark, Layer.BODY, None),
        (_grey_cell, Layer.BODY, None),
        (_small_but_readable, Layer.BODY, None),
        (_light_grey_text, Layer.BODY, None),
        (_invisible_over_scan, Layer.BODY, None),  # an OCR layer over a scanned page
        (_picture_before_text, Layer.BODY, None),
        (_transparent_picture_after, Layer.BODY, None),
        (_highlighted, Layer.BODY, None),
        (_black_picture_after, Layer.UNDER_REDACTION, "redaction_failure"),
        (_black_box_after, Layer.UNDER_REDACTION, "redaction_failure"),
        # A white box on a white page is not a black box (x-ray's white_on_white case); the text
        # stays in the body, where content detectors still read it.
        (_white_box_after, Layer.BODY, None),
        (_black_text_on_black_box, Layer.UNDER_REDACTION, "redaction_failure"),
        (_redact_annot, Layer.UNDER_REDACTION, "redaction_failure"),
        (_square_annot, Layer.UNDER_REDACTION, "redaction_failure"),
        (_invisible, Layer.HIDDEN_TEXT, "hidden_text"),
        (_tiny, Layer.HIDDEN_TEXT, "hidden_text"),
    ],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_hidden_or_not(build: Callable[[pymupdf.Document, pymupdf.Page], None], layer: Layer,
                       category: str | None) -> None:
    doc = _extract(_page(build), ctx=ExtractContext(ocr="never"))  # short pages with pictures look like scans
    assert doc.status == "ok", doc.error
    seg = next(s for s in doc.segments if "SECRET-TEXT-1234" in s.text)
    assert seg.layer == layer
    categories = {h.category for h in doc.hidden}
    if category is None:
        assert not categories & {"redaction_failure", "hidden_text"}
    else:
        item = next(h for h in doc.hidden if h.category == category)
        assert item.value == "SECRET-TEXT-1234" and item.location.bbox is not None


def test_image_under_a_box_is_reported() -> None:
    def build(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
        page.insert_image(pymupdf.Rect(72, 72, 200, 168), stream=pf.jpeg_with_exif())
        page.draw_rect(pymupdf.Rect(70, 70, 202, 170), color=None, fill=(0, 0, 0))

    doc = _extract(_page(build), ctx=ExtractContext(ocr="never"))
    item = next(h for h in doc.hidden if h.category == "redaction_failure")
    assert "image under" in item.description and item.location.page == 1
    # A page that is only an image is a scan: with OCR off, the reviewer is told it was not read.
    assert doc.notes and "OCR is off" in doc.notes[0]


def test_form_field_values_and_launch_actions_are_read() -> None:
    def build(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
        widget = pymupdf.Widget()
        widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
        widget.field_name = "contact"
        widget.field_value = "Call 13812345678"
        widget.rect = pymupdf.Rect(72, 72, 300, 90)
        page.add_widget(widget)
        xref = pdf.get_new_xref()
        pdf.update_object(xref, "<</S/Launch/F(cmd.exe)>>")
        pdf.xref_set_key(pdf.pdf_catalog(), "AA", f"<</WC {xref} 0 R>>")

    doc = _extract(_page(build))
    # The field's value is read once (from its appearance in the page, or from the field itself).
    shown = [s for s in doc.segments if "Call 13812345678" in s.text]
    assert len(shown) == 1 and shown[0].layer == Layer.BODY and shown[0].location.page == 1
    descriptions = [h.description for h in doc.hidden if h.category == "embedded"]
    assert any("launch" in d for d in descriptions) and any("(AA)" in d for d in descriptions)


def test_clean_multipage_report_has_no_hidden_items(tmp_path: Path) -> None:
    data = pf.build_text_pdf(tmp_path / "report.pdf", pages=5, lines_per_page=10)
    doc = _extract(data)
    assert doc.page_count == 5 and doc.hidden == ()
    pages = {s.location.page for s in doc.segments}
    assert pages == {1, 2, 3, 4, 5}
    assert any("第5页第9行" in s.text for s in doc.segments if s.location.page == 5)


def test_jpeg_metadata_sniffing() -> None:
    assert jpeg_has_metadata(pf.jpeg_with_exif())
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (8, 8)).save(buf, format="JPEG")
    assert not jpeg_has_metadata(buf.getvalue())
    assert not jpeg_has_metadata(b"not a jpeg")


# --- bad input: every case is an error entry with a clear message, never a crash or a hang -----


def _encrypted() -> bytes:
    pdf = pymupdf.open()
    pdf.new_page().insert_text((72, 72), "secret", fontname="helv")
    data = pdf.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    pdf.close()
    return data


def _truncated(keep: float) -> Callable[[], bytes]:
    def make() -> bytes:
        data = _page(lambda pdf, page: page.insert_text((72, 72), "x" * 50, fontname="helv"))
        return data[: int(len(data) * keep)]

    return make


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: b"this is not a pdf at all \x00\x01" * 100, "not a PDF"),
        (lambda: b"", "not a PDF"),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40, "damaged PDF"),
        (_encrypted, "password-protected PDF: cannot be checked"),
        (_truncated(0.9), "truncated PDF"),
        (_truncated(0.5), "PDF"),  # cut so early that only "damaged" can be said
    ],
    ids=["garbage", "empty", "header-then-garbage", "encrypted", "truncated-tail", "truncated-half"],
)
def test_bad_input_becomes_an_error_entry(make: Callable[[], bytes], message: str) -> None:
    started = time.monotonic()
    doc = _extract(make(), "bad.pdf")
    assert doc.status == "error" and doc.error and message in doc.error
    assert time.monotonic() - started < 5


def test_page_and_time_limits(tmp_path: Path) -> None:
    data = pf.build_text_pdf(tmp_path / "r.pdf", pages=3, lines_per_page=2)
    doc = _extract(data, ctx=ExtractContext(limits=Limits(max_pdf_pages=2)))
    assert doc.status == "error" and "3 pages, over the limit of 2" in (doc.error or "")
    late = ExtractContext(deadline=time.monotonic() - 1)
    doc = _extract(data, ctx=late)
    assert doc.status == "error" and "time limit" in (doc.error or "")


def test_scan_lists_a_broken_pdf_as_error(tmp_path: Path) -> None:
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\ngarbage")
    pf.build_text_pdf(tmp_path / "ok.pdf", pages=1, lines_per_page=2)
    report = scan_paths([str(tmp_path)], ScanOptions())
    status = {Path(r.path).name: (r.status, r.error) for r in report.files}
    assert status["ok.pdf"] == ("ok", None)
    assert status["broken.pdf"][0] == "error" and "PDF" in (status["broken.pdf"][1] or "")


def test_rotated_page_boxes_and_off_page_check() -> None:
    def build(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
        page.insert_text((72, 700), "Bottom line stays visible", fontname="helv", fontsize=11)
        rect = _text(page)
        page.draw_rect(rect, color=None, fill=(0, 0, 0))
        page.set_rotation(90)

    doc = _extract(_page(build))
    assert next(s for s in doc.segments if s.text.startswith("Bottom")).layer == Layer.BODY
    assert [h.category for h in doc.hidden] == ["redaction_failure"]


def test_incremental_save_without_removed_text_is_low_history(tmp_path: Path) -> None:
    path = tmp_path / "two.pdf"
    pdf = pymupdf.open()
    pdf.new_page().insert_text((72, 72), "Unchanged line", fontname="helv")
    pdf.save(path)
    pdf.close()
    pdf = pymupdf.open(path)
    pdf[0].insert_text((72, 100), "Added later", fontname="helv")
    pdf.saveIncr()
    pdf.close()
    doc = _extract(path.read_bytes())
    item = next(h for h in doc.hidden if h.category == "pdf_history")
    assert item.severity is not None and item.severity.value == "low" and item.value == ""
    assert not any(s.layer == Layer.HISTORY for s in doc.segments)


def _scan_image(text: str, black_out: bool) -> tuple[bytes, tuple[int, int, int, int]]:
    """A 1/3-A4 "scan" at 150 dpi with one line of text; optionally blacked out in the pixels."""
    from io import BytesIO

    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1240, 580), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(pf.CJK_FONT, 44)
    draw.text((100, 200), text, fill="black", font=font)
    box = draw.textbbox((100, 200), text, font=font)
    if black_out:
        draw.rectangle((box[0] - 6, box[1] - 6, box[2] + 6, box[3] + 6), fill="black")
    buf = BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue(), box


def test_ocr_layer_over_blacked_out_scan_is_a_redaction_failure() -> None:
    text = f"ID {pf.ID_UNDER_BOX}"
    png, box = _scan_image(text, black_out=True)

    def build(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
        page.set_mediabox(pymupdf.Rect(0, 0, 595, 278))
        page.insert_image(page.rect, stream=png)
        # The OCR layer made before the black box: invisible text at the word's place (150 dpi -> pt).
        scale = 72 / 150
        page.insert_text((box[0] * scale, box[3] * scale), text, fontname="helv", fontsize=21, render_mode=3)

    doc = _extract(_page(build))
    items = [h for h in doc.hidden if h.category == "redaction_failure"]
    assert items and pf.ID_UNDER_BOX in " ".join(h.value for h in items)
    assert any(s.layer == Layer.UNDER_REDACTION and pf.ID_UNDER_BOX in s.text for s in doc.segments)
    assert not any(s.layer == Layer.BODY and pf.ID_UNDER_BOX in s.text for s in doc.segments)


def test_scanned_page_without_text_layer_is_read_by_ocr(tmp_path: Path) -> None:
    png, box = _scan_image(f"电话 {pf.PHONE}", black_out=False)
    pdf = pymupdf.open()
    page = pdf.new_page(width=595, height=278)
    page.insert_image(page.rect, stream=png)
    path = tmp_path / "scan.pdf"
    pdf.save(path)
    pdf.close()
    report = scan_paths([str(path)], ScanOptions())
    phone = next(f for f in report.files[0].findings if f.category == "phone")
    assert phone.layer == Layer.OCR and phone.location.page == 1 and phone.match == pf.PHONE
    scale = 72 / 150
    assert _overlaps(phone.location.bbox, pymupdf.Rect(box) * scale)


def test_text_in_a_layer_switched_off_is_hidden_text() -> None:
    def build(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
        layer = pdf.add_ocg("Internal notes", on=False)
        page.insert_text((72, 72), "Visible paragraph", fontname="helv")
        page.insert_text((72, 100), "LAYER-SECRET-1 site address", fontname="helv", oc=layer)

    doc = _extract(_page(build))
    seg = next(s for s in doc.segments if "LAYER-SECRET-1" in s.text)
    assert seg.layer == Layer.HIDDEN_TEXT and seg.location.page == 1 and seg.location.bbox is not None
    item = next(h for h in doc.hidden if h.category == "hidden_text")
    assert "'Internal notes'" in item.description and "LAYER-SECRET-1" in item.value
    assert not any(s.layer == Layer.BODY and "LAYER-SECRET" in s.text for s in doc.segments)


def test_thumbnails_and_private_application_data_are_reported() -> None:
    def build(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
        page.insert_text((72, 72), "Page with a stale thumbnail", fontname="helv")
        thumb = pdf.get_new_xref()
        pdf.update_object(thumb, "<</Type/XObject/Subtype/Image/Width 1/Height 1/BitsPerComponent 8"
                                 "/ColorSpace/DeviceGray>>")
        pdf.update_stream(thumb, b"\x00", new=True)
        pdf.xref_set_key(page.xref, "Thumb", f"{thumb} 0 R")
        pdf.xref_set_key(page.xref, "PieceInfo", "<</Illustrator<</Private(PIECE-SECRET)>>>>")

    doc = _extract(_page(build))
    descriptions = [h.description for h in doc.hidden if h.category == "embedded"]
    assert any("thumbnails" in d for d in descriptions) and any("PieceInfo" in d for d in descriptions)


def test_running_header_and_footer_layers(tmp_path: Path) -> None:
    pdf = pymupdf.open()
    for number in range(1, 4):
        page = pdf.new_page()
        zh = page.insert_font(fontname="wqy", fontfile=pf.CJK_FONT) and "wqy"
        page.insert_text((250, 40), "机密★10年", fontname=zh, fontsize=10)
        page.insert_text((72, 300), f"Body text of page {number}", fontname="helv")
        page.insert_text((280, 810), f"- {number} -", fontname="helv", fontsize=9)
    data = pdf.tobytes()
    pdf.close()
    doc = _extract(data)
    layers = {(s.location.page, s.text): s.layer for s in doc.segments}
    assert all(layers[(n, "机密★10年")] == Layer.HEADER for n in (1, 2, 3))
    assert all(layers[(n, f"- {n} -")] == Layer.FOOTER for n in (1, 2, 3))
    assert layers[(2, "Body text of page 2")] == Layer.BODY
    report = scan_paths([str(_write(tmp_path / "marked.pdf", data))], ScanOptions())
    assert any(f.category == "marking" and f.layer == Layer.HEADER for f in report.files[0].findings)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_cjk_compatibility_ideographs_are_folded() -> None:
    def build(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
        page.insert_font(fontname="wqy", fontfile=pf.CJK_FONT)
        page.insert_text((72, 100), "工程2027年3月竣工", fontname="wqy", fontsize=11)

    with pymupdf.open(stream=_page(build), filetype="pdf") as pdf:
        raw = pdf[0].get_text()
    doc = _extract(_page(build))
    # WenQuanYi maps 年 to U+F98E; the segment holds the character detectors and lexicons expect.
    assert "\uf98e" in raw
    assert [s.text for s in doc.segments] == ["工程2027年3月竣工"]


def test_band_index_finds_overlaps_and_points() -> None:
    from mosaicguard.extract.pdf.page import BandIndex

    index = BandIndex([(0, 0, 10, 10), (5, 100, 50, 900), (-20, -20, -5, -5), (200, 15, 300, 17)])
    assert index.touching((8, 8, 20, 12)) == [0]
    assert index.touching((0, 500, 600, 510)) == [1]
    assert index.touching((-10, -10, 210, 16)) == [0, 2, 3]
    assert index.containing(10, 850) == [1] and index.containing(-6, -6) == [2] and index.containing(100, 50) == []


def test_scan_pages_beyond_the_time_limit_are_noted_not_lost() -> None:
    png, _ = _scan_image("电话 13812345678", black_out=False)

    def build(pdf: pymupdf.Document, page: pymupdf.Page) -> None:
        page.insert_image(page.rect, stream=png)

    # Too little time left for OCR: the file is still read, the page is named for a human.
    doc = _extract(_page(build), ctx=ExtractContext(deadline=time.monotonic() + 3))
    assert doc.status == "ok" and doc.page_count == 1
    assert any("time limit" in note and "page(s) 1" in note for note in doc.notes)
