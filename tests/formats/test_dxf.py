"""DXF drawings: text, MTEXT, attributes, layer/block names, XDATA, header variables, GEODATA
and survey-grid extents; DWG is reported unsupported."""

from __future__ import annotations

from pathlib import Path

import pytest

from formats.factory_cn import build_dxf
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.extract.dxf import format_latlon, looks_like_survey_grid
from mosaicguard.model import Layer
from mosaicguard.pipeline import ScanOptions, scan_paths


def test_dxf_text_names_xdata_header_geodata() -> None:
    doc = extract_bytes(build_dxf(), "site.dxf", ExtractContext())
    assert doc.status == "ok", doc.error
    body = {s.text for s in doc.segments if s.layer is Layer.BODY}
    assert "总平面图 机密★10年" in body
    assert any("13812345678" in t for t in body)
    assert "身份证 11010519491231002X" in body
    meta_text = {s.text for s in doc.segments if s.layer is Layer.METADATA}
    assert {"雷达站-基础", "TITLE-7301", "zhangwei", "7301工程"} <= meta_text
    assert "N39.904200 E116.407400" in meta_text
    meta = {m.key: m.value for m in doc.metadata}
    assert meta["$LASTSAVEDBY"] == "zhangwei"
    descriptions = " | ".join(h.description for h in doc.hidden)
    assert "last saved by" in descriptions and "XDATA" in descriptions and "GEODATA" in descriptions
    assert any(h.description == "linked raster image path" and "fileserver" in h.value for h in doc.hidden)
    attrib = next(s for s in doc.segments if "11010519491231002X" in s.text)
    assert attrib.location.pointer and "ATTRIB DRAWER" in attrib.location.pointer


def test_dxf_survey_extents_flagged() -> None:
    doc = extract_bytes(build_dxf(geodata=None, survey_extents=True), "grid.dxf", ExtractContext())
    assert any(h.category == "gps" and "survey" in h.description for h in doc.hidden)
    plain = extract_bytes(build_dxf(geodata=None), "plain.dxf", ExtractContext())
    assert not [h for h in plain.hidden if h.category == "gps"]


def test_dxf_scan_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "site.dxf"
    path.write_bytes(build_dxf())
    result = scan_paths([str(path)], ScanOptions(engine="python")).files[0]
    seen = {(f.category, f.layer.value) for f in result.findings}
    assert {("marking", "body"), ("phone", "body"), ("cn_id", "body"), ("coordinates", "metadata"),
            ("gps", "metadata"), ("metadata", "metadata")} <= seen


@pytest.mark.parametrize("x, y, expected", [
    (39_512_345.0, 4_419_876.0, True), (512_345.0, 4_419_876.0, True), (100.0, 200.0, False),
    (116.4, 39.9, False),
])
def test_survey_grid(x: float, y: float, expected: bool) -> None:
    assert looks_like_survey_grid(x, y) is expected


def test_format_latlon() -> None:
    assert format_latlon(-33.5, -70.25) == "S33.500000 W70.250000"


def test_dwg_is_unsupported_with_message() -> None:
    doc = extract_bytes(b"AC1032" + b"\0" * 100, "site.dwg", ExtractContext())
    assert doc.status == "unsupported" and "DXF" in (doc.error or "") and "AC1032" in (doc.error or "")


@pytest.mark.parametrize("data", [b"", b"garbage that is not dxf", b"0\nFOO"])
def test_broken_dxf_is_error(data: bytes) -> None:
    doc = extract_bytes(data, "x.dxf", ExtractContext())
    assert doc.status == "error" and doc.error
