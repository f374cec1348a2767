"""Excel extraction: cells of every sheet, hidden sheets/rows/columns, notes, names, formulas."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.extract.xlsx import column_index
from mosaicguard.model import Document, Layer
from office_factory import (
    AUTHOR,
    CELL_COMMENT,
    COMPANY,
    CUSTOM_VALUE,
    FORMULA_CACHED,
    HIDDEN_COL_VALUE,
    HIDDEN_ROW_VALUE,
    HIDDEN_SHEET_VALUE,
    ID_NUMBER,
    PHONE,
    VERY_HIDDEN_VALUE,
    VISIBLE_CELL,
    edit_package,
    make_xlsx,
)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = make_xlsx(tmp_path_factory.mktemp("xlsx") / "book.xlsx")
    doc = extract_bytes(path.read_bytes(), "book.xlsx", ExtractContext())
    assert doc.status == "ok", doc.error
    return doc


@pytest.mark.parametrize(
    ("text", "layer", "pointer"),
    [
        (VISIBLE_CELL, Layer.TABLE, "Public!A1"),  # shared string split in rich-text runs
        (ID_NUMBER, Layer.TABLE, "Public!A2"),
        (PHONE, Layer.TABLE, "Public!B2"),  # a number
        ("2", Layer.TABLE, "Public!A3"),  # cached formula result
        (FORMULA_CACHED, Layer.TABLE, "Public!C3"),
        (HIDDEN_ROW_VALUE, Layer.HIDDEN_SHEET, "Public!A5"),
        (HIDDEN_COL_VALUE, Layer.HIDDEN_SHEET, "Public!D1"),
        (HIDDEN_SHEET_VALUE, Layer.HIDDEN_SHEET, "Costs!A1"),
        (VERY_HIDDEN_VALUE, Layer.HIDDEN_SHEET, "Secret!B3"),
        (CELL_COMMENT, Layer.COMMENT, "Public!C1"),
        (AUTHOR, Layer.METADATA, "dc:creator"),
        (COMPANY, Layer.METADATA, "ep:Company"),
        (CUSTOM_VALUE, Layer.METADATA, "custom:ProjectCode"),
    ],
)
def test_cells_and_layers(book: Document, text: str, layer: Layer, pointer: str) -> None:
    matches = [s for s in book.segments if s.text == text and s.location.pointer == pointer]
    assert len(matches) == 1, [(s.text, s.location.pointer) for s in book.segments]
    assert matches[0].layer is layer


def test_phonetic_runs_are_not_part_of_the_value(book: Document) -> None:
    assert not any("phonetic" in s.text for s in book.segments)


@pytest.mark.parametrize(
    ("category", "description", "value_part"),
    [
        ("hidden_sheet", "hidden sheet 'Costs'", HIDDEN_SHEET_VALUE),
        ("hidden_sheet", "very hidden sheet 'Secret'", VERY_HIDDEN_VALUE),
        ("hidden_sheet", "hidden row(s) 5 in sheet 'Public'", HIDDEN_ROW_VALUE),
        ("hidden_sheet", "hidden column(s) 4 in sheet 'Public'", HIDDEN_COL_VALUE),
        ("comment", f"cell comment on Public!C1 by '{AUTHOR}'", CELL_COMMENT),
        ("metadata", "defined name 'SourceBudget' refers to another file", "fileserver"),
        ("metadata", "formula in Public!C3 refers to another file", "budget2026.xlsx"),
        ("metadata", "document property author", AUTHOR),
    ],
)
def test_hidden_items(book: Document, category: str, description: str, value_part: str) -> None:
    items = [h for h in book.hidden if h.category == category and h.description.startswith(description)]
    assert len(items) == 1, [h.description for h in book.hidden]
    assert value_part in items[0].value


def test_defined_name_path_is_a_metadata_segment_for_network_detectors(book: Document) -> None:
    names = [s for s in book.segments if s.location.pointer == "definedName:SourceBudget"]
    assert names and "\\\\fileserver\\finance" in names[0].text


def test_embedded_image(book: Document) -> None:
    assert [e.path for e in book.embedded] == ["book.xlsx!xl/media/image1.jpeg"]


@pytest.mark.parametrize(("letters", "index"), [("A", 1), ("Z", 26), ("AA", 27), ("XFD", 16384)])
def test_column_index(letters: str, index: int) -> None:
    assert column_index(letters) == index


def test_external_link_cache_is_hidden_data(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "linked.xlsx", metadata=False, image=False)
    x_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    link = (f'<externalLink xmlns="{x_ns}"><externalBook xmlns:r="{rel_ns}" r:id="rId1"><sheetNames>'
            '<sheetName val="Sheet1"/></sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1">'
            '<cell r="A1" t="str"><v>linked secret 联动</v></cell></row></sheetData></sheetDataSet>'
            "</externalBook></externalLink>").encode()
    link_rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 f'<Relationship Id="rId1" Type="{rel_ns}/externalLinkPath" '
                 'Target="file:///\\\\fileserver\\finance\\budget2026.xlsx" TargetMode="External"/>'
                 "</Relationships>").encode()
    edit_package(path, {
        "xl/externalLinks/externalLink1.xml": lambda _o: link,
        "xl/externalLinks/_rels/externalLink1.xml.rels": lambda _o: link_rels,
        "xl/_rels/workbook.xml.rels": lambda old: (old or b"").replace(
            b"</Relationships>", f'<Relationship Id="rIdX1" Type="{rel_ns}/externalLink" '
            'Target="externalLinks/externalLink1.xml"/></Relationships>'.encode()),
    })
    doc = extract_bytes(path.read_bytes(), "linked.xlsx", ExtractContext())
    assert doc.status == "ok", doc.error
    cached = [s for s in doc.segments if s.text == "linked secret 联动"]
    assert cached and cached[0].layer is Layer.HIDDEN_SHEET
    assert any(h.description.startswith("values cached from a linked workbook") for h in doc.hidden)
    assert any(h.description.startswith("external externalLinkPath link") and "fileserver" in h.value
               for h in doc.hidden)


def test_large_sheet_is_fast(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 5001):
        ws.append([f"row {r}", r, f"联系人{r}", r * 1.5])
    path = tmp_path / "large.xlsx"
    wb.save(path)
    data = path.read_bytes()
    start = time.perf_counter()
    doc = extract_bytes(data, "large.xlsx", ExtractContext())
    elapsed = time.perf_counter() - start
    assert doc.status == "ok"
    assert sum(1 for s in doc.segments if s.layer is Layer.TABLE) == 20000
    assert elapsed < 3.0, elapsed


def test_encrypted_workbook_is_reported() -> None:
    doc = extract_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "locked.xlsx", ExtractContext())
    assert doc.status == "error"
    assert "password-protected/encrypted" in (doc.error or "")


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ('&L&"Arial,Bold"机密&R&P / &N', "机密 /"),
        ("&C内部资料 &&注意保存", "内部资料 &注意保存"),
        ("&12&KFF0000Top", "Top"),
    ],
)
def test_header_footer_codes(code: str, text: str) -> None:
    from mosaicguard.extract.xlsx import header_footer_text

    assert header_footer_text(code) == text


def test_printed_header_is_extracted_and_redacted(tmp_path: Path) -> None:
    import openpyxl

    from mosaicguard.policy.schema import SanitizeSettings
    from mosaicguard.sanitize.ooxml import XlsxSanitizer
    from office_factory import all_member_bytes

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "data"
    ws.oddHeader.center.text = "秘密★10年"
    ws.oddFooter.right.text = f"contact {PHONE}"
    path = tmp_path / "hf.xlsx"
    wb.save(path)
    doc = extract_bytes(path.read_bytes(), "hf.xlsx", ExtractContext())
    segs = {s.text: s for s in doc.segments}
    assert segs["秘密★10年"].layer is Layer.HEADER
    assert segs[f"contact {PHONE}"].layer is Layer.FOOTER

    from mosaicguard.detect.engine import Engine
    from mosaicguard.policy.schema import Policy

    findings = [f for f in Engine(Policy()).scan(doc) if f.category == "phone"]
    assert findings
    clean = XlsxSanitizer().sanitize(path.read_bytes(), doc, findings, SanitizeSettings()).data
    assert PHONE.encode() not in all_member_bytes(clean)
    assert openpyxl.load_workbook(__import__("io").BytesIO(clean)).active["A1"].value == "data"
