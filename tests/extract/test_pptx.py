"""PowerPoint extraction: slides, tables, notes, comments, hidden slides, off-slide shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.model import Document, Layer
from office_factory import (
    AUTHOR,
    COMPANY,
    HIDDEN_SLIDE_TEXT,
    ID_NUMBER,
    NOTES_TEXT,
    OFF_SLIDE_TEXT,
    PHONE,
    PPT_COMMENT,
    PPT_TABLE_TEXT,
    SLIDE_TEXT,
    make_pptx,
)


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = make_pptx(tmp_path_factory.mktemp("pptx") / "deck.pptx")
    doc = extract_bytes(path.read_bytes(), "deck.pptx", ExtractContext())
    assert doc.status == "ok", doc.error
    return doc


@pytest.mark.parametrize(
    ("text", "layer", "pointer", "part"),
    [
        (SLIDE_TEXT, Layer.BODY, "slide 1", "ppt/slides/slide1.xml"),
        (f"Call {PHONE}", Layer.BODY, "slide 1", "ppt/slides/slide1.xml"),
        (PPT_TABLE_TEXT, Layer.TABLE, "slide 1", "ppt/slides/slide1.xml"),
        (ID_NUMBER, Layer.TABLE, "slide 1", "ppt/slides/slide1.xml"),
        (OFF_SLIDE_TEXT, Layer.HIDDEN_TEXT, "slide 1", "ppt/slides/slide1.xml"),
        (NOTES_TEXT, Layer.NOTES, "slide 1 notes", "ppt/notesSlides/notesSlide1.xml"),
        (PPT_COMMENT, Layer.COMMENT, "slide 1 comments", "ppt/comments/comment1.xml"),
        (HIDDEN_SLIDE_TEXT, Layer.HIDDEN_TEXT, "slide 2", "ppt/slides/slide2.xml"),
        (AUTHOR, Layer.METADATA, "dc:creator", "docProps/core.xml"),
        (COMPANY, Layer.METADATA, "ep:Company", "docProps/app.xml"),
    ],
)
def test_text_and_layers(deck: Document, text: str, layer: Layer, pointer: str, part: str) -> None:
    matches = [s for s in deck.segments if s.text == text]
    assert len(matches) == 1, [s.text for s in deck.segments]
    assert matches[0].layer is layer
    assert matches[0].location.pointer == pointer
    assert matches[0].location.part == part


def test_notes_slide_image_and_number_placeholders_are_not_notes(deck: Document) -> None:
    notes = [s for s in deck.segments if s.layer is Layer.NOTES]
    assert [s.text for s in notes] == [NOTES_TEXT]


@pytest.mark.parametrize(
    ("category", "description", "value"),
    [
        ("notes", "speaker notes on slide 1", NOTES_TEXT),
        ("comment", f"comment on slide 1 by '{AUTHOR}'", PPT_COMMENT),
        ("hidden_text", "hidden slide 2", HIDDEN_SLIDE_TEXT),
        ("hidden_text", "shape 'TextBox 4' placed off the slide on slide 1", OFF_SLIDE_TEXT),
        ("metadata", "document property author", AUTHOR),
    ],
)
def test_hidden_items(deck: Document, category: str, description: str, value: str) -> None:
    items = [h for h in deck.hidden if h.category == category and h.description.startswith(description)]
    assert len(items) == 1, [h.description for h in deck.hidden]
    assert items[0].value == value


def test_slide_count_and_embedded_image(deck: Document) -> None:
    assert deck.page_count == 2
    assert [e.path for e in deck.embedded] == ["deck.pptx!ppt/media/image1.jpg"]


def test_hidden_shape_flag(tmp_path: Path) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(1))
    box.text_frame.text = "invisible 不可见"
    box._element.nvSpPr.cNvPr.set("hidden", "1")
    path = tmp_path / "hidden-shape.pptx"
    prs.save(path)
    doc = extract_bytes(path.read_bytes(), "h.pptx", ExtractContext())
    assert [s.layer for s in doc.segments if s.text == "invisible 不可见"] == [Layer.HIDDEN_TEXT]
    assert any(h.description.startswith("shape 'TextBox 1' hidden on slide 1") for h in doc.hidden)


def test_truncated_presentation_is_an_error(tmp_path: Path) -> None:
    data = make_pptx(tmp_path / "t.pptx").read_bytes()
    doc = extract_bytes(data[:-200], "t.pptx", ExtractContext())
    assert doc.status == "error"
    assert doc.segments == ()


def test_modern_comments(tmp_path: Path) -> None:
    from pptx import Presentation

    from office_factory import edit_package

    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[6])
    path = tmp_path / "modern.pptx"
    prs.save(path)
    p188 = "http://schemas.microsoft.com/office/powerpoint/2018/8/main"
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    comments = (f'<p188:cmLst xmlns:p188="{p188}" xmlns:a="{a}"><p188:cm id="{{1}}" authorId="{{A1}}">'
                "<p188:txBody><a:bodyPr/><a:p><a:r><a:t>modern 批注 text</a:t></a:r></a:p></p188:txBody>"
                "</p188:cm></p188:cmLst>").encode()
    authors = (f'<p188:authorLst xmlns:p188="{p188}"><p188:author id="{{A1}}" name="Modern Author" '
               'initials="MA" userId="x" providerId="None"/></p188:authorLst>').encode()
    edit_package(path, {
        "ppt/comments/modernComment_100_1.xml": lambda _o: comments,
        "ppt/authors.xml": lambda _o: authors,
        "ppt/slides/_rels/slide1.xml.rels": lambda old: (old or b"").replace(
            b"</Relationships>", b'<Relationship Id="rIdMc" Type="http://schemas.microsoft.com/office/2018/10/'
            b'relationships/comments" Target="../comments/modernComment_100_1.xml"/></Relationships>'),
        "ppt/_rels/presentation.xml.rels": lambda old: (old or b"").replace(
            b"</Relationships>", b'<Relationship Id="rIdAu" Type="http://schemas.microsoft.com/office/2018/10/'
            b'relationships/authors" Target="authors.xml"/></Relationships>'),
    })
    doc = extract_bytes(path.read_bytes(), "m.pptx", ExtractContext())
    assert [s.layer for s in doc.segments if s.text == "modern 批注 text"] == [Layer.COMMENT]
    assert any(h.description == "comment on slide 1 by 'Modern Author'" for h in doc.hidden)

    from mosaicguard.policy.schema import SanitizeSettings
    from mosaicguard.sanitize.ooxml import PptxSanitizer
    from office_factory import all_member_bytes

    clean = PptxSanitizer().sanitize(path.read_bytes(), doc, [], SanitizeSettings()).data
    blob = all_member_bytes(clean)
    assert b"modern " not in blob and b"Modern Author" not in blob
    assert len(Presentation(__import__("io").BytesIO(clean)).slides) == 1


def test_chart_titles_and_labels_are_body_text(tmp_path: Path) -> None:
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    data = CategoryChartData()
    data.categories = ["雷达站 A", "雷达站 B"]
    data.add_series("预算 budget", (1.0, 2.0))
    slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(1), Inches(4), Inches(3), data)
    path = tmp_path / "chart.pptx"
    prs.save(path)
    doc = extract_bytes(path.read_bytes(), "chart.pptx", ExtractContext())
    labels = {s.text: s for s in doc.segments if (s.location.part or "").startswith("ppt/charts/")}
    assert {"雷达站 A", "雷达站 B", "预算 budget"} <= set(labels)
    assert labels["雷达站 A"].layer is Layer.BODY
    assert labels["雷达站 A"].location.pointer == "chart chart1.xml"
    assert "1.0" not in labels  # numbers are not labels


def test_master_text_outside_placeholders(tmp_path: Path) -> None:
    from pptx import Presentation

    from office_factory import edit_package

    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[6])
    path = tmp_path / "master.pptx"
    prs.save(path)
    shape = ('<p:sp><p:nvSpPr><p:cNvPr id="99" name="Mark"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>'
             '<p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="100" cy="100"/></a:xfrm></p:spPr>'
             "<p:txBody><a:bodyPr/><a:p><a:r><a:t>内部资料 注意保存</a:t></a:r></a:p></p:txBody></p:sp>")
    edit_package(path, {"ppt/slideMasters/slideMaster1.xml": lambda old: (old or b"").replace(
        b"</p:spTree>", shape.encode() + b"</p:spTree>", 1)})
    doc = extract_bytes(path.read_bytes(), "m.pptx", ExtractContext())
    masters = [s for s in doc.segments if (s.location.part or "").startswith("ppt/slideMasters/")]
    assert [s.text for s in masters] == ["内部资料 注意保存"]
    assert masters[0].location.pointer == "slide master slideMaster1.xml"
    assert not any("Click to edit" in s.text for s in doc.segments)
