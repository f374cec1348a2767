"""JSON / JSON Lines social-post exports: field paths, geo pairs, errors and nesting limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.extract.social_json import JsonExtractor, geo_pair, records_of
from mosaicguard.model import Document, Layer, Severity
from mosaicguard.pipeline import ScanOptions, scan_paths

WEIBO = {
    "statuses": [
        {
            "text": "今天在营区拍照 电话13812345678",
            "created_at": "Sat Jan 03 08:00:00 +0800 2026",
            "user": {"screen_name": "张三", "id": 1234567890},
            "geo": {"type": "Point", "coordinates": [39.90421, 116.40739]},
        },
        {"text": "天气不错", "user": {"screen_name": "李四", "id": 42}},
    ]
}


def extract(obj: object, name: str = "posts.json") -> Document:
    return JsonExtractor().extract(json.dumps(obj, ensure_ascii=False).encode("utf-8"), name, ExtractContext())


def test_records_fields_and_pointers() -> None:
    doc = extract(WEIBO)
    by_field = {(s.location.pointer, s.field): s.text for s in doc.segments}
    assert by_field[("record 1: text", "text")] == "今天在营区拍照 电话13812345678"
    assert by_field[("record 1: user.screen_name", "user.screen_name")] == "张三"
    assert by_field[("record 2: user.screen_name", "user.screen_name")] == "李四"
    # Long numbers may be phone numbers or IDs stored as numbers; short ones are noise.
    assert by_field[("record 1: user.id", "user.id")] == "1234567890"
    assert ("record 2: user.id", "user.id") not in by_field


def test_geo_becomes_pair_segment_and_gps_item() -> None:
    doc = extract(WEIBO)
    geo = [s for s in doc.segments if s.field == "geo.coordinates"]
    assert [s.text for s in geo] == ["39.904210, 116.407390"]
    assert geo[0].layer == Layer.METADATA
    assert [(h.category, h.value, h.severity) for h in doc.hidden] == [("gps", "39.90421, 116.40739", Severity.HIGH)]
    assert doc.hidden[0].location.pointer == "record 1: geo.coordinates"


@pytest.mark.parametrize(
    ("key", "value", "parent", "expected"),
    [
        ("coordinates", [116.40739, 39.90421], {"type": "Point"}, (39.90421, 116.40739)),  # GeoJSON lon, lat
        ("geo", [39.90421, 116.40739], None, (39.90421, 116.40739)),  # Twitter's old geo: lat, lon
        ("coordinates", [39.90421, 116.40739], {"type": "Point"}, (39.90421, 116.40739)),  # Weibo: swapped back
        ("location", {"lat": "31.2304", "lng": "121.4737"}, None, (31.2304, 121.4737)),
        ("place", {"latitude": -33.86, "longitude": 151.21}, None, (-33.86, 151.21)),
        ("scores", [39.9, 116.4], None, None),  # not a geo key
        ("geo", [0, 0], None, None),
        ("geo", [200.0, 300.0], None, None),
        ("geo", ["a", "b"], None, None),
    ],
)
def test_geo_pair_table(key: str, value: object, parent: dict[str, object] | None,
                        expected: tuple[float, float] | None) -> None:
    assert geo_pair(key, value, parent) == expected


def test_records_under_other_keys_and_single_object() -> None:
    assert records_of({"data": [{"a": 1}, {"b": 2}]}) == [{"a": 1}, {"b": 2}]
    assert records_of([1, 2]) == [1, 2]
    assert records_of({"text": "one post"}) == [{"text": "one post"}]


def test_jsonl_records_and_error_line() -> None:
    lines = '{"text": "第一条"}\n\n{"text": "第二条", "loc": {"lat": 30.5, "lon": 114.3}}\n'
    doc = JsonExtractor().extract(lines.encode(), "posts.jsonl", ExtractContext())
    assert [s.location.pointer for s in doc.segments if s.field == "text"] == ["record 1: text", "record 2: text"]
    assert [h.category for h in doc.hidden] == ["gps"]
    bad = extract_bytes(b'{"a": 1}\n{"a": 2}\n{"a": \n', "posts.ndjson", ExtractContext())
    assert bad.status == "error" and bad.error is not None
    assert "line 3" in bad.error and "column" in bad.error


def test_malformed_json_reports_line_and_column() -> None:
    doc = extract_bytes(b'{\n  "text": "x",\n  "user": }\n', "bad.json", ExtractContext())
    assert doc.status == "error"
    assert doc.error == "malformed JSON at line 3, column 11: Expecting value"


@pytest.mark.parametrize("depth", [200, 200_000])
def test_deep_nesting_bomb_is_refused(depth: int) -> None:
    data = b'{"a":' * depth + b"1" + b"}" * depth
    doc = extract_bytes(data, "bomb.json", ExtractContext())
    assert doc.status == "error"
    assert doc.error is not None and "safety limit" in doc.error and "nested" in doc.error


def test_gbk_json() -> None:
    doc = JsonExtractor().extract('[{"text": "内部资料 注意保存"}]'.encode("gbk"), "g.json", ExtractContext())
    assert [s.text for s in doc.segments] == ["内部资料 注意保存"]


def test_scan_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "weibo.json"
    path.write_text(json.dumps(WEIBO, ensure_ascii=False), encoding="utf-8")
    findings = scan_paths([str(path)], ScanOptions()).files[0].findings
    gps = [f for f in findings if f.category == "gps"]
    assert len(gps) == 1 and gps[0].severity == Severity.HIGH and gps[0].rule == "hidden.gps"
    phones = [f for f in findings if f.category == "phone"]
    assert phones and phones[0].location.pointer == "record 1: text"
