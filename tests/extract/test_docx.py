"""Word extraction: every layer, every kind of hidden data, offsets that map back, bad input."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from mosaicguard.extract.base import ExtractContext, Limits
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.model import Document, Layer
from office_factory import (
    AUTHOR,
    COMMENT_TEXT,
    COMPANY,
    CUSTOM_VALUE,
    DELETED_TEXT,
    DOC_VAR,
    FOOTER_TEXT,
    HEADER_TEXT,
    HIDDEN_TEXT,
    ID_NUMBER,
    INSERTED_TEXT,
    LAST_MODIFIED_BY,
    PHONE,
    TABLE_TEXT,
    TEXTBOX_TEXT,
    VISIBLE_TEXT,
    edit_package,
    make_docx,
    make_white_tiny_docx,
)


def _extract(data: bytes, limits: Limits | None = None) -> Document:
    return extract_bytes(data, "notice.docx", ExtractContext(limits=limits or Limits()))


@pytest.fixture(scope="module")
def docx_doc(tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = make_docx(tmp_path_factory.mktemp("docx") / "notice.docx")
    doc = _extract(path.read_bytes())
    assert doc.status == "ok", doc.error
    return doc


def _segment(doc: Document, text: str):  # type: ignore[no-untyped-def]
    matches = [s for s in doc.segments if text in s.text]
    assert matches, f"{text!r} not extracted"
    return matches[0]


@pytest.mark.parametrize(
    ("text", "layer", "part"),
    [
        (VISIBLE_TEXT, Layer.BODY, "word/document.xml"),
        (TABLE_TEXT, Layer.TABLE, "word/document.xml"),
        (ID_NUMBER, Layer.TABLE, "word/document.xml"),
        (HEADER_TEXT, Layer.HEADER, "word/header1.xml"),
        (FOOTER_TEXT, Layer.FOOTER, "word/footer1.xml"),
        (COMMENT_TEXT, Layer.COMMENT, "word/comments.xml"),
        (DELETED_TEXT, Layer.REVISION, "word/document.xml"),
        (INSERTED_TEXT, Layer.REVISION, "word/document.xml"),
        (HIDDEN_TEXT, Layer.HIDDEN_TEXT, "word/document.xml"),
        (TEXTBOX_TEXT, Layer.BODY, "word/document.xml"),
        (AUTHOR, Layer.METADATA, "docProps/core.xml"),
        (LAST_MODIFIED_BY, Layer.METADATA, "docProps/core.xml"),
        (COMPANY, Layer.METADATA, "docProps/app.xml"),
        (CUSTOM_VALUE, Layer.METADATA, "docProps/custom.xml"),
        (DOC_VAR, Layer.METADATA, "word/settings.xml"),
    ],
)
def test_every_layer_is_extracted(docx_doc: Document, text: str, layer: Layer, part: str) -> None:
    segment = _segment(docx_doc, text)
    assert segment.layer is layer
    assert segment.location.part == part


def test_offsets_index_the_part_stream(docx_doc: Document) -> None:
    # Rebuild each part's stream from the segments: every segment's text sits at its offsets.
    streams: dict[str, list[str]] = {}
    for seg in docx_doc.segments:
        part = seg.location.part or ""
        buf = streams.setdefault(part, [])
        text = "".join(buf)
        assert seg.location.start is not None and seg.location.start >= len(text)
        buf.append(" " * (seg.location.start - len(text)) + seg.text)
        assert seg.location.end == seg.location.start + len(seg.text)
    phone = _segment(docx_doc, PHONE)
    assert phone.location.pointer == "paragraph 2"


def test_text_box_is_read_once_despite_fallback_copy(docx_doc: Document) -> None:
    assert sum(TEXTBOX_TEXT in s.text for s in docx_doc.segments) == 1


@pytest.mark.parametrize(
    ("category", "description", "value"),
    [
        ("revision", f"tracked deletion by '{AUTHOR}'", DELETED_TEXT),
        ("revision", f"tracked insertion by '{LAST_MODIFIED_BY}'", INSERTED_TEXT),
        ("comment", f"comment by '{AUTHOR}'", COMMENT_TEXT),
        ("hidden_text", "hidden text (w:vanish)", HIDDEN_TEXT),
        ("metadata", "document property author (dc:creator)", AUTHOR),
        ("metadata", "document property last modified by", LAST_MODIFIED_BY),
        ("metadata", "document property company", COMPANY),
        ("metadata", "custom document property 'ProjectCode'", CUSTOM_VALUE),
        ("metadata", "document variable 'SourcePath'", DOC_VAR),
    ],
)
def test_hidden_items(docx_doc: Document, category: str, description: str, value: str) -> None:
    items = [h for h in docx_doc.hidden if h.category == category and h.description.startswith(description)]
    assert len(items) == 1, [h.description for h in docx_doc.hidden]
    assert items[0].value == value
    assert items[0].location.part


def test_one_metadata_item_per_field_and_default_template_not_reported(docx_doc: Document) -> None:
    described = [h.description for h in docx_doc.hidden if h.category == "metadata"]
    assert len(described) == len(set(described))
    assert not any("template" in d for d in described)  # Normal.dotm says nothing
    keys = {m.key for m in docx_doc.metadata}
    assert {"dc:creator", "cp:lastModifiedBy", "ep:Company", "custom:ProjectCode"} <= keys


def test_embedded_image_goes_through_dispatch(docx_doc: Document) -> None:
    assert [e.path for e in docx_doc.embedded] == ["notice.docx!word/media/image1.jpg"]


def test_clean_document_has_no_hidden_items(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "clean.docx", revisions=False, hidden=False, comments=False, metadata=False,
                     image=False, textbox=False)
    doc = _extract(path.read_bytes())
    assert doc.status == "ok"
    assert [h for h in doc.hidden if h.category != "metadata"] == []
    assert {s.layer for s in doc.segments} <= {Layer.BODY, Layer.TABLE, Layer.HEADER, Layer.FOOTER, Layer.METADATA}


def test_phone_in_author_field_is_found_by_the_engine(tmp_path: Path) -> None:
    import docx

    from mosaicguard.detect.engine import Engine
    from mosaicguard.policy.schema import Policy

    document = docx.Document()
    document.add_paragraph("nothing to see")
    document.core_properties.author = f"Wang {PHONE}"
    path = tmp_path / "author.docx"
    document.save(path)
    findings = Engine(Policy()).scan(_extract(path.read_bytes()))
    phones = [f for f in findings if f.category == "phone"]
    assert phones and phones[0].layer is Layer.METADATA
    assert phones[0].location.part == "docProps/core.xml"


# --- bad input --------------------------------------------------------------------------------


def _minimal_docx(document_xml: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"/>')
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        zf.writestr("word/document.xml", document_xml)
    return buf.getvalue()


_BODY = (b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
         b"<w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>")


def test_minimal_package_reads() -> None:
    doc = _extract(_minimal_docx(_BODY % b"hello"))
    assert doc.status == "ok"
    assert [s.text for s in doc.segments] == ["hello"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password-protected/encrypted"),
        (b"PK\x03\x04garbage-not-a-zip", "damaged or truncated"),
        (b"just text", "not an Office Open XML file"),
        (_minimal_docx(b"<w:document><w:body><w:p>"), "malformed XML in part word/document.xml"),
        (
            _minimal_docx(b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
                          + (_BODY % b"&lol2;")[21:]),
            "declares a DTD/entities",
        ),
    ],
    ids=["encrypted", "bad-zip", "not-zip", "malformed-xml", "xml-bomb"],
)
def test_bad_input_is_a_clear_error(data: bytes, message: str) -> None:
    doc = _extract(data)
    assert doc.status == "error"
    assert message in (doc.error or "")
    assert doc.segments == ()


def test_truncated_file_is_an_error_not_a_partial_document(tmp_path: Path) -> None:
    data = make_docx(tmp_path / "t.docx").read_bytes()
    doc = _extract(data[: len(data) // 2])
    assert doc.status == "error"
    assert doc.segments == ()


def test_oversized_part_hits_the_limit(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "big.docx", extra_body="x" * 50_000)
    doc = _extract(path.read_bytes(), Limits(max_xml_part_bytes=20_000))
    assert doc.status == "error"
    assert "safety limit" in (doc.error or "")
    assert "word/document.xml" in (doc.error or "")


def test_comments_part_present_but_unlinked_is_still_read(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "unlinked.docx", revisions=False, metadata=False, image=False, textbox=False)
    edit_package(path, {"word/_rels/document.xml.rels": lambda old: (old or b"").replace(b"comments.xml", b"x.xml")})
    doc = _extract(path.read_bytes())
    assert any(COMMENT_TEXT in s.text and s.layer is Layer.COMMENT for s in doc.segments)


def test_large_document_is_fast(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for i in range(3000):
        document.add_paragraph(f"第{i}段 paragraph text with a number 1380013{i:04d} and more words")
    path = tmp_path / "large.docx"
    document.save(path)
    data = path.read_bytes()
    start = time.perf_counter()
    doc = _extract(data)
    elapsed = time.perf_counter() - start
    assert doc.status == "ok"
    assert len([s for s in doc.segments if s.layer is Layer.BODY]) == 3000
    assert elapsed < 2.0, elapsed


def test_footnotes_with_tracked_deletion(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "fn.docx", revisions=False, hidden=False, comments=False, metadata=False,
                     image=False, textbox=False)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    notes = (f'<w:footnotes xmlns:w="{w}"><w:footnote w:id="1"><w:p><w:r><w:t>脚注 footnote text</w:t></w:r>'
             f'<w:del w:id="5" w:author="Footnote Author"><w:r><w:delText>removed 13912345678</w:delText></w:r>'
             "</w:del></w:p></w:footnote></w:footnotes>").encode()
    rel = (b'<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'footnotes" Target="footnotes.xml"/></Relationships>')
    edit_package(path, {
        "word/footnotes.xml": lambda _o: notes,
        "word/_rels/document.xml.rels": lambda old: (old or b"").replace(b"</Relationships>", rel),
    })
    doc = _extract(path.read_bytes())
    texts = {s.text: s for s in doc.segments if s.location.part == "word/footnotes.xml"}
    assert texts["脚注 footnote text"].layer is Layer.BODY
    assert texts["removed 13912345678"].layer is Layer.REVISION
    assert any(h.description.startswith("tracked deletion by 'Footnote Author'") for h in doc.hidden)


def test_zip_bomb_part_is_refused() -> None:
    buf = io.BytesIO()
    body = _BODY.replace(b"%s", b" " * 3_000_000)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", body)
    doc = _extract(buf.getvalue())
    assert doc.status == "error"
    assert "zip bomb" in (doc.error or "")
    assert "word/document.xml" in (doc.error or "")


def test_white_and_tiny_text_are_hidden_text(tmp_path: Path) -> None:
    doc = _extract(make_white_tiny_docx(tmp_path / "white.docx").read_bytes())
    layers = {s.text.strip(): s.layer for s in doc.segments}
    assert layers["white secret 白色文字"] is Layer.HIDDEN_TEXT
    assert layers["tiny secret 小字"] is Layer.HIDDEN_TEXT
    assert layers["white on dark 深色底"] is Layer.BODY  # legitimate: white on a shaded paragraph
    reasons = sorted(h.description for h in doc.hidden if h.category == "hidden_text")
    assert reasons == ["text of 1 pt or less in paragraph 1", "white text on a white background in paragraph 1"]
