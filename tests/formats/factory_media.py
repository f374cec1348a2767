"""Builders for the formats mat2 reads, in the style of mat2's and exif-samples' test files
(built here, never copied): pictures with EXIF GPS, a minimal MP4 tagged by ExifTool, audio
tagged by mutagen, an Inkscape SVG, an EPUB, a commented PPM, a CSS file and a torrent."""

from __future__ import annotations

import io
import struct
import subprocess
import zipfile
from pathlib import Path

from PIL import Image

MOBILE = "13912345678"
MARKING = "机密★10年"
PLACE = (39.9042, 116.4074)


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15 Pro"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (39.0, 54.0, 15.12), "E", (116.0, 24.0, 26.64)
    return exif


def heif_with_gps(fmt: str = "HEIF") -> bytes:
    """A phone-style HEIC (fmt HEIF) or AVIF photo with camera and GPS EXIF."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(buf, fmt, exif=_gps_exif().tobytes(), quality=80)
    return buf.getvalue()


def jxl_with_gps(container: bool = True) -> bytes:
    """A JPEG XL photo with camera and GPS EXIF and an ImageDescription holding a mobile number,
    written by libjxl (pillow-jxl-plugin). EXIF needs the ISO base media container; without EXIF
    (container False) libjxl writes the bare codestream."""
    import pillow_jxl  # noqa: F401 - registers the Pillow plugin

    exif = _gps_exif()
    exif[0x010E] = f"Site visit, call {MOBILE}"
    buf = io.BytesIO()
    image = Image.new("RGB", (64, 48), "navy")
    if container:
        image.save(buf, "JXL", exif=exif.tobytes(), quality=80)
    else:
        image.save(buf, "JXL", quality=80)
    return buf.getvalue()


def jxl_tagged_by_exiftool(path: Path) -> bytes:
    """A bare JPEG XL codestream that ExifTool wraps in the container and tags: its `Exif` box has
    the 4-byte TIFF-header offset the standard asks for (libjxl via the plugin writes none)."""
    path.write_bytes(jxl_with_gps(container=False))
    lat, lon = PLACE
    subprocess.run(["exiftool", "-m", "-q", "-overwrite_original", f"-GPSLatitude={lat}", "-GPSLatitudeRef=N",
                    f"-GPSLongitude={lon}", "-GPSLongitudeRef=E", "-Model=iPhone 15 Pro",
                    f"-ImageDescription=Site visit, call {MOBILE}", str(path)], check=True)
    return path.read_bytes()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def minimal_mp4() -> bytes:
    """ftyp + moov(mvhd) + empty mdat: the smallest file ExifTool reads and writes as MP4."""
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41")
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _box(b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, 1000, 0) + struct.pack(">IH", 0x10000, 0x100)
                + bytes(10) + matrix + bytes(24) + struct.pack(">I", 2))
    return ftyp + _box(b"moov", mvhd) + _box(b"mdat", b"")


def mp4_with_tags(path: Path) -> Path:
    """A phone video's tell-tales written by ExifTool: QuickTime ©xyz GPS, Apple Keys GPS, the
    encoder, an author and a comment holding a mobile number."""
    path.write_bytes(minimal_mp4())
    lat, lon = PLACE
    subprocess.run(["exiftool", "-q", "-overwrite_original", f"-UserData:GPSCoordinates#={lat} {lon} 0",
                    f"-Keys:GPSCoordinates#={lat} {lon} 0", "-UserData:Encoder=SecretCam Encoder 9",
                    "-Keys:Author=张伟", f"-ItemList:Comment=现场联系 {MOBILE}", str(path)], check=True)
    return path


def mp3_with_id3() -> bytes:
    """Silent MPEG-1 Layer III frames with ID3v2 tags (title, artist, comment, a GPS-tagged cover)."""
    from mutagen.id3 import APIC, COMM, ID3, TIT2, TPE1, TSSE

    frame = b"\xff\xfb\x90\x64" + bytes(413)  # 128 kbit/s, 44.1 kHz: 417 bytes per frame
    buf = io.BytesIO(frame * 20)
    tags = ID3()
    tags.add(TIT2(encoding=3, text="内部会议录音"))
    tags.add(TPE1(encoding=3, text="张伟"))
    tags.add(COMM(encoding=3, lang="chi", desc="", text=f"联系 {MOBILE}"))
    tags.add(TSSE(encoding=3, text="LAME 3.100"))
    cover = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(cover, "JPEG", exif=_gps_exif().tobytes())
    tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="cover", data=cover.getvalue()))
    tags.save(buf)
    return buf.getvalue()


def flac_with_vorbis() -> bytes:
    """A FLAC stream header (STREAMINFO, no audio frames) with Vorbis comments."""
    from mutagen.flac import FLAC

    info = struct.pack(">HH", 4096, 4096) + bytes(6) + bytes([0x0A, 0xC4, 0x40, 0xF0]) + bytes(4) + bytes(16)
    buf = io.BytesIO(b"fLaC" + bytes([0x80]) + struct.pack(">I", len(info))[1:] + info)
    audio = FLAC(buf)
    audio["title"] = "I am so"
    audio["comment"] = f"Thank you for using MAT ! {MOBILE}"
    audio["genre"] = "Python"
    buf.seek(0)
    audio.save(buf)
    return buf.getvalue()


def wav_with_info() -> bytes:
    """PCM WAV with a RIFF LIST/INFO chunk (artist, comment, software)."""
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    info = b""
    for key, value in ((b"IART", "张伟"), (b"ICMT", f"内部 {MOBILE}"), (b"ISFT", "Lavf58.76.100")):
        raw = value.encode("utf-8") + b"\x00"
        raw += b"\x00" * (len(raw) % 2)
        info += key + struct.pack("<I", len(raw)) + raw
    chunks = (b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", 16) + bytes(16)
              + b"LIST" + struct.pack("<I", 4 + len(info)) + b"INFO" + info)
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


def inkscape_svg() -> bytes:
    """An Inkscape drawing with RDF metadata, editor attributes naming a local path, a comment,
    a script and an onclick handler."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- drawn by zhangwei for {MARKING} -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
     xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:cc="http://creativecommons.org/ns#" width="100" height="50"
     sodipodi:docname="site-plan.svg" inkscape:export-filename="C:\\Users\\zhangwei\\内部\\site-plan.png">
  <metadata><rdf:RDF><cc:Work><dc:creator><cc:Agent><dc:title>张伟 {MOBILE}</dc:title></cc:Agent>
  </dc:creator></cc:Work></rdf:RDF></metadata>
  <sodipodi:namedview id="base" inkscape:current-layer="layer1"/>
  <script>alert("x")</script>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer" id="layer1">
    <text x="5" y="20" onclick="steal()">公开示意图</text>
  </g>
