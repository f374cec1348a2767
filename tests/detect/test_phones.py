"""`parse_phone`: libphonenumber's answer for every printed form, and the fast path for plain
PRC numbers gives exactly the full parser's answer."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from detect.helpers import scan_text
from mosaicguard.detect.phones import LOCAL_KIND, PhoneValue, _parse, parse_phone

# (printed text, default region, E.164, kind, region, extension)
PARSED = [
    ("13936645563", "CN", "+8613936645563", "mobile", "CN", None),
    ("+86-15602435610", "CN", "+8615602435610", "mobile", "CN", None),
    ("１３８１２３４５６７８", "CN", "+8613812345678", "mobile", "CN", None),
    ("0451-86417953", "CN", "+8645186417953", "fixed_line", "CN", None),
    ("010—61986732", "CN", "+861061986732", "fixed_line", "CN", None),
    ("+86-0734-8571555", "CN", "+867348571555", "fixed_line", "CN", None),
    ("+86 571 63806497", "CN", "+8657163806497", "fixed_line", "CN", None),
    ("0717-6253135-8004", "CN", "+867176253135", "fixed_line", "CN", "8004"),
    ("022-23611619-806", "CN", "+862223611619", "fixed_line", "CN", "806"),
    ("400-810-8888", "CN", "+864008108888", "shared_cost", "CN", None),
    ("805-605-7031", "US", "+18056057031", "fixed_line_or_mobile", "US", None),
    ("(307) 773-3667", "US", "+13077733667", "fixed_line_or_mobile", "US", None),
    ("+1 805 605 7031", "CN", "+18056057031", "fixed_line_or_mobile", "US", None),
    ("+852 2123 4567", "CN", "+85221234567", "fixed_line", "HK", None),
    ("2123 4567", "HK", "+85221234567", "fixed_line", "HK", None),
    ("+853 2833 3000", "CN", "+85328333000", "fixed_line", "MO", None),
    ("(02) 2345-6789", "TW", "+886223456789", "fixed_line", "TW", None),
    ("+886 2 2345 6789", "CN", "+886223456789", "fixed_line", "TW", None),
    ("+44 20 7946 0958", "CN", "+442079460958", "fixed_line", "GB", None),
    ("+33 1 42 68 53 00", "CN", "+33142685300", "fixed_line", "FR", None),
    ("+49 30 901820", "CN", "+4930901820", "fixed_line", "DE", None),
]

NOT_PHONES = ["14101110062", "0171-6212956", "12345", "2024-10-12", "0422111400020000026", "+86 12", ""]


@pytest.mark.parametrize(("text", "default", "e164", "kind", "region", "ext"), PARSED)
def test_parse_phone(text: str, default: str, e164: str, kind: str, region: str, ext: str | None) -> None:
    value = parse_phone(text, default)
    assert value is not None, text
    assert (value.e164, value.kind, value.region, value.extension) == (e164, kind, region, ext)
    assert value.key.startswith(e164)


@pytest.mark.parametrize("text", NOT_PHONES)
def test_not_a_phone(text: str) -> None:
    assert parse_phone(text, "CN") is None


def test_local_number_only_when_a_label_allows_it() -> None:
    assert parse_phone("2830068", "CN") is None
    local = parse_phone("2830068", "CN", allow_local=True)
    assert local == PhoneValue(None, LOCAL_KIND, "CN", None, "2830068")
    assert local.key == "local:CN:2830068"


def test_fast_path_equals_full_parser() -> None:
    """Plain PRC numbers skip `phonenumbers.parse`; the answer must be the library's own."""
    rng = random.Random(5)
    forms = []
    for _ in range(400):
        forms.append(f"1{rng.randint(30, 99)}{rng.randint(0, 99999999):08d}")
        area = rng.choice(("010", "020", "0451", "0717", "0734", "0591", "0171", "0999"))
        forms.append(f"{area}-{rng.randint(2000000, 99999999)}")
        forms.append(f"+86 {forms[-2]}")
    for text in forms:
        parse_phone.cache_clear()
        assert parse_phone(text, "CN") == _parse(text, "CN"), text
    # Both paths agree with phonenumbers' own validity verdict.
    for text in forms[:60]:
        assert (parse_phone(text, "CN") is not None) == phonenumbers.is_valid_number(phonenumbers.parse(text, "CN"))


