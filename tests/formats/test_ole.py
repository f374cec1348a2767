"""Legacy Office/WPS as OLE containers: summary-information metadata, Word text with comments,
Excel strings and hidden sheets, PowerPoint text and notes; encrypted and damaged files."""

from __future__ import annotations

from pathlib import Path

import pytest

from formats.factory_cn import build_cfb, build_doc, build_ppt, build_xls
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.model import Layer
from mosaicguard.pipeline import ScanOptions, scan_paths

ID = "11010519491231002X"
META = {2: "验收报告", 4: "张伟", 7: r"\\fileserver\模板\红头.dot", 8: "李明", 18: "WPS Office"}


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_word_binary_text_comments_and_summary(suffix: str) -> None:
    data = build_doc("关于验收的通知\r联系电话 13812345678\r", comment=f"审核意见：身份证 {ID}\r", meta=META)
    doc = extract_bytes(data, f"n{suffix}", ExtractContext())
    assert doc.status == "ok", doc.error
    assert doc.media_type == "application/msword"
    body = [s.text for s in doc.segments if s.layer is Layer.BODY]
    assert body == ["关于验收的通知", "联系电话 13812345678"]
    comment = next(s for s in doc.segments if s.layer is Layer.COMMENT)
    assert ID in comment.text
    meta = {m.key: m.value for m in doc.metadata}
    assert meta["author"] == "张伟" and meta["last_saved_by"] == "李明" and meta["title"] == "验收报告"
    described = " | ".join(h.description for h in doc.hidden)
    assert "author" in described and "last saved by" in described and "template" in described
    assert any("tracked deletions" in n for n in doc.notes)


def test_excel_binary_strings_and_hidden_sheet() -> None:
    data = build_xls([("公开", 0, ["项目名称", "联系人 李明"]), ("底稿", 1, [f"身份证 {ID}"]),
                      ("隐", 2, ["13812345678"])])
    doc = extract_bytes(data, "b.et", ExtractContext())
    assert doc.status == "ok", doc.error
    table = [(s.text, s.location.pointer) for s in doc.segments if s.layer is Layer.TABLE]
    assert table == [("项目名称", "公开!R1C1"), ("联系人 李明", "公开!R2C1")]
    hidden = {s.text for s in doc.segments if s.layer is Layer.HIDDEN_SHEET}
    assert hidden == {f"身份证 {ID}", "13812345678"}
    kinds = sorted(h.description for h in doc.hidden if h.category == "hidden_sheet")
    assert kinds == ["hidden sheet '底稿'", "very hidden sheet '隐'"]


def test_powerpoint_binary_text_and_notes() -> None:
    doc = extract_bytes(build_ppt("项目汇报", "讲稿：电话 13812345678"), "s.ppt", ExtractContext())
    assert doc.status == "ok", doc.error
    assert [s.text for s in doc.segments if s.layer is Layer.BODY] == ["项目汇报"]
    assert [s.text for s in doc.segments if s.layer is Layer.NOTES] == ["讲稿：电话 13812345678"]
    assert any(h.category == "notes" for h in doc.hidden)


def test_ole_scan_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "n.doc"
    path.write_bytes(build_doc("联系电话 13812345678\r", comment=f"身份证 {ID}\r", meta=META))
    result = scan_paths([str(path)], ScanOptions(engine="python")).files[0]
    seen = {(f.category, f.layer.value) for f in result.findings}
    assert {("phone", "body"), ("cn_id", "comment"), ("comment", "comment"), ("metadata", "metadata")} <= seen


def test_encrypted_and_unknown_ole() -> None:
    enc = extract_bytes(build_cfb({"EncryptionInfo": b"x", "EncryptedPackage": b"y"}), "x.doc", ExtractContext())
    assert enc.status == "error" and "password" in (enc.error or "")
    unknown = extract_bytes(build_cfb({"Contents": b"abc"}), "x.wps", ExtractContext())
    assert unknown.status == "ok" and any("unknown kind" in n for n in unknown.notes)
    sniffed = extract_bytes(build_ppt("标题", "备注"), "noextension", ExtractContext())
    assert sniffed.status == "ok" and "标题" in sniffed.text()


@pytest.mark.parametrize("data, fragment", [
    (b"PK\x03\x04rest", "zip"), (b"plain text", "no OLE"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "damaged"),
])
def test_broken_ole(data: bytes, fragment: str) -> None:
    doc = extract_bytes(data, "x.doc", ExtractContext())
    assert doc.status == "error" and fragment in (doc.error or ""), doc.error


def test_document_notes_reach_the_json_report(tmp_path: Path) -> None:
    path = tmp_path / "n.xls"
    path.write_bytes(build_xls([("公开", 0, ["项目"])]))
    report = scan_paths([str(path)], ScanOptions(engine="python")).to_dict()
    notes = report["files"][0]["notes"]
    assert any("legacy .xls" in n for n in notes)
    plain = tmp_path / "p.txt"
    plain.write_text("nothing here", encoding="utf-8")
    assert "notes" not in scan_paths([str(plain)], ScanOptions(engine="python")).to_dict()["files"][0]
