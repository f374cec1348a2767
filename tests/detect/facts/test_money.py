"""Amounts of money on real phrasing, their precision, role and link keys; look-alikes that are
not money (dates, phones, quantities, percentages, standards); quantities leave money alone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mosaicguard.detect.facts.money import Money, amount_keys, amount_kind
from mosaicguard.detect.facts.quantities import Quantities

X = Money()


def amounts(text: str) -> list[tuple[str, str, str, str]]:
    """(span as written, currency, exact value, role) of every amount."""
    return [(s.text, s.get("currency"), s.get("value"), s.get("role")) for s in X.extract(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # sentences of the real documents (shared/realworld, realworld-extra)
        ("高39m钢管塔架设。项目总投资约523万元,其中环保投资约21万元,占总投资4%。",
         [("523万元", "CNY", "5230000", "investment"), ("21万元", "CNY", "210000", "investment")]),
        ("工程总投资1698.42万元,总用地11000㎡。", [("1698.42万元", "CNY", "16984200", "investment")]),
        ("工程靜態總投資31.09億元", [("31.09億元", "CNY", "3109000000", "investment")]),
        ("2.项目预算：25万元；", [("25万元", "CNY", "250000", "budget")]),
        ("3.最高限价：25万元；", [("25万元", "CNY", "250000", "budget")]),
        ("中标价(元):\n6181910.08\n履约期限(天):", [("6181910.08", "CNY", "6181910.08", "award")]),
        ("投资金额 2,000 万美金", [("2,000 万美金", "USD", "20000000", "investment")]),
        ("has awarded Turner Construction a $389 million contract to make Offutt",
         [("$389 million", "USD", "389000000", "award")]),
        ("Engineers awarded Fluor Corp. [FLR] a $145.7 million firm fixed price contract for the WGF",
         [("$145.7 million", "USD", "145700000", "award")]),
        ("is building WGF under a roughly $145-millionm firm fixed price contract",
         [("$145-million", "USD", "145000000", "award")]),
        # forms of award and budget notices
        ("合同价格：6743.16万元", [("6743.16万元", "CNY", "67431600", "award")]),
        ("成交金额：人民币壹佰贰拾万元整", [("壹佰贰拾万元整", "CNY", "1200000", "award")]),
        ("中标金额：1.2亿元", [("1.2亿元", "CNY", "120000000", "award")]),
        ("预算金额：￥1,234,567.00", [("￥1,234,567.00", "CNY", "1234567", "budget")]),
        ("Contract value: USD 1.2M", [("USD 1.2M", "USD", "1200000", "award")]),
        ("a $1,234,567 task order", [("$1,234,567", "USD", "1234567", "award")]),
        ("成交价：人民币 1,234,567.89", [("人民币 1,234,567.89", "CNY", "1234567.89", "award")]),
    ],
)
def test_real_phrasing(text: str, expected: list[tuple[str, str, str, str]]) -> None:
    assert amounts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "联系电话：0717-6223456，13907171234",
        "公示期：2025年6月13日至2025年6月16日",
        "总建筑面积6743平方米，6743 m2",
        "占总投资4%，下浮率12.5%",
        "执行GB 50016-2014、GB/T 50378-2019",
        "水库总库容为2.12亿立方米",  # 亿 of cubic metres, not of yuan
        "年产 450 万双 adidas 成品鞋",
        "was flooded by 720 million gallons of water",
        "About 1.2 million square feet of work",
        "谈判文件售价：200元/份，售后不退",  # a price per copy
        "走多元化发展道路",
    ],
)
def test_look_alikes_are_not_money(text: str) -> None:
    assert amounts(text) == []


def test_precision_is_the_last_digit_as_written() -> None:
    (approx,) = X.extract("总投资约6743万元")
    (exact,) = X.extract("合同价格：6743.16万元")
    (integer,) = X.extract("预算金额：67430000元")
    assert (approx.key, approx.get("precision")) == ("CNY:6743e4", "4")
    assert (exact.key, exact.get("precision")) == ("CNY:674316e2", "2")
    # an integer written without decimals is as precise as its last non-zero digit
    assert integer.key == "CNY:6743e4"
    renderings = [v for k, v in exact.detail if k == "rendering"]
    assert "CNY:6743e4" in renderings  # meets 约6743万元 at 万元
    assert "CNY:674316e2" not in renderings


def test_round_amounts_weigh_little_or_nothing_and_truncation_and_rounding_both_render() -> None:
    for text in ("总投资约100亿元", "$50 million", "伍拾万元", "最高限价：500万元"):  # one digit: no key
        (s,) = X.extract(text)
        assert s.key == "" and not [v for k, v in s.detail if k == "rendering"], text
    for text in ("预算金额：25万元", "1.2亿元", "8500万元", "$8.8 million", "人民币壹佰贰拾万元整"):
        (s,) = X.extract(text)
        assert amount_kind(s.key) == "amtr", text  # round: the weak comparison
    (precise,) = X.extract("$8,841,345 obligated")
    renderings = [v for k, v in precise.detail if k == "rendering"]
    assert amount_kind(precise.key) == "amt" and "USD:88e5" in renderings  # meets `$8.8 million`
    assert amount_kind("USD:88e5") == "amtr"
    # $145.7 million rounds to 146 and truncates to 145: `worth $145 million` meets it either way
    (s,) = X.extract("$145.7 million")
    rendered = tuple(v for k, v in s.detail if k == "rendering")
    assert s.key == "USD:1457e5"
    assert {"USD:146e6", "USD:145e6"} <= set(rendered)
    assert X.extract("worth $145 million")[0].key == "USD:145e6"
    assert amount_keys("USD", Decimal("145700000"), 5) == (s.key, rendered)


def test_currencies_never_meet() -> None:
    (cny,) = X.extract("合同金额：389000000元")
    (usd,) = X.extract("$389 million")
    assert cny.key.split(":")[1] == usd.key.split(":")[1] and cny.key != usd.key


def test_quantities_leave_money_to_the_money_extractor() -> None:
    q = Quantities()
    text = "新建12套设备，投资3500万元；合同价格：12台 6743.16万元"
    assert [s.text for s in q.extract(text)] == ["12套", "12台"]
    assert [s.text for s in X.extract(text)] == ["3500万元", "6743.16万元"]
