"""Every format mat2 reads: each is read (metadata and hidden data found, content detectors run
over them) and, where mat2 cleans it, sanitised so that no planted value is left in the bytes.
The files are built by `factory_media` (real encoders: pillow-heif, Pillow, ExifTool, mutagen)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from formats import factory_media as fm
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.pipeline import ScanOptions, scan_paths
from mosaicguard.sanitize.run import sanitize_paths


def _mp4(tmp: Path) -> bytes:
    return fm.mp4_with_tags(tmp / "built.mp4").read_bytes()


# name, builder, hidden categories the scan must report, planted byte strings gone after sanitising
CASES: list[tuple[str, Callable[[Path], bytes], set[str], list[str]]] = [
    ("photo.heic", lambda _t: fm.heif_with_gps("HEIF"), {"gps", "metadata"}, ["iPhone 15 Pro"]),
    ("photo.avif", lambda _t: fm.heif_with_gps("AVIF"), {"gps", "metadata"}, ["iPhone 15 Pro"]),
    ("photo.jxl", lambda _t: fm.jxl_with_gps(), {"gps", "metadata", "comment"}, ["iPhone 15 Pro", fm.MOBILE]),
    ("clip.mp4", _mp4, {"gps", "metadata"}, ["SecretCam", fm.MOBILE, "张伟", "+39.9042"]),
    ("talk.mp3", lambda _t: fm.mp3_with_id3(), {"metadata", "comment", "embedded"}, [fm.MOBILE, "张伟", "LAME"]),
    ("song.flac", lambda _t: fm.flac_with_vorbis(), {"metadata", "comment"}, [fm.MOBILE, "Thank you"]),
    ("memo.wav", lambda _t: fm.wav_with_info(), {"metadata"}, [fm.MOBILE, "张伟", "Lavf"]),
    ("voice.opus", lambda _t: fm.opus_with_tags(), {"metadata", "comment"}, [fm.MOBILE, "张伟"]),
    ("plan.svg", lambda _t: fm.inkscape_svg(), {"metadata", "comment", "embedded"},
     [fm.MOBILE, fm.MARKING, "zhangwei", "site-plan", "steal()", "alert("]),
    ("scan.ppm", lambda _t: fm.commented_ppm(), {"comment"}, ["GIMP", fm.MOBILE]),
    ("site.css", lambda _t: fm.css_with_comments(), {"comment", "metadata"}, [fm.MOBILE, fm.MARKING, "author:"]),
    ("share.torrent", lambda _t: fm.torrent(), {"metadata", "comment"}, [fm.MOBILE, "qBittorrent"]),
    ("book.epub", lambda _t: fm.epub_book(), {"metadata", "embedded", "marking"},
     [fm.MOBILE, "张伟", "unpublished", fm.MARKING]),
]


@pytest.mark.parametrize(("name", "build", "hidden", "planted"), CASES, ids=[c[0] for c in CASES])
def test_read_and_sanitise(tmp_path: Path, name: str, build: Callable[[Path], bytes], hidden: set[str],
                           planted: list[str]) -> None:
    src = tmp_path / "in" / name
    src.parent.mkdir()
    src.write_bytes(build(tmp_path))
    result = scan_paths([str(src)], ScanOptions(engine="python")).files[0]
    assert result.status == "ok", result.error
    found = {f.category for f in result.findings}
    assert hidden <= found, (name, found)
    outcome = sanitize_paths([str(src)], str(tmp_path / "out"), ScanOptions(engine="python")).files[0]
    assert outcome.status == "sanitized", outcome.error
    clean = (tmp_path / "out" / name).read_bytes()
    blob = clean
    if clean.startswith(b"PK"):  # a zip: look inside every member, decompressed
        with zipfile.ZipFile(io.BytesIO(clean)) as zf:
            blob = b"\n".join(zf.read(n) for n in zf.namelist())
    for value in planted:
        assert value.encode() not in blob, (name, value)
    again = extract_bytes(clean, name, ExtractContext())
    assert again.status == "ok", again.error
    assert not [h for h in again.hidden if h.category in ("gps", "comment", "embedded")], again.hidden


def test_phone_in_hidden_fields_is_found_by_content_detectors(tmp_path: Path) -> None:
    """Tags and comments are scanned like text: the mobile number planted in each is a phone
    finding in a hidden layer, never in the body."""
    for name, data in (("t.mp3", fm.mp3_with_id3()), ("t.svg", fm.inkscape_svg()), ("t.css", fm.css_with_comments()),
                       ("t.torrent", fm.torrent()), ("t.ppm", fm.commented_ppm())):
        (tmp_path / name).write_bytes(data)
        phones = [f for f in scan_paths([str(tmp_path / name)], ScanOptions(engine="python")).files[0].findings
                  if f.category == "phone"]
        assert phones and all(f.layer.value != "body" for f in phones), name


def test_mp4_gps_and_encoder_are_reported() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        data = fm.mp4_with_tags(Path(folder) / "v.mp4").read_bytes()
    doc = extract_bytes(data, "v.mp4", ExtractContext())
    gps = [h for h in doc.hidden if h.category == "gps"]
    assert gps and "39.9042" in gps[0].value
    assert any("Encoder" in h.description and "SecretCam" in h.value for h in doc.hidden)


def test_heic_cover_in_mp3_is_read_through_the_registry() -> None:
    doc = extract_bytes(fm.mp3_with_id3(), "t.mp3", ExtractContext())
    cover = [e for e in doc.embedded if "APIC" in e.path]
    assert cover and any(h.category == "gps" for h in cover[0].hidden)


def test_epub_metadata_chapters_and_stray_member() -> None:
    doc = extract_bytes(fm.epub_book(), "book.epub", ExtractContext())
    assert doc.status == "ok", doc.error
    assert any(h.description == "book metadata creator" and h.value == "张伟" for h in doc.hidden)
    assert any("notes.txt" in h.description and h.category == "embedded" for h in doc.hidden)
    chapter = [s for s in doc.segments if s.location.part == "OEBPS/ch1.xhtml"]
    assert any(fm.MARKING in s.text and s.layer.value == "body" for s in chapter)


def test_epub_scan_finds_marking_in_chapter(tmp_path: Path) -> None:
    (tmp_path / "book.epub").write_bytes(fm.epub_book())
    result = scan_paths([str(tmp_path / "book.epub")], ScanOptions(engine="python"))
    findings = [f for r in result.files for f in r.findings]
    assert any(f.category == "marking" for f in findings)
    assert any(f.category == "phone" and f.layer.value == "metadata" for f in findings)


def test_avi_tags_are_read_and_the_file_is_refused_with_advice(tmp_path: Path) -> None:
    """ExifTool reads AVI but cannot rewrite it: the scan reports the tags (the phone in the
    comment is a phone finding), and `sanitize` refuses the file naming the command that cleans it."""
    src = tmp_path / "in" / "clip.avi"
    src.parent.mkdir()
    src.write_bytes(fm.avi_with_info())
    found = scan_paths([str(src)], ScanOptions(engine="python")).files[0].findings
    assert any(f.category == "phone" and f.layer.value == "metadata" for f in found)
    assert any(f.category == "metadata" and "Lavf" in f.match for f in found)
    outcome = sanitize_paths([str(src)], str(tmp_path / "out"), ScanOptions(engine="python")).files[0]
    assert outcome.status == "error" and "ffmpeg" in (outcome.error or "")
    assert not (tmp_path / "out" / "clip.avi").exists()


@pytest.mark.parametrize(("name", "data", "media_type"), [
    ("README", "说明：联系人 张三\n".encode(), "text/plain"),
    ("page", b'<?xml version="1.0"?><html><body><svg/></body></html>', "text/plain"),
    ("photo", fm.heif_with_gps(), "image/heif"),
    ("sound", fm.flac_with_vorbis(), "audio/flac"),
    ("drawing", fm.inkscape_svg(), "image/svg+xml"),
    ("share", fm.torrent(), "application/x-bittorrent"),
    ("book", fm.epub_book(), "application/epub+zip"),
    ("clip", fm.avi_with_info(), "video/x-msvideo"),
    ("memo", fm.wav_with_info(), "audio/wav"),
])
def test_files_without_suffix_are_sniffed(name: str, data: bytes, media_type: str) -> None:
    doc = extract_bytes(data, name, ExtractContext())
    assert doc.status == "ok", doc.error
    assert doc.media_type == media_type


def test_binary_without_suffix_stays_unsupported() -> None:
    doc = extract_bytes(bytes(range(256)), "blob", ExtractContext())
    assert doc.status == "unsupported"


def test_svg_with_entity_declarations_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    doc = extract_bytes(bomb, "bomb.svg", ExtractContext())
    assert doc.status == "error" and "DTD" in (doc.error or "")


def test_damaged_media_are_clear_errors() -> None:
    for name, data in (("x.mp3", b"ID3\x04garbage"), ("x.torrent", b"d4:infoi1e"), ("x.epub", b"PK\x03\x04oops"),
                       ("x.heic", b"\x00\x00\x00\x18ftypheic" + bytes(12))):
        doc = extract_bytes(data, name, ExtractContext())
        assert doc.status == "error" and doc.error, name


def test_odg_drawing_is_read_and_sanitised(tmp_path: Path) -> None:
    from formats.factory_cn import build_odf

    data = build_odf("drawing", f'<draw:page draw:name="p1"><draw:frame><draw:text-box><text:p>示意 {fm.MOBILE}'
                     "</text:p></draw:text-box></draw:frame></draw:page>")
    src = tmp_path / "in" / "d.odg"
    src.parent.mkdir()
    src.write_bytes(data)
    assert fm.MOBILE in extract_bytes(data, "d.odg", ExtractContext()).text()
    outcome = sanitize_paths([str(src)], str(tmp_path / "out"), ScanOptions(engine="python")).files[0]
    assert outcome.status == "sanitized", outcome.error
    with zipfile.ZipFile(io.BytesIO((tmp_path / "out" / "d.odg").read_bytes())) as zf:
        assert all(fm.MOBILE.encode() not in zf.read(n) for n in zf.namelist())


def test_exiftool_does_not_outlive_a_worker_that_skips_exit_handlers(tmp_path: Path) -> None:
    """A pool worker ends with os._exit (no atexit): the shared ExifTool, which keeps reading
    after end of input in -stay_open mode, must still go with it."""
    import os
    import subprocess
    import sys
    import time

    script = (
        "import os, sys\n"
        "from mosaicguard.extract import exiftool\n"
        f"exiftool.read_tags(bytes.fromhex('{fm.minimal_mp4().hex()}'), '.mp4')\n"
        "print(exiftool._SHARED._proc.pid, flush=True)\n"
        "os._exit(0)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, timeout=60)
    pid = int(out.stdout.strip())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                state = fh.read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return
        if state == "Z":  # exited, waiting to be reaped by init
            return
        time.sleep(0.1)
    raise AssertionError(f"ExifTool {pid} is still running after its parent exited")
