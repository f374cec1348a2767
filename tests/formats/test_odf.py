"""OpenDocument: meta.xml, tracked changes (deleted text), annotations, hidden paragraphs and
text, hidden sheets/rows, hidden slides and notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from formats.factory_cn import build_odf
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.model import Layer
from mosaicguard.pipeline import ScanOptions, scan_paths

ID = "11010519491231002X"

ODT_STYLES = ('<style:style style:name="T1" style:family="text"><style:text-properties text:display="none"/>'
              '</style:style>')
ODT_BODY = (
    '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion><office:change-info>'
    "<dc:creator>王芳</dc:creator><dc:date>2026-03-02T10:00:00</dc:date></office:change-info>"
    f"<text:p>原定负责人身份证 {ID}</text:p></text:deletion></text:changed-region></text:tracked-changes>"
    '<text:h text:outline-level="1">关于验收的通知</text:h>'
    '<text:p>联系电话<text:s/>13812345678<text:change text:change-id="ct1"/>'
    "<office:annotation><dc:creator>审核人</dc:creator><dc:date>2026-03-03</dc:date>"
    "<text:p>坐标 N39.9042 E116.4074 不宜公开</text:p></office:annotation></text:p>"
    '<text:p>正文<text:span text:style-name="T1">机密★10年</text:span>结束</text:p>'
    '<text:p><text:hidden-paragraph text:condition="ooow:1" text:is-hidden="true"/>隐藏段落 13900001111</text:p>'
)


def test_odt_text_changes_comments_hidden_meta() -> None:
    doc = extract_bytes(build_odf("text", ODT_BODY, styles=ODT_STYLES, user_defined={"密级": "内部"}),
                        "n.odt", ExtractContext())
    assert doc.status == "ok", doc.error
    assert doc.media_type == "application/vnd.oasis.opendocument.text"
    by_layer: dict[Layer, str] = {}
    for s in doc.segments:
        by_layer[s.layer] = by_layer.get(s.layer, "") + s.text + "\n"
    assert "联系电话 13812345678" in by_layer[Layer.BODY]
    assert "机密" not in by_layer[Layer.BODY] and "机密★10年" in by_layer[Layer.HIDDEN_TEXT]
    assert "隐藏段落" in by_layer[Layer.HIDDEN_TEXT]
    assert ID in by_layer[Layer.REVISION]
    assert "N39.9042" in by_layer[Layer.COMMENT] and "N39" not in by_layer[Layer.BODY]
    meta = {m.key: m.value for m in doc.metadata}
    assert meta["initial-creator"] == "张伟" and meta["generator"].startswith("WPS")
    assert meta["template"].startswith("file:///C:/Users") and meta["user-defined:密级"] == "内部"
    kinds = [h.category for h in doc.hidden]
    assert {"metadata", "revision", "comment", "hidden_text"} <= set(kinds)
    deletion = next(h for h in doc.hidden if "deletion" in h.description)
    assert "王芳" in deletion.description and ID in deletion.value


def test_ods_hidden_sheet_rows_and_cell_comment() -> None:
    styles = ('<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/>'
              "</style:style>")
    body = (
        '<table:table table:name="公开"><table:table-row><table:table-cell><text:p>项目</text:p></table:table-cell>'
        "<table:table-cell><office:annotation><dc:creator>李明</dc:creator><text:p>内部价 98万</text:p>"
        "</office:annotation><text:p>100</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:visibility="collapse"><table:table-cell><text:p>13812345678</text:p>'
        "</table:table-cell></table:table-row></table:table>"
        f'<table:table table:name="底稿" table:style-name="ta2"><table:table-row><table:table-cell><text:p>{ID}'
        "</text:p></table:table-cell></table:table-row></table:table>"
    )
    doc = extract_bytes(build_odf("spreadsheet", body, styles=styles), "b.ods", ExtractContext())
    assert doc.status == "ok", doc.error
    table = [s.text for s in doc.segments if s.layer is Layer.TABLE]
    assert table == ["项目", "100"]
    hidden = {s.text: s.location.pointer for s in doc.segments if s.layer is Layer.HIDDEN_SHEET}
    assert hidden == {"13812345678": "公开", ID: "底稿"}
    descriptions = [h.description for h in doc.hidden if h.category == "hidden_sheet"]
    assert "hidden sheet '底稿'" in descriptions and "hidden row in '公开'" in descriptions
    assert any(h.category == "comment" and "李明" in h.description for h in doc.hidden)


def test_odp_slides_hidden_slide_and_notes() -> None:
    body = (
        '<draw:page draw:name="p1"><draw:frame><draw:text-box><text:p>项目概况</text:p></draw:text-box></draw:frame>'
        "<presentation:notes><draw:frame><draw:text-box><text:p>讲稿：联系 13812345678</text:p>"
        "</draw:text-box></draw:frame></presentation:notes></draw:page>"
        '<draw:page draw:name="p2" presentation:visibility="hidden"><draw:frame><draw:text-box>'
        f"<text:p>备用页 {ID}</text:p></draw:text-box></draw:frame></draw:page>"
    )
    doc = extract_bytes(build_odf("presentation", body), "s.odp", ExtractContext())
    assert doc.status == "ok", doc.error
    assert doc.page_count == 2
    notes = next(s for s in doc.segments if s.layer is Layer.NOTES)
    assert "13812345678" in notes.text and notes.location.page == 1
    hidden = next(s for s in doc.segments if ID in s.text)
    assert hidden.layer is Layer.HIDDEN_TEXT and hidden.location.page == 2
    assert {"notes", "hidden_text"} <= {h.category for h in doc.hidden}


def test_odt_scan_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "n.odt"
    path.write_bytes(build_odf("text", ODT_BODY, styles=ODT_STYLES))
    result = scan_paths([str(path)], ScanOptions(engine="python")).files[0]
    seen = {(f.category, f.layer.value) for f in result.findings}
    assert {("phone", "body"), ("cn_id", "revision"), ("coordinates", "comment"), ("marking", "hidden_text"),
            ("revision", "revision"), ("comment", "comment"), ("hidden_text", "hidden_text")} <= seen


@pytest.mark.parametrize("data, fragment", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "password"),
    (b"PK\x05\x06" + b"\0" * 18, "content.xml"),
    (b"hello", "not a OpenDocument"),
])
def test_broken_odf(data: bytes, fragment: str) -> None:
    doc = extract_bytes(data, "x.odt", ExtractContext())
    assert doc.status == "error" and fragment in (doc.error or ""), doc.error


def test_odf_refuses_dtd_bomb() -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    doc = extract_bytes(buf.getvalue(), "x.odt", ExtractContext())
    assert doc.status == "error" and "DTD" in (doc.error or "")


def _with_members(data: bytes, extra: dict[str, bytes]) -> bytes:
    """The package with more members (a vendor's part, settings, a thumbnail) added at the end."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        for name, content in extra.items():
            dst.writestr(name, content)
    return out.getvalue()


VENDOR = "<v:data xmlns:v=\"urn:vendor\"><v:level>机密★10年</v:level><v:tel>13912345678</v:tel></v:data>"


def test_odt_sanitize_by_allowlist(tmp_path: Path) -> None:
    """An odt with tracked changes, a comment, hidden text, metadata, a vendor's unknown member,
    settings and a thumbnail: the scan reads the unknown member, the sanitiser keeps only what
    it reads and rewrites, and no planted value is left in any member."""
    import io
    import zipfile

    from mosaicguard.sanitize.run import sanitize_paths

    data = _with_members(build_odf("text", ODT_BODY, styles=ODT_STYLES, user_defined={"密级": "内部"}), {
        "vendor/secret.xml": VENDOR.encode(),
        "settings.xml": b'<office:document-settings xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
                        b'/>',
        "Thumbnails/thumbnail.png": b"\x89PNG\r\n\x1a\nfake",
    })
    src = tmp_path / "in" / "n.odt"
    src.parent.mkdir()
    src.write_bytes(data)
    found = scan_paths([str(src)], ScanOptions(engine="python")).files[0].findings
    vendor = [f for f in found if f.location.part == "vendor/secret.xml"]
    assert {"marking", "phone"} <= {f.category for f in vendor}
    outcome = sanitize_paths([str(src)], str(tmp_path / "out"), ScanOptions(engine="python")).files[0]
    assert outcome.status == "sanitized", outcome.error
    cleaned = (tmp_path / "out" / "n.odt").read_bytes()
    with zipfile.ZipFile(io.BytesIO(cleaned)) as zf:
        names = zf.namelist()
        blob = b"\n".join(zf.read(n) for n in names)
    assert names[0] == "mimetype"
    assert set(names) == {"mimetype", "content.xml", "meta.xml", "META-INF/manifest.xml"}
    for planted in (ID, "13912345678", "13812345678", "13900001111", "机密★10年", "N39.9042", "王芳", "张伟",
                    "zhangwei", "审核人"):
        assert planted.encode() not in blob, planted
    assert "关于验收的通知".encode() in blob and "正文".encode() in blob
    kinds = {a.kind for a in outcome.actions}
    assert {"remove_unknown_part", "remove_thumbnail", "accept_revisions", "remove_comments", "remove_hidden_text",
            "remove_metadata", "redact_text"} <= kinds
    again = extract_bytes(cleaned, "n.odt", ExtractContext())
    assert again.status == "ok" and not again.hidden
    assert not [f for _, f in outcome.residual if f.severity.value in ("medium", "high", "critical")]


def test_ods_and_odp_hidden_parts_removed(tmp_path: Path) -> None:
    from mosaicguard.sanitize.run import sanitize_paths

    styles = ('<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/>'
              "</style:style>")
    ods = build_odf("spreadsheet", '<table:table table:name="公开"><table:table-row><table:table-cell><text:p>项目'
                    '</text:p></table:table-cell></table:table-row><table:table-row table:visibility="collapse">'
                    '<table:table-cell><text:p>隐藏行 98万</text:p></table:table-cell></table:table-row></table:table>'
                    '<table:table table:name="底价" table:style-name="ta2"><table:table-row><table:table-cell>'
                    "<text:p>底价 87万</text:p></table:table-cell></table:table-row></table:table>", styles=styles)
    odp = build_odf("presentation", '<draw:page draw:name="p1"><draw:frame><draw:text-box><text:p>第一页</text:p>'
                    "</draw:text-box></draw:frame><presentation:notes><draw:frame><draw:text-box><text:p>讲稿 内部"
                    "</text:p></draw:text-box></draw:frame></presentation:notes></draw:page>")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "b.ods").write_bytes(ods)
    (tmp_path / "in" / "s.odp").write_bytes(odp)
    report = sanitize_paths([str(tmp_path / "in")], str(tmp_path / "out"), ScanOptions(engine="python"))
    assert [o.status for o in report.files] == ["sanitized", "sanitized"], [o.error for o in report.files]
    book = extract_bytes((tmp_path / "out" / "b.ods").read_bytes(), "b.ods", ExtractContext())
    assert "项目" in book.text() and "98万" not in book.text() and "87万" not in book.text()
    slides = extract_bytes((tmp_path / "out" / "s.odp").read_bytes(), "s.odp", ExtractContext())
    assert "第一页" in slides.text() and "讲稿" not in slides.text()


