"""Sanitising by allowlist: a part the tool does not understand is read by the scan and dropped
by the sanitiser, never copied. Files are built here with python-docx/openpyxl and raw zip edits,
exactly as Word stores customXml data, and checked at the byte level after cleaning."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl

from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.pipeline import ScanOptions, scan_paths
from mosaicguard.sanitize.run import FileOutcome, sanitize_paths
from office_factory import all_member_bytes, contains_text, edit_package

MARKING = "机密★10年"
MOBILE = "13912345678"
SITE = "http://10.32.1.15/oa/login"
PLANTED = (MARKING, MOBILE, SITE)
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_ITEM_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"


def _add(xml: bytes | None, marker: bytes, addition: str) -> bytes:
    return (xml or b"").replace(marker, addition.encode() + marker, 1)


def make_docx_with_custom_xml(path: Path) -> Path:
    """A Word file whose customXml/item1.xml (with its itemProps and rels, linked from the
    document) holds a marking, a mobile number and an internal site. python-docx's template has
    an empty bibliography store there; it is replaced, as Word replaces it with bound data."""
    d = docx.Document()
    d.add_paragraph("公开招标公告 public tender notice")
    d.save(path)
    item = (f'<?xml version="1.0" encoding="UTF-8"?><project xmlns="urn:example:bid"><level>{MARKING}</level>'
            f'<contact phone="{MOBILE}">联系人</contact><site>{SITE}</site></project>')
    props = ('<?xml version="1.0" encoding="UTF-8"?><ds:datastoreItem ds:itemID="{6F0A3C1E-0000-4000-8000-'
             '000000000001}" xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
             '<ds:schemaRefs><ds:schemaRef ds:uri="urn:example:bid"/></ds:schemaRefs></ds:datastoreItem>')
    item_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 f'package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/customXmlProps" '
                 f'Target="itemProps1.xml"/></Relationships>')
    edit_package(path, {
        "customXml/item1.xml": lambda _o: item.encode(),
        "customXml/itemProps1.xml": lambda _o: props.encode(),
        "customXml/_rels/item1.xml.rels": lambda _o: item_rels.encode(),
        "[Content_Types].xml": lambda old: old if old and b"/customXml/itemProps1.xml" in old else _add(
            old, b"</Types>", f'<Override PartName="/customXml/itemProps1.xml" ContentType="{CT_ITEM_PROPS}"/>'),
        "word/_rels/document.xml.rels": lambda old: old if old and b"../customXml/item1.xml" in old else _add(
            old, b"</Relationships>",
            f'<Relationship Id="rId99" Type="{REL_NS}/customXml" Target="../customXml/item1.xml"/>'),
    })
    return path


def _sanitize(src: Path, out: Path) -> tuple[FileOutcome, bytes]:
    outcome = sanitize_paths([str(src)], str(out), ScanOptions(engine="python")).files[0]
    assert outcome.status == "sanitized", outcome.error
    return outcome, (out / src.name).read_bytes()


def test_docx_custom_xml_is_scanned_and_dropped(tmp_path: Path) -> None:
    src = make_docx_with_custom_xml(tmp_path / "notice.docx")
    found = scan_paths([str(src)], ScanOptions(engine="python")).files[0].findings
    in_part = [f for f in found if f.location.part == "customXml/item1.xml"]
    assert {"marking", "phone"} <= {f.category for f in in_part}, [(f.category, f.match) for f in found]
    assert all(f.layer.value == "metadata" for f in in_part)
    assert any(f.category == "metadata" and "customXml/item1.xml" in f.message for f in found)

    outcome, cleaned = _sanitize(src, tmp_path / "out")
    blob = all_member_bytes(cleaned)
    for value in PLANTED:
        assert not contains_text(blob, value), value
    names = zipfile.ZipFile(io.BytesIO(cleaned)).namelist()
    assert not [n for n in names if n.startswith("customXml/")]
    assert b"customXml" not in blob  # neither its relationship nor its content-type entry is left
    assert {a.location.part for a in outcome.actions if a.kind == "remove_unknown_part"} >= {
        "customXml/item1.xml", "customXml/itemProps1.xml"}
    assert "公开招标公告" in "\n".join(p.text for p in docx.Document(io.BytesIO(cleaned)).paragraphs)
    assert not outcome.residual
    rescan = scan_paths([str(tmp_path / "out" / "notice.docx")], ScanOptions(engine="python")).files[0]
    assert not [f for f in rescan.findings if f.category in ("marking", "phone", "internal_network")]


def test_docx_fallback_copy_is_dropped(tmp_path: Path) -> None:
    """A value only in an mc:Fallback branch (the copy for old readers) does not survive."""
    path = tmp_path / "alt.docx"
    d = docx.Document()
    d.add_paragraph("正文 body")
    d.save(path)
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    alt = (f'<w:p><w:r><mc:AlternateContent xmlns:mc="{mc}"><mc:Choice Requires="wps"><w:t>新版 choice</w:t>'
           f'</mc:Choice><mc:Fallback><w:pict><w:t>旧版 {MARKING}</w:t></w:pict></mc:Fallback>'
           f'</mc:AlternateContent></w:r></w:p>')
    edit_package(path, {"word/document.xml": lambda old: _add(old, b"<w:sectPr", alt)})
    outcome, cleaned = _sanitize(path, tmp_path / "out")
    assert not contains_text(all_member_bytes(cleaned), MARKING)
    assert any(a.kind == "remove_alternate_content" for a in outcome.actions)
    docx.Document(io.BytesIO(cleaned))


def test_xlsx_unknown_part_is_scanned_and_dropped(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "报价 price"
    wb.save(path)
    edit_package(path, {
        "xl/vendorData/data1.xml": lambda _o: f'<d xmlns="urn:vendor"><n>{MARKING} {MOBILE}</n></d>'.encode(),
        "[Content_Types].xml": lambda old: _add(old, b"</Types>", '<Override PartName="/xl/vendorData/data1.xml" '
                                                                  'ContentType="application/vnd.vendor.data+xml"/>'),
        "xl/_rels/workbook.xml.rels": lambda old: _add(old, b"</Relationships>", '<Relationship Id="rId77" '
                                                       'Type="urn:vendor/data" Target="vendorData/data1.xml"/>'),
    })
    doc = extract_bytes(path.read_bytes(), "book.xlsx", ExtractContext())
    assert any(s.location.part == "xl/vendorData/data1.xml" and MOBILE in s.text for s in doc.segments)
    _, cleaned = _sanitize(path, tmp_path / "out")
    blob = all_member_bytes(cleaned)
    assert not contains_text(blob, MARKING) and not contains_text(blob, MOBILE)
    assert b"vendorData" not in blob
    assert openpyxl.load_workbook(io.BytesIO(cleaned)).active["A1"].value == "报价 price"


def test_unknown_main_part_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "odd.docx"
    docx.Document().save(path)
    edit_package(path, {"[Content_Types].xml": lambda old: (old or b"").replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.document.secret+xml")})
    outcome = sanitize_paths([str(path)], str(tmp_path / "out"), ScanOptions(engine="python")).files[0]
    assert outcome.status == "error" and "content type" in (outcome.error or "")
    assert not (tmp_path / "out" / "odd.docx").exists()


def test_docx_with_embedded_package_and_unreadable_picture_gives_embedded_findings(tmp_path: Path) -> None:
    """mat2's embedded.docx: a file packaged into word/embeddings/ and a picture of a kind no
    reader handles are each an `embedded` finding. The package is removed by the sanitiser; a
    picture it cannot check makes it refuse the file (fail closed, like mat2), and once that
    picture is gone the file is cleaned."""
    path = tmp_path / "embedded.docx"
    d = docx.Document()
    d.add_paragraph("正文 body")
    d.save(path)
    edit_package(path, {
        "word/embeddings/Package1.py": lambda _o: b"print('internal build script')\n",
        "word/media/drawing1.xyz": lambda _o: b"\x00\x01vendor drawing",
        "word/_rels/document.xml.rels": lambda old: _add(
            old, b"</Relationships>",
            f'<Relationship Id="rId90" Type="{REL_NS}/package" Target="embeddings/Package1.py"/>'
            f'<Relationship Id="rId91" Type="{REL_NS}/image" Target="media/drawing1.xyz"/>'),
    })
    found = scan_paths([str(path)], ScanOptions(engine="python")).files[0].findings
    embedded = {f.location.part for f in found if f.category == "embedded"}
    assert {"word/embeddings/Package1.py", "word/media/drawing1.xyz"} <= embedded
    refused = sanitize_paths([str(path)], str(tmp_path / "out"), ScanOptions(engine="python")).files[0]
    assert refused.status == "error" and "drawing1.xyz" in (refused.error or "")
    assert not (tmp_path / "out" / "embedded.docx").exists()
    edit_package(path, {"word/media/drawing1.xyz": lambda _o: None})
    outcome, cleaned = _sanitize(path, tmp_path / "out")
    assert b"internal build script" not in all_member_bytes(cleaned)
    assert any(a.kind == "remove_embedded" for a in outcome.actions)


def test_foreign_markup_inside_a_known_part_is_read_and_removed(tmp_path: Path) -> None:
    """A vendor's element and attribute inside word/document.xml: the scan reads their text and
    values, the sanitiser removes them and keeps Word's own markup."""
    path = tmp_path / "vendor.docx"
    d = docx.Document()
    d.add_paragraph("公开正文 visible")
    d.save(path)
    tag = (f'<v:track xmlns:v="urn:vendor:track" v:owner="{MOBILE}"><v:note>{MARKING}</v:note></v:track>')
    edit_package(path, {"word/document.xml": lambda old: _add(old, b"<w:sectPr", tag)})
    found = scan_paths([str(path)], ScanOptions(engine="python")).files[0].findings
    assert {"marking", "phone"} <= {f.category for f in found if f.location.part == "word/document.xml"
                                    and f.layer.value == "metadata"}
    outcome, cleaned = _sanitize(path, tmp_path / "out")
    blob = all_member_bytes(cleaned)
    assert not contains_text(blob, MARKING) and not contains_text(blob, MOBILE)
    assert any(a.kind == "remove_unknown_markup" for a in outcome.actions)
    assert "公开正文 visible" in docx.Document(io.BytesIO(cleaned)).paragraphs[0].text


