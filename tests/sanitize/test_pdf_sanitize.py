"""PDF sanitising: true redaction and removal, verified at byte level, by text extraction, by x-ray
(an independent bad-redaction finder) and by ExifTool."""

from __future__ import annotations

import io
import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pymupdf
import pytest

import pdf_factory as pf
from mosaicguard.detect.engine import Engine
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.extract.pdf import CJK_COMPAT, revision_ends
from mosaicguard.model import CONTENT_CATEGORIES, Document, Finding, Layer, Severity
from mosaicguard.policy.schema import Policy, SanitizeSettings
from mosaicguard.sanitize.base import SanitizeError, SanitizeResult, sanitizer_for
from mosaicguard.sanitize.pdf import PdfSanitizer, strip_jpeg_metadata

ENGINE = Engine(Policy())


def _redactable(doc: Document, settings: SanitizeSettings) -> list[Finding]:
    threshold = Severity.parse(settings.redact_at)
    return [f for f in ENGINE.scan(doc) if f.category in CONTENT_CATEGORIES and f.severity.at_least(threshold)]


def _sanitize(data: bytes, settings: SanitizeSettings | None = None) -> tuple[Document, SanitizeResult]:
    settings = settings or SanitizeSettings()
    doc = extract_bytes(data, "leaky.pdf", ExtractContext())
    assert doc.status == "ok", doc.error
    return doc, PdfSanitizer().sanitize(data, doc, _redactable(doc, settings), settings)


def _all_text(data: bytes) -> str:
    """Text of every page (including off-page areas) and of every annotation."""
    with pymupdf.open(stream=data, filetype="pdf") as pdf:
        parts = []
        for page in pdf:
            parts.append(page.get_text("text", flags=0, clip=pymupdf.INFINITE_RECT()))
            parts.extend(a.info.get("content", "") + a.info.get("title", "") for a in page.annots())
        return "\n".join(parts)


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, Path, SanitizeResult]:
    folder = tmp_path_factory.mktemp("pdfsan")
    original = folder / "leaky.pdf"
    data = pf.build_leaky_pdf(original)
    _, result = _sanitize(data)
    out = folder / "clean.pdf"
    out.write_bytes(result.data)
    return original, data, out, result


def test_registered_for_pdf() -> None:
    assert isinstance(sanitizer_for("a/b/Report.PDF"), PdfSanitizer)


def test_planted_values_are_gone_from_every_byte(cleaned: tuple[Path, bytes, Path, SanitizeResult]) -> None:
    _, original, _, result = cleaned
    before = pf.all_stream_bytes(original)
    after = pf.all_stream_bytes(result.data)

    def present(secret: str, blobs: list[bytes]) -> bool:
        # Literal, UTF-16, and hex-string forms (PyMuPDF writes text as <hex> strings).
        utf16 = secret.encode("utf-16-be")
        forms = (secret.encode(), utf16, utf16.hex().encode(), secret.encode().hex().encode())
        return any(form in blob or form in blob.lower() for blob in blobs for form in forms)

    for secret in pf.ASCII_SECRETS:
        # The original really held it in a searchable form (else the check proves nothing); the
        # two phone numbers are in CJK-font lines, glyph-encoded, so only text extraction sees them.
        if secret not in (pf.PHONE, pf.REMOVED_PHONE):
            assert present(secret, before), secret
        assert not present(secret, after), secret


def test_planted_values_are_gone_from_extracted_text(cleaned: tuple[Path, bytes, Path, SanitizeResult]) -> None:
    _, original, _, result = cleaned
    before, after = _all_text(original), _all_text(result.data)
    assert pf.ID_UNDER_BOX in before and pf.WHITE_ZH in before
    for secret in pf.TEXT_SECRETS:
        assert secret not in after, secret
    # What a reader sees stays, including the rest of a line whose value was cut out.
    for kept in (pf.VISIBLE, pf.VISIBLE_ZH, "Site manager phone", "ID number:", "(see file)", "Photo of the site:"):
        assert kept in after, kept