def test_odt_embedded_object_text_is_read_and_removed(tmp_path: Path) -> None:
    """An embedded object (Object 1/content.xml, as LibreOffice stores a chart or a sub-document)
    is read by the scan; sanitize removes it with its preview picture and the frame showing it."""
    import io
    import zipfile

    from mosaicguard.sanitize.run import sanitize_paths

    body = ('<text:p>正文<draw:frame draw:name="Object1"><draw:object xlink:href="./Object 1"/>'
            '<draw:image xlink:href="./ObjectReplacements/Object 1"/></draw:frame></text:p>')
    obj = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
           "<text:p>内部联系 13912345678</text:p></office:text></office:body></office:document-content>")
    data = _with_members(build_odf("text", body), {"Object 1/content.xml": obj.encode(),
                                                    "ObjectReplacements/Object 1": b"\x01\x00\x00\x00wmf"})
    src = tmp_path / "in" / "o.odt"
    src.parent.mkdir()
    src.write_bytes(data)
    found = scan_paths([str(src)], ScanOptions(engine="python")).files[0].findings
    assert any(f.category == "phone" and f.layer.value == "embedded" for f in found)
    outcome = sanitize_paths([str(src)], str(tmp_path / "out"), ScanOptions(engine="python")).files[0]
    assert outcome.status == "sanitized", outcome.error
    with zipfile.ZipFile(io.BytesIO((tmp_path / "out" / "o.odt").read_bytes())) as zf:
        assert not [n for n in zf.namelist() if n.startswith(("Object", "ObjectReplacements"))]
        content = zf.read("content.xml")
    assert b"draw:object" not in content and "正文".encode() in content
