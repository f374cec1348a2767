"""The same-length fold and trigger windows shared by the fact extractors."""

from __future__ import annotations

import pytest

from mosaicguard.detect.facts.text import fold_same_length, windows


@pytest.mark.parametrize(("text", "folded"), [
    ("張家港市塘橋鎮", "张家港市塘桥镇"),
    ("ＺＢ－２０２６－７３０１", "ZB-2026-7301"),
    ("于\u20022010\u2002年", "于 2010 年"),
    ("马家营乡，李家湾村、安平县", "马家营乡,李家湾村,安平县"),
    ("plain ASCII stays", "plain ASCII stays"),
    ("emoji \U0001F600 outside the BMP 鎮", "emoji \U0001F600 outside the BMP 镇"),
])
def test_fold_keeps_every_offset(text: str, folded: str) -> None:
    assert fold_same_length(text) == folded
    assert len(fold_same_length(text)) == len(text)


def test_windows_merge_and_clip() -> None:
    assert windows([5, 10, 100], 3, 4, 102) == [(2, 14), (97, 102)]
    assert windows([], 3, 4, 10) == []


def test_short_and_long_texts_fold_alike() -> None:
    """Short texts are folded by `str.translate`, long ones by the numpy table: every character
    folds the same way in both (an Extension A character whose simplified form is outside the
    BMP stays as written in a BMP-only text either way)."""
    import random

    from mosaicguard.detect.facts import text as text_mod

    table = text_mod._same_length_fold()
    sources = sorted(cp for cp in table if cp < 0x10000)
    astral_target = next(cp for cp in sources if table[cp] >= 0x10000)
    rng = random.Random(5)
    alphabet = [chr(cp) for cp in sources] + list("張家港市塘橋鎮，、－ ab12") + [chr(astral_target)]
    pieces = ["".join(rng.choice(alphabet) for _ in range(text_mod.NUMPY_FOLD_MIN_CHARS - 1)) for _ in range(40)]
    for piece in pieces:
        short, long_ = piece, piece * 3
        assert len(short) < text_mod.NUMPY_FOLD_MIN_CHARS <= len(long_)
        assert fold_same_length(long_) == fold_same_length(short) * 3
    short = "鎮" + chr(astral_target)
    assert fold_same_length(short) == "镇" + chr(astral_target)
    assert fold_same_length(short * 200) == ("镇" + chr(astral_target)) * 200