def test_structure_is_gone(cleaned: tuple[Path, bytes, Path, SanitizeResult]) -> None:
    _, _, _, result = cleaned
    assert len(revision_ends(result.data)) == 1
    with pymupdf.open(stream=result.data, filetype="pdf") as pdf:
        assert pdf.embfile_count() == 0
        assert list(pdf[0].annots()) == []
        assert pdf.xref_get_key(pdf.pdf_catalog(), "OpenAction")[0] == "null"
        assert pdf.get_xml_metadata() == "" and pdf.xref_get_key(-1, "Info")[0] == "null"
        # The page still looks the same: the black box stays, the image stays.
        assert any(d.get("fill") == (0.0, 0.0, 0.0) for d in pdf[0].get_drawings())
        assert len(pdf[0].get_images()) == 1
    kinds = {a.kind for a in result.actions}
    assert kinds >= {"redact_text", "redact_region", "remove_hidden_text", "remove_comments", "remove_attachments",
                     "remove_active_content", "remove_metadata", "flatten_history"}


def test_rescan_of_output_is_clean(cleaned: tuple[Path, bytes, Path, SanitizeResult]) -> None:
    _, _, _, result = cleaned
    doc = extract_bytes(result.data, "clean.pdf", ExtractContext())
    assert doc.status == "ok" and doc.hidden == ()
    residual = [f for f in ENGINE.scan(doc) if f.severity.at_least(Severity.MEDIUM)]
    assert residual == []
    # The photo stays in the page, without its camera metadata.
    assert all(not d.hidden for d in doc.embedded)


# x-ray runs from its own virtualenv (made by `make setup`) with the PyMuPDF it pins, so it is a
# truly independent checker: nothing of this project is imported into it.
XRAY_PYTHON = Path(os.environ.get("MOSAICGUARD_XRAY_PYTHON", Path(__file__).parents[2] / ".venv-xray/bin/python"))
_XRAY_SCRIPT = (
    "import asyncio, json, sys, xray\n"
    "data = open(sys.argv[1], 'rb').read()\n"
    "print(json.dumps(asyncio.run(xray.inspect(data))))\n"
)


def _xray(path: Path) -> dict[str, list[dict[str, object]]]:
    assert XRAY_PYTHON.exists(), f"x-ray's virtualenv is missing at {XRAY_PYTHON}: run `make setup`"
    run = subprocess.run([str(XRAY_PYTHON), "-c", _XRAY_SCRIPT, str(path)], capture_output=True, text=True,
                         check=True, timeout=120)
    found: dict[str, list[dict[str, object]]] = json.loads(run.stdout)
    return found


def test_xray_sees_the_bad_redaction_before_and_none_after(
        cleaned: tuple[Path, bytes, Path, SanitizeResult], tmp_path: Path) -> None:
    _, original, _, result = cleaned
    before_path = tmp_path / "before.pdf"
    after_path = tmp_path / "after.pdf"
    before_path.write_bytes(original)
    after_path.write_bytes(result.data)
    before = _xray(before_path)
    assert [r["text"] for r in before["1"]] == [pf.ID_UNDER_BOX]
    assert _xray(after_path) == {}


def test_exiftool_finds_no_author_or_history(cleaned: tuple[Path, bytes, Path, SanitizeResult]) -> None:
    original, _, out, _ = cleaned

    def tags(path: Path) -> dict[str, object]:
        run = subprocess.run(["exiftool", "-j", "-a", "-G1", str(path)], capture_output=True, text=True, check=True)
        found: dict[str, object] = json.loads(run.stdout)[0]
        return found

    before, after = tags(original), tags(out)
    assert "Zhang San" in json.dumps(before, ensure_ascii=False) and any("History" in k for k in before)
    text = json.dumps(after, ensure_ascii=False)
    for leftover in ("Zhang San", "张三", "zhangsan", pf.CUSTOM, pf.XMP_AGENT):
        assert leftover not in text, leftover
    assert not any(k.split(":")[-1] in ("Author", "Creator", "Producer") or "History" in k or "XMP" in k
                   for k in after)