def test_xlsx_pivot_cache_values_are_scanned(tmp_path: Path) -> None:
    """A pivot cache keeps every source value as an attribute (`<s v="..."/>`), also after the
    source cells were deleted: the scan reads those values."""
    path = tmp_path / "pivot.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "汇总 summary"
    wb.save(path)
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheRecords+xml"
    records = ('<pivotCacheRecords xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1">'
               f'<r><s v="联系人 {MOBILE}"/><n v="3"/></r></pivotCacheRecords>')
    edit_package(path, {
        "xl/pivotCache/pivotCacheRecords1.xml": lambda _o: records.encode(),
        "[Content_Types].xml": lambda old: _add(old, b"</Types>", '<Override PartName="/xl/pivotCache/'
                                                                  f'pivotCacheRecords1.xml" ContentType="{ct}"/>'),
    })
    found = scan_paths([str(path)], ScanOptions(engine="python")).files[0].findings
    assert any(f.category == "phone" and f.location.part == "xl/pivotCache/pivotCacheRecords1.xml" for f in found)


def test_docx_glossary_is_scanned_and_dropped(tmp_path: Path) -> None:
    """Building blocks (word/glossary/) are text Word never shows in the document."""
    path = tmp_path / "glossary.docx"
    d = docx.Document()
    d.add_paragraph("正文 body")
    d.save(path)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    glossary = (f'<w:glossaryDocument xmlns:w="{w}"><w:docParts><w:docPart><w:docPartBody><w:p><w:r>'
                f"<w:t>{MARKING} 值班 {MOBILE}</w:t></w:r></w:p></w:docPartBody></w:docPart></w:docParts>"
                "</w:glossaryDocument>")
    ct = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.glossary+xml"
    edit_package(path, {
        "word/glossary/document.xml": lambda _o: glossary.encode(),
        "[Content_Types].xml": lambda old: _add(old, b"</Types>", f'<Override PartName="/word/glossary/document.xml" '
                                                                  f'ContentType="{ct}"/>'),
        "word/_rels/document.xml.rels": lambda old: _add(
            old, b"</Relationships>",
            f'<Relationship Id="rId98" Type="{REL_NS}/glossaryDocument" Target="glossary/document.xml"/>'),
    })
    found = scan_paths([str(path)], ScanOptions(engine="python")).files[0].findings
    assert {"marking", "phone"} <= {f.category for f in found if f.location.part == "word/glossary/document.xml"}
    _, cleaned = _sanitize(path, tmp_path / "out")
    blob = all_member_bytes(cleaned)
    assert not contains_text(blob, MARKING) and not contains_text(blob, MOBILE) and b"glossary" not in blob
    docx.Document(io.BytesIO(cleaned))


