"""The engine and the matchers: Hyperscan and pure Python give identical findings, windows are
exact at their edges, Python-only syntax is translated or falls back, offsets map to segments."""

from __future__ import annotations

import random
import re

import pytest

from detect.helpers import CONTENT_DETECTORS, SAMPLE_POLICY
from mosaicguard.detect.base import PatternRule
from mosaicguard.detect.engine import Engine
from mosaicguard.detect.lexicon import LexiconMatcher
from mosaicguard.detect.matcher import HyperscanMatcher, PythonMatcher, _for_hyperscan, build_matcher
from mosaicguard.detect.registry import get_detector
from mosaicguard.model import Document, Layer, Location, Segment, Severity

PIECES = (
    "机密★10年", "秘密", "\n", " ", "，", "。", "身份证号 11010519491231002X", "138 1234 5678", "+86 13812345678",
    "010-62345678", "zhang.wei@example.cn", "6222 0212 3456 7890 128", "护照 E12345678", "39.90421, 116.40739",
    "N39.9042° E116.4074°", "东经116°24′27″，北纬39°54′15″", "61234部队", "武警8650部队", "password=Hx9#kLm2Qw",
    "AKIAIOSFODNN7EXAMPLE", "10.1.2.3", "192.168.1.1:8080", "build01.corp", r"\\fs01\share\a.txt",
    "00:1A:2B:3C:4D:5E", "SECRET//NOFORN", "(S) ", "7301工程", "Project Falcon", "1234567890123456789",
    "2026-01-15", "ZB-2026-7301", "订单号 20260115000123", "金额 1,234,567.89 元", "项目采购公告", "the supplier",
    "１２３４５６７８", "6", "1", "0", ".", "-", ":", "@", "\\", "°", "★",
)


def _random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(n))


def _doc(*texts: str, layer: Layer = Layer.BODY) -> Document:
    segs, pos = [], 0
    for t in texts:
        segs.append(Segment(t, layer, Location(start=pos)))
        pos += len(t) + 1
    return Document(path="x.txt", media_type="text/plain", sha256="", segments=tuple(segs))


@pytest.fixture(scope="module")
def engines() -> tuple[Engine, Engine]:
    detectors = [get_detector(n) for n in CONTENT_DETECTORS]
    return Engine(SAMPLE_POLICY, "hyperscan", detectors), Engine(SAMPLE_POLICY, "python", detectors)


@pytest.mark.parametrize("seed", range(12))
def test_engines_identical_on_dense_random_text(engines: tuple[Engine, Engine], seed: int) -> None:
    """Dense, adjacent, overlapping candidates are where window logic goes wrong."""
    rng = random.Random(seed)
    texts = [_random_text(rng, rng.randint(1, 400)) for _ in range(rng.randint(1, 6))]
    hs, py = engines
    a, b = hs.scan(_doc(*texts)), py.scan(_doc(*texts))
    assert a == b
    assert a  # the pieces are dense enough that something is always found


def test_engines_identical_on_long_text(engines: tuple[Engine, Engine]) -> None:
    rng = random.Random(99)
    filler = "本项目按照政府采购有关规定组织实施。The supplier shall deliver the goods. "
    parts = []
    for _ in range(400):
        parts.append(filler * rng.randint(0, 30))
        parts.append(rng.choice(PIECES))
    hs, py = engines
    doc = _doc("".join(parts))
    assert hs.scan(doc) == py.scan(doc)


def test_offsets_are_segment_absolute(engines: tuple[Engine, Engine]) -> None:
    doc = Document(path="x", media_type="", sha256="", segments=(
        Segment("intro", Layer.BODY, Location(start=0)),
        Segment("手机 13812345678", Layer.TABLE, Location(start=100, part="word/document.xml")),
    ))
    for engine in engines:
        (f,) = [f for f in engine.scan(doc) if f.category == "phone"]
        assert (f.location.start, f.location.end, f.layer, f.location.part) == (103, 114, Layer.TABLE,
                                                                                 "word/document.xml")
        assert f.context_before == "手机 "


def test_match_never_spans_two_segments(engines: tuple[Engine, Engine]) -> None:
    doc = _doc("电话 138 1234", "5678 结束")
    for engine in engines:
        assert not [f for f in engine.scan(doc) if f.category == "phone"]


def _rule(regex: str, max_len: int = 40, name: str = "t.r") -> PatternRule:
    return PatternRule(rule=name, category="marking", regex=regex, severity=Severity.LOW, confidence=0.9,
                       message="m", max_len=max_len)


