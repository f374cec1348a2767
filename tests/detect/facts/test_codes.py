"""Project codes vs standards, phones, dates and money."""

from __future__ import annotations

import pytest

from mosaicguard.detect.facts.codes import CodeExtractor, code_key

X = CodeExtractor()


@pytest.mark.parametrize(
    ("text", "span", "key"),
    [
        ("标段编号：CYA080003-202501-01", "CYA080003-202501-01", "CYA08000320250101"),
        ("YLA020060-202501-01(2)中标", "YLA020060-202501-01(2)", "YLA020060202501012"),
        ("项目编号:2024-JLBBDC-W3002", "2024-JLBBDC-W3002", "2024JLBBDCW3002"),
        ("Solicitation No. W912EQ-08-B-0001", "W912EQ-08-B-0001", "W912EQ08B0001"),
        ("FA8903-19-C-0001 awarded", "FA8903-19-C-0001", "FA890319C0001"),
        ("ＺＢ－２０２６－７３０１", "ＺＢ－２０２６－７３０１", "ZB20267301"),
        ("招标编号 zb 2026 7301", "zb 2026 7301", "ZB20267301"),
        ("合同编号：20250312001", "20250312001", "20250312001"),
        # a code in parentheses keeps the code, not the closing bracket
        ("the regional engineering command (W912HN-24-D-0169).", "W912HN-24-D-0169", "W912HN24D0169"),
        ("见（ZB-2025-1234）", "ZB-2025-1234", "ZB20251234"),
    ],
)
def test_codes(text: str, span: str, key: str) -> None:
    codes = [(f.text, f.key) for f in X.extract(text) if f.kind == "code"]
    assert codes == [(span, key)]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("符合GB 50016-2014规定", "GB50016"),
        ("GB/T 50378-2019", "GBT50378"),
        ("JGJ 59-2011", "JGJ59"),
        ("DL/T 5161", "DLT5161"),
        ("ISO 9001:2015", "ISO9001"),
        ("IEC 61850", "IEC61850"),
        ("EN 1090", "EN1090"),
        ("ASTM A36", "ASTMA36"),
    ],
)
def test_standards_are_never_codes(text: str, key: str) -> None:
    facts = X.extract(text)
    assert [(f.kind, f.key) for f in facts] == [("standard", key)]


@pytest.mark.parametrize(
    "text",
    ["电话0717-5335612", "2025-06-13", "¥1,234,567.00", "420528198001010031", "COVID-19", "10KV",
     "1650m", "www.ycggzy.gov.cn/a1234.html", "a@b123.com", "X=3374933.57", "UH-1N",
     "a 120,000-square-foot hangar", "100-year flood", "1400m2", "500MW(2台)",
     "统一社会信用代码：91330100MA2H3K7Q5L",
     # military type designators name an aircraft or a trailer, not a project (real stories)
     "its last KC-135R Stratotanker", "venerable KC-135s", "the MH-139A Grey Wolf", "MHU-196 trailers",
     "B-52H bombers",
     # a fiscal year is a date, not a project (it linked two unrelated items at +12.6)
     "funded from the FY2027 capital budget", "operational in FY2027.", "FY2022-FY2027 plan", "fy2026-2030"],
)
def test_not_codes(text: str) -> None:
    assert [f for f in X.extract(text) if f.kind == "code"] == []


def test_codes_with_a_short_prefix_and_more_digits_stay_codes() -> None:
    """Only the designator's shape (1-3 letters, a hyphen, at most three digits and a series
    letter) is left out: tender and contract codes are longer."""
    assert [f.key for f in X.extract("W912HN-24-C-0002 and ZB-2026-7301, AB-1234")] == \
        ["W912HN24C0002", "ZB20267301", "AB1234"]


def test_code_key_folds_width_case_and_separators() -> None:
    assert code_key("ＺＢ－２０２６－７３０１") == code_key("ZB-2026-7301") == code_key("zb 2026 7301")


def test_many_codes_cost_linear_time() -> None:
    """A text of many codes (a long table, a huge line) is read in linear time: each span is
    checked against the spans already taken by bisection (a scan of them all made 30,000 codes
    cost about a minute, and a 5.6 MB line of codes held `aggregate` for hours)."""
    import time

    n = 30_000
    text = "".join(f"招标编号：ZB-{i:06d} GB 50016-2014 W912HN-24-C-{i:04d}；" for i in range(n))
    t0 = time.perf_counter()
    spans = X.extract(text)
    elapsed = time.perf_counter() - t0
    kinds = [s.kind for s in spans]
    assert kinds.count("code") == 2 * n and kinds.count("standard") == n
    assert elapsed < 20, elapsed
    # overlapping candidates still give way to the span taken first
    assert [(f.kind, f.text) for f in X.extract("合同编号：GB 50016-2014")] == [("standard", "GB 50016-2014")]
