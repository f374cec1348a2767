"""Contact details: phone numbers (PRC mobile and landline, international) and e-mail addresses."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Severity
from ..policy.schema import Policy
from .base import Detector, PatternRule, Sample
from .normalize import DIGIT, SEP, digits_only


def phone_key(value: str) -> str:
    """The one normalised form of a phone number the detector matched: digits only (width and
    separators folded), without the +86 country prefix of a mobile, so `+86 138-1234-5678` and
    `13812345678` compare equal. Aggregation links phones by this key."""
    digits = digits_only(value)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def mobile_valid(value: str) -> bool:
    digits = phone_key(value)
    return len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789"


def landline_valid(value: str) -> bool:
    digits = digits_only(value)
    return 10 <= len(digits) <= 12 and digits[0] == "0" and digits[1] != "0"


class PhoneDetector(Detector):
    name = "phone"
    categories = ("phone",)

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        sev = policy.severity_for(self.name, Severity.MEDIUM)
        d = DIGIT
        context = ("电话", "手机", "联系", "tel", "phone", "mobile", "call", "热线", "传真", "fax")
        # Words that make an 11-digit number an order or serial number. Not "no.": "Tel No." is
        # how English notices introduce a phone number.
        negative = ("订单", "单号", "编号", "流水", "金额", "元", "serial", "invoice", "order", "tracking")
        return (
            PatternRule(
                rule="phone.cn_mobile",
                category="phone",
                regex=(
                    # Not after "digits + separator": that is the tail of a grouped card number.
                    "(?<![0-9０-９])(?<![0-9０-９][ \\-])"
                    f"(?P<v>(?:(?:\\+|＋)?(?:86|８６){SEP}?)?[1１][3-9３-９]{d}{SEP}?{d}{{4}}{SEP}?{d}{{4}})"
                    "(?![0-9０-９])"
                ),
                severity=sev,
                confidence=0.75,
                validate=mobile_valid,
                context=context,
                negative_context=negative,
                negative_penalty=0.5,
                message="mobile phone number: reaches a person directly",
                max_len=24,
            ),
            PatternRule(
                rule="phone.cn_landline",
                category="phone",
                regex=(
                    "(?<![0-9０-９])(?<![0-9０-９][ \\-])"
                    f"(?P<v>[(（]?[0０][1-9１-９]{d}{{1,2}}[)）]?{SEP}?[2-9２-９]{d}{{2,3}}{SEP}?{d}{{4}})"
                    f"(?![0-9０-９])"
                ),
                severity=Severity.LOW if sev == Severity.MEDIUM else sev,
                confidence=0.6,
                validate=landline_valid,
                context=context,
                # A procurement agency's published office number is public by design (DOMAIN.md);
                # a landline next to these words drops below the default threshold.
                negative_context=(*negative, "代理机构", "采购代理", "招标代理", "代理公司", "agency"),
                context_window=40,
                message="landline phone number",
                max_len=24,
            ),
        )

    def samples(self) -> Sequence[Sample]:
        return (
            Sample("联系人手机：138 1234 5678", "phone"),
            Sample("Tel: +86 13812345678", "phone"),
            Sample("电话：010-62345678", "phone"),
            Sample("手机：１３８１２３４５６７８", "phone"),
            Sample("金额 12345678901234 元", "phone", expect=False),
            Sample("请联系。order no. 18117540092，", "phone", expect=False),
            Sample("Tel No. 13812345678", "phone"),
            Sample("卡号 6217 0595 9899 5843 123", "phone", expect=False),  # inside a grouped card number
            Sample("采购代理机构：某招标公司，联系电话：010-62345678", "phone", expect=False),
        )


class EmailDetector(Detector):
    name = "email"
    categories = ("email",)

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        sev = policy.severity_for(self.name, Severity.LOW)
        return (
            PatternRule(
                rule="email.address",
                category="email",
                regex=(
                    "(?<![A-Za-z0-9._%+-])(?P<v>[A-Za-z0-9._%+-]{1,64}[@＠][A-Za-z0-9-]{1,63}"
                    "(?:\\.[A-Za-z0-9-]{1,63})*\\.[A-Za-z]{2,24})(?![A-Za-z0-9-])"
                ),
                severity=sev,
                confidence=0.8,
                message="e-mail address",
                max_len=200,
            ),
        )

    def samples(self) -> Sequence[Sample]:
        return (
            Sample("联系邮箱 zhang.wei@example.cn 。", "email", match="zhang.wei@example.cn"),
            Sample("write to someone at example dot com", "email", expect=False),
        )
