"""One understanding of text: aggregation's facts come from scan's own detectors (lexicon folding
and token boundaries, phones, unit designators, the one coordinate parser) and keep the text as
written, at its offset."""

from __future__ import annotations

import pytest

from mosaicguard.aggregate.facts import Fact, FactExtractor
from mosaicguard.aggregate.normalize import distance_m
from mosaicguard.detect.engine import Engine
from mosaicguard.detect.registry import get_detector
from mosaicguard.model import Document, Segment
from mosaicguard.policy.schema import Policy

POLICY = Policy.model_validate({
    "protected_subjects": [
        {"id": "p7301", "aliases": ["7301工程", "北辰计划", "雷达天线罩"], "codes": ["ZB-2026-7301"]},
        {"id": "jx", "aliases": ["JX-17A", "鲲鹏-3型"]},
    ],
    "sensitive_purposes": ["雷达"],
})
FX = FactExtractor(POLICY)


def _facts(text: str, kind: str | None = None) -> list[Fact]:
    return [f for f in FX.extract_text("d.txt", text) if kind is None or f.kind == kind]


def _scan_terms(text: str) -> list[str]:
    engine = Engine(POLICY, detectors=[get_detector("protected_term")])
    return [f.match for f in engine.scan(Document("d.txt", "text/plain", "", segments=(Segment(text),)))]


@pytest.mark.parametrize(("text", "written", "subject"), [
    ("关于北 辰 计 划的通知", "北 辰 计 划", "p7301"),  # inserted spaces
    ("型号ＪＸ－１７Ａ天线", "ＪＸ－１７Ａ", "jx"),  # full-width letters, digits and hyphen
    ("鲲鹏－３型试验", "鲲鹏－３型", "jx"),
    ("採購雷達天線罩兩套", "雷達天線罩", "p7301"),  # traditional characters
    ("编号ｚｂ　２０２６　７３０１", "ｚｂ　２０２６　７３０１", "p7301"),  # code: case, width, spaces
])
def test_aliases_found_by_aggregate_as_scan_finds_them(text: str, written: str, subject: str) -> None:
    assert _scan_terms(text) == [written]
    got = [f for f in _facts(text, "subject") if f"subject:{subject}" in f.keys]
    assert [f.value for f in got] == [written]  # as written, not folded
    assert text[got[0].start:got[0].end] == written


@pytest.mark.parametrize("text", ["17301工程开工", "工程编号 1 7 3 0 1工程", "XJX-17A", "JX-17AB型"])
def test_aliases_match_as_tokens_not_substrings(text: str) -> None:
    assert _scan_terms(text) == []
    assert not [f for f in _facts(text) if any(k.startswith("subject:") for k in f.keys)]


def test_token_rule_keeps_real_mentions() -> None:
    assert [f.value for f in _facts("关于7301工程的批复; see JX-17A.", "subject")] == ["7301工程", "JX-17A"]


def test_policy_id_is_never_matched_in_text() -> None:
    assert not _facts("p7301 jx 文件", "subject")


def test_phone_and_unit_keys_are_the_detectors() -> None:
    from mosaicguard.detect.contact import phone_key

    got = _facts("项目经理电话 +86 138 1234 5678，驻地中国人民解放军６１２３４部队")
    phones = [f for f in got if f.kind == "phone"]
    assert phones and phones[0].keys == (f"phone:{phone_key('+86 138 1234 5678')}",) == ("phone:13812345678",)
    units = [f for f in got if f.kind == "unit"]
    assert units and units[0].keys == ("unit:61234",) and units[0].value == "中国人民解放军６１２３４部队"


# WGS-84 39.90420, 116.40740 written in GCJ-02 (forward formula, ~555 m away) and in BD-09.
GCJ = (39.905603, 116.413642)
BD = (39.911865, 116.420046)


@pytest.mark.parametrize(("text", "raw"), [
    (f"高德地图坐标(GCJ-02): {GCJ[0]:.6f}, {GCJ[1]:.6f}", GCJ),
    (f"火星坐标 北纬{GCJ[0]:.6f}度,东经{GCJ[1]:.6f}度", GCJ),
    (f"百度坐标 {BD[0]:.6f}, {BD[1]:.6f}", BD),
])
def test_gcj02_and_bd09_are_converted_to_wgs84(text: str, raw: tuple[float, float]) -> None:
    coords = _facts(text, "coord")
    assert len(coords) == 1
    lat, lon = (float(x) for x in coords[0].extra.split(","))
    assert distance_m(lat, lon, 39.90420, 116.40740) < 10
    assert distance_m(raw[0], raw[1], 39.90420, 116.40740) > 300  # the conversion mattered


def test_wgs84_is_left_alone() -> None:
    coords = _facts("GPS (WGS-84) 坐标: 39.904200, 116.407400 ; 另见GCJ-02说明", "coord")
    lat, lon = (float(x) for x in coords[0].extra.split(","))
    assert distance_m(lat, lon, 39.90420, 116.40740) < 1


def test_fact_values_and_offsets_are_the_original_text() -> None:
    text = ("招标编号：ＺＢ－２０２６－７３０１\n"
            "交货地点：湖北省宜昌市點軍區點軍街道聯棚村，采购雷達天線罩１２套，計劃２０２７年３月竣工")
    got = _facts(text)
    assert {f.kind for f in got} >= {"code", "address", "purpose", "capacity", "schedule"}
    for f in got:
        assert text[f.start:f.end] == f.value, f
    address = next(f for f in got if f.kind == "address")
    assert address.value == "湖北省宜昌市點軍區點軍街道聯棚村"  # as written
    assert address.keys and all("聯" not in k and "軍" not in k for k in address.keys)  # keys folded
