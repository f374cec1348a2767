"""Contact details: phone numbers (any region, by libphonenumber) and e-mail addresses.

Phones: the regexes below only find phone-*shaped* candidates, cheaply, in the one Hyperscan
pass; `refine` asks `phones.parse_phone` (libphonenumber's metadata) whether each is a real
number and of what kind. A mobile reaches a person (the rule's severity, medium by default); an
office line, a toll-free or service number, or a local number without area code is low: an
agency's published line is reported, not dropped, but does not make a notice "must change".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat

from ..model import Finding, Location, Segment, Severity
from ..policy.schema import Policy
from .base import Detector, PatternRule, Sample
from .identifiers import looks_binary
from .normalize import digits_only
from .phones import PERSONAL_KINDS, PhoneValue, parse_phone


# Memoised: a switchboard is printed in thousands of notices (10k domain corpus: 16,221 phone
# facts, 211 distinct), and the national format below costs a full libphonenumber parse.
@lru_cache(maxsize=65536)
def phone_key(value: str) -> str:
    """The one normalised form of a phone number the detector matched, by `parse_phone`: for a
    PRC number the digits of its national format as dialled inside China (`+86 138-1234-5678`
    -> `13812345678`; `+86-0734-8571555`, `0734-8571555` -> `07348571555`), E.164 for other
    regions, and the digits when libphonenumber does not know the number. Aggregation links
    phones by this key."""
    parsed = parse_phone(value, "CN") or parse_phone(value, "US")
    if parsed is None or parsed.e164 is None:
        digits = digits_only(value)
        return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
    if parsed.region != "CN":
        return parsed.key
    # The number `parsed.e164` (`+86` and the national significant number) stands for, built
    # rather than parsed again: a second `phonenumbers.parse` of every new number cost ~25 us
    # (reading the 1M realistic corpus about one phone in eight is new; parse_phone parsed it already).
    number = PhoneNumber(country_code=86, national_number=int(parsed.e164[3:]))
    national = digits_only(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
    return national + (f";ext={parsed.extension}" if parsed.extension else "")


D = "[0-9０-９]"
_ND = "(?![0-9０-９])"  # not followed by a digit
# One separator inside a number: spaces (also full-width and no-break), hyphens and dashes (em
# dash `010—61986732`), dots.
_SEP = "[ \\-‐‑–—－\u3000\u00a0.．]"
# A PRC area code, bracketed or not: 010, 0451, (0717), （020）.
_AREA = f"[(（]?[0０][1-9１-９]{D}{{1,2}}[)）]?"
# A local number after an area code: 7 or 8 digits, optionally split 3/4 + 4.
_LOCAL = f"[2-9２-９]{D}{{2,3}}{_SEP}?{D}{{4}}"
# An extension after a landline: `-8004`, `转806`, ` ext. 12`. Read by `refine` after the match,
# not in the rule: in the rule it doubled the Hyperscan scan of the whole database.
_EXT_AFTER = re.compile(f"(?:[-－]|转|分机|{_SEP}?(?:ext|EXT|Ext)\\.?{_SEP}?){D}{{1,5}}(?![0-9０-９])")
# Phone labels that introduce a number (simplified, traditional, English); separators may stand
# between the characters (`电　话：`).
_GAP = "[ \\t\u3000\u00a0]{0,2}"
_LABEL = (
    f"(?:电{_GAP}话|電{_GAP}話|传{_GAP}真|傳{_GAP}真|手{_GAP}机|手{_GAP}機|热线|熱線|座机|"
    "[Tt]el(?:ephone)?|TEL|[Ff]ax|FAX|[Pp]hone)"
)
_AFTER_LABEL = f"(?:号码|號碼|\\.|No\\.?)?{_GAP}[:：]?{_GAP}"
_LABEL_BEFORE = re.compile(f"{_LABEL}{_AFTER_LABEL}$")

_CN_FIXED = f"(?:(?:\\+|＋)(?:86|８６){_SEP}?)?{_AREA}{_SEP}?{_LOCAL}"
# A run-together pair inside one candidate.
_PAIR = re.compile(f"({_CN_FIXED})({_AREA}[-－—]{_LOCAL})")
_AREA_OF = re.compile(f"(?:(?:\\+|＋)(?:86|８６){_SEP}?)?{_AREA}")
# Rules whose numbers may be followed by a continuation.
_CONTINUED = frozenset({"phone.cn_landline", "phone.label_local"})
# A number continuing the one before it: `/61986796` (same area code), `、88886667`.
_FOLLOW = re.compile(f"[/／、,，;；]({_LOCAL})(?![0-9０-９])")
# How many continuations one number may carry (a list longer than this is a table, not a number).
_MAX_FOLLOWERS = 8
# A number that is not the tail of a grouped card or ID number (`6217 0595 9899 5843 123`): not
# after a group of at most four digits and a separator. A longer group before a space is a phone
# number of its own (`0451-86417953 13936645563`).
_NOT_GROUP_TAIL = "(?:(?<![0-9０-９][ \\-])|(?<=[0-9０-９]{5}[ \\-]))"

# Words that make a number an order, serial or certificate number. Not "no.": "Tel No." is how
# English notices introduce a phone number.
_NEGATIVE = ("订单", "单号", "编号", "流水", "金额", "元", "证书", "证号", "serial", "invoice", "order", "tracking")
_CONTEXT = ("电话", "電話", "手机", "联系", "聯絡", "tel", "phone", "mobile", "call", "热线", "传真", "fax", "contact")


class PhoneDetector(Detector):
    name = "phone"
    categories = ("phone",)

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        sev = policy.severity_for(self.name, Severity.MEDIUM)

        def rule(name: str, regex: str, confidence: float, message: str, **kw: object) -> PatternRule:
            return PatternRule(
                rule=f"phone.{name}",
                category="phone",
                regex=regex,
                severity=sev,
                confidence=confidence,
                context=_CONTEXT,
                negative_context=_NEGATIVE,
                negative_penalty=0.5,
                message=message,
                **kw,  # type: ignore[arg-type]
            )

        return (
            rule(
                "cn_mobile",
                "(?<![0-9０-９])" + _NOT_GROUP_TAIL
                + f"(?P<v>(?:(?:\\+|＋)(?:86|８６){_SEP}?)?[1１][3-9３-９]{D}{_SEP}?{D}{{4}}{_SEP}?{D}{{4}})" + _ND,
                0.75,
                "mobile phone number: reaches a person directly",
                max_len=24,
            ),
            rule(
                "cn_landline",
                # An area code and a local number, and a second one printed straight after it
                # (phone and fax: `010-51977253010-65729087`; `refine` splits the pair).
                "(?<![0-9０-９])" + _NOT_GROUP_TAIL + f"(?P<v>{_CN_FIXED}(?:{_AREA}[-－—]{_LOCAL})?)"
                # A single character class as the last lookahead: the Hyperscan prefilter then
                # reports one hit per number, not one per trailing digit (matcher._tighten_edges).
                + "(?![0-9０-９])",
                0.6,
                "landline phone number",
                context_window=40,
                max_len=48,
            ),
            rule(
                "label_local",
                # A local number without area code after a phone label: `电　话：88886666`,
                # `传真:68601388`, `電話：2123 4567` (Hong Kong numbers have no area code).
                f"{_LABEL}{_AFTER_LABEL}(?P<v>{_LOCAL}){_ND}",
                0.75,
                "local phone number (after a phone label)",
                max_len=40,
            ),
            rule(
                "cn_service",
                # Nationwide 400 / 800 service numbers: `400-810-8888`.
                "(?<![0-9])(?P<v>[48]00[ \\-]?[0-9]{3}[ \\-]?[0-9]{4})(?![0-9])",
                0.6,
                "service phone number (400/800)",
                max_len=24,
            ),
            rule(
                "tw_area",
                # Taiwan's one-digit area codes in brackets: `(02) 2345-6789`.
                "(?P<v>[(（]0[2-8][)）][ \\-]?[2-9][0-9]{2,3}[ \\-]?[0-9]{4})(?![0-9])",
                0.6,
                "phone number (Taiwan)",
                max_len=24,
            ),
            rule(
                "nanp",
                # North America: `805-605-7031`, `(805) 605-7031`, `+1 805 605 7031`.
                "(?<![0-9０-９])(?P<v>(?:(?:\\+|＋)1[ \\-.]?)?"
                "(?:\\([2-9][0-9]{2}\\)[ \\-.]?|[2-9][0-9]{2}[ \\-.])[2-9][0-9]{2}[\\-. ][0-9]{4})"
                "(?![0-9０-９])",
                0.6,
                "phone number (North America)",
                max_len=24,
            ),
            rule(
                "international",
                # `+852 2123 4567`, `+886 2 2345 6789`, `+44 20 7946 0958`, `+86 571 63806497`.
                "(?<![0-9A-Za-z])(?P<v>(?:\\+|＋)[1-9][0-9]{0,2}(?:[ \\-.]?\\(0?[0-9]{1,4}\\))?"
                "(?:[ \\-.]?[0-9]{1,5}){1,5}(?:[ \\-.]?(?:ext\\.?|x)[ ]?[0-9]{1,5})?)(?![0-9])",
                0.7,
                "phone number (international form)",
                max_len=40,
            ),
        )

    def refine(
        self, rule: PatternRule, match: re.Match[str], segment: Segment, finding: Finding
    ) -> Finding | list[Finding] | None:
        """Keep a candidate only when libphonenumber says it is a valid number; its kind sets
        the severity (a person's mobile: the rule's; an office or service line: low). Numbers
        that continue a landline or a labelled number (`/61986796`, `、88886667`, a fax printed
        straight after the phone) are reported as findings of their own."""
        name = rule.rule
        value = finding.match
        start = match.start("v")
        string = match.string
        if looks_binary(string, start, start + len(value)):
            return None
        if name == "phone.cn_landline":
            pair = _PAIR.fullmatch(value)
            if pair is not None:  # `010-51977253010-65729087`: two numbers
                return [
                    f for f in (
                        _judge(name, match, segment, finding, start, pair.group(1)),
                        _judge(name, match, segment, finding, start + pair.start(2), pair.group(2)),
                    ) if f is not None
                ]
        first = _judge(name, match, segment, finding, start, value)
        if first is None or name not in _CONTINUED:
            return first
        end = start + len(first.match)
        follow = _FOLLOW.match(string, end, end + 16)
        if follow is None:
            return first
        area = ""
        if name == "phone.cn_landline":
            area_match = _AREA_OF.match(value)
            if area_match is None:
                return first
            area = f"{area_match.group(0)}-"
        # Every number of the list, not only the second: `010-1234567/2345678/3456789`.
        found = [first]
        while follow is not None and len(found) <= _MAX_FOLLOWERS:
            local = follow.group(1)
            more = _judge(name, match, segment, finding, follow.start(1), local, area + local if area else local)
            if more is None:
                break
            found.append(more)
            end = follow.end(1)
            follow = _FOLLOW.match(string, end, end + 16)
        return found[0] if len(found) == 1 else found

    def samples(self) -> Sequence[Sample]:
        return tuple(Sample(text, "phone", True, value) for text, value in PHONE_POSITIVES) + tuple(
            Sample(text, "phone", expect=False) for text in PHONE_NEGATIVES
        )


def _judge(
    rule: str, match: re.Match[str], segment: Segment, finding: Finding, at: int, text: str,
    parse_as: str | None = None,
) -> Finding | None:
    """The finding for the number `text` at `at` (joined-text offset) of `match`, or None when
    it is not a valid number. `parse_as`: what to parse when it differs from the printed text
    (a shorthand continuation printed without its area code)."""
    string = match.string
    value = _phone_of(rule, match, parse_as or text)
    if value is not None and rule == "phone.cn_landline" and value.region == "CN" and parse_as is None:
        end = at + len(text)
        ext = _EXT_AFTER.match(string, end, end + 16)
        if ext is not None:
            with_ext = _phone_of(rule, match, text + ext.group(0))
            if with_ext is not None and with_ext.extension:
                text, value = text + ext.group(0), with_ext
    if value is None and rule == "phone.international":
        # `+86 571 63806497 2024年`: the open digit groups may run into the next number.
        while value is None and (cut := max(text.rfind(" "), text.rfind("-"), text.rfind("."))) > 3:
            text = text[:cut]
            value = _phone_of(rule, match, text)
    if value is None and rule == "phone.cn_landline" and at == match.start("v") and _label_before(match):
        # A phone label introduces it, but libphonenumber rejects it: a number printed with a
        # typo in its area code (`电话：0171-6212956` for 0717) still reaches its owner.
        value = PhoneValue(None, "unverified", "CN", None, "")
    if value is None:
        return None
    severity = finding.severity
    if value.kind not in PERSONAL_KINDS and severity == Severity.MEDIUM:
        severity = Severity.LOW
    extra = (("phone_kind", value.kind), ("phone_region", value.region))
    if text is finding.match or (at == match.start("v") and text == finding.match):
        # The candidate as the engine found it (most numbers): its location and context stand.
        f = finding
        return Finding(
            f.category, severity, f.confidence, f.match, f.layer, f.rule, f.message, f.location,
            f.context_before, f.context_after, extra, f.id,
        )
    # Offsets: `finding` starts at the value group; `at` moves within the segment's text.
    seg_start = (finding.location.start or 0) - (segment.location.start or 0) + (at - match.start("v"))
    seg_end = seg_start + len(text)
    seg_text = segment.text
    if seg_start < 0 or seg_end > len(seg_text):
        return None
    loc = finding.location
    base = segment.location.start or 0
    return Finding(
        finding.category, severity, finding.confidence, text, finding.layer, finding.rule, finding.message,
        Location(loc.page, base + seg_start, base + seg_end, loc.part, loc.bbox, loc.pointer),
        seg_text[max(0, seg_start - 40) : seg_start], seg_text[seg_end : seg_end + 40],
        extra, finding.id,
    )


def _label_before(match: re.Match[str]) -> bool:
    """A phone label stands right before the candidate's value (`电话：`, `Tel. `)."""
    start = match.start("v")
    return _LABEL_BEFORE.search(match.string, max(0, start - 16), start) is not None


