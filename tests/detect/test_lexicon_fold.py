"""Protected terms written with full-width punctuation and digits (issue 10: `ＪＸ－１７Ａ`,
`鲲鹏－３型` were missed because the fold mapped `－` to `-` but did not then delete it)."""

from __future__ import annotations

import pytest

from mosaicguard.detect.engine import Engine
from mosaicguard.detect.normalize import FoldedText, fold_term
from mosaicguard.detect.registry import get_detector
from mosaicguard.model import Document, Segment
from mosaicguard.policy.schema import Policy

POLICY = Policy.model_validate({"lexicon": [{"term": "JX-17A"}, {"term": "鲲鹏-3型"}, {"term": "7301工程"}]})


def _scan(text: str) -> list[str]:
    engine = Engine(POLICY, detectors=[get_detector("protected_term")])
    return [f.match for f in engine.scan(Document("x.txt", "text/plain", "", segments=(Segment(text),)))]


@pytest.mark.parametrize("padding", ["", "中" * 300])  # short texts use str.translate, long ones numpy
@pytest.mark.parametrize(("text", "expected"), [
    ("型号ＪＸ－１７Ａ雷达", ["ＪＸ－１７Ａ"]),
    ("鲲鹏－３型无人机", ["鲲鹏－３型"]),
    ("鲲鹏／３型", ["鲲鹏／３型"]),
    ("型号ｊｘ＿１７ａ", ["ｊｘ＿１７ａ"]),
    ("17301工程", []),
    ("１７３０１工程", []),
])
def test_full_width_separators_fold_like_ascii_ones(padding: str, text: str, expected: list[str]) -> None:
    assert _scan(padding + text) == expected


def test_fold_is_transitive() -> None:
    assert fold_term("ＪＸ－１７Ａ") == fold_term("JX-17A") == "jx17a"
    text = "中" * 300 + "ＪＸ－１７Ａ"
    ft = FoldedText(text)
    assert ft.folded.endswith("jx17a") and ft.to_original(ft.folded_len() - 1) == len(text) - 1
