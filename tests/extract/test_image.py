"""Image extractor: EXIF (incl. GPS IFD) written with Pillow, PNG text chunks, XMP, bombs."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from mosaicguard.extract.base import ExtractContext, Limits
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.extract.image import ImageExtractor, dms_to_decimal, xmp_coordinate
from mosaicguard.model import Document, Layer, Severity
from mosaicguard.pipeline import ScanOptions, scan_paths

XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="PhotoEdit 3">'
    "<dc:creator><rdf:Seq><rdf:li>王五</rdf:li></rdf:Seq></dc:creator>"
    "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
).encode()


def gps_jpeg(with_xmp: bool = True) -> bytes:
    """A JPEG with camera, owner, serial, time and a GPS IFD, written with Pillow's Exif API."""
    im = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "EOS 5D"
    exif[0x013B] = "Zhang San"
    exif[0x0131] = "Firmware 1.0"
    exif[0x9C9D] = "李四".encode("utf-16-le") + b"\x00\x00"  # XPAuthor is UTF-16LE
    sub = exif.get_ifd(0x8769)
    sub[0xA431] = "SN-0042-7301"
    sub[0x9003] = "2026:01:02 03:04:05"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (39.0, 54.0, 15.156)
    gps[3] = "E"
    gps[4] = (116.0, 24.0, 26.604)
    out = io.BytesIO()
    kwargs: dict[str, object] = {"exif": exif, "comment": b"site visit"}
    if with_xmp:
        kwargs["xmp"] = XMP
    im.save(out, "JPEG", **kwargs)
    return out.getvalue()


def extract(data: bytes, name: str) -> Document:
    return ImageExtractor().extract(data, name, ExtractContext())


def test_jpeg_exif_and_gps() -> None:
    doc = extract(gps_jpeg(), "photo.jpg")
    assert doc.media_type == "image/jpeg"
    meta = {m.key: m.value for m in doc.metadata}
    assert meta["EXIF:Make"] == "Canon"
    assert meta["EXIF:Artist"] == "Zhang San"
    assert meta["EXIF:XPAuthor"] == "李四"
    assert meta["EXIF:BodySerialNumber"] == "SN-0042-7301"
    assert meta["EXIF:DateTimeOriginal"] == "2026:01:02 03:04:05"
    gps = [h for h in doc.hidden if h.category == "gps"]
    assert len(gps) == 1
    assert gps[0].value == "39.904210, 116.407390"
    assert gps[0].severity == Severity.HIGH
    # The position is also a metadata segment, so the coordinates detector sees it.
    assert "GPS 39.904210, 116.407390" in [s.text for s in doc.segments if s.layer == Layer.METADATA]
    hidden_values = {h.value for h in doc.hidden if h.category == "metadata"}
    assert {"Zhang San", "李四", "SN-0042-7301", "2026:01:02 03:04:05", "Canon EOS 5D"} <= hidden_values
    # A JPEG comment is free text: a comment item and a comment-layer segment for the detectors.
    assert [(h.value, h.severity) for h in doc.hidden if h.category == "comment"] == [("site visit", Severity.LOW)]
    assert [s.text for s in doc.segments if s.layer == Layer.COMMENT] == ["site visit"]
    assert "Firmware 1.0" not in hidden_values, "software is recorded as metadata but not reported by itself"


def test_xmp_packet() -> None:
    doc = extract(gps_jpeg(), "photo.jpg")
    meta = {m.key: m.value for m in doc.metadata}
    assert meta["XMP:creator"] == "王五"
    assert meta["XMP:CreatorTool"] == "PhotoEdit 3"
    assert any(h.value == "王五" and h.severity == Severity.MEDIUM for h in doc.hidden)
    assert any(h.description.startswith("XMP metadata packet") for h in doc.hidden)


def test_xmp_gps_without_exif() -> None:
    xmp = XMP.replace(b'xmp:CreatorTool="PhotoEdit 3"',
                      b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="31,13.824N" '
                      b'exif:GPSLongitude="121,28.422E"')
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG", xmp=xmp)
    doc = extract(out.getvalue(), "x.jpg")
    assert [h.value for h in doc.hidden if h.category == "gps"] == ["31.230400, 121.473700"]


@pytest.mark.parametrize(
    ("value", "ref", "expected"),
    [((39, 54, 15.156), "N", 39.90421), ((33, 52, 0), "S", -33.866667), ((116, 24.4434, 0), "E", 116.40739),
     ((74, 0, 21.6), "W", -74.006)],
)
def test_dms_to_decimal(value: tuple[float, ...], ref: str, expected: float) -> None:
    result = dms_to_decimal(value, ref)
    assert result is not None and abs(result - expected) < 1e-5


@pytest.mark.parametrize(("text", "expected"), [("39,54.2526N", 39.90421), ("33,52,0S", -33.866667),
                                                ("116.40739", 116.40739), ("garbage", None)])
def test_xmp_coordinate(text: str, expected: float | None) -> None:
    result = xmp_coordinate(text)
    assert (result is None) if expected is None else (result is not None and abs(result - expected) < 1e-5)


