"""Personal and financial identifiers with check digits: PRC resident ID, bank cards, passports."""

from __future__ import annotations

import operator
from collections.abc import Sequence

from ..model import Severity
from ..policy.schema import Policy
from .base import Detector, PatternRule, Sample
from .normalize import DIGIT, SEP, digits_only

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def cn_id_valid(value: str) -> bool:
    """18-character PRC resident ID: plausible region, real birth date, ISO 7064 MOD 11-2."""
    v = digits_only(value)
    if len(v) != 18 or not v[:17].isdigit():
        return False
    if v[0] not in "123456789":
        return False
    if not _date_ok(v[6:14]):
        return False
    # map(mul, ...) instead of a generator: ~2x faster, and both have 17 items (checked above).
    total = sum(map(operator.mul, map(int, v[:17]), _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == v[17]


def _date_ok(yyyymmdd: str) -> bool:
    import datetime

    try:
        date = datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return 1900 <= date.year <= 2100


def luhn_valid(value: str) -> bool:
    digits = digits_only(value)
    if not digits.isdigit() or not 16 <= len(digits) <= 19:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0 and len(set(digits)) > 1


def card_valid(value: str) -> bool:
    """Luhn-valid, and not shaped like a resident ID: one 18-digit ID in ten passes Luhn by
    chance, and 18-digit cards are rare, so 18 digits with a birth date at 7-14 are an ID (or an
    ID with a typo in its check digit), not a card."""
    digits = digits_only(value)
    if len(digits) == 18 and digits[0] in "12345678" and _date_ok(digits[6:14]):
        return False
    return luhn_valid(value)


class ChineseIdDetector(Detector):
    name = "cn_id"
    categories = ("cn_id",)

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        sev = policy.severity_for(self.name, Severity.HIGH)
        d = DIGIT
        # 6+8+3+1, optionally grouped as 6 8 4 or 6 4 4 4 with spaces/hyphens.
        body = f"{d}{{6}}{SEP}?{d}{{4}}{SEP}?{d}{{4}}{SEP}?{d}{{3}}[0-9０-９XxＸｘ]"
        return (
            PatternRule(
                rule="cn_id.checksum",
                category="cn_id",
                # The lookbehind sits inside the group on purpose: same matches for Python, but
                # the Hyperscan prefilter drops it instead of consuming the character before
                # (`matcher._tighten_edges`), which halves the scan of the whole rule database
                # (docs/benchmarks-content.md) without adding hits: the tail is still tightened.
                regex=f"(?P<v>(?<![0-9０-９A-Za-z]){body})(?![0-9０-９A-Za-z])",
                severity=sev,
                confidence=0.85,
                validate=cn_id_valid,
                context=("身份证", "证件", "公民身份", "id card", "id no", "identity"),
                negative_context=("订单", "流水号", "order no", "tracking"),
                message="PRC resident ID number (valid check digit): identifies a person",
                max_len=30,
            ),
            PatternRule(
                rule="cn_id.legacy15",
                category="cn_id",
                # First-generation IDs: 6-digit region, YYMMDD, 3-digit sequence, no check digit.
                # Without a check digit any 15-digit number could pass, so ID words must be near.
                regex="(?<![0-9０-９A-Za-z])(?P<v>[1-8][0-9]{5}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3})"
                "(?![0-9０-９A-Za-z])",
                severity=sev,
                confidence=0.3,
                validate=lambda v: _date_ok("19" + v[6:12]),
                context=("身份证", "证件", "公民身份", "id card", "id no", "identity"),
                context_boost=0.45,
                message="PRC resident ID number, 15-digit first-generation form: identifies a person",
                max_len=15,
            ),
        )

    def samples(self) -> Sequence[Sample]:
        return (
            Sample("身份证号：110105491231002", "cn_id", match="110105491231002"),  # 15-digit form
            Sample("流水号 110105491231002", "cn_id", expect=False),  # 15 digits without ID words
            Sample("身份证号：11010519491231002X", "cn_id", match="11010519491231002X"),
            Sample("ID 110105 1949 1231 002X here", "cn_id"),
            Sample("身份证号：１１０１０５１９４９１２３１００２Ｘ", "cn_id"),
            Sample("号码 110105194912310021", "cn_id", expect=False),  # wrong check digit
            Sample("订单 110105199913450020", "cn_id", expect=False),  # month 13
        )


class BankCardDetector(Detector):
    name = "bank_card"
    categories = ("bank_card",)

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        sev = policy.severity_for(self.name, Severity.HIGH)
        d = DIGIT
        grouped = f"{d}{{4}}(?:{SEP}?{d}{{4}}){{3}}(?:{SEP}?{d}{{1,3}})?"
        return (
            PatternRule(
                rule="bank_card.luhn",
                category="bank_card",
                # Not followed by X: `…0123X` is the tail of a resident ID, not a card.
                regex=f"(?<![0-9０-９])(?P<v>{grouped})(?![0-9０-９XxＸｘ])",
                severity=sev,
                confidence=0.7,
                validate=card_valid,
                context=("卡号", "银行", "账号", "开户", "card", "account", "bank", "unionpay", "银联"),
                negative_context=("编号", "订单", "tracking", "serial", "isbn", "序列号", "身份证"),
                message="payment card number (passes the Luhn check)",
                max_len=30,
            ),
        )

    def samples(self) -> Sequence[Sample]:
        return (
            Sample("开户银行卡号 6222 0212 3456 7890 128", "bank_card"),
            Sample("card 4111111111111111", "bank_card"),
            Sample("编号 1234 5678 9012 3456", "bank_card", expect=False),  # fails Luhn
            Sample("身份证 320102198810260605", "bank_card", expect=False),  # a valid ID that passes Luhn
            Sample("身份证 44030519870108298X", "bank_card", expect=False),
        )


class PassportDetector(Detector):
    name = "passport"
    categories = ("passport",)

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        sev = policy.severity_for(self.name, Severity.MEDIUM)
        return (
            PatternRule(
                rule="passport.cn",
                category="passport",
                # PRC ordinary passports: E/G + 8 digits, or E + letter + 7 digits.
                # A bare `E12345678` is a model or part number as often as a passport, so the rule
                # needs a passport word shortly before the number (this also gives Hyperscan a
                # literal to anchor on instead of every E and G in the text).
                regex=(
                    "(?i:护照|passport|证件号)[^\\n]{0,16}?(?<![A-Za-z0-9])"
                    "(?P<v>[EeGg][0-9]{8}|[Ee][A-HJ-NP-Za-hj-np-z][0-9]{7})(?![A-Za-z0-9])"
                ),
                severity=sev,
                confidence=0.75,
                message="passport number",
                max_len=40,
            ),
        )

    def samples(self) -> Sequence[Sample]:
        return (
            Sample("护照号码：E12345678", "passport"),
            Sample("Passport No. EA1234567", "passport"),
            Sample("型号 E12345678 设备", "passport", expect=False),  # no passport context
        )
