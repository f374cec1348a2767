"""Normalisation: layout, width, case, punctuation and script variants give the same units."""

from __future__ import annotations

import pytest

from mosaicguard.fingerprint.normalize import CONTINUATION, tokens, unit_stream

SAME = [
    ("full-width letters and digits", "ＡＢＣ１２３ 项目", "abc123 项目"),
    ("case", "The Antenna ARRAY", "the antenna array"),
    ("spaces and line breaks inside Chinese", "雷 达\n站\r\n建　设", "雷达站建设"),
    ("punctuation", "雷达站，建设。“工程”！", "雷达站建设工程"),
    ("English punctuation and line breaks", "the antenna-array,\nmounted; before", "the antenna array mounted before"),
    ("traditional characters", "雷達站建設工程", "雷达站建设工程"),
    ("compatibility ideograph", "\uf900", "\u8c48"),
    ("markup-like symbols are not text", "**重点**：<b>工程</b>", "重点 b 工程 b"),
]


@pytest.mark.parametrize(("why", "a", "b"), SAME, ids=[s[0] for s in SAME])
def test_variants_give_the_same_units(why: str, a: str, b: str) -> None:
    assert unit_stream([a]).units == unit_stream([b]).units


DIFFERENT = [
    ("different words", "the antenna array", "the antenna arrays"),
    ("word boundaries matter in English", "in to", "into"),
    ("different characters", "雷达站", "雷达战"),
]


@pytest.mark.parametrize(("why", "a", "b"), DIFFERENT, ids=[s[0] for s in DIFFERENT])
def test_real_differences_remain(why: str, a: str, b: str) -> None:
    assert unit_stream([a]).units != unit_stream([b]).units


def test_chinese_by_character_english_by_word_with_two_units() -> None:
    stream = unit_stream(["雷达 radar 2026年"])
    assert stream.units == ["雷", "达", "radar", "radar" + CONTINUATION, "2026", "2026" + CONTINUATION, "年"]


def test_token_offsets_point_into_the_original_text() -> None:
    text = "前言：ＡＢＣ 雷達站\n the Antenna！"
    for token, start, end, _ in tokens(text):
        original = text[start:end]
        assert unit_stream([original]).units[0] == token


def test_stream_keeps_segment_index_and_spans() -> None:
    stream = unit_stream(["甲乙", "word 丙"])
    assert stream.seg == [0, 0, 1, 1, 1]
    assert (stream.start[2], stream.end[2]) == (0, 4)
    assert (stream.start[4], stream.end[4]) == (5, 6)
