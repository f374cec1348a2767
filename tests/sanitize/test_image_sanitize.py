"""Image sanitiser: the clean copy is checked with ExifTool (an independent reader) and with our
own extractor; pixels survive, boxes are blacked out, orientation is kept."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.model import Finding, Layer, Location, Severity
from mosaicguard.policy.schema import SanitizeSettings
from mosaicguard.sanitize.base import SanitizeError, sanitizer_for
from mosaicguard.sanitize.image import ImageSanitizer

XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:creator><rdf:Seq><rdf:li>王五</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
).encode()


def gps_jpeg(orientation: int | None = None, size: tuple[int, int] = (64, 48)) -> bytes:
    im = Image.new("RGB", size, (200, 30, 30))
    im.paste((10, 200, 10), (0, 0, size[0] // 2, size[1] // 2))
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x013B] = "Zhang San"
    if orientation:
        exif[0x0112] = orientation
    sub = exif.get_ifd(0x8769)
    sub[0xA431] = "SN-0042-7301"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (39.0, 54.0, 15.156), "E", (116.0, 24.0, 26.604)
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif, xmp=XMP, comment=b"site visit", quality=95)
    return out.getvalue()


def sanitize(data: bytes, name: str, redact: list[Finding] | None = None) -> bytes:
    doc = extract_bytes(data, name, ExtractContext())
    assert doc.status == "ok", doc.error
    return ImageSanitizer().sanitize(data, doc, redact or [], SanitizeSettings()).data


def exiftool(path: Path) -> dict[str, object]:
    out = subprocess.run(["exiftool", "-j", "-a", "-G1", str(path)], capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(out.stdout)[0]
    return result


@pytest.fixture(scope="module")
def have_exiftool() -> None:
    assert shutil.which("exiftool"), "exiftool missing: run scripts/install-system-deps.sh"


def test_jpeg_clean_copy_has_no_gps_owner_serial_or_xmp(tmp_path: Path, have_exiftool: None) -> None:
    original = tmp_path / "original.jpg"
    original.write_bytes(gps_jpeg())
    before = exiftool(original)
    assert any(k.startswith("GPS:") for k in before), "the fixture really carries GPS (sanity check)"
    assert any(k.startswith("XMP") for k in before)
    clean = tmp_path / "clean.jpg"
    clean.write_bytes(sanitize(original.read_bytes(), "original.jpg"))
    after = exiftool(clean)
    keys = " ".join(after)
    assert "GPS" not in keys
    assert "XMP" not in keys
    assert not any(k.endswith(("Artist", "SerialNumber", "Make", "Comment")) for k in after), sorted(after)
    assert "Zhang San" not in json.dumps(after, ensure_ascii=False)
    # Our own extractor agrees: nothing hidden is left.
    doc = extract_bytes(clean.read_bytes(), "clean.jpg", ExtractContext())
    assert doc.hidden == () and doc.metadata == ()
    # The picture itself is kept (lossy re-encode: compare a pixel loosely).
    with Image.open(clean) as im:
        assert im.size == (64, 48)
        r, g, _b = im.convert("RGB").getpixel((50, 40))  # type: ignore[misc]
        assert r > 150 and g < 80


def test_png_text_chunks_are_dropped(tmp_path: Path, have_exiftool: None) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "赵六")
    info.add_text("Comment", "内部")
    out = io.BytesIO()
    Image.new("RGBA", (12, 12), (1, 2, 3, 128)).save(out, "PNG", pnginfo=info)
    clean = tmp_path / "c.png"
    clean.write_bytes(sanitize(out.getvalue(), "a.png"))
    after = exiftool(clean)
    assert not any(k.startswith("PNG:") and k.split(":")[1] in ("Author", "Comment") for k in after), sorted(after)
    with Image.open(clean) as im:
        assert im.mode == "RGBA" and im.getpixel((3, 3)) == (1, 2, 3, 128)


def test_boxes_of_findings_are_blacked_out() -> None:
    im = Image.new("RGB", (40, 20), "white")
    out = io.BytesIO()
    im.save(out, "PNG")
    box = Finding("phone", Severity.MEDIUM, 0.9, "13812345678", Layer.OCR, "r", "m",
                  location=Location(page=1, bbox=(5.0, 5.0, 15.0, 10.0)))
    cleaned = sanitize(out.getvalue(), "a.png", [box])
    with Image.open(io.BytesIO(cleaned)) as result:
        assert result.getpixel((10, 7)) == (0, 0, 0)
        assert result.getpixel((30, 15)) == (255, 255, 255)
    doc = extract_bytes(out.getvalue(), "a.png", ExtractContext())
    plan = ImageSanitizer().plan(out.getvalue(), doc, [box], SanitizeSettings())
    assert [a.kind for a in plan] == ["black_out"]


def test_orientation_is_applied_before_the_tag_goes() -> None:
    cleaned = sanitize(gps_jpeg(orientation=6, size=(64, 48)), "r.jpg")
    with Image.open(io.BytesIO(cleaned)) as im:
        assert im.size == (48, 64), "rotated pixels, since the orientation tag is removed"
        assert 0x0112 not in im.getexif()


def test_plan_names_gps_and_metadata() -> None:
    data = gps_jpeg()
    doc = extract_bytes(data, "p.jpg", ExtractContext())
    kinds = [a.kind for a in ImageSanitizer().plan(data, doc, [], SanitizeSettings())]
    assert kinds == ["remove_metadata", "remove_gps"]


def test_animation_and_garbage_are_refused() -> None:
    frames = [Image.new("RGB", (8, 8), (i * 100, 0, 0)) for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:])
    doc = extract_bytes(out.getvalue(), "a.webp", ExtractContext())
    with pytest.raises(SanitizeError, match="multi-frame"):
        ImageSanitizer().sanitize(out.getvalue(), doc, [], SanitizeSettings())
    with pytest.raises(SanitizeError):
        ImageSanitizer().sanitize(b"\x89PNG\r\n\x1a\nbroken", doc, [], SanitizeSettings())


@pytest.mark.parametrize("suffix", [".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".gif", ".bmp"])
def test_sanitizer_table(suffix: str) -> None:
    assert isinstance(sanitizer_for(f"x{suffix}"), ImageSanitizer)


@pytest.mark.parametrize("fmt,suffix", [("GIF", ".gif"), ("BMP", ".bmp"), ("TIFF", ".tif"), ("WEBP", ".webp")])
def test_other_formats_round_trip(fmt: str, suffix: str) -> None:
    im = Image.new("RGB", (20, 10), (250, 0, 0)).convert("P") if fmt == "GIF" else Image.new("RGB", (20, 10), "red")
    out = io.BytesIO()
    if fmt == "GIF":
        im.save(out, fmt, comment=b"internal note")
    else:
        im.save(out, fmt)
    cleaned = sanitize(out.getvalue(), f"a{suffix}")
    with Image.open(io.BytesIO(cleaned)) as result:
        assert result.format == fmt and result.size == (20, 10)
        assert "comment" not in result.info
