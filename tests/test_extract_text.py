"""Plain text and Markdown: the encodings Chinese offices write, exact offsets, binary refused."""

from __future__ import annotations

import codecs

import pytest

from mosaicguard.errors import ExtractionError
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.extract.encoding import decode_text
from mosaicguard.extract.text import _CHUNK, split_into_segments

TEXT = "关于7301工程配套道路的招标公告\n联系人：王建国，手机 13957112345\nContact: Li Wei\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        ("Contact list\nLi Wei 13957112345\n".encode("utf-16-le"), "utf-16-le"),
        ("Contact list\nLi Wei 13957112345\n".encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_encodings_are_detected(data: bytes, encoding: str) -> None:
    text, found = decode_text(data)
    assert found == encoding
    assert "13957112345" in text
    assert not text.startswith("\ufeff")


def test_binary_is_refused() -> None:
    with pytest.raises(ExtractionError, match="binary"):
        decode_text(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00\xff\xfe")


@pytest.mark.parametrize("suffix", [".txt", ".md", ".log"])
def test_text_document_offsets_point_at_the_text(suffix: str) -> None:
    doc = extract_bytes(TEXT.encode("gb18030"), f"notice{suffix}", ExtractContext())
    assert doc.status == "ok" and doc.media_type == "text/plain"
    joined = doc.text()
    assert joined == TEXT
    seg = doc.segments[0]
    start = seg.text.index("13957112345")
    assert TEXT[(seg.location.start or 0) + start :].startswith("13957112345")


def test_long_text_is_cut_at_line_ends_with_absolute_offsets() -> None:
    line = "第{}行：联系人手机 13957112345，地址青石县石门镇。\n"
    text = "".join(line.format(i) for i in range(20000))
    assert len(text) > 2 * _CHUNK
    segments = split_into_segments(text)
    assert len(segments) >= 3
    assert "".join(s.text for s in segments) == text
    for seg in segments:
        assert text[seg.location.start : seg.location.end] == seg.text
        assert seg.text.endswith("\n")


def test_binary_file_named_txt_is_an_error_entry() -> None:
    doc = extract_bytes(b"\x00\x01\x02\x03" * 100, "weird.txt", ExtractContext())
    assert doc.status == "error" and "binary" in (doc.error or "")