def _png_chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def test_png_text_chunks_before_and_after_image_data() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "赵六")  # non-Latin-1: Pillow writes an iTXt chunk
    info.add_text("Comment", "内部 note", zip=True)
    info.add_text("Software", "Paint 1.0")
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "PNG", pnginfo=info)
    data = out.getvalue()
    # A text chunk after IDAT (Pillow only sees it when decoding pixels; we read the chunk list).
    iend = data.rindex(b"IEND") - 4
    data = data[:iend] + _png_chunk(b"tEXt", b"Source\x00scanner-07") + data[iend:]
    doc = extract(data, "scan.png")
    meta = {m.key: m.value for m in doc.metadata}
    assert meta == {"PNG:Author": "赵六", "PNG:Comment": "内部 note", "PNG:Software": "Paint 1.0",
                    "PNG:Source": "scanner-07"}
    severities = {h.value: h.severity for h in doc.hidden}
    assert severities["赵六"] == Severity.MEDIUM
    assert severities["Paint 1.0"] == Severity.LOW


def test_clean_image_has_nothing() -> None:
    out = io.BytesIO()
    Image.new("L", (5, 5)).save(out, "PNG")
    doc = extract(out.getvalue(), "clean.png")
    assert doc.hidden == () and doc.metadata == () and doc.status == "ok"


@pytest.mark.parametrize("fmt,suffix", [("TIFF", ".tif"), ("WEBP", ".webp"), ("GIF", ".gif"), ("BMP", ".bmp")])
def test_other_formats_open(fmt: str, suffix: str) -> None:
    out = io.BytesIO()
    im = Image.new("RGB", (16, 16), "blue")
    if fmt == "TIFF":
        exif = Image.Exif()
        exif[0x013B] = "Tiff Author"
        im.save(out, fmt, exif=exif)
    else:
        im.save(out, fmt)
    doc = extract_bytes(out.getvalue(), f"img{suffix}", ExtractContext())
    assert doc.status == "ok", doc.error
    if fmt == "TIFF":
        assert any(m.value == "Tiff Author" for m in doc.metadata)


def bomb_png(width: int, height: int) -> bytes:
    """A valid PNG header declaring a huge image, with a tiny (truncated) image stream."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + _png_chunk(b"IEND", b""))


@pytest.mark.parametrize("side", [20_000, 100_000])
def test_decompression_bomb_header_is_refused(side: int) -> None:
    doc = extract_bytes(bomb_png(side, side), "bomb.png", ExtractContext())
    assert doc.status == "error"
    assert doc.error is not None and doc.error.startswith("safety limit") and "decompression bomb" in doc.error


def test_pixel_limit_comes_from_context() -> None:
    out = io.BytesIO()
    Image.new("RGB", (100, 100)).save(out, "PNG")
    ctx = ExtractContext(limits=Limits(max_image_pixels=5_000))
    doc = extract_bytes(out.getvalue(), "a.png", ctx)
    assert doc.status == "error" and doc.error is not None and "over the limit of 5000" in doc.error


def test_corrupt_image_is_a_clear_error() -> None:
    doc = extract_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 10, "broken.jpg", ExtractContext())
    assert doc.status == "error"
    assert doc.error is not None and "not a readable image" in doc.error


def test_scan_end_to_end_reports_gps(tmp_path: Path) -> None:
    path = tmp_path / "site.jpg"
    path.write_bytes(gps_jpeg())
    findings = scan_paths([str(path)], ScanOptions()).files[0].findings
    gps = [f for f in findings if f.category == "gps"]
    assert len(gps) == 1
    assert gps[0].severity == Severity.HIGH and gps[0].layer == Layer.METADATA
    assert gps[0].match == "39.904210, 116.407390"
    assert any(f.category == "metadata" and f.match == "SN-0042-7301" for f in findings)


def _with_iptc(jpeg: bytes, datasets: list[tuple[int, str]]) -> bytes:
    """Insert an APP13 Photoshop/IPTC block (Pillow reads IPTC but cannot write it)."""
    iim = b"".join(b"\x1c\x02" + bytes([num]) + struct.pack(">H", len(v.encode())) + v.encode()
                   for num, v in datasets)
    irb = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iim)) + iim + (b"\x00" if len(iim) % 2 else b"")
    body = b"Photoshop 3.0\x00" + irb
    app13 = b"\xff\xed" + struct.pack(">H", len(body) + 2) + body
    return jpeg[:2] + app13 + jpeg[2:]


def test_iptc_fields() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    data = _with_iptc(out.getvalue(), [(80, "记者 王五"), (90, "某县"), (120, "营区新建雷达站"), (5, "title")])
    doc = extract(data, "news.jpg")
    meta = {m.key: m.value for m in doc.metadata}
    assert meta["IPTC:By-line"] == "记者 王五"
    assert meta["IPTC:City"] == "某县"
    assert meta["IPTC:Caption-Abstract"] == "营区新建雷达站"
    assert {h.value for h in doc.hidden} >= {"记者 王五", "某县", "营区新建雷达站"}
    assert "title" not in {h.value for h in doc.hidden}