def _phone_of(rule: str, match: re.Match[str], value: str) -> PhoneValue | None:
    """The parsed number behind one candidate of `rule` (None: not a valid number)."""
    if rule == "phone.label_local":
        label = match.group(0)
        if "電" in label or "傳" in label:  # traditional script: Hong Kong, Macau, Taiwan
            for region in ("HK", "MO"):
                found = parse_phone(value, region)
                if found is not None:
                    return found
        return parse_phone(value, "CN", allow_local=True)
    if rule == "phone.nanp":
        return parse_phone(value, "US")
    if rule == "phone.tw_area":
        return parse_phone(value, "TW")
    return parse_phone(value, "CN")


# (text, the value that must be reported): every form seen in published notices.
PHONE_POSITIVES: tuple[tuple[str, str], ...] = (
    ("联系人手机：138 1234 5678", "138 1234 5678"),
    ("Tel: +86 13812345678", "+86 13812345678"),
    ("电话：010-62345678", "010-62345678"),
    ("手机：１３８１２３４５６７８", "１３８１２３４５６７８"),
    ("Tel No. 13812345678", "13812345678"),
    ("电话： 0451-86417953 13936645563", "0451-86417953"),
    ("电话： 0451-86417953 13936645563", "13936645563"),
    ("联系电话：010—61986732/61986796", "010—61986732"),
    ("联系电话：010—61986732/61986796", "61986796"),
    ("电话：0717-6253135-8004", "0717-6253135-8004"),
    ("电　话：88886666", "88886666"),
    ("电话：2830068", "2830068"),
    ("传真:68601388。", "68601388"),
    ("电话：88886666、88886667", "88886667"),
    ("电话：0717-6253135/6253136/6253137", "6253136"),
    ("电话：0717-6253135/6253136/6253137", "6253137"),
    ("联系电话：010-62345678/62345679/62345680", "62345680"),
    ("传真：88886666、88886667、88886668", "88886668"),
    ("电话：13812345678、13912345678", "13912345678"),
    ("联系电话:010-51977253010-65729087(传真)", "010-51977253"),
    ("联系电话:010-51977253010-65729087(传真)", "010-65729087"),
    ("联系电话：+86-0734-8571555", "+86-0734-8571555"),
    ("Tel: +86 571 63806497", "+86 571 63806497"),
    ("手机：+86-15602435610", "+86-15602435610"),
    ("周女士0591-87803505", "0591-87803505"),
    ("李非凡 022-23611619-806", "022-23611619-806"),
    ("联系人及电话: 文铭；0771-3836260 四、采购代理机构", "0771-3836260"),
    ("采购代理机构：某招标公司，联系电话：010-62345678", "010-62345678"),
    ("call 805-605-7031 today", "805-605-7031"),
    ("Phone (805) 605-7031.", "(805) 605-7031"),
    ("Phone +1 805 605 7031.", "+1 805 605 7031"),
    ("telephone (307) 773-3667", "(307) 773-3667"),
    ("Tel: +852 2123 4567", "+852 2123 4567"),
    ("電話：2123 4567", "2123 4567"),
    ("電話：+853 2833 3000", "+853 2833 3000"),
    ("電話：(02) 2345-6789", "(02) 2345-6789"),
    ("Tel +886 2 2345 6789", "+886 2 2345 6789"),
    ("Tel: +44 20 7946 0958", "+44 20 7946 0958"),
    ("Tél. +33 1 42 68 53 00", "+33 1 42 68 53 00"),
    ("Telefon +49 30 901820", "+49 30 901820"),
    ("服务热线：400-810-8888", "400-810-8888"),
    ("电话：0171-6212956", "0171-6212956"),  # mistyped area code, but a label says it is a phone
    ("Tel: +86 571 63806497 2024年", "+86 571 63806497"),
)

# Numbers that look like phones and are not.
PHONE_NEGATIVES: tuple[str, ...] = (
    "金额 12345678901234 元",
    "请联系。order no. 18117540092，",
    "卡号 6217 0595 9899 5843 123",  # inside a grouped card number
    "证书编号：14101110062",  # 11 digits, but no such mobile prefix
    "合同编号：0422111400020000026",
    "2025-10-12 至 2026-01-31",
    "金额：1,234,567.89元",
    "身份证号 11010519491231002X",
    "SWIFT: BKCHCNBJ300",
    "账号：1001 2951 0930 0494 566",
    "ISBN 978-7-302-12345-6",
    "注册号 0422311200072000017",
    "编号 0171-6212956",  # not a valid number, and nothing says it is a phone
    "data:9f3ac0de13812345678ab12ef0d9c8b7a6",  # inside a hex string
    "00000010: 4a46 4946 13812345678 ff00 0a0d",  # in a hex dump
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