def test_precise_redaction_box_keeps_the_rest_of_the_line(tmp_path: Path) -> None:
    def build() -> bytes:
        pdf = pymupdf.open()
        page = pdf.new_page()
        page.insert_font(fontname="wqy", fontfile=pf.CJK_FONT)
        page.insert_text((72, 100), "联系人张工，手机13812345678，负责现场施工。", fontname="wqy", fontsize=11)
        data = pdf.tobytes()
        pdf.close()
        return data

    _, result = _sanitize(build())
    text = _all_text(result.data)
    assert "13812345678" not in text
    assert "联系人张工，手机" in text and "负责现场施工" in text
    assert [a.kind for a in result.actions] == ["redact_text"]


def test_rotated_page_is_redacted_in_place() -> None:
    pdf = pymupdf.open()
    page = pdf.new_page()
    page.insert_text((72, 700), f"Bottom line phone {pf.PHONE} here", fontname="helv", fontsize=11)
    page.insert_text((72, 100), f"ID: {pf.ID_UNDER_BOX} end", fontname="helv", fontsize=11)
    page.draw_rect(page.search_for(pf.ID_UNDER_BOX)[0], color=None, fill=(0, 0, 0))
    page.set_rotation(90)
    data = pdf.tobytes()
    pdf.close()
    _, result = _sanitize(data)
    text = _all_text(result.data)
    assert pf.PHONE not in text and pf.ID_UNDER_BOX not in text
    assert "Bottom line phone" in text and "here" in text and "end" in text


def test_settings_decide_what_goes(cleaned: tuple[Path, bytes, Path, SanitizeResult]) -> None:
    _, original, _, _ = cleaned
    keep = SanitizeSettings(redact_at="high", remove_comments=False, remove_metadata=False, remove_hidden=False,
                            remove_embedded=False)
    _, result = _sanitize(original, keep)
    with pymupdf.open(stream=result.data, filetype="pdf") as pdf:
        assert pdf.metadata["author"] == pf.AUTHOR
        # Kept metadata loses only the property holding a finding ("SECRET" reads as a marking).
        assert pdf.xref_get_key(int(pdf.xref_get_key(-1, "Info")[1].split()[0]), pf.CUSTOM_KEY)[0] == "null"
        assert any(a.info["content"] == pf.COMMENT for a in pdf[0].annots())
        assert pdf.embfile_count() == 1  # its phone number is below redact_at here
    text = _all_text(result.data)
    assert pf.WHITE_ZH in text and pf.PHONE in text
    # Never optional: text under a box, JavaScript, earlier revisions.
    assert pf.ID_UNDER_BOX not in text and pf.JS.encode() not in result.data
    assert len(revision_ends(result.data)) == 1
    assert pf.REMOVED.encode().hex().encode() not in b"".join(pf.all_stream_bytes(result.data))


def test_attachment_holding_a_value_is_removed_even_when_attachments_are_kept(
        cleaned: tuple[Path, bytes, Path, SanitizeResult]) -> None:
    _, original, _, _ = cleaned
    _, result = _sanitize(original, SanitizeSettings(remove_embedded=False))
    with pymupdf.open(stream=result.data, filetype="pdf") as pdf:
        assert pdf.embfile_count() == 0
    assert "remove_attachments" in {a.kind for a in result.actions}


def test_plan_lists_actions_and_changes_nothing(cleaned: tuple[Path, bytes, Path, SanitizeResult]) -> None:
    original, data, _, _ = cleaned
    doc = extract_bytes(data, "leaky.pdf", ExtractContext())
    settings = SanitizeSettings()
    actions = PdfSanitizer().plan(data, doc, _redactable(doc, settings), settings)
    assert original.read_bytes() == data
    region = next(a for a in actions if a.kind == "redact_region")
    assert region.location.page == 1 and region.category == "redaction_failure"
    redact = [a for a in actions if a.kind == "redact_text"]
    assert any(a.category == "phone" for a in redact) and all(a.location.bbox for a in redact)


