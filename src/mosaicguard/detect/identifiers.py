"""Personal and financial identifiers with check digits: PRC resident ID, bank cards, passports."""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence

from ..model import Finding, Segment, Severity
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
    """13-19 digits passing the Luhn check (python-stdnum), not all one digit."""
    digits = digits_only(value)
    if not digits.isdigit() or not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    # python-stdnum imported on first use: its import (pydoc, pkgutil, ssl: ~0.02-0.05 s) is paid
    # by a scan that meets a card-like number, not by every process that loads this module (a
    # `check` loads it for `looks_binary` and never validates a card)
    from stdnum import luhn

    return bool(luhn.is_valid(digits))


def card_valid(value: str) -> bool:
    """Luhn-valid, and not shaped like a resident ID: one 18-digit ID in ten passes Luhn by
    chance, and 18-digit cards are rare, so 18 digits with a birth date at 7-14 are an ID (or an
    ID with a typo in its check digit), not a card."""
    digits = digits_only(value)
    if len(digits) == 18 and digits[0] in "12345678" and _date_ok(digits[6:14]):
        return False
    return luhn_valid(value)


# Issuer prefixes (IIN) of the card schemes seen in Chinese and international documents, with
# the lengths each scheme issues: (first digits, lowest prefix, highest prefix, lengths).
_IIN: tuple[tuple[int, int, int, frozenset[int]], ...] = (
    (2, 62, 62, frozenset(range(16, 20))),  # China UnionPay
    (1, 4, 4, frozenset({13, 16, 19})),  # Visa
    (2, 51, 55, frozenset({16})),  # Mastercard
    (4, 2221, 2720, frozenset({16})),  # Mastercard 2-series
    (2, 34, 34, frozenset({15})),  # American Express
    (2, 37, 37, frozenset({15})),
    (4, 3528, 3589, frozenset(range(16, 20))),  # JCB
    (4, 6011, 6011, frozenset(range(16, 20))),  # Discover
    (2, 65, 65, frozenset(range(16, 20))),
    (3, 644, 649, frozenset(range(16, 20))),
    (4, 9558, 9558, frozenset({19})),  # ICBC domestic debit (灵通卡)
    (5, 95599, 95599, frozenset({19})),  # Agricultural Bank domestic debit
)


def known_iin(digits: str) -> bool:
    """The number starts with a card scheme's issuer prefix and has one of its lengths."""
    n = len(digits)
    return any(n in lengths and low <= int(digits[:width]) <= high for width, low, high, lengths in _IIN)


# Words that say a number is a card (an account label alone does not: a company's account is an
# account, not a card).
CARD_WORDS = ("卡号", "银行卡", "信用卡", "借记卡", "储蓄卡", "一卡通", "card")
_CARD_CONTEXT = re.compile("|".join(CARD_WORDS), re.IGNORECASE)


def is_card_number(digits: str, before: str = "") -> bool:
    """A payment card: Luhn-valid and not an ID, and either a known issuer prefix with its
    length or a card word in `before` (the text just before the number)."""
    if not card_valid(digits):
        return False
    return known_iin(digits) or _CARD_CONTEXT.search(before) is not None


# A hex dump around a number (`6f 72 67 0a 1234 5678 ...`, `00000010: 4a46 4946`): tokens of
# hex digits with at least one letter a-f right before or after it on its line.
_HEX_BEFORE = re.compile(r"(?:^|[\s:])(?=[0-9A-Fa-f]*[A-Fa-f])[0-9A-Fa-f]{2,8}[ \t]+$")
_HEX_AFTER = re.compile(r"^[ \t]+(?=[0-9A-Fa-f]*[A-Fa-f])[0-9A-Fa-f]{2,8}(?:$|[\s])")


def in_token(text: str, start: int, end: int) -> bool:
    """The span is part of a longer run of ASCII letters and digits (`a96222…128f0`: hex or
    base64), not a number standing on its own."""
    return (start > 0 and text[start - 1].isascii() and text[start - 1].isalnum()) or (
        end < len(text) and text[end].isascii() and text[end].isalnum()
    )


_TOKEN_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/=")


