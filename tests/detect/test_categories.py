"""With every content detector on, one value gets one category: the issue-10 mix-ups (a credit
code as a card, an account as a truncated phone, hex data as a card) stay fixed."""

from __future__ import annotations

import pytest

from detect.helpers import ENGINES, scan_text

CASES = [
    ("账 号：0619 2001 0400 17846", {("bank_account", "0619 2001 0400 17846")}),
    ("统一社会信用代码：91320411666374682K", {("org_id", "91320411666374682K")}),
    ("开户行：中国银行 账号：1001 2951 0930 0494 566", {("bank_account", "1001 2951 0930 0494 566")}),
    ("帐号：6222 8021 8835 2850 512", {("bank_card", "6222 8021 8835 2850 512")}),
    ("银行账号：\n2401 9501 0400 34924", {("bank_account", "2401 9501 0400 34924")}),
    ("电话： 0451-86417953 13936645563", {("phone", "0451-86417953"), ("phone", "13936645563")}),
    ("联系电话:020-87531387020-87531393", {("phone", "020-87531387"), ("phone", "020-87531393")}),
    ("终点坐标(X=3373884.36，Y=517197.61)", {("coordinates", "X=3373884.36，Y=517197.61")}),
    ("SWIFT: BKCHCNBJ300", set()),
    ("合同编号：HT-2024-0717-6253135", set()),
    ("IPTC 1c020000026222021234567890128ff1c02", set()),
    ("00000010: 4a46 4946 6222 0212 3456 7890 128 ff", set()),
    ("证书编号 0422111400020000026", set()),
    ("2024年10月12日 10:30-12:00", set()),
]


@pytest.mark.parametrize("kind", ENGINES)
@pytest.mark.parametrize(("text", "expected"), CASES)
def test_one_value_one_category(kind: str, text: str, expected: set[tuple[str, str]]) -> None:
    found = {(f.category, f.match) for f in scan_text(text, kind)}
    assert found == expected
