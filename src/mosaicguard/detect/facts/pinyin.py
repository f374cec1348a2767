"""Is a romanised word Hanyu Pinyin? (`Wangzhuang`, `Hedong`: yes; `Laramie`, `Goshen`: no)

The syllable inventory comes from jionlp's pinyin dictionary (offline, in the wheel), read as a
file without importing jionlp. A word is pinyin when it splits into valid syllables.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache, lru_cache

from .jionlp_data import dictionary_text


@cache
def syllables() -> frozenset[str]:
    """Toneless pinyin syllables (`zhuang`, `lv` for lü)."""
    counts: Counter[str] = Counter()
    for line in dictionary_text("pinyin_phrase.txt").splitlines():
        _, _, readings = line.partition("\t")
        plain = unicodedata.normalize("NFD", readings.replace("ü", "v"))
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
        counts.update(s for s in re.split(r"[^a-z]+", plain.lower()) if s)
    # typos in the dictionary (`yen`, `sh`) occur a handful of times; real syllables hundreds
    found = {s for s, n in counts.items() if n >= 20}
    # the dictionary's `<py_unk>` marker, and interjections (嗯 n, 呣 m, 哼 hng) that would let
    # English words split (`Cheyenne` = che-ye-n-ne)
    return frozenset(found - {"py", "unk", "n", "ng", "m", "hm", "hng"})


@lru_cache(maxsize=65536)
def is_pinyin(word: str) -> bool:
    """True when `word` (any case) is a run of pinyin syllables."""
    word = word.lower()
    if not word.isalpha() or not word.isascii():
        return False
    valid = syllables()
    ok = [True] + [False] * len(word)  # ok[i]: word[:i] splits into syllables
    for i in range(1, len(word) + 1):
        ok[i] = any(ok[j] and word[j:i] in valid for j in range(max(0, i - 6), i))
    return ok[-1]


# `鎮(zhèn)`: a reading in brackets right after a Chinese character, as some mirror sites print
# them (`系統(tǒng)`, `網(wǎng)`). Tone marks say it is pinyin, not a bracketed word (`(集团)`, `(LRDR)`).
_READING_RE = re.compile(r"(?<=[\u3400-\u9fff])\(([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*)\)")


def _toneless(reading: str) -> str:
    plain = unicodedata.normalize("NFD", reading.replace("ü", "v").replace("ǖ", "v").replace("ǘ", "v")
                                  .replace("ǚ", "v").replace("ǜ", "v"))
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def drop_readings(text: str) -> tuple[str, list[int] | None]:
    """`text` without pinyin readings printed after characters (`黄丰桥鎮(zhèn)广和村` ->
    `黄丰桥鎮广和村`), and for every character of the result (and its end) the offset in `text`;
    None when there is none (the usual case: `text` itself). The readings are kept in what is
    quoted (the evidence is the text as stored); facts are read as if they were not there."""
    spans = [m.span() for m in _READING_RE.finditer(text) if _toneless(m.group(1)) in syllables()]
    if not spans:
        return text, None
    parts: list[str] = []
    origin: list[int] = []
    pos = 0
    for start, end in spans:
        parts.append(text[pos:start])
        origin.extend(range(pos, start))
        pos = end
    parts.append(text[pos:])
    origin.extend(range(pos, len(text) + 1))
    return "".join(parts), origin