def test_printer_settings_name_the_printer_and_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "print.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "表 table"
    wb.save(path)
    devmode = "\\\\PRINTSRV01\\3F-机要室".encode("utf-16-le").ljust(64, b"\x00") + bytes(156)
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"
    edit_package(path, {
        "xl/printerSettings/printerSettings1.bin": lambda _o: devmode,
        "[Content_Types].xml": lambda old: _add(old, b"</Types>", f'<Default Extension="bin" ContentType="{ct}"/>'),
        "xl/worksheets/_rels/sheet1.xml.rels": lambda _o: (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/printerSettings" '
            'Target="../printerSettings/printerSettings1.bin"/></Relationships>').encode(),
    })
    doc = extract_bytes(path.read_bytes(), "print.xlsx", ExtractContext())
    printer = [h for h in doc.hidden if "printer settings" in h.description]
    assert printer and printer[0].value == "\\\\PRINTSRV01\\3F-机要室" and printer[0].category == "metadata"
    _, cleaned = _sanitize(path, tmp_path / "out")
    assert "PRINTSRV01".encode("utf-16-le") not in all_member_bytes(cleaned)
    assert openpyxl.load_workbook(io.BytesIO(cleaned)).active["A1"].value == "表 table"


def test_content_control_labels_and_custom_xml_tags_are_read_and_removed(tmp_path: Path) -> None:
    """A content control's name and tag and a custom-XML element's attribute are never shown:
    the scan reads them, the sanitiser removes them and keeps the text they wrap."""
    path = tmp_path / "labels.docx"
    d = docx.Document()
    d.add_paragraph("正文 body")
    d.save(path)
    sdt = (f'<w:sdt><w:sdtPr><w:alias w:val="承办人 {MOBILE}"/><w:tag w:val="{MARKING}"/></w:sdtPr>'
           '<w:sdtContent><w:p><w:r><w:t>可见内容 shown</w:t></w:r></w:p></w:sdtContent></w:sdt>'
           '<w:customXml w:element="project"><w:customXmlPr><w:attr w:name="site" w:val="' + SITE + '"/>'
           '</w:customXmlPr><w:p><w:r><w:t>标注段落 tagged</w:t></w:r></w:p></w:customXml>')
    edit_package(path, {"word/document.xml": lambda old: _add(old, b"<w:sectPr", sdt)})
    found = scan_paths([str(path)], ScanOptions(engine="python")).files[0].findings
    assert {"marking", "phone"} <= {f.category for f in found if f.layer.value == "metadata"
                                    and f.location.part == "word/document.xml"}
    outcome, cleaned = _sanitize(path, tmp_path / "out")
    blob = all_member_bytes(cleaned)
    for value in PLANTED:
        assert not contains_text(blob, value), value
    assert not [a for a in outcome.actions if a.kind == "not_redacted"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(cleaned)).paragraphs)
    assert "标注段落 tagged" in text
    assert "可见内容 shown".encode() in blob
