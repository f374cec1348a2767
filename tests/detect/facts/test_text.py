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