def test_a_comment_holding_a_value_goes_even_when_comments_are_kept(
        cleaned: tuple[Path, bytes, Path, SanitizeResult]) -> None:
    _, data, _, _ = cleaned
    doc = extract_bytes(data, "leaky.pdf", ExtractContext())
    segment = next(s for s in doc.segments if s.layer == Layer.COMMENT)
    hit = Finding("protected_term", Severity.HIGH, 0.9, "COMMENT-SECRET-2290", Layer.COMMENT, "lexicon.term", "t",
                  location=segment.location)
    settings = SanitizeSettings(remove_comments=False)
    result = PdfSanitizer().sanitize(data, doc, [hit], settings)
    assert "remove_comment" in {a.kind for a in result.actions}
    with pymupdf.open(stream=result.data, filetype="pdf") as pdf:
        assert list(pdf[0].annots()) == []


def test_encrypted_pdf_is_refused() -> None:
    pdf = pymupdf.open()
    pdf.new_page().insert_text((72, 72), "secret", fontname="helv")
    data = pdf.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    pdf.close()
    doc = Document(path="e.pdf", media_type="application/pdf", sha256="")
    with pytest.raises(SanitizeError, match="password-protected"):
        PdfSanitizer().sanitize(data, doc, [], SanitizeSettings())


def test_strip_jpeg_metadata_keeps_the_image() -> None:
    original = pf.jpeg_with_exif()
    stripped = strip_jpeg_metadata(original)
    assert b"PlantedCam" in original and b"PlantedCam" not in stripped
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(stripped)) as img:
        assert img.size == (64, 48) and not img.getexif()


def test_value_read_by_ocr_is_blacked_out_in_the_scan_only() -> None:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1240, 580), "white")
    ImageDraw.Draw(img).text((100, 200), f"电话 {pf.PHONE} 其他文字保留", fill="black",
                             font=ImageFont.truetype(pf.CJK_FONT, 44))
    png = io.BytesIO()
    img.save(png, format="PNG")
    pdf = pymupdf.open()
    page = pdf.new_page(width=595, height=278)
    page.insert_image(page.rect, stream=png.getvalue())
    data = pdf.tobytes()
    pdf.close()
    doc, result = _sanitize(data)
    assert any(f.layer == Layer.OCR for f in _redactable(doc, SanitizeSettings()))
    after = extract_bytes(result.data, "clean.pdf", ExtractContext())
    text = after.text()
    assert pf.PHONE not in text and "其他文字保留" in text and "电话" in text


def test_form_field_holding_a_value_is_removed() -> None:
    pdf = pymupdf.open()
    page = pdf.new_page()
    page.insert_text((72, 60), "Contact form", fontname="helv")
    widget = pymupdf.Widget()
    widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
    widget.field_name = "contact"
    widget.field_value = f"Call {pf.PHONE}"
    widget.rect = pymupdf.Rect(72, 72, 300, 90)
    page.add_widget(widget)
    data = pdf.tobytes()
    pdf.close()
    _, result = _sanitize(data)
    with pymupdf.open(stream=result.data, filetype="pdf") as out:
        assert list(out[0].widgets()) == []
        assert "Contact form" in out[0].get_text()
    assert not any(pf.PHONE.encode() in blob for blob in pf.all_stream_bytes(result.data))


