"""Small text helpers: written forms of values (full-width, spaced, traditional, phones, coordinates).

Each helper produces a form a person actually types in a public notice; none of them normalises.
"""

from __future__ import annotations

import random
from functools import lru_cache

_FULLWIDTH = {c: chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


def fullwidth(text: str) -> str:
    """ASCII letters, digits and punctuation as full-width forms (`ＺＢ－２０２６`)."""
    return text.translate(_FULLWIDTH).replace("\uff0d", "－")


def spaced(text: str) -> str:
    """Characters separated by single spaces, as in `北 辰 计 划`."""
    return " ".join(text.replace(" ", ""))


@lru_cache(maxsize=1)
def _s2t() -> object:
    import opencc  # the standard simplified->traditional converter; imported only when needed

    return opencc.OpenCC("s2t")


def traditional(text: str) -> str:
    """Traditional-character form of simplified text (`雷达天线罩` -> `雷達天線罩`)."""
    conv = _s2t()
    out = conv.convert(text)  # type: ignore[attr-defined]
    return str(out)


# Third digits in use after 13-19 (mobile number blocks allocated by the MIIT numbering plan, as in
# libphonenumber's metadata, phonenumbers 9.0: 140-144, 146, 148, 149, 154, 160, 161, 163, 164,
# 168, 169, 174, 179 and 194 are data-only (IoT), satellite or unallocated blocks, not mobiles a
# notice prints).
_MOBILE_THIRD = {"3": "0123456789", "4": "57", "5": "012356789", "6": "2567", "7": "01235678",
                 "8": "0123456789", "9": "012356789"}


def mobile_number(rng: random.Random) -> str:
    """An 11-digit mainland mobile number in an allocated block (130-199, see _MOBILE_THIRD)."""
    second = rng.choice("3456789")
    rest = "".join(rng.choice("0123456789") for _ in range(9))
    # The same random draws as before the blocks were checked (so a seed's corpus changes only
    # in these numbers): a third digit outside the allocated blocks is mapped onto one inside.
    third = _MOBILE_THIRD[second]
    if rest[0] not in third:
        rest = third[int(rest[0]) % len(third)] + rest[1:]
    return "1" + second + rest


def mobile_form(number: str, style: int) -> str:
    """One of the written forms of a mobile number."""
    if style == 1:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if style == 2:
        return f"+86 {number[:3]}-{number[3:7]}-{number[7:]}"
    if style == 3:
        return f"+86-{number}"
    return number


def landline(rng: random.Random, area: str) -> str:
    """A landline `0xxx-xxxxxxx` with the county's area code."""
    digits = 8 if len(area) == 3 else 7
    return f"{area}-{rng.choice('2345678')}{''.join(rng.choice('0123456789') for _ in range(digits - 1))}"


def _dms(value: float) -> tuple[int, int, int]:
    deg = int(value)
    rest = (value - deg) * 60
    minutes = int(rest)
    seconds = round((rest - minutes) * 60)
    if seconds == 60:
        minutes, seconds = minutes + 1, 0
    return deg, minutes, seconds


def coord_form(lat: float, lon: float, style: int) -> str:
    """Coordinates written in one of the forms seen in notices (decimal, N/E, DMS, 东经/北纬)."""
    if style == 0:
        return f"{lat:.5f}, {lon:.5f}"
    if style == 1:
        return f"N{lat:.4f}° E{lon:.4f}°"
    la, lo = _dms(lat), _dms(lon)
    if style == 2:
        return f"{la[0]}°{la[1]:02d}′{la[2]:02d}″N, {lo[0]}°{lo[1]:02d}′{lo[2]:02d}″E"
    return f"东经{lo[0]}°{lo[1]:02d}′{lo[2]:02d}″，北纬{la[0]}°{la[1]:02d}′{la[2]:02d}″"


CN_NUM = "〇一二三四五六七八九十"


def cn_group(n: int) -> str:
    """`三组` style group number for 1..19."""
    if n <= 10:
        return CN_NUM[n] + "组"
    return "十" + CN_NUM[n - 10] + "组"
