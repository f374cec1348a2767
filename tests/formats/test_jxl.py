"""JPEG XL is read and cleaned like the other photos: files written by libjxl (pillow-jxl-plugin)
in tmp_path, with EXIF GPS and a mobile number in the ImageDescription."""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from formats import factory_media as fm
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.model import Layer
from mosaicguard.pipeline import ScanOptions, scan_paths
from mosaicguard.sanitize.run import sanitize_paths


def _scan(path: Path) -> tuple[str, set[str], list[tuple[str, Layer]]]:
    result = scan_paths([str(path)], ScanOptions(engine="python")).files[0]
    assert result.status == "ok", result.error
    return result.status, {f.category for f in result.findings}, [(f.match, f.layer) for f in result.findings]


def _by_plugin(_tmp: Path) -> bytes:
    return fm.jxl_with_gps()


def _by_exiftool(tmp: Path) -> bytes:
    return fm.jxl_tagged_by_exiftool(tmp / "tagged.jxl")


@pytest.mark.parametrize("build", [_by_plugin, _by_exiftool])
@pytest.mark.parametrize("name", ["photo.jxl", "photo"])  # by suffix, and sniffed from the container box
def test_jxl_scan_finds_gps_and_the_phone_in_the_description(tmp_path: Path, name: str,
                                                             build: Callable[[Path], bytes]) -> None:
    data = build(tmp_path)
    assert data.startswith(b"\x00\x00\x00\x0cJXL ")
    src = tmp_path / name
    src.write_bytes(data)
    _, categories, values = _scan(src)
    assert "gps" in categories
    assert any(fm.MOBILE in value and layer == Layer.COMMENT for value, layer in values), values
    doc = extract_bytes(data, name, ExtractContext())
    assert doc.media_type == "image/jxl"
    assert any(m.value == "iPhone 15 Pro" for m in doc.metadata)


def test_bare_codestream_is_sniffed_and_decoded() -> None:
    data = fm.jxl_with_gps(container=False)
    assert data.startswith(b"\xff\x0a")
    doc = extract_bytes(data, "no-suffix", ExtractContext())
    assert doc.status == "ok", doc.error
    assert doc.media_type == "image/jxl"
    assert not doc.metadata and not [h for h in doc.hidden if h.category == "gps"]


def test_jxl_sanitised_copy_has_no_exif_and_rescans_clean(tmp_path: Path) -> None:
    src = tmp_path / "in" / "photo.jxl"
    src.parent.mkdir()
    src.write_bytes(fm.jxl_with_gps())
    outcome = sanitize_paths([str(src)], str(tmp_path / "out"), ScanOptions(engine="python")).files[0]
    assert outcome.status == "sanitized", outcome.error
    out = tmp_path / "out" / "photo.jxl"
    clean = out.read_bytes()
    for planted in (fm.MOBILE.encode(), b"iPhone 15 Pro", b"Apple", b"Exif"):
        assert planted not in clean
    import pillow_jxl  # noqa: F401 - registers the Pillow plugin

    with Image.open(io.BytesIO(clean)) as reopened:
        assert reopened.format == "JXL" and reopened.size == (64, 48)
        assert "exif" not in reopened.info and not reopened.getexif()
        reopened.load()
    tags = json.loads(subprocess.run(["exiftool", "-j", "-G", "-a", str(out)], capture_output=True, text=True,
                                     check=True).stdout)[0]
    assert str(tags.get("File:FileType", "")).startswith("JXL")  # "JXL Codestream"
    leaked = [k for k in tags if k.split(":")[0] in ("EXIF", "GPS", "XMP") or "GPS" in k]
    assert not leaked, leaked
    source_tags = json.loads(subprocess.run(["exiftool", "-j", "-G", "-a", str(src)], capture_output=True,
                                            text=True, check=True).stdout)[0]
    assert "EXIF:GPSLatitude" in source_tags  # the same ExifTool check does see the original's GPS
    result = scan_paths([str(out)], ScanOptions(engine="python")).files[0]
    assert result.status == "ok", result.error
    assert not result.findings, [(f.category, f.match) for f in result.findings]


@pytest.mark.parametrize("data", [b"\xff\x0a\xfa\x7f", b"\x00\x00\x00\x0cJXL \r\n\x87\n" + bytes(20), b"not a picture"])
def test_corrupt_jxl_is_a_clear_per_file_error(tmp_path: Path, data: bytes) -> None:
    doc = extract_bytes(data, "broken.jxl", ExtractContext())
    assert doc.status == "error" and doc.error
    good = tmp_path / "good.jxl"
    good.write_bytes(fm.jxl_with_gps())
    bad = tmp_path / "bad.jxl"
    bad.write_bytes(data)
    report = scan_paths([str(bad), str(good)], ScanOptions(engine="python"))
    by_name = {Path(f.path).name: f for f in report.files}
    assert by_name["bad.jxl"].status == "error" and by_name["bad.jxl"].error
    assert by_name["good.jxl"].status == "ok"