def test_text_in_a_hidden_layer_is_removed() -> None:
    pdf = pymupdf.open()
    page = pdf.new_page()
    layer = pdf.add_ocg("Internal notes", on=False)
    page.insert_text((72, 72), "Visible paragraph", fontname="helv")
    page.insert_text((72, 100), "LAYER-SECRET-1 site address", fontname="helv", oc=layer)
    data = pdf.tobytes()
    pdf.close()
    _, result = _sanitize(data)
    with pymupdf.open(stream=result.data, filetype="pdf") as out:
        for config in out.layer_ui_configs():
            out.set_layer_ui_config(config["number"], 0)
        text = out[0].get_text()
    assert "LAYER-SECRET-1" not in text and "Visible paragraph" in text
    assert not any(b"LAYER-SECRET".hex().encode() in blob or b"LAYER-SECRET" in blob
                   for blob in pf.all_stream_bytes(result.data))


def test_thumbnails_and_private_data_are_removed() -> None:
    pdf = pymupdf.open()
    page = pdf.new_page()
    page.insert_text((72, 72), "Page with a stale thumbnail", fontname="helv")
    thumb = pdf.get_new_xref()
    pdf.update_object(thumb, "<</Type/XObject/Subtype/Image/Width 1/Height 1/BitsPerComponent 8"
                             "/ColorSpace/DeviceGray>>")
    pdf.update_stream(thumb, b"THUMB-SECRET", new=True)
    pdf.xref_set_key(page.xref, "Thumb", f"{thumb} 0 R")
    pdf.xref_set_key(page.xref, "PieceInfo", "<</Illustrator<</Private(PIECE-SECRET)>>>>")
    data = pdf.tobytes()
    pdf.close()
    _, result = _sanitize(data)
    assert "remove_active_content" in {a.kind for a in result.actions}
    blobs = pf.all_stream_bytes(result.data)
    assert not any(b"THUMB-SECRET" in b or b"PIECE-SECRET" in b for b in blobs)
    with pymupdf.open(stream=result.data, filetype="pdf") as out:
        assert out.xref_get_key(out[0].xref, "Thumb")[0] == "null"


def test_value_with_compatibility_ideograph_is_cut_precisely() -> None:
    pdf = pymupdf.open()
    page = pdf.new_page()
    page.insert_font(fontname="wqy", fontfile=pf.CJK_FONT)
    page.insert_text((72, 100), "7301工程计划于2027年3月竣工交付", fontname="wqy", fontsize=11)
    data = pdf.tobytes()
    pdf.close()
    doc = extract_bytes(data, "s.pdf", ExtractContext())
    seg = doc.segments[0]
    start = seg.text.index("2027年3月")
    hit = Finding("protected_term", Severity.HIGH, 0.9, "2027年3月", Layer.BODY, "lexicon.term", "schedule",
                  location=replace(seg.location, start=start, end=start + 7))
    result = PdfSanitizer().sanitize(data, doc, [hit], SanitizeSettings())
    text = _all_text(result.data).translate(CJK_COMPAT)
    assert "2027年3月" not in text and "7301工程计划于" in text and "竣工交付" in text


def test_gps_in_a_page_image_goes_even_when_metadata_is_kept() -> None:
    from PIL import Image

    img = Image.new("RGB", (64, 48), (120, 160, 200))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 15.0), 3: "E", 4: (116.0, 24.0, 27.0)}  # GPS IFD
    jpg = io.BytesIO()
    img.save(jpg, "JPEG", exif=exif.tobytes())
    pdf = pymupdf.open()
    page = pdf.new_page()
    page.insert_text((72, 72), "Photo of the works site follows below.", fontname="helv")
    page.insert_image(pymupdf.Rect(72, 100, 200, 196), stream=jpg.getvalue())
    page_image = pdf.tobytes()
    pdf.close()
    doc, result = _sanitize(page_image, SanitizeSettings(remove_metadata=False))
    assert any(f.category == "coordinates" for f in _redactable(doc, SanitizeSettings()))
    assert "remove_image_metadata" in {a.kind for a in result.actions}
    after = extract_bytes(result.data, "clean.pdf", ExtractContext())
    assert [f for f in ENGINE.scan(after) if f.category in ("gps", "coordinates")] == []
    with pymupdf.open(stream=result.data, filetype="pdf") as out:
        assert len(out[0].get_images()) == 1  # the photo stays