def in_long_token(text: str, start: int, end: int, longest: int = 24) -> bool:
    """The span lies inside a run of more than `longest` hex/base64 characters that goes on past
    it (`…9f3a13812345678c0de…`): binary data, not a number written for a reader."""
    lo = start
    while lo > 0 and start - lo <= longest and text[lo - 1] in _TOKEN_CHARS:
        lo -= 1
    hi = end
    while hi < len(text) and hi - end <= longest and text[hi] in _TOKEN_CHARS:
        hi += 1
    if not ((lo < start or hi > end) and hi - lo > longest):
        return False
    # Numbers listed with slashes (`0717-6253135/6253136/6253137`) are not base64: only digits
    # and `/` around the span.
    around = text[lo:start] + text[end:hi]
    return "/" not in around or not _SLASH_LIST.fullmatch(around)


_SLASH_LIST = re.compile(r"[0-9/]+")


def looks_binary(text: str, start: int, end: int) -> bool:
    """`in_long_token` or `in_hex_dump`, with the usual case (a number between punctuation or
    CJK text) decided from its two neighbours alone."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if (before in _TOKEN_CHARS or after in _TOKEN_CHARS) and in_long_token(text, start, end):
        return True
    return (before in _GAPS or after in _GAPS) and in_hex_dump(text, start, end)


_GAPS = frozenset(" \t")


def in_hex_dump(text: str, start: int, end: int) -> bool:
    """The span `text[start:end]` sits among hex-dump tokens: bytes, not a number anyone wrote."""
    before = text[max(0, start - 12) : start]
    after = text[end : end + 12]
    return _HEX_BEFORE.search(before) is not None or _HEX_AFTER.search(after) is not None


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
    """Payment cards: Luhn-valid AND a known issuer prefix with its length, or a card word just
    before. A company's account number (`银行账号`) is `bank_account`; a 统一社会信用代码 is
    `org_id`; a run of digits inside a hex dump or a longer letter-digit token is neither."""

    name = "bank_card"
    categories = ("bank_card",)

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        sev = policy.severity_for(self.name, Severity.HIGH)
        d = DIGIT
        # 16-19 digits, plain or in groups of four, or grouped 4-4-4-3-4 (`9558 8095 2690 788 6308`).
        # Written out instead of `{d}{{4}}(?:{SEP}?{d}{{3,5}}){{3,4}}`, which doubled the
        # Hyperscan scan of the whole database (docs/benchmarks-content.md, "phones" round).
        grouped = (
            f"{d}{{4}}(?:{SEP}?{d}{{4}}){{2}}"
            f"(?:{SEP}?{d}{{4}}(?:{SEP}?{d}{{1,3}})?|{SEP}?{d}{{3}}{SEP}?{d}{{4}})"
        )
        return (
            PatternRule(
                rule="bank_card.luhn",
                category="bank_card",
                # Not followed by X: `…0123X` is the tail of a resident ID, not a card.
                # Not inside a longer token of letters and digits (hex, base64): checked by
                # `refine`, because letters in these lookarounds double the Hyperscan scan.
                regex=f"(?<![0-9０-９])(?P<v>{grouped})(?![0-9０-９XxＸｘ])",
                severity=sev,
                confidence=0.7,
                validate=card_valid,
                context=("卡号", "银行", "账号", "帐号", "开户", "card", "account", "bank", "unionpay", "银联", "收款"),
                negative_context=("编号", "订单", "tracking", "serial", "isbn", "序列号", "身份证", "证书", "证号"),
                message="payment card number (passes the Luhn check)",
                max_len=30,
            ),
        )

    def refine(self, rule: PatternRule, match: re.Match[str], segment: Segment, finding: Finding) -> Finding | None:
        text = match.string
        start, end = match.span("v")
        if in_token(text, start, end) or in_hex_dump(text, start, end):
            return None
        before = text[max(0, start - 24) : start]
        return finding if is_card_number(digits_only(finding.match), before) else None

    def samples(self) -> Sequence[Sample]:
        return (
            Sample("开户银行卡号 6222 0212 3456 7890 128", "bank_card"),
            Sample("card 4111111111111111", "bank_card"),
            Sample("帐号：9558 8095 2690 788 6308", "bank_card", match="9558 8095 2690 788 6308"),
            Sample("帐号：4563 5110 7337 4972 034", "bank_card"),
            Sample("储蓄卡 1234 5678 9012 3452", "bank_card"),  # unknown prefix, but a card word
            Sample("编号 1234 5678 9012 3456", "bank_card", expect=False),  # fails Luhn
            Sample("编号 1234 5678 9012 3452", "bank_card", expect=False),  # Luhn, no prefix, no card word
            Sample("身份证 320102198810260605", "bank_card", expect=False),  # a valid ID that passes Luhn
            Sample("身份证 44030519870108298X", "bank_card", expect=False),
            Sample("统一社会信用代码：91320411666374682K", "bank_card", expect=False),
            Sample("银行账号：\n2401 9501 0400 34924", "bank_card", expect=False),  # 17 digits: not Mastercard
            Sample("证书编号 0422111400020000026", "bank_card", expect=False),
            Sample("IPTC 1c02 0000 02 6222021234567890128 1c02", "bank_card", expect=False),
            Sample("00000010: 4a46 4946 6222 0212 3456 7890 128 ff", "bank_card", expect=False),
            Sample("data=a96222021234567890128f0", "bank_card", expect=False),
        )


class BankAccountDetector(Detector):
    """Bank account numbers given as such: a number after an account label (`账 号：`,
    `开户行…账号…`, `Account No.`). A labelled number that is a payment card is left to
    `bank_card`, so one number has one category."""

    name = "bank_account"
    categories = ("bank_account",)

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        sev = policy.severity_for(self.name, Severity.MEDIUM)
        d = DIGIT
        gap = "[ \\t\u3000\u00a0]{0,3}"
        label = (
            f"(?:(?:银行|开户|對公|对公|收款)?[账帐賬]{gap}[号號户戶](?:号码|號碼)?|(?i:account{gap}(?:no\\.?|number|#)|a/c{gap}no\\.?))"
        )
        return (
            PatternRule(
                rule="bank_account.labelled",
                category="bank_account",
                # The number may stand on the next line (`银行账号：\n2401 9501 0400 34924`).
                regex=(
                    f"{label}{gap}[:：]?[ \\t\u3000\u00a0\\n]{{0,4}}"
                    f"(?P<v>{d}{{3,6}}(?:[ \\-]?{d}{{2,6}}){{1,6}})(?![0-9０-９A-Za-z])"
                ),
                severity=sev,
                confidence=0.8,
                validate=account_valid,
                # A login or messaging account is an account too, but not a bank's.
                negative_context=("登录", "用户名", "qq", "微信", "login", "user", "游戏"),
                context_window=12,
                message="bank account number",
                max_len=64,
            ),
        )

    def refine(self, rule: PatternRule, match: re.Match[str], segment: Segment, finding: Finding) -> Finding | None:
        text = match.string
        start, end = match.span("v")
        if in_hex_dump(text, start, end):
            return None
        # A card number after an account label (`帐号：6222 …`) is reported as a card.
        return None if is_card_number(digits_only(finding.match), text[max(0, start - 24) : start]) else finding

    def samples(self) -> Sequence[Sample]:
        return (
            Sample("账 号：0619 2001 0400 17846", "bank_account", match="0619 2001 0400 17846"),
            Sample("开户行：工商银行北京分行 账号：0200001234567890123", "bank_account"),
            Sample("银行账号：\n2401 9501 0400 34924", "bank_account", match="2401 9501 0400 34924"),
            Sample("Account No. 1234-5678-9012", "bank_account", match="1234-5678-9012"),
            Sample("帐号：1001 2951 0930 0494 566", "bank_account"),
            Sample("帐号：6222 8021 8835 2850 512", "bank_account", expect=False),  # a UnionPay card
            Sample("账号：zhangwei", "bank_account", expect=False),
            Sample("账户余额 2024 年", "bank_account", expect=False),
            Sample("登录账号：12345", "bank_account", expect=False),  # too short for an account
            Sample("登录账号：20240815001", "bank_account", expect=False),  # a login, not a bank account
            Sample("QQ账号：123456789", "bank_account", expect=False),
        )


def account_valid(value: str) -> bool:
    """8 to 32 digits, not all one digit."""
    digits = digits_only(value)
    return digits.isdigit() and 8 <= len(digits) <= 32 and len(set(digits)) > 1


# GB 32100-2015 character set (no I, O, S, V, Z) for 统一社会信用代码.
_USCC_CHARS = "0-9A-HJ-NP-RTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_valid(value: str) -> bool:
    """GB 11714 organisation code: 8 characters and a check character (0-9 or X)."""
    code = value.replace("-", "").upper()
    if len(code) != 9 or not code[:8].isalnum() or not code.isascii():
        return False
    total = sum(int(ch, 36) * w for ch, w in zip(code[:8], _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return code[8] == ("X" if check == 10 else "0" if check == 11 else str(check))


def uscc_valid(value: str) -> bool:
    """统一社会信用代码 with its GB 32100-2015 check character (python-stdnum), and not a valid
    resident ID (an 18-digit ID passes the USCC check about one time in 31)."""
    if (value.isdigit() or (value[-1] == "X" and value[:-1].isdigit())) and cn_id_valid(value):
        return False
    from stdnum.cn import uscc  # on first use, as in `luhn_valid`

    return bool(uscc.is_valid(value)) and org_code_valid(value[8:17])


class OrgIdDetector(Detector):
    """Organisation identifiers: 统一社会信用代码 (GB 32100-2015 check) and the older 9-character
    organisation code (GB 11714 check) after its label. Public by design for companies: low."""

    name = "org_id"
    categories = ("org_id",)

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        sev = policy.severity_for(self.name, Severity.LOW)
        c = f"[{_USCC_CHARS}]"
        return (
            PatternRule(
                rule="org_id.uscc",
                category="org_id",
                # Registering authority (1-9, A, N, Y), entity type (1-9), region code (1-8 first).
                # No lookarounds: `refine` rejects a code inside a longer token. Lookarounds of
                # letters and digits here doubled the Hyperscan scan of the whole database.
                regex=f"(?P<v>[1-9ANY][1-9][1-8][0-9]{{5}}{c}{{10}})",
                # Hyperscan: 18 characters of one class. The position-by-position classes
                # above cost 13 % of the database's scan (callgrind, docs/benchmarks-content.md);
                # one repeated class, 5 %, for ~160 extra hits per 4 MB (18-digit IDs) that
                # the exact regex rejects.
                prefilter="[0-9A-Z]{18}",
                severity=sev,
                confidence=0.75,
                validate=uscc_valid,
                context=("信用代码", "社会信用", "税号", "纳税人识别号", "credit code"),
                message="unified social credit code (统一社会信用代码, valid check character)",
                max_len=18,
            ),
            PatternRule(
                rule="org_id.org_code",
                category="org_id",
                regex=(
                    "(?:组织机构代码|組織機構代碼|机构代码)(?:证)?[ \\t\u3000]{0,3}[:：]?[ \\t\u3000]{0,3}"
                    "(?P<v>[0-9A-Z]{8}-?[0-9X])(?![0-9A-Za-z])"
                ),
                severity=sev,
                confidence=0.8,
                validate=org_code_valid,
                message="organisation code (组织机构代码, valid check character)",
                max_len=40,
            ),
        )

    def refine(self, rule: PatternRule, match: re.Match[str], segment: Segment, finding: Finding) -> Finding | None:
        start, end = match.span("v")
        return None if in_token(match.string, start, end) or in_hex_dump(match.string, start, end) else finding

    def samples(self) -> Sequence[Sample]:
        return (
            Sample("统一社会信用代码：91320411666374682K", "org_id", match="91320411666374682K"),
            Sample("公路养护作业单位资质证书，鄂-GY-914205827570174378", "org_id", match="914205827570174378"),
            Sample("[ 索引号 ] | 1150010700927688XM/2025-00844", "org_id", match="1150010700927688XM"),
            Sample("组织机构代码：73467321-2", "org_id"),
            Sample("统一社会信用代码：91320411666374682A", "org_id", expect=False),  # wrong check character
            Sample("组织机构代码：73467321-3", "org_id", expect=False),
            Sample("身份证号：11010519491231002X", "org_id", expect=False),
            Sample("ABCDEFGHJKLMNPQRTU", "org_id", expect=False),
            Sample("token=A91320411666374682K", "org_id", expect=False),  # inside a longer token
            Sample("91320411666374682K7", "org_id", expect=False),
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
