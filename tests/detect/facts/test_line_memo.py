"""The line-local extractors read each distinct folded line once (`lines.LINE_MEMO`): a reading
reused for another occurrence of the line, in the same notice or another one, must give that
occurrence's own offsets and quote its own text, also when two lines differ only in width or
script (they fold to one line and share one reading)."""

from __future__ import annotations

import pytest

from mosaicguard.detect.facts.base import FactExtractor, FactSpan
from mosaicguard.detect.facts.money import Money
from mosaicguard.detect.facts.names import ProjectNames
from mosaicguard.detect.facts.orgs import Organisations
from mosaicguard.detect.facts.persons import Persons

# Each extractor with a line it reads, simplified and in traditional / full-width forms (the two
# fold to the same line).
CASES = [
    (ProjectNames(), "项目名称：广寒坪雷达站营区道路工程", "項目名稱：廣寒坪雷達站營區道路工程"),
    (Organisations(), "中标人：北京北辰建设有限公司", "中標人：北京北辰建設有限公司"),
    (Persons(), "项目负责人：王建国", "項目負責人：王建國"),
    (Money(), "中标金额：人民币1234.56万元", "中標金額：人民幣１２３４.５６萬元"),
]


def _shape(spans: list[FactSpan], shift: int = 0) -> list[tuple[str, int, int, str, tuple[tuple[str, str], ...]]]:
    return [(s.kind, s.start - shift, s.end - shift, s.key, s.detail) for s in spans]


@pytest.mark.parametrize(("extractor", "plain", "other"), CASES, ids=[c[0].name for c in CASES])
def test_a_repeated_line_gives_each_occurrence_its_own_spans(extractor: FactExtractor, plain: str,
                                                              other: str) -> None:
    alone = list(extractor.extract(plain))
    assert alone, f"{extractor.name} finds nothing in {plain!r}: the test would prove nothing"
    head = "公告\n"
    text = head + plain + "\n附件\n" + plain + "\n"
    spans = list(extractor.extract(text))
    second = len(head) + len(plain) + len("\n附件\n")
    first_half = [s for s in spans if s.start < second]
    second_half = [s for s in spans if s.start >= second]
    # the same reading at both places, each at its own offset, quoting the text there
    assert _shape(first_half, len(head)) == _shape(alone)
    assert _shape(second_half, second) == _shape(alone)
    assert all(s.text == text[s.start:s.end] for s in spans)


@pytest.mark.parametrize(("extractor", "plain", "other"), CASES, ids=[c[0].name for c in CASES])
def test_a_line_in_another_script_quotes_its_own_text(extractor: FactExtractor, plain: str, other: str) -> None:
    simplified = list(extractor.extract(plain))
    written = list(extractor.extract(other))  # the folded line's reading is reused here
    assert _shape(written) == _shape(simplified)
    assert [s.text for s in written] == [other[s.start:s.end] for s in written]
    assert [s.text for s in written] != [s.text for s in simplified]
