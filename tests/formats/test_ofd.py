"""OFD: text with page positions, DocInfo metadata, annotations, attachments, media EXIF,
hidden text objects; and the OFD sanitiser."""

from __future__ import annotations

from pathlib import Path

import pytest

from formats.factory_cn import build_ofd, jpeg_with_gps
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.model import Layer
from mosaicguard.pipeline import ScanOptions, scan_paths

ID = "11010519491231002X"
PHONE = "13812345678"


def _ofd() -> bytes:
    return build_ofd(
        [[("关于7301工程验收的通知", (20, 30, 150, 8)), (f"联系人身份证号{ID}", (20, 50, 150, 8))],
         [(f"现场电话 {PHONE}", (20, 40, 150, 8))]],
        author="李明 13912345678", custom={"承办处室": "保密处"},
        annotation=("王芳", "此处删去坐标 N39.9042 E116.4074"),
        attachment=("名单.txt", f"内部名单 {ID}".encode()),
        image=jpeg_with_gps(), hidden_text="秘密★10年",
    )


def test_ofd_text_pages_and_boxes() -> None:
    doc = extract_bytes(_ofd(), "notice.ofd", ExtractContext())
    assert doc.status == "ok", doc.error
    assert doc.page_count == 2
    body = [s for s in doc.segments if s.layer is Layer.BODY]
    id_seg = next(s for s in body if ID in s.text)
    assert id_seg.location.page == 1 and id_seg.location.bbox == (20.0, 50.0, 170.0, 58.0)
    phone_seg = next(s for s in body if PHONE in s.text)
    assert phone_seg.location.page == 2
    # offsets are exact within the part
    assert id_seg.location.end - id_seg.location.start == len(id_seg.text)


def test_ofd_metadata_annotations_attachments_hidden() -> None:
    doc = extract_bytes(_ofd(), "notice.ofd", ExtractContext())
    meta = {m.key: m.value for m in doc.metadata}
    assert meta["Author"].startswith("李明") and meta["Creator"] == "WPS Office"
    assert meta["CustomData:承办处室"] == "保密处"
    kinds = {h.category for h in doc.hidden}
    assert {"metadata", "comment", "embedded", "hidden_text"} <= kinds
    comment = next(s for s in doc.segments if s.layer is Layer.COMMENT and "N39" in s.text)
    assert comment.location.page == 1
    assert any(s.layer is Layer.HIDDEN_TEXT and "秘密" in s.text for s in doc.segments)
    names = sorted(e.path for e in doc.embedded)
    assert any(n.endswith("!名单.txt") for n in names) and any(n.endswith("photo.jpg") for n in names)
    photo = next(e for e in doc.embedded if e.path.endswith("photo.jpg"))
    assert any(h.category == "gps" for h in photo.hidden)


def test_ofd_scan_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "notice.ofd"
    path.write_bytes(_ofd())
    report = scan_paths([str(path)], ScanOptions(engine="python"))
    result = report.files[0]
    assert result.status == "ok"
    cats = {(f.category, f.layer.value) for f in result.findings}
    assert ("cn_id", "body") in cats
    assert ("phone", "body") in cats
    assert ("phone", "metadata") in cats  # a phone number in the Author field
    assert ("coordinates", "comment") in cats
    assert ("comment", "comment") in cats and ("hidden_text", "hidden_text") in cats
    assert any(f.category == "cn_id" and f.layer.value == "embedded" for f in result.findings)
    located = next(f for f in result.findings if f.category == "cn_id" and f.layer.value == "body")
    assert located.location.page == 1 and located.location.bbox is not None


@pytest.mark.parametrize("data, message", [
    (b"PK\x03\x04garbage", "damaged"),
    (b"not a zip", "not a OFD"),
])
def test_ofd_broken_files_are_errors(data: bytes, message: str) -> None:
    doc = extract_bytes(data, "bad.ofd", ExtractContext())
    assert doc.status == "error" and message in (doc.error or "")


def test_ofd_without_entry_point_is_error() -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Doc_0/Document.xml", "<x/>")
    doc = extract_bytes(buf.getvalue(), "bad.ofd", ExtractContext())
    assert doc.status == "error" and "OFD.xml" in (doc.error or "")


def test_ofd_sanitize_removes_metadata_annotations_attachments_and_values(tmp_path: Path) -> None:
    from mosaicguard.sanitize.run import sanitize_paths

    src = tmp_path / "in" / "notice.ofd"
    src.parent.mkdir()
    src.write_bytes(_ofd())
    out = tmp_path / "out"
    report = sanitize_paths([str(src)], str(out), ScanOptions(engine="python"))
    outcome = report.files[0]
    assert outcome.status == "sanitized", outcome.error
    kinds = {a.kind for a in outcome.actions}
    assert {"remove_metadata", "remove_comments", "remove_embedded", "remove_hidden", "redact_text"} <= kinds
    clean = (out / "notice.ofd").read_bytes()
    doc = extract_bytes(clean, "notice.ofd", ExtractContext())
    assert doc.status == "ok"
    assert {m.key for m in doc.metadata} <= {"DocID"}
    assert not doc.hidden and not [e for e in doc.embedded if e.path.endswith(".txt")]
    text = doc.text()
    assert ID not in text and PHONE not in text and "李明" not in text and "N39.9042" not in text
    assert "关于7301工程验收的通知" in text  # the publishable text stays
    photo = next(e for e in doc.embedded if e.path.endswith("photo.jpg"))
    assert not [h for h in photo.hidden if h.category == "gps"]
    # the verifying re-scan found nothing left at or above the redaction level
    assert not [f for _, f in outcome.residual if f.category in ("cn_id", "phone", "comment", "metadata")]


