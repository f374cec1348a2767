"""The content stage's fast paths give the same answers as the plain ones: the lexicon's UTF-16
Hyperscan scan (odd byte offsets, surrogate pairs), `digits_only`, segment offsets, the
prefilter's consumed lookaheads, and the engine's overlap and context handling."""

from __future__ import annotations

import random

import pytest

from detect.helpers import CONTENT_DETECTORS, SAMPLE_POLICY
from mosaicguard.detect.engine import Engine
from mosaicguard.detect.lexicon import LexiconMatcher
from mosaicguard.detect.matcher import _for_hyperscan, segment_starts
from mosaicguard.detect.normalize import FoldedText, digits_only
from mosaicguard.detect.registry import get_detector
from mosaicguard.model import Document, Layer, Location, Segment, Severity

BACKENDS = ("hyperscan", "aho-corasick")


def test_lexicon_ignores_matches_at_odd_utf16_offsets() -> None:
    # 持搀一 is 01 63 | 00 64 | 00 4E in UTF-16-LE: "cd" (63 00 64 00) sits at byte 1.
    text = "\u6301\u6400\u4e00" * 120
    assert FoldedText(text).utf16.find("cd".encode("utf-16-le")) == 1  # the trap is there
    terms = [("cd", Severity.HIGH), ("\u4e00\u6301", Severity.LOW)]
    found = {b: LexiconMatcher(terms, b).find(text) for b in BACKENDS}
    assert found["hyperscan"] == found["aho-corasick"]
    assert {i for i, _, _ in found["hyperscan"]} == {1}


@pytest.mark.parametrize("pad", [0, 300])  # short texts use str.translate, long ones numpy
def test_lexicon_offsets_with_astral_characters(pad: int) -> None:
    text = "🙂 Project Falcon 🙂" + "。" * pad + "😀项目 P R O J E C T falcon 𠀀"
    terms = [("Project Falcon", Severity.HIGH), ("😀项目", Severity.LOW)]
    found = {b: LexiconMatcher(terms, b).find(text) for b in BACKENDS}
    assert found["hyperscan"] == found["aho-corasick"]
    assert [text[s:e] for _, s, e in found["hyperscan"]] == ["Project Falcon", "😀项目", "P R O J E C T falcon"]


def test_folded_text_views_agree() -> None:
    text = "ＡＢＣ 關於 Project-Falcon " * 40
    ft = FoldedText(text)
    assert ft.utf16 == ft.folded.encode("utf-16-le")
    assert ft.bmp_only and ft.folded_len() == len(ft.folded)
    assert ft.folded.startswith("abc关于projectfalcon")


@pytest.mark.parametrize("text", ["110105 1949 1231 002x", "１３８－１２３４", "a²b3", "①2Ｘ", ""])
def test_digits_only_matches_the_character_rule(text: str) -> None:
    folded = text.translate({cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)})
    assert digits_only(text) == "".join(ch for ch in folded if ch.isdigit() or ch in "Xx").upper()


def test_segment_starts() -> None:
    rng = random.Random(1)
    for _ in range(50):
        texts = ["x" * rng.randint(0, 5) for _ in range(rng.randint(1, 8))]
        joined = "\n".join(texts)
        starts = segment_starts(texts)
        assert [joined[s : s + len(t)] for s, t in zip(starts, texts, strict=True)] == texts


def test_prefilter_consumes_single_character_tail_lookahead() -> None:
    assert _for_hyperscan(r"pw=(?P<v>[^\s]{4,64})(?=$|[\s,])") == rb"pw=([^\s]{4,})(?:$|[\s,])"
    # Not at the end, or not single characters: left alone (prefilter mode drops it).
    assert _for_hyperscan(r"a(?=bc)") == rb"a(?=bc)"
    assert _for_hyperscan(r"(?:a(?=[x]))b") == rb"(?:a(?=[x]))b"


@pytest.mark.parametrize("seed", range(4))
def test_password_values_of_every_length_agree_between_engines(seed: int) -> None:
    """The consumed lookahead moves hit ends by one character: values at the window edges."""
    rng = random.Random(seed)
    detectors = [get_detector(n) for n in CONTENT_DETECTORS]
    hs, py = Engine(SAMPLE_POLICY, "hyperscan", detectors), Engine(SAMPLE_POLICY, "python", detectors)
    parts = []
    for _ in range(60):
        value = "".join(rng.choice("abcXYZ123#!") for _ in range(rng.randint(1, 70)))
        key = rng.choice(("password=", "pwd: ", "密码：", "passwd='"))
        parts.append(key + value + rng.choice((" ", "，", "'", "", "\n")))
    text = "".join(parts)
    doc = Document(path="x.txt", media_type="text/plain", sha256="",
                   segments=(Segment(text, Layer.BODY, Location(start=0)),))
    a, b = hs.scan(doc), py.scan(doc)
    assert a == b
    assert any(f.category == "credential" for f in a)


def test_rules_without_candidates_are_never_compiled_by_python() -> None:
    from mosaicguard.detect.base import Detector, PatternRule

    hit = PatternRule("t.hit", "t", r"(?<![0-9])(?P<v>7301)(?![0-9])", Severity.LOW, 0.9, "hit")
    idle = PatternRule("t.idle", "t", r"(?<![a-z])zq[0-9]{3}", Severity.LOW, 0.9, "idle")

    class Two(Detector):
        name = "two"
        categories = ("t",)

        def rules(self, policy: object) -> tuple[PatternRule, ...]:  # type: ignore[override]
            return (hit, idle)

    engine = Engine(SAMPLE_POLICY, "hyperscan", [Two()])
    doc = Document(path="x.txt", media_type="text/plain", sha256="",
                   segments=(Segment("代号 7301 与 17301", Layer.BODY, Location(start=0)),))
    assert [(f.rule, f.match) for f in engine.scan(doc)] == [("t.hit", "7301")]
    assert hit._compiled is not None and idle._compiled is None
    assert idle.compiled.match("zq123")  # compiled on demand, and kept
    assert idle._compiled is not None