</svg>
""".encode()


def epub_book() -> bytes:
    """An EPUB 3 book: OPF metadata naming people and a phone, one chapter, one stray member."""
    opf = f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="id">urn:uuid:12345678-0000-4000-8000-000000000001</dc:identifier>
    <dc:title>项目说明</dc:title><dc:creator>张伟</dc:creator><dc:language>zh</dc:language>
    <dc:description>编写人电话 {MOBILE}</dc:description>
    <meta property="dcterms:modified">2026-03-01T00:00:00Z</meta>
  </metadata>
  <manifest><item id="c1" href="ch1.xhtml" media-type="application/xhtml+xml"/></manifest>
  <spine><itemref idref="c1"/></spine>
</package>"""
    chapter = f"""<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>第一章</title></head>
<body><p>正文 {MARKING}</p></body></html>"""
    container = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", zipfile.ZIP_STORED)
        zf.writestr("META-INF/container.xml", container)
        zf.writestr("OEBPS/content.opf", opf)
        zf.writestr("OEBPS/ch1.xhtml", chapter)
        zf.writestr("OEBPS/notes.txt", "编辑备注 unpublished")
    return buf.getvalue()


def commented_ppm() -> bytes:
    """A P6 picture whose header carries comments (GIMP writes one; anyone can add more)."""
    pixels = bytes([200, 30, 30]) * 4
    return f"P6\n# Created by GIMP version 2.10.34 PNM plug-in\n# 联系 {MOBILE}\n2 2\n255\n".encode() + pixels


def css_with_comments() -> bytes:
    return (f'/* author: zhangwei, {MOBILE} */\nbody {{ color: #333; }}\n'
            f'.note::after {{ content: "/* not a comment */"; /* internal {MARKING} */ }}\n'
            f'.logo {{ background: url("file:///C:/Users/zhangwei/logo.png"); }}\n').encode()


def torrent() -> bytes:
    from fastbencode import bencode  # type: ignore[attr-defined]

    info = {b"name": "内部资料".encode(), b"piece length": 16384, b"pieces": bytes(20),
            b"files": [{b"length": 1, b"path": [b"plans", "7301工程.pdf".encode()]}]}
    result: bytes = bencode({b"announce": b"http://10.1.2.3:6969/announce", b"comment": f"联系 {MOBILE}".encode(),
                             b"created by": b"qBittorrent v4.6.2", b"creation date": 1767225600, b"info": info})
    return result


def _riff_chunk(cid: bytes, data: bytes) -> bytes:
    return cid + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")


def avi_with_info() -> bytes:
    """An AVI header (no frames) with a RIFF INFO list: the muxer, a comment and an artist, as
    ffmpeg and camera software write them."""
    avih = _riff_chunk(b"avih", struct.pack("<10I", 40000, 0, 0, 0x10, 1, 0, 1, 0, 64, 48) + bytes(16))
    info = b"".join(_riff_chunk(k, (v + "\x00").encode()) for k, v in (
        (b"ISFT", "Lavf58.76.100"), (b"ICMT", f"联系 {MOBILE}"), (b"IART", "张伟")))
    body = (b"AVI " + _riff_chunk(b"LIST", b"hdrl" + avih) + _riff_chunk(b"LIST", b"INFO" + info)
            + _riff_chunk(b"LIST", b"movi"))
    return b"RIFF" + struct.pack("<I", len(body)) + body


def opus_with_tags() -> bytes:
    """An Ogg Opus stream (head, tags, one silent packet) with Vorbis comments, pages written by
    mutagen's Ogg page writer (checksums included)."""
    from mutagen.ogg import OggPage

    head = b"OpusHead" + bytes([1, 1]) + struct.pack("<HIhB", 312, 48000, 0, 0)
    vendor = b"libopus 1.3"
    comments = [c.encode() for c in ("TITLE=内部会议", "ARTIST=张伟", f"COMMENT=联系 {MOBILE}")]
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", len(comments))
    tags += b"".join(struct.pack("<I", len(c)) + c for c in comments)
    pages = []
    for number, (packet, position) in enumerate(((head, 0), (tags, 0), (b"\xfc\xff\xfe", 960))):
        page = OggPage()
        page.packets, page.serial, page.sequence, page.position = [packet], 1, number, position
        page.first, page.last = number == 0, number == 2
        pages.append(page.write())
    return b"".join(pages)