def test_scanned_ofd_page_is_ocrd_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from formats.factory_cn import render_text_image
    from mosaicguard.extract.ocr.result import overlaps

    monkeypatch.setenv("MOSAICGUARD_CACHE_DIR", str(tmp_path / "cache"))
    image, planted = render_text_image([f"扫描件 电话 {PHONE}"], width=1240, line_height=120)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    height_mm = 210 * image.size[1] / image.size[0]
    data = build_ofd([[("正文一页", (20, 30, 150, 8))]], scan=(buf.getvalue(), height_mm))
    doc = extract_bytes(data, "scan.ofd", ExtractContext())
    assert doc.page_count == 2
    ocr = [s for s in doc.segments if s.layer is Layer.OCR]
    phone = next(s for s in ocr if PHONE in s.text.replace(" ", ""))
    assert phone.location.page == 2
    mm = 210 / image.size[0]
    planted_mm = tuple(v * mm for v in planted[0])
    assert phone.location.bbox is not None and overlaps(phone.location.bbox, planted_mm)
    # the scan is still checked as an embedded image, but not read twice
    scan_doc = next(e for e in doc.embedded if e.path.endswith("scan.png"))
    assert not [s for s in scan_doc.segments if s.layer is Layer.OCR]
    never = extract_bytes(data, "scan.ofd", ExtractContext(ocr="never"))
    assert not [s for s in never.segments if s.layer is Layer.OCR]


def test_sanitize_scanned_ofd_blacks_out_pixels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from formats.factory_cn import render_text_image
    from mosaicguard.extract.ocr import still_readable
    from mosaicguard.sanitize.run import sanitize_paths

    monkeypatch.setenv("MOSAICGUARD_CACHE_DIR", str(tmp_path / "cache"))
    image, _ = render_text_image([f"扫描件 电话 {PHONE}"], width=1240, line_height=120)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    src = tmp_path / "in" / "scan.ofd"
    src.parent.mkdir()
    src.write_bytes(build_ofd([[("正文", (20, 30, 150, 8))]], scan=(buf.getvalue(), 210 * image.size[1] / 1240)))
    outcome = sanitize_paths([str(src)], str(tmp_path / "out"), ScanOptions(engine="python")).files[0]
    assert outcome.status == "sanitized", outcome.error
    assert any(a.kind == "black_out" and a.category == "phone" for a in outcome.actions)
    assert not [f for _, f in outcome.residual if f.category == "phone"]
    clean = extract_bytes((tmp_path / "out" / "scan.ofd").read_bytes(), "scan.ofd", ExtractContext(ocr="never"))
    import zipfile

    with zipfile.ZipFile(tmp_path / "out" / "scan.ofd") as zf:
        pixels = zf.read("Doc_0/Res/scan.png")
    assert still_readable(pixels, [PHONE, "扫描件"]) == ["扫描件"]
    assert clean.status == "ok"


def test_ofd_template_page_is_redacted_like_content_pages(tmp_path: Path) -> None:
    """A template page (letterhead) is drawn under every page: a phone in it is found by the scan
    and gone, at the byte level, from the sanitised copy."""
    from mosaicguard.sanitize.run import sanitize_paths

    src = tmp_path / "in" / "tpl.ofd"
    src.parent.mkdir()
    src.write_bytes(build_ofd([[("关于项目验收的通知", (20, 30, 150, 8))]], template=f"承办人电话 {PHONE}"))
    found = scan_paths([str(src)], ScanOptions(engine="python")).files[0].findings
    assert any(f.category == "phone" and f.location.part == "Doc_0/Tpls/Tpl_0/Content.xml" for f in found)
    outcome = sanitize_paths([str(src)], str(tmp_path / "out"), ScanOptions(engine="python")).files[0]
    assert outcome.status == "sanitized", outcome.error
    assert any(a.kind == "redact_text" and a.category == "phone" for a in outcome.actions)
    import zipfile

    with zipfile.ZipFile(tmp_path / "out" / "tpl.ofd") as zf:
        assert all(PHONE.encode() not in zf.read(n) for n in zf.namelist())
        assert "关于项目验收的通知".encode() in zf.read("Doc_0/Pages/Page_0/Content.xml")
    assert not [f for _, f in outcome.residual if f.category == "phone"]
