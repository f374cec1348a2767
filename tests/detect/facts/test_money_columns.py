"""Bid prices in a candidates list's money column (issue 9): one cell per line under a header
line (`投标报价(元/%)`, the real ycggzy.cn lists) or a pipe/tab table (the domain generator's);
rates under a `(元/%)` header, `%` cells and unrelated numeric columns are no amounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from mosaicguard.detect.facts.money import Money
from mosaicguard.detect.facts.quantities import Quantities

X = Money()
REALWORLD = Path(__file__).resolve().parents[3] / ".." / "shared" / "realworld"


def amounts(text: str) -> list[tuple[str, str, str, str]]:
    """(span as written, exact value, role, key) of every amount."""
    out = []
    for s in X.extract(text):
        assert text[s.start:s.end] == s.text
        out.append((s.text, s.get("value"), s.get("role"), s.key))
    return out


ONE_PER_LINE = """二、评标结果
名 次
第一名
第二名
第三名
中标候选人名称
当阳市玉阳公路养护有限责任公司
宜昌砼富公路养护有限公司
宜昌市公路工程有限公司
投标报价(元/%)
9398358.46
9414606.24
9429203.52
质量目标
合格
合格
合格
履约期限（天）
90
90
90
"""


def test_one_cell_per_line_column() -> None:
    assert amounts(ONE_PER_LINE) == [
        ("9398358.46", "9398358.46", "bid", "CNY:939835846e-2"),
        ("9414606.24", "9414606.24", "bid", "CNY:941460624e-2"),
        ("9429203.52", "9429203.52", "bid", "CNY:942920352e-2"),
    ]


def test_pipe_table_column() -> None:
    # tests/domaingen/zh.py's candidates list
    text = ("二、评标结果\n名 次 | 中标候选人名称 | 投标报价(元) | 质量目标 | 履约期限（天）\n"
            "第一名 | 云南建投第二建设有限公司 | 5988003.51 | 合格 | 90\n"
            "第二名 | 云南建工第四建设有限公司 | 5990170.20 | 合格 | 90\n"
            "公示期：2025年6月13日至2025年6月16日\n")
    assert amounts(text) == [("5988003.51", "5988003.51", "bid", "CNY:598800351e-2"),
                             ("5990170.20", "5990170.2", "bid", "CNY:599017020e-2")]


def test_tab_table_column_in_wan_yuan_with_an_award_label() -> None:
    text = ("序号\t单位名称\t中标金额（万元）\n1\t宜昌市公路工程有限公司\t939.84\n"
            "2\t某某公司\t合格\n3\t某某公司\t1,024.5\n")
    assert amounts(text) == [("939.84", "9398400", "award", "CNY:93984e2"),
                             ("1,024.5", "10245000", "award", "CNY:10245e3")]


@pytest.mark.parametrize(
    "text",
    [
        # real dongfang-ave list: the bid is a discount rate
        "投标报价(元/%)\n下浮率20.50%\n下浮率29.00%\n下浮率25.00%\n质量目标\n",
        # real yanglinqiao list: the bid is a rate of the ceiling (98.90 %), no price
        "投标报价(元/%)\n98.90\n98.55\n99.28\n质量目标\n",
        "名次 | 单位 | 投标报价(元/%) | 工期\n第一名 | 甲公司 | 98.90 | 90\n第二名 | 乙公司 | 97.5% | 90\n",
        "投标报价(元)\n98.90%\n",
        "投标报价(万元/%)\n98.90\n",
        "下浮率(%)\n20.50\n",
        "费率(%)\n3.5\n",
        "投标折扣率（%） | 单位\n95.5 | 甲公司\n",
        "履约期限（天）\n90\n90\n",
        "名次 | 单位 | 履约期限（天）\n第一名 | 甲公司 | 90\n",
        # a header with a colon and text after it is no column header
        "投标报价(元/%)说明\n98765.43\n",
    ],
)
def test_rates_and_other_columns_are_not_amounts(text: str) -> None:
    assert amounts(text) == []


def test_a_row_of_another_width_ends_the_table() -> None:
    text = "名次 | 单位 | 投标报价(元)\n第一名 | 甲公司 | 123456.78\n合计 | 123456.78\n第二名 | 乙公司 | 223456.78\n"
    assert [a[0] for a in amounts(text)] == ["123456.78"]


def test_the_same_number_under_a_labelled_line_is_one_amount() -> None:
    # `中标价(元)` then the number: `_LABELLED` reads it too; one fact, not two
    assert amounts("中标价(元)\n6181910.08\n") == [("6181910.08", "6181910.08", "award", "CNY:618191008e-2")]


def test_a_bare_number_in_a_column_is_never_a_quantity() -> None:
    # money_ranges need not cover the column's numbers: a quantity needs its unit next to the
    # number (`12套`, `200kW`), and a column cell holds the number alone
    assert list(Quantities().extract(ONE_PER_LINE)) == []
    assert list(Quantities().extract("名次 | 单位 | 投标报价(元)\n第一名 | 甲公司 | 123456.78\n")) == []


PRICED = {
    "ammonium-perchlorate-infra": ["4562599.03", "4551400.35", "4587923.76"],
    "bacilu-road-design": ["985500.00", "998000.00", "1039500.00"],
    "qingjiang-psh-pipeline": ["5674075.38", "5613025.98", "5504192.09"],
    "s253-zhijiang-road": ["9398358.46", "9414606.24", "9429203.52"],
    "shilihong-hotel-fitout": ["203358288.88", "217451997.62", "218732810.60", "212325147.56", "203456369.58"],
    "xiazhou-ave-streetlight": ["14181299.58", "13704649.02", "14100382.96"],
    "dongfang-ave-rail-crossing": [],  # 下浮率20.50%
    "yanglinqiao-road": [],  # 98.90 (a rate)
}


@pytest.mark.skipif(not (REALWORLD / "truth.json").is_file(), reason="realworld corpus not present")
@pytest.mark.parametrize("name", sorted(PRICED))
def test_real_candidates_lists(name: str) -> None:
    text = (REALWORLD / "docs" / f"zh_ycggzy_{name}-candidates.txt").read_text(encoding="utf-8")
    bids = [a[0] for a in amounts(text) if a[2] == "bid"]
    assert bids == PRICED[name]


def test_a_bid_is_compared_at_its_own_precision_only() -> None:
    # the winning bid is the award's price to the cent; no coarser renderings for a bid
    (bid,) = X.extract("投标报价(元)\n5674075.38\n")
    assert bid.key == "CNY:567407538e-2" and not [v for k, v in bid.detail if k == "rendering"]
    (award,) = X.extract("中标金额(万元)\n567.41\n")
    assert "CNY:57e5" in [v for k, v in award.detail if k == "rendering"]


def test_a_price_in_wan_yuan_under_a_price_or_rate_header() -> None:
    assert amounts("投标报价(万元/%)\n939.84\n") == [("939.84", "9398400", "bid", "CNY:93984e2")]


def test_a_long_table_with_repeated_headers_is_read_in_linear_time() -> None:
    """A header row repeated on every page of a long table (or on every line of a hostile file)
    starts a walk of its own: the walk before it stops there, so each row is read once. Without
    that, 20,000 header rows walked to the table's end: 2 * 10^8 rows, a file holding
    `aggregate` for hours (a timed bound, not a speed figure: it fails by two orders of magnitude)."""
    import time

    n = 20_000
    text = "".join(f"第{i}名 | 投标报价(元) | 合格\n第{i}名 | {1_000_000 + i}.25 | 合格\n" for i in range(n))
    t0 = time.perf_counter()
    amounts = [s for s in Money().extract(text) if s.kind == "amount"]
    elapsed = time.perf_counter() - t0
    assert len(amounts) == n
    assert elapsed < 20, elapsed