def test_phone_finding_carries_kind_not_number() -> None:
    findings = [f for f in scan_text("手机：13936645563，电话：0451-86417953", "hyperscan", "phone")]
    kinds = {f.match: dict(f.extra) for f in findings}
    assert kinds["13936645563"] == {"phone_kind": "mobile", "phone_region": "CN"}
    assert kinds["0451-86417953"]["phone_kind"] == "fixed_line"
    severities = {f.match: f.severity.value for f in findings}
    assert severities == {"13936645563": "medium", "0451-86417953": "low"}


def test_shorthand_continuation_is_its_own_finding_with_exact_offsets() -> None:
    text = "联系电话：010—61986732/61986796，传真：88886666、88886667。"
    for kind in ("hyperscan", "python"):
        findings = scan_text(text, kind, "phone")
        for f in findings:
            assert text[f.location.start : f.location.end] == f.match
            assert text[: f.location.start].endswith(f.context_before)
        assert sorted(f.match for f in findings) == sorted(["010—61986732", "61986796", "88886666", "88886667"])


def test_phone_key_one_number_one_key() -> None:
    """Aggregation links phones by `phone_key`: every printed form of one number gives one key."""
    from mosaicguard.detect.contact import phone_key

    assert {phone_key(t) for t in ("+86 138 1234 5678", "13812345678", "+86-13812345678")} == {"13812345678"}
    assert {phone_key(t) for t in ("+86-0734-8571555", "0734-8571555", "0734—8571555")} == {"07348571555"}
    assert {phone_key(t) for t in ("805-605-7031", "(805) 605-7031", "+1 805 605 7031")} == {"+18056057031"}
    assert phone_key("0717-6253135-8004") != phone_key("0717-6253135")


def test_every_number_of_a_shorthand_list_is_a_finding() -> None:
    """`0717-6253135/6253136/6253137`: three numbers, each with its own offsets and the area code
    of the first (the list stops at the first piece that is not a valid number)."""
    text = "电话：0717-6253135/6253136/6253137；传真：88886666、88886667、88886668、12。"
    for kind in ("hyperscan", "python"):
        findings = scan_text(text, kind, "phone")
        for f in findings:
            assert text[f.location.start : f.location.end] == f.match
        assert sorted(f.match for f in findings) == sorted(
            ["0717-6253135", "6253136", "6253137", "88886666", "88886667", "88886668"]
        )


def test_phone_key_national_form_is_libphonenumbers() -> None:
    """`phone_key` formats a PRC number from the E.164 digits `parse_phone` gave, without parsing
    it a second time: the key must be the national format libphonenumber gives for the number
    parsed from its E.164 form (mobiles, landlines of 3- and 4-digit area codes, shared-cost and
    toll-free numbers, extensions, full-width and `+86` forms)."""
    from mosaicguard.detect.contact import phone_key
    from mosaicguard.detect.normalize import digits_only

    rng = random.Random(11)
    forms = ["400-810-8888", "800-820-8820", "95588", "0717-6253135-8004", "022-23611619 转806",
             "０４５１－８６４１７９５３", "+86 (0)571 63806497"]
    for _ in range(300):
        forms.append(f"1{rng.randint(30, 99)}{rng.randint(0, 99999999):08d}")
        area = rng.choice(("010", "020", "021", "0451", "0717", "0734", "0591", "0898", "0999"))
        forms.append(f"{area}-{rng.randint(2000000, 99999999)}")
        forms.append(f"+86 {forms[-1][1:]}")
        forms.append(f"{rng.choice(('400', '800'))}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}")
    checked = 0
    for text in forms:
        parsed = parse_phone(text, "CN")
        if parsed is None or parsed.e164 is None or parsed.region != "CN":
            continue
        reference = digits_only(phonenumbers.format_number(phonenumbers.parse(parsed.e164),
                                                           phonenumbers.PhoneNumberFormat.NATIONAL))
        phone_key.cache_clear()
        assert phone_key(text) == reference + (f";ext={parsed.extension}" if parsed.extension else ""), text
        checked += 1
    assert checked > 900