def test_lookahead_at_window_edge_sees_real_text() -> None:
    """A window must not end the string early: `(?![0-9])` has to see the digit after it."""
    rule = _rule("(?<![0-9])[0-9]{4}(?![0-9])", max_len=4)
    text = ("x" * 50 + "1234") + "5" + " 9876 "
    hs, py = HyperscanMatcher([rule]), PythonMatcher([rule])
    assert [m.group() for _, m in hs.find(text)] == [m.group() for _, m in py.find(text)] == ["9876"]


def test_adjacent_windows_do_not_duplicate_or_split() -> None:
    rule = _rule("ab+", max_len=30)
    text = "ab" * 3 + "x" + "abbbb" * 10 + "-" * 100 + "ab"
    hs, py = HyperscanMatcher([rule]), PythonMatcher([rule])
    assert [m.span() for _, m in hs.find(text)] == [m.span() for _, m in py.find(text)]


def test_for_hyperscan_translates_python_syntax() -> None:
    converted = _for_hyperscan("(?P<v>a\\u3000b[\\u4e00-\\u9fff]{1,100})(?P=v)").decode()
    assert converted == "(a\\x{3000}b[\\x{4e00}-\\x{9fff}]{1,})"
    assert _for_hyperscan("a{2,3}").decode() == "a{2,3}"  # small repeats stay exact
    assert _for_hyperscan("\\\\u1234").decode() == "\\\\u1234"  # an escaped backslash, not an escape


def test_rule_hyperscan_cannot_compile_falls_back_to_python() -> None:
    rules = [_rule("(?P<v>a)?(?(v)b|c)d", name="t.cond"), _rule("xyz", name="t.plain")]
    hs = HyperscanMatcher(rules)
    assert hs._fallback == [0]
    text = "abd cd xyz"
    assert [(i, m.group()) for i, m in hs.find(text)] == [(i, m.group()) for i, m in PythonMatcher(rules).find(text)]


def test_unknown_engine_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown engine"):
        build_matcher([], "pcre2")


def test_engine_honours_min_confidence() -> None:
    policy = SAMPLE_POLICY.model_copy(update={"min_confidence": 0.99})
    engine = Engine(policy, "python", [get_detector("phone")])
    assert engine.scan(_doc("手机 13812345678")) == []


def test_lexicon_offsets_with_separators_and_many_segments(engines: tuple[Engine, Engine]) -> None:
    long_seg = "无关内容。" * 100 + "关于７３０１ 工程的通知"
    doc = _doc("first", long_seg, "PROJECT  FALCON")
    for engine in engines:
        found = [(f.match, f.location.start) for f in engine.scan(doc) if f.category == "protected_term"]
        assert found == [("７３０１ 工程", 6 + 502), ("PROJECT  FALCON", 6 + len(long_seg) + 1)]


def test_regex_flags_do_not_leak_between_rules() -> None:
    rules = [_rule("(?i:secret)", name="a"), _rule("TOP", name="b")]
    hs = HyperscanMatcher(rules)
    assert [m.group() for _, m in hs.find("Secret top TOP")] == ["Secret", "TOP"]
    assert re.compile("TOP").search("top") is None


@pytest.mark.parametrize("seed", range(4))
def test_lexicon_backends_agree(seed: int) -> None:
    """Hyperscan literals and Aho-Corasick pick the same leftmost-longest terms."""
    rng = random.Random(seed)
    alphabet = "ab工程 -7３x關于"
    for _ in range(60):
        terms = sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(8)})
        pairs = [(t, Severity.HIGH) for t in terms]
        hs, ac = LexiconMatcher(pairs, "hyperscan"), LexiconMatcher(pairs, "aho-corasick")
        assert (hs.backend, ac.backend) == ("hyperscan", "aho-corasick")
        for _ in range(10):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
            assert hs.find(text) == ac.find(text)


PATHOLOGICAL = ("1", "a", "a.", "1.", " ", "\\\\", "/home/a", "eyJ", "机 ", "秘密", "SECRET//", "password=", "a@",
                "1 ", "°", "N1.", "10.", ":", "A1:", "-", "ab-", "＊", "密码：a", "\u3000")


@pytest.mark.parametrize("unit", PATHOLOGICAL)
def test_no_catastrophic_backtracking(engines: tuple[Engine, Engine], unit: str) -> None:
    """100 K characters of one repeated unit: every rule stays linear on both engines (a regex
    with two unbounded space runs around an optional bracket once took minutes on spaces)."""
    import time

    doc = _doc(unit * (100_000 // len(unit)))
    for engine in engines:
        started = time.process_time()
        engine.scan(doc)
        assert time.process_time() - started < 3.0, (engine.matcher.name, unit)
