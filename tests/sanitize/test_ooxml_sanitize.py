"""Sanitising Word, Excel and PowerPoint files: planted secrets must be gone from every byte of
every member, visible text must stay, the output must open in the usual libraries and re-read
without hidden data of the removed kinds."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from mosaicguard.detect.engine import Engine
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.model import Document, Finding
from mosaicguard.policy.schema import Policy, SanitizeSettings
from mosaicguard.sanitize.base import SanitizeError, SanitizeResult, sanitizer_for
from mosaicguard.sanitize.ooxml import strip_jpeg, strip_png
from office_factory import (
    AUTHOR,
    CAMERA,
    CELL_COMMENT,
    COMMENT_TEXT,
    COMPANY,
    CUSTOM_VALUE,
    DELETED_TEXT,
    FOOTER_TEXT,
    FORMULA_CACHED,
    HEADER_TEXT,
    HIDDEN_COL_VALUE,
    HIDDEN_ROW_VALUE,
    HIDDEN_SHEET_VALUE,
    HIDDEN_SLIDE_TEXT,
    HIDDEN_TEXT,
    ID_NUMBER,
    INSERTED_TEXT,
    LAST_MODIFIED_BY,
    NOTES_TEXT,
    OFF_SLIDE_TEXT,
    PHONE,
    PPT_COMMENT,
    PPT_TABLE_TEXT,
    SLIDE_TEXT,
    TABLE_TEXT,
    TEXTBOX_TEXT,
    VERY_HIDDEN_VALUE,
    VISIBLE_CELL,
    VISIBLE_TEXT,
    all_member_bytes,
    contains_text,
    edit_package,
    make_docx,
    make_pptx,
    make_xlsx,
)

_ENGINE = Engine(Policy())
_REMOVED = ("comment", "revision", "hidden_text", "hidden_sheet", "notes")


def _content_findings(doc: Document) -> list[Finding]:
    return [f for f in _ENGINE.scan(doc) if f.category in ("cn_id", "phone")]


def _sanitize(path: Path, settings: SanitizeSettings | None = None) -> tuple[Document, SanitizeResult]:
    data = path.read_bytes()
    doc = extract_bytes(data, path.name, ExtractContext())
    assert doc.status == "ok", doc.error
    sanitizer = sanitizer_for(path.name)
    assert sanitizer is not None
    return doc, sanitizer.sanitize(data, doc, _content_findings(doc), settings or SanitizeSettings())


def _reread(data: bytes, name: str) -> Document:
    doc = extract_bytes(data, name, ExtractContext())
    assert doc.status == "ok", doc.error
    return doc


def _assert_clean(result: SanitizeResult, name: str, gone: list[str], kept: list[str]) -> Document:
    blob = all_member_bytes(result.data)
    for value in gone:
        assert not contains_text(blob, value), f"{value!r} is still in the sanitised file"
    for value in kept:
        assert contains_text(blob, value), f"visible {value!r} was lost"
    doc = _reread(result.data, name)
    left = [h.description for h in doc.hidden if h.category in _REMOVED]
    assert left == []
    assert not [h for h in doc.hidden if h.category == "metadata" and (h.location.part or "").startswith("docProps")]
    assert _content_findings(doc) == []
    return doc


# --- Word -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_docx(tmp_path_factory.mktemp("sdocx") / "notice.docx")


def test_docx_everything_removed_and_visible_text_kept(docx_path: Path) -> None:
    import docx

    _, result = _sanitize(docx_path)
    gone = [AUTHOR, LAST_MODIFIED_BY, COMPANY, CUSTOM_VALUE, DELETED_TEXT, COMMENT_TEXT, HIDDEN_TEXT, ID_NUMBER,
            PHONE, "fileserver", CAMERA]
    kept = [VISIBLE_TEXT, TABLE_TEXT, HEADER_TEXT, FOOTER_TEXT, INSERTED_TEXT, TEXTBOX_TEXT, "commented words"]
    _assert_clean(result, "notice.docx", gone, kept)
    reopened = docx.Document(io.BytesIO(result.data))
    texts = [p.text for p in reopened.paragraphs]
    assert "Contact: " + "█" * len(PHONE) in texts
    assert "kept " + INSERTED_TEXT in texts  # insertion accepted, deletion gone
    assert reopened.tables[0].cell(0, 1).text == "█" * len(ID_NUMBER)
    kinds = {a.kind for a in result.actions}
    assert {"redact_text", "accept_revisions", "remove_comments", "remove_hidden_text", "remove_metadata",
            "strip_image_metadata"} <= kinds


def test_docx_embedded_image_loses_exif(docx_path: Path) -> None:
    _, result = _sanitize(docx_path)
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        image = zf.read("word/media/image1.jpg")
    with Image.open(io.BytesIO(image)) as img:
        assert dict(img.getexif()) == {}
        assert img.size == (32, 24)


def test_docx_settings_are_honoured(docx_path: Path) -> None:
    keep_all = SanitizeSettings(remove_metadata=False, remove_comments=False, remove_hidden=False,
                                accept_revisions=False, remove_embedded=False)
    _, result = _sanitize(docx_path, keep_all)
    blob = all_member_bytes(result.data)
    for value in (AUTHOR, COMMENT_TEXT, DELETED_TEXT, HIDDEN_TEXT):
        assert contains_text(blob, value)
    for value in (ID_NUMBER, PHONE):  # content findings are still redacted
        assert not contains_text(blob, value)


def test_docx_redaction_across_split_runs(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    para = document.add_paragraph("Call ")
    para.add_run(PHONE[:4])
    para.add_run(PHONE[4:]).bold = True
    para.add_run(" now")
    path = tmp_path / "split.docx"
    document.save(path)
    _, result = _sanitize(path)
    assert not contains_text(all_member_bytes(result.data), PHONE[4:])
    assert docx.Document(io.BytesIO(result.data)).paragraphs[0].text == "Call " + "█" * 11 + " now"


def test_docx_dry_run_plans_without_changing(docx_path: Path) -> None:
    data = docx_path.read_bytes()
    doc = extract_bytes(data, "notice.docx", ExtractContext())
    sanitizer = sanitizer_for("notice.docx")
    assert sanitizer is not None
    actions = sanitizer.plan(data, doc, _content_findings(doc), SanitizeSettings())
    assert {a.category for a in actions} >= {"comment", "revision", "hidden_text", "metadata", "phone", "cn_id"}
    assert docx_path.read_bytes() == data


def test_output_is_deterministic(docx_path: Path) -> None:
    _, first = _sanitize(docx_path)
    _, second = _sanitize(docx_path)
    assert first.data == second.data
    with zipfile.ZipFile(io.BytesIO(first.data)) as zf:
        assert zf.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_docx_embedded_object_removed(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "ole.docx", revisions=False, hidden=False, comments=False, metadata=False,
                     image=False, textbox=False)
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    obj = (f'<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" '
           f'xmlns:r="{rel_ns}" Type="Embed" ProgID="Package" r:id="rIdOle1"/></w:object></w:r></w:p>').encode()
    edit_package(path, {
        "word/embeddings/oleObject1.bin": lambda _o: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 secret payload 7301",
        "word/document.xml": lambda old: (old or b"").replace(b"<w:sectPr", obj + b"<w:sectPr", 1),
        "word/_rels/document.xml.rels": lambda old: (old or b"").replace(
            b"</Relationships>", f'<Relationship Id="rIdOle1" Type="{rel_ns}/oleObject" '
            'Target="embeddings/oleObject1.bin"/></Relationships>'.encode()),
    })
    doc = extract_bytes(path.read_bytes(), "ole.docx", ExtractContext())
    assert any(h.category == "embedded" and "oleObject1.bin" in h.description for h in doc.hidden)
    _, result = _sanitize(path)
    blob = all_member_bytes(result.data)
    assert b"secret payload 7301" not in blob
    assert b"rIdOle1" not in blob
    assert not [h for h in _reread(result.data, "ole.docx").hidden if h.category == "embedded"]


# --- Excel ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def xlsx_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_xlsx(tmp_path_factory.mktemp("sxlsx") / "book.xlsx")


def test_xlsx_everything_removed_and_visible_cells_kept(xlsx_path: Path) -> None:
    import openpyxl

    _, result = _sanitize(xlsx_path)
    gone = [AUTHOR, LAST_MODIFIED_BY, COMPANY, CUSTOM_VALUE, HIDDEN_SHEET_VALUE, VERY_HIDDEN_VALUE, HIDDEN_ROW_VALUE,
            HIDDEN_COL_VALUE, CELL_COMMENT, ID_NUMBER, PHONE, "fileserver", "budget2026", CAMERA]
    kept = ["visible cell", "noted cell", FORMULA_CACHED]
    _assert_clean(result, "book.xlsx", gone, kept)
    wb = openpyxl.load_workbook(io.BytesIO(result.data))
    assert wb.sheetnames == ["Public"]
    ws = wb["Public"]
    assert ws["A1"].value == VISIBLE_CELL
    assert ws["A2"].value == "█" * len(ID_NUMBER)
    assert ws["B2"].value == "█" * len(PHONE)
    assert ws["C3"].value == FORMULA_CACHED  # formula reading a share replaced by its value
    assert ws["A5"].value is None and ws["D1"].value is None
    assert not wb.defined_names


def test_xlsx_keep_hidden_when_told(xlsx_path: Path) -> None:
    _, result = _sanitize(xlsx_path, SanitizeSettings(remove_hidden=False))
    blob = all_member_bytes(result.data)
    assert contains_text(blob, HIDDEN_SHEET_VALUE)
    assert not contains_text(blob, CELL_COMMENT)


def test_xlsx_every_sheet_hidden_is_refused(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.create_sheet("Other")
    for ws in wb.worksheets:
        ws["A1"] = "x"
    wb.save(tmp_path / "all.xlsx")
    edit_package(tmp_path / "all.xlsx", {"xl/workbook.xml": lambda old: (old or b"").replace(
        b'state="visible"', b'state="hidden"')})
    with pytest.raises(SanitizeError, match="every sheet"):
        _sanitize(tmp_path / "all.xlsx")


# --- PowerPoint -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pptx_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_pptx(tmp_path_factory.mktemp("spptx") / "deck.pptx")


def test_pptx_everything_removed_and_visible_text_kept(pptx_path: Path) -> None:
    from pptx import Presentation

    _, result = _sanitize(pptx_path)
    gone = [AUTHOR, LAST_MODIFIED_BY, COMPANY, CUSTOM_VALUE, NOTES_TEXT, HIDDEN_SLIDE_TEXT, OFF_SLIDE_TEXT,
            PPT_COMMENT, ID_NUMBER, PHONE, CAMERA]
    kept = [SLIDE_TEXT, PPT_TABLE_TEXT]
    _assert_clean(result, "deck.pptx", gone, kept)
    prs = Presentation(io.BytesIO(result.data))
    assert len(prs.slides) == 1
    slide = prs.slides[0]
    assert not slide.has_notes_slide
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    assert SLIDE_TEXT in texts and f"Call {'█' * len(PHONE)}" in texts


def test_pptx_keep_notes_when_told(pptx_path: Path) -> None:
    _, result = _sanitize(pptx_path, SanitizeSettings(remove_notes=False))
    assert contains_text(all_member_bytes(result.data), NOTES_TEXT)
    assert not contains_text(all_member_bytes(result.data), HIDDEN_SLIDE_TEXT)


def test_pptx_redacts_notes_text_when_notes_are_kept(tmp_path: Path) -> None:
    from pptx import Presentation

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    slide.notes_slide.notes_text_frame.text = f"call {PHONE} later"
    path = tmp_path / "notes.pptx"
    prs.save(path)
    _, result = _sanitize(path, SanitizeSettings(remove_notes=False))
    blob = all_member_bytes(result.data)
    assert not contains_text(blob, PHONE)
    assert contains_text(blob, "later")


# --- shared -----------------------------------------------------------------------------------


def test_encrypted_input_is_refused() -> None:
    sanitizer = sanitizer_for("x.docx")
    assert sanitizer is not None
    doc = Document(path="x.docx", media_type="", sha256="")
    with pytest.raises(SanitizeError, match="password-protected"):
        sanitizer.sanitize(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, doc, [], SanitizeSettings())


def test_strip_jpeg_is_lossless_and_drops_exif() -> None:
    from office_factory import jpeg_with_exif

    data = jpeg_with_exif()
    clean = strip_jpeg(data)
    assert CAMERA.encode() in data and CAMERA.encode() not in clean
    with Image.open(io.BytesIO(data)) as a, Image.open(io.BytesIO(clean)) as b:
        assert a.tobytes() == b.tobytes()


def test_strip_png_drops_text_chunks() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "secret author 张三")
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, format="PNG", pnginfo=info)
    clean = strip_png(buf.getvalue())
    assert b"secret author" not in clean
    with Image.open(io.BytesIO(clean)) as img:
        assert img.size == (8, 8)


def test_many_findings_sanitise_in_linear_time(tmp_path: Path) -> None:
    import time

    import docx

    document = docx.Document()
    for i in range(1500):
        document.add_paragraph(f"第{i}段 联系电话 1381234{i:04d} end")
    path = tmp_path / "many.docx"
    document.save(path)
    start = time.perf_counter()
    _, result = _sanitize(path)
    elapsed = time.perf_counter() - start
    assert sum(a.kind == "redact_text" for a in result.actions) == 1500
    assert not contains_text(all_member_bytes(result.data), "13812340042")
    assert elapsed < 8.0, elapsed


def test_chart_data_workbook_removed_with_embedded_objects(tmp_path: Path) -> None:
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    data = CategoryChartData()
    data.categories = ["甲", "乙"]
    data.add_series("预算 budget", (1.0, 2.0))
    slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(1), Inches(4), Inches(3), data)
    path = tmp_path / "chart.pptx"
    prs.save(path)
    doc = extract_bytes(path.read_bytes(), "chart.pptx", ExtractContext())
    assert any(h.category == "embedded" for h in doc.hidden)
    _, result = _sanitize(path)
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        assert not [n for n in zf.namelist() if "/embeddings/" in n]
        chart_parts = [n for n in zf.namelist() if n.startswith("ppt/charts/chart")]
        assert chart_parts and b"externalData" not in zf.read(chart_parts[0])
    reopened = Presentation(io.BytesIO(result.data))
    assert reopened.slides[0].shapes[0].has_chart


def test_short_term_redaction_never_touches_numbers_or_formulas(tmp_path: Path) -> None:
    import openpyxl

    from mosaicguard.model import Layer, Location, Severity

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"] = "编号12号"
    ws["B1"] = 12
    ws["C1"] = "=B1*12"
    path = tmp_path / "numbers.xlsx"
    wb.save(path)
    data = path.read_bytes()
    doc = extract_bytes(data, "numbers.xlsx", ExtractContext())
    term = Finding("protected_term", Severity.HIGH, 1.0, "12", Layer.TABLE, "lexicon", "term",
                   Location(part="xl/worksheets/sheet1.xml", start=2, end=4, pointer="S!A1"))
    sanitizer = sanitizer_for("numbers.xlsx")
    assert sanitizer is not None
    result = sanitizer.sanitize(data, doc, [term], SanitizeSettings())
    reopened = openpyxl.load_workbook(io.BytesIO(result.data))["S"]
    assert reopened["A1"].value == "编号██号"
    assert reopened["B1"].value == 12
    assert reopened["C1"].value == "=B1*12"


def test_macro_project_reported_and_removed(tmp_path: Path) -> None:
    import docx

    path = make_docx(tmp_path / "macro.docx", revisions=False, hidden=False, comments=False, metadata=False,
                     image=False, textbox=False)
    rel_ns = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
    edit_package(path, {
        "word/vbaProject.bin": lambda _o: b"\xd0\xcf\x11\xe0 Attribute VB_Name C:\\Users\\zhangwei\\macro",
        "word/_rels/document.xml.rels": lambda old: (old or b"").replace(
            b"</Relationships>", f'<Relationship Id="rIdVba" Type="{rel_ns}" Target="vbaProject.bin"/>'
            "</Relationships>".encode()),
    })
    doc = extract_bytes(path.read_bytes(), "macro.docx", ExtractContext())
    assert any(h.category == "embedded" and h.description.startswith("VBA macro project") for h in doc.hidden)
    _, result = _sanitize(path)
    assert b"zhangwei" not in all_member_bytes(result.data)
    assert b"rIdVba" not in all_member_bytes(result.data)
    assert docx.Document(io.BytesIO(result.data)).paragraphs[0].text == VISIBLE_TEXT


def test_chart_label_redacted(tmp_path: Path) -> None:
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    data = CategoryChartData()
    data.categories = [f"call {PHONE}", "other"]
    data.add_series("series", (1.0, 2.0))
    slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(1), Inches(4), Inches(3), data)
    path = tmp_path / "chart-phone.pptx"
    prs.save(path)
    _, result = _sanitize(path)
    blob = all_member_bytes(result.data)
    assert not contains_text(blob, PHONE)
    assert contains_text(blob, "other")
    assert Presentation(io.BytesIO(result.data)).slides[0].shapes[0].has_chart


def test_white_and_tiny_text_removed_shaded_white_kept(tmp_path: Path) -> None:
    from office_factory import make_white_tiny_docx

    _, result = _sanitize(make_white_tiny_docx(tmp_path / "white.docx"))
    blob = all_member_bytes(result.data)
    assert not contains_text(blob, "白色文字") and not contains_text(blob, "小字")
    assert contains_text(blob, "white on dark 深色底")
