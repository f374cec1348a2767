"""Chinese protected terms match as tokens (issue 9: aliases match as tokens, not substrings).

Chinese has no spaces, so the word segmenter (jieba's dictionary) decides whether a match's edge
is a word boundary: `鲲鹏计划生育服务站` reads 鲲鹏/计划生育/服务站 and does not mention the alias
`鲲鹏计划`; the alias followed by the work it names (`鲲鹏计划配套道路施工`, `7301工程施工招标`)
still does, also spaced out, traditional or full-width. Real scan texts run through the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from mosaicguard.detect.engine import Engine
from mosaicguard.detect.registry import get_detector
from mosaicguard.detect.segment import CUT_MARGIN_BITS, cuts_word
from mosaicguard.model import Document, Segment
from mosaicguard.policy.schema import Policy

POLICY = Policy.model_validate({"lexicon": [{"term": "鲲鹏计划"}, {"term": "7301工程"}, {"term": "雷达天线罩"}]})


def _scan(text: str) -> list[str]:
    engine = Engine(POLICY, detectors=[get_detector("protected_term")])
    return [f.match for f in engine.scan(Document("x.txt", "text/plain", "", segments=(Segment(text),)))]


@pytest.mark.parametrize(("text", "expected"), [
    ("备注：本项目与鲲鹏计划生育服务站无关。", []),
    ("鲲鹏计划生育", []),
    ("鲲鹏计划配套道路施工招标公告", ["鲲鹏计划"]),
    ("鲲 鹏 计 划设备采购及安装", ["鲲 鹏 计 划"]),
    ("關於鯤鵬計劃實施的報道", ["鯤鵬計劃"]),
    ("据悉鲲鹏计划进展顺利", ["鲲鹏计划"]),
    ("7301工程施工招标", ["7301工程"]),
    ("7301工程项目经理部", ["7301工程"]),
    ("7301工程建设管理处", ["7301工程"]),
    ("新建雷达天线罩一处", ["雷达天线罩"]),
])
def test_chinese_terms_match_as_tokens(text: str, expected: list[str]) -> None:
    assert _scan(text) == expected


def test_only_an_improbable_boundary_rejects() -> None:
    # 计划生育 is one word: keeping 鲲鹏计划 whole costs far more than the margin
    assert cuts_word("鲲鹏计划生育服务站", 0, 4)
    # 工程项目 is a word too, but 工程 + 项目 read almost as well: the alias stays a token
    assert not cuts_word("7301工程项目", 0, 6)
    # edges next to punctuation, digits or Latin letters are not the segmenter's question
    assert not cuts_word("（鲲鹏计划）", 1, 5)
    assert CUT_MARGIN_BITS > 0


SENTENCES = ["鲲鹏计划生育服务站", "鲲鹏计划配套道路施工", "工程施工招标公告", "新建雷达天线罩一处",
             "据悉鲲鹏计划进展顺利", "石家沟村二组", "采购代理机构联系人", "研究所院内综合楼"]


def test_route_over_the_cached_table_is_jiebas(tmp_path: Path) -> None:
    """The segmentation score computed over the SQLite fragment table (built once into the cache
    folder, then read per fragment by every later process) is jieba's own `get_DAG` + `calc`."""
    import math

    import jieba

    from mosaicguard.detect.segment import FragmentTable, _best_log2, _build_from_jieba, prefix_table

    built: list[int] = []

    def build() -> tuple[dict[str, int], int]:
        built.append(1)
        return _build_from_jieba()

    path = tmp_path / "cache" / "jieba-prefix.sqlite"
    first, total = prefix_table(path, build)  # builds and writes the table
    assert isinstance(first, dict) and path.exists() and built == [1]
    table, total_again = prefix_table(path, build)  # the next process reads it
    assert isinstance(table, FragmentTable) and total_again == total and built == [1]
    tk = jieba.Tokenizer()
    tk.FREQ, tk.total = first, total
    tk.initialized = True
    for s in SENTENCES:
        route: dict[int, tuple[float, int]] = {}
        tk.calc(s, tk.get_DAG(s), route)
        expected = route[0][0] / math.log(2)
        assert _best_log2(table, total, s) == pytest.approx(expected, abs=1e-9), s
        assert _best_log2(first, total, s) == pytest.approx(expected, abs=1e-9), s
    path.write_bytes(b"not a database")  # a damaged cache is rebuilt, never trusted
    _, total_rebuilt = prefix_table(path, build)
    assert built == [1, 1] and total_rebuilt == total
