"""Phone numbers: the one parser every stage uses (detection, aggregation keys, reports).

Hyperscan finds phone-shaped candidates (`contact.PhoneDetector`); `parse_phone` decides with
Google's libphonenumber metadata (the `phonenumbers` package) whether a candidate is a real
number, what kind it is (mobile, fixed line, toll-free, ...), which region it belongs to, and its
E.164 form. It is pure and cached, so aggregation can call it for every phone key.

Cost: `phonenumbers.parse` takes ~25 us. The common case in Chinese documents (a plain mobile or
an area-code landline) skips the string parser and asks the library's `number_type` about the
national number directly (~6 us), with the same answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, PhoneNumberType

from .normalize import to_ascii_width

# libphonenumber's types under stable lower-case names (reports and aggregation use these).
_KIND: dict[int, str] = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}

#: kinds that reach a person rather than an office or a service
PERSONAL_KINDS = frozenset({"mobile", "personal_number", "pager", "fixed_line_or_mobile"})
#: kind of a 7-8 digit local number printed without its area code (after a phone label)
LOCAL_KIND = "fixed_line_local"


@dataclass(frozen=True, slots=True)
class PhoneValue:
    """A validated phone number. `e164` is None only for a local number printed without its area
    code (`电话：2830068`), which cannot be dialled from outside its city as written."""

    e164: str | None
    kind: str  # one of _KIND's values, or LOCAL_KIND
    region: str  # ISO 3166 region ("CN", "HK", "US", ...)
    extension: str | None = None
    national: str = ""  # national significant number, digits only

    @property
    def key(self) -> str:
        """A comparable key: E.164 (with `;ext=`), or `local:REGION:digits` without area code."""
        base = self.e164 if self.e164 is not None else f"local:{self.region}:{self.national}"
        return f"{base};ext={self.extension}" if self.extension else base


# Dashes, dots, spaces and brackets people print inside numbers; em dash and full-width forms
# included (`010—61986732`, `０４５１－８６４１７９５３`).
_PUNCT = re.compile(r"[\s\-‐‑–—―－.．·・/()（）]")
# A trailing extension: `-8004`, ` 转8004`, `ext. 806`, `x12`, `分机806`.
_EXTENSION = re.compile(r"^(?P<main>.*?\d)\s*(?:[-‐‑–—－]|转|分机|ext\.?|x|#)\s*(?P<ext>\d{1,6})$", re.IGNORECASE)
_LOCAL = re.compile(r"[2-9]\d{6,7}")


@lru_cache(maxsize=8192)
def parse_phone(text: str, default_region: str = "CN", allow_local: bool = False) -> PhoneValue | None:
    """The phone number written in `text`, or None when libphonenumber says it is not a valid
    number. National forms are read in `default_region`; `+CC` forms in their own region.
    `allow_local`: a 7-8 digit number without area code (`2830068`) counts as a local fixed line
    of `default_region` (only for text that a phone label introduces: alone it is any number)."""
    folded = to_ascii_width(text).strip()
    if not folded or len(folded) > 40:
        return None
    value = _fast_cn(folded) if default_region == "CN" else None
    if value is not None:
        return value if value.kind else None
    value = _parse(folded, default_region)
    if value is None:
        m = _EXTENSION.match(folded)
        if m is not None:
            main = _parse(m.group("main"), default_region)
            if main is not None:
                value = PhoneValue(main.e164, main.kind, main.region, m.group("ext"), main.national)
    if value is None and allow_local:
        digits = _PUNCT.sub("", folded)
        if _LOCAL.fullmatch(digits):
            value = PhoneValue(None, LOCAL_KIND, default_region, None, digits)
    return value


_INVALID = PhoneValue(None, "", "")  # _fast_cn's "decided: not a number" (never returned)
_PLAIN = re.compile(
    r"(?:\+86[ -]?)?(?:0[1-9][0-9]{1,2}[ -]?[2-9][0-9]{6,7}|1[3-9][0-9]{9}|1[3-9][0-9] ?[0-9]{4} ?[0-9]{4})"
)


def _fast_cn(text: str) -> PhoneValue | None:
    """Plain PRC forms (`13812345678`, `0451-86417953`, `+86 138 1234 5678`) without the string
    parser: the national number goes straight to libphonenumber's `number_type`. None when the
    text is not one of these forms (the caller then runs the full parser)."""
    if _PLAIN.fullmatch(text) is None:
        return None
    digits = text.replace(" ", "").replace("-", "").lstrip("+")
    if digits.startswith("86") and len(digits) >= 12:
        digits = digits[2:]
    if digits.startswith("0"):
        digits = digits[1:]
    number = PhoneNumber(country_code=86, national_number=int(digits))
    kind = _KIND.get(phonenumbers.number_type(number))
    if kind is None:
        return _INVALID
    return PhoneValue("+86" + digits, kind, "CN", None, digits)


def _parse(text: str, region: str) -> PhoneValue | None:
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = _KIND.get(phonenumbers.number_type(number))
    if kind is None:
        return None
    national = str(number.national_number)
    return PhoneValue(
        phonenumbers.format_number(number, PhoneNumberFormat.E164),
        kind,
        phonenumbers.region_code_for_number(number) or region,
        number.extension or None,
        national,
    )


__all__ = ["LOCAL_KIND", "PERSONAL_KINDS", "PhoneValue", "parse_phone"]
