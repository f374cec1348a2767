"""The hidden-data audit's fast paths (docs/benchmarks-hidden.md) keep behaviour: cached slide
masters, .rels parts skipped without parsing, camera photos OCR'd at their own size."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.extract.image import is_camera_photo
from mosaicguard.model import Layer
from office_factory import edit_package

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
_SHAPE = ('<p:sp><p:nvSpPr><p:cNvPr id="99" name="Mark"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>'
          '<p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="100" cy="100"/></a:xfrm></p:spPr>'
          "<p:txBody><a:bodyPr/><a:p><a:r><a:t>{}</a:t></a:r></a:p></p:txBody></p:sp>")


def _pptx(path: Path, master_text: str | None) -> bytes:
    from pptx import Presentation

    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[6])
    prs.save(path)
    if master_text is not None:
        edit_package(path, {"ppt/slideMasters/slideMaster1.xml": lambda old: (old or b"").replace(
            b"</p:spTree>", _SHAPE.format(master_text).encode() + b"</p:spTree>", 1)})
    return path.read_bytes()


def _master_texts(data: bytes) -> list[str]:
    doc = extract_bytes(data, "m.pptx", ExtractContext())
    assert doc.status == "ok", doc.error
    return [s.text for s in doc.segments if (s.location.part or "").startswith("ppt/slideMasters/")]


def test_master_cache_serves_each_template_its_own_text(tmp_path: Path) -> None:
    plain = _pptx(tmp_path / "a.pptx", None)
    marked = _pptx(tmp_path / "b.pptx", "内部资料 注意保存")
    other = _pptx(tmp_path / "c.pptx", "机密 仅限项目组")
    for _ in range(2):  # the second round is served from the cache
        assert _master_texts(plain) == []
        assert _master_texts(marked) == ["内部资料 注意保存"]
        assert _master_texts(other) == ["机密 仅限项目组"]


_REL = '<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" ' \
       'Target="file:///\\\\fileserver\\secret\\plan.docx" TargetMode="{}"/>'


@pytest.mark.parametrize("mode", ["External", "Extern&#97;l", "&#x45;xternal"])
def test_external_links_found_however_the_attribute_is_spelled(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "linked.pptx"
    _pptx(path, None)
    edit_package(path, {"ppt/slides/_rels/slide1.xml.rels": lambda old: (old or b"").replace(
        b"</Relationships>", _REL.format(mode).encode() + b"</Relationships>", 1)})
    doc = extract_bytes(path.read_bytes(), "l.pptx", ExtractContext())
    assert doc.status == "ok", doc.error
    links = [s for s in doc.segments if s.layer == Layer.METADATA and "fileserver" in s.text]
    assert links and links[0].location.part == "ppt/slides/_rels/slide1.xml.rels"
    assert any("fileserver" in h.value for h in doc.hidden if h.category == "metadata")


def _jpeg(exif: Image.Exif | None, dpi: tuple[int, int] | None, text: str = "") -> bytes:
    img = Image.new("RGB", (1200, 900), (205, 200, 190))
    if text:
        ImageDraw.Draw(img).text((120, 400), text, font=ImageFont.truetype(FONT, 40), fill=(30, 30, 30))
    out = io.BytesIO()
    kwargs: dict[str, object] = {"quality": 90}
    if exif is not None:
        kwargs["exif"] = exif
    if dpi:
        kwargs["dpi"] = dpi
    img.save(out, "JPEG", **kwargs)
    return out.getvalue()


def _exif(make: bool = True, exposure: bool = False) -> Image.Exif:
    exif = Image.Exif()
    if make:
        exif[0x010F], exif[0x0110] = "Canon", "EOS 5D"
    if exposure:
        exif.get_ifd(0x8769)[0x829A] = 0.01
    return exif


@pytest.mark.parametrize(("exif", "dpi", "photo"), [
    (_exif(), (72, 72), True),  # a camera's conventional 72 dpi
    (_exif(make=False, exposure=True), (300, 300), True),  # exposure settings: a camera, whatever the dpi
    (_exif(), (300, 300), False),  # a scanner naming itself writes its real resolution
    (None, (72, 72), False),
    (Image.Exif(), None, False),
])
def test_is_camera_photo(exif: Image.Exif | None, dpi: tuple[int, int] | None, photo: bool) -> None:
    with Image.open(io.BytesIO(_jpeg(exif, dpi))) as im:
        assert is_camera_photo(im) is photo


def test_camera_photo_of_a_notice_is_still_read_by_ocr() -> None:
    data = _jpeg(_exif(), (72, 72), "联系电话 13812345678")
    doc = extract_bytes(data, "phone-photo.jpg", ExtractContext(ocr="auto"))
    assert doc.status == "ok", doc.error
    ocr = " ".join(s.text for s in doc.segments if s.layer == Layer.OCR)
    assert "13812345678" in ocr.replace(" ", "")
    assert any(h.description == "camera make and model" for h in doc.hidden)


@pytest.mark.parametrize("with_exif", [True, False])
def test_png_exif_is_read_only_when_the_file_has_it(with_exif: bool) -> None:
    exif = Image.Exif()
    exif[0x010F], exif[0x013B] = "Huawei", "张伟"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (39.0, 54.0, 15.0), "E", (116.0, 24.0, 26.6)
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 200, 30)).save(out, "PNG", **({"exif": exif} if with_exif else {}))
    doc = extract_bytes(out.getvalue(), "shot.png", ExtractContext(ocr="never"))
    assert doc.status == "ok", doc.error
    names = {m.key for m in doc.metadata}
    if with_exif:
        assert {"EXIF:Make", "EXIF:Artist"} <= names
        assert any(h.category == "gps" and h.value.startswith("39.9") for h in doc.hidden)
    else:
        assert not any(n.startswith("EXIF:") for n in names)
