"""CSV/TSV extractor on files the tests write: encodings, delimiters, quoting, offsets, limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from mosaicguard.extract import csv_table
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.csv_table import CsvExtractor, iter_rows, sniff_delimiter
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.model import Document, Layer
from mosaicguard.pipeline import ScanOptions, scan_paths

POSTS = (
    "作者,正文,发布时间,纬度,经度\n"
    "张三,今天在营区 电话13812345678,2026-01-01 08:00,39.904210,116.407390\n"
    "李四,天气不错,2026-01-02,,\n"
)


def extract(data: bytes, name: str = "t.csv") -> Document:
    return CsvExtractor().extract(data, name, ExtractContext())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
def test_encodings(encoding: str) -> None:
    doc = extract(POSTS.encode(encoding))
    values = [s.text for s in doc.segments]
    assert "今天在营区 电话13812345678" in values
    assert values[:5] == ["作者", "正文", "发布时间", "纬度", "经度"]


def test_cells_are_table_segments_with_fields_pointers_and_offsets() -> None:
    text = POSTS
    doc = extract(text.encode("utf-8"))
    assert all(s.layer == Layer.TABLE for s in doc.segments)
    post = next(s for s in doc.segments if s.text.startswith("今天"))
    assert post.field == "正文"
    assert post.location.pointer == "row 2, col 2 (正文)"
    assert text[post.location.start : post.location.end] == post.text
    author = next(s for s in doc.segments if s.text == "李四")
    assert author.field == "作者" and author.location.pointer == "row 3, col 1 (作者)"
    header = doc.segments[0]
    assert header.field is None and header.location.pointer == "row 1, col 1"


def test_latitude_longitude_columns_become_one_pair() -> None:
    doc = extract(POSTS.encode("utf-8"))
    geo = [s for s in doc.segments if s.field == "geo"]
    assert [s.text for s in geo] == ["39.904210, 116.407390"]
    assert geo[0].location.pointer == "row 2: latitude/longitude columns"


@pytest.mark.parametrize(
    ("sample", "suffix", "expected"),
    [("a;b;c\n1;2;3\n", ".csv", ";"), ("a\tb\n1\t2\n", ".csv", "\t"), ("a,b\n1,2\n", ".tsv", "\t"),
     ("a|b|c\n1|2|3\n", ".csv", "|"), ("只有一列\n第二行\n", ".csv", ",")],
)
def test_delimiter_sniffing(sample: str, suffix: str, expected: str) -> None:
    assert sniff_delimiter(sample, suffix) == expected


def test_quoted_cells_with_delimiters_quotes_and_newlines() -> None:
    text = 'name,note\n王五,"第一行, 含逗号\n第二行 ""引号"" 13812345678"\n赵六,x\n'
    rows = list(iter_rows(text, ","))
    assert [c[0] for c in rows[1]] == ["王五", '第一行, 含逗号\n第二行 "引号" 13812345678']
    assert [c[0] for c in rows[2]] == ["赵六", "x"]
    value, start, end = rows[1][1]
    # Offsets point inside the quotes: the text up to the first escaped quote is exact.
    assert text[start : start + 8] == value[:8]
    assert text[end] == '"'


def test_lenient_with_broken_quoting() -> None:
    rows = list(iter_rows('a,"unterminated\nb,c\n', ","))
    assert rows[0][0][0] == "a"
    assert any("unterminated" in cell[0] for row in rows for cell in row)


def test_tsv_in_utf16() -> None:
    data = "姓名\t身份证\n孙七\t110101199003071234\n".encode("utf-16")
    doc = extract(data, "people.tsv")
    assert [s.text for s in doc.segments] == ["姓名", "身份证", "孙七", "110101199003071234"]
    assert doc.segments[3].field == "身份证"


def test_cell_cap_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_table, "MAX_CELLS", 10)
    data = ("a,b,c\n" * 20).encode()
    doc = extract_bytes(data, "big.csv", ExtractContext())
    assert doc.status == "error"
    assert doc.error is not None and "safety limit" in doc.error and "cells" in doc.error


def test_binary_data_is_an_error() -> None:
    doc = extract_bytes(b"\x00\x01\x02\x03garbage\x00" * 10, "bin.csv", ExtractContext())
    assert doc.status == "error"


def test_empty_file() -> None:
    assert extract(b"").segments == ()


def test_scan_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(POSTS.encode("gbk"))
    report = scan_paths([str(path)], ScanOptions())
    phones = [f for f in report.files[0].findings if f.category == "phone"]
    assert [f.match for f in phones] == ["13812345678"]
    assert phones[0].layer == Layer.TABLE
    assert phones[0].location.pointer == "row 2, col 2 (正文)"
