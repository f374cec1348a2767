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
