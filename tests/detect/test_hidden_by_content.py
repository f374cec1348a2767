"""Hidden data judged by what it holds: template comments and titles that repeat the heading are
not findings, a comment or free-text photo field is low until a content detector finds something
in it, and then both the content finding (layer `comment`) and the hidden item (>= medium) are
reported. Files are built by the tests (tests/clean_factory.py) and read by the real extractors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pymupdf
import pytest

import clean_factory as cf
from mosaicguard.detect.engine import Engine
from mosaicguard.detect.hidden import is_markup, settle
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.model import Document, Finding, HiddenItem, Layer, Location, Segment, Severity
from mosaicguard.policy.schema import Policy

ENGINE = Engine(Policy(), engine="python")
MOBILE = "13912345678"
MARKING = "机密★10年"


def scan(name: str, data: bytes) -> list[Finding]:
    doc = extract_bytes(data, name, ExtractContext(ocr="never"))
    assert doc.status == "ok", doc.error
    return ENGINE.scan(doc)


@pytest.mark.parametrize(
    ("comment", "markup"),
    [
        ("contentTable", True),
        ("vF_detail_main", True),
        ("end header", True),
        ("/vF_detail_content", True),
        ('<div class="share"><a href="/share">分享</a></div>', True),
        ("{{footer_include}}", True),
        ('style="border-bottom-color:#000000; border-bottom-style:solid; width:107.8pt"', True),
        ("color: red; margin: 0 auto;", True),
        ("", True),
        ("内部备注：预算 300 万，勿公开", False),
        ("TODO: remove the staging password before go-live", False),
        ('<p>联系人 张三 电话 0771-3836260</p>', False),
        ("old notice text kept here for the archive team", False),
        ('title="营区新建雷达站"', False),
    ],
)
def test_markup_is_judged_by_content(comment: str, markup: bool) -> None:
    assert is_markup(comment) is markup


def test_procurement_portal_template_comments_are_not_findings() -> None:
    findings = scan("notice.html", cf.portal_html(3))
    assert [f for f in findings if f.severity.at_least(Severity.MEDIUM)] == []
    assert [f for f in findings if f.category == "comment"] == []
    # The title repeats the visible <h1>: not a finding either.
    assert not any(cf.HEADINGS[3] in f.match for f in findings)


def test_mobile_number_in_a_comment_raises_the_comment() -> None:
    findings = scan("notice.html", cf.portal_html(3, extra_comment=f"现场联系人手机 {MOBILE}，勿公开"))
    phone = [f for f in findings if f.category == "phone"]
    assert [(f.match, f.layer) for f in phone] == [(MOBILE, Layer.COMMENT)]
    comment = [f for f in findings if f.category == "comment"]
    assert len(comment) == 1 and MOBILE in comment[0].match
    assert comment[0].severity.at_least(Severity.MEDIUM) and comment[0].severity.rank >= phone[0].severity.rank
    assert "phone" in comment[0].message
    # The template comments around it stay quiet.
    assert not any("vF_detail" in f.match or "end header" in f.match for f in findings)


def test_plain_prose_comment_without_content_is_low() -> None:
    findings = scan("notice.html", cf.portal_html(1, extra_comment="请下周一前与财务核对后再发布"))
    assert [(f.category, f.severity) for f in findings] == [("comment", Severity.LOW)]


def test_jpeg_user_comment_is_a_comment_layer_scanned_by_every_detector() -> None:
    findings = scan("site.jpg", cf.camera_jpeg(2, user_comment=f"{MARKING} 现场负责人 {MOBILE}"))
    by_category = {f.category: f for f in findings}
    assert by_category["marking"].match == MARKING and by_category["marking"].layer == Layer.COMMENT
    assert by_category["phone"].match == MOBILE and by_category["phone"].layer == Layer.COMMENT
    comment = by_category["comment"]
    assert comment.layer == Layer.COMMENT and comment.severity == by_category["marking"].severity
    assert comment.location.pointer == "EXIF:UserComment"


def test_free_text_in_a_photo_embedded_in_a_pdf_is_scanned_as_comment() -> None:
    pdf = pymupdf.open()
    page = pdf.new_page()
    page.insert_text((72, 72), "Site photos", fontname="helv", fontsize=12)
    page.insert_image(pymupdf.Rect(72, 100, 264, 228), stream=cf.camera_jpeg(1, user_comment=f"{MARKING} {MOBILE}"))
    findings = scan("report.pdf", pdf.tobytes())
    marking = [f for f in findings if f.category == "marking"]
    assert marking and all(f.layer == Layer.COMMENT for f in marking)
    assert any(f.category == "comment" and f.severity.at_least(Severity.MEDIUM) for f in findings)


def test_clean_camera_photo_is_at_most_low() -> None:
    findings = scan("photo.jpg", cf.camera_jpeg(4))
    assert findings, "camera model and capture time are still shown (low)"
    assert all(f.severity == Severity.LOW for f in findings)
    assert {f.category for f in findings} == {"metadata"}


def test_pdf_and_docx_title_equal_to_first_heading_is_no_finding(tmp_path: Path) -> None:
    pdf = cf.titled_pdf(tmp_path / "notice.pdf", 2)
    docx = cf.titled_docx(tmp_path / "notice.docx", 2)
    for path in (pdf, docx):
        doc = extract_bytes(path.read_bytes(), path.name, ExtractContext(ocr="never"))
        assert any(h.value == cf.HEADINGS[2] for h in doc.hidden), "the title is still read"
        assert ENGINE.scan(doc) == [], path.name


def test_a_title_that_differs_from_the_heading_is_still_reported(tmp_path: Path) -> None:
    path = cf.titled_pdf(tmp_path / "notice.pdf", 2)
    pdf = pymupdf.open(path)
    pdf.set_metadata({"title": "7301工程 营区改造 内部稿"})
    findings = scan("notice.pdf", pdf.tobytes())
    assert [f.match for f in findings if f.category == "metadata"] == ["7301工程 营区改造 内部稿"]


def test_settle_leaves_other_hidden_kinds_alone() -> None:
    doc = Document(path="a.docx", sha256="0", segments=(Segment("end header", Layer.BODY),),
                   media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    gps = Finding("gps", Severity.HIGH, 0.95, "39.9, 116.4", Layer.METADATA, "hidden.gps", "m")
    word_comment = Finding("comment", Severity.MEDIUM, 0.95, "end header", Layer.COMMENT, "hidden.comment", "m")
    # A Word comment is never "template markup"; here it repeats a visible line, so it goes.
    assert settle([gps, word_comment], doc) == [gps]
    label = replace(word_comment, match="check totals")
    assert settle([label], doc) == [label], "a short note in a Word file is kept"
    html = replace(doc, media_type="text/html; charset=utf-8")
    assert settle([label], html) == [], "the same words in an HTML comment are a template label"
    short = HiddenItem("comment", "c", "ok", Location(part="word/comments.xml"))
    assert len(ENGINE.scan(Document(path="b.docx", media_type="application/x", sha256="0", hidden=(short,)))) == 1


REALWORLD = Path(__file__).resolve().parents[2] / ".." / "shared" / "realworld" / "docs"


def test_real_procurement_award_page_comments_are_not_medium() -> None:
    """A real award notice (ycggzy): a comment holding the notice's title and one holding a
    commented-out table cell style. Neither holds anything a detector finds: the style is
    template markup (not reported), the title is low."""
    path = REALWORLD / "zh_ycggzy_qingjiang-psh-pipeline-award.html"
    findings = scan(path.name, path.read_bytes())
    comments = [f for f in findings if f.category == "comment"]
    assert [f.severity for f in comments] == [Severity.LOW]
    assert "中标结果公告" in comments[0].match
    assert not any("border-bottom" in f.match for f in findings)


def _jpeg_with_free_text() -> bytes:
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x010E] = "new site east of the depot"  # ImageDescription (ASCII in EXIF)
    exif[0x9C9C] = "XP comment 13812345678".encode("utf-16-le") + b"\x00\x00"  # XPComment
    exif[0x9C9F] = "subject line".encode("utf-16-le") + b"\x00\x00"  # XPSubject
    xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description><rdf:Alt>'
           '<rdf:li xml:lang="x-default">秘密★ 现场照片</rdf:li></rdf:Alt></dc:description>'
           "</rdf:Description></rdf:RDF></x:xmpmeta>")
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), "gray").save(buf, "JPEG", exif=exif.tobytes(), xmp=xmp.encode())
    return buf.getvalue()


def test_exif_and_xmp_free_text_fields_are_comment_segments() -> None:
    doc = extract_bytes(_jpeg_with_free_text(), "p.jpg", ExtractContext(ocr="never"))
    comments = {s.field: s.text for s in doc.segments if s.layer == Layer.COMMENT}
    assert comments == {"EXIF:ImageDescription": "new site east of the depot",
                        "EXIF:XPComment": "XP comment 13812345678",
                        "EXIF:XPSubject": "subject line", "XMP:description": "秘密★ 现场照片"}
    findings = ENGINE.scan(doc)
    assert {(f.category, f.layer) for f in findings if f.category in ("phone", "marking")} == {
        ("phone", Layer.COMMENT), ("marking", Layer.COMMENT)}
    raised = {f.location.pointer: f.severity for f in findings if f.category == "comment"}
    assert raised["EXIF:XPComment"].at_least(Severity.MEDIUM) and raised["XMP:description"].at_least(Severity.MEDIUM)
    assert raised["EXIF:XPSubject"] == Severity.LOW
