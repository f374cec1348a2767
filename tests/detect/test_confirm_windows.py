"""The Hyperscan matcher's shortcuts: byte-to-character conversion of hit ends, stopping a
window's confirmation when no hit is left for a further match, and the cn_id prefilter without a
consumed leading character. Each must give exactly the pure-Python matcher's matches."""

from __future__ import annotations

import random
import re

import pytest

from detect.helpers import CONTENT_DETECTORS, SAMPLE_POLICY
from mosaicguard.detect.base import PatternRule
from mosaicguard.detect.engine import Engine
from mosaicguard.detect.identifiers import uscc_valid
from mosaicguard.detect.matcher import HyperscanMatcher, PythonMatcher, _for_hyperscan, _max_width, _min_width
from mosaicguard.detect.registry import get_detector
from mosaicguard.model import Document, Layer, Location, Segment, Severity

VALID_ID = "11010519491231002X"


def _rule(rule: str, regex: str, max_len: int = 40) -> PatternRule:
    return PatternRule(rule=rule, category="t", regex=regex, severity=Severity.LOW, confidence=0.9, message="m",
                       max_len=max_len)


def _spans(matches: list[tuple[int, re.Match[str]]]) -> list[tuple[int, tuple[int, int]]]:
    return [(i, m.span()) for i, m in matches]


def _doc(text: str) -> Document:
    return Document(path="x.txt", media_type="text/plain", sha256="",
                    segments=(Segment(text, Layer.BODY, Location(start=0)),))


@pytest.fixture(scope="module")
def engines() -> tuple[Engine, Engine]:
    detectors = [get_detector(n) for n in CONTENT_DETECTORS]
    return Engine(SAMPLE_POLICY, "hyperscan", detectors), Engine(SAMPLE_POLICY, "python", detectors)


@pytest.mark.parametrize("seed", range(4))
def test_character_ends_agree_with_the_continuation_byte_count(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ("手机13812345678", "é", "𝔘", "ａ", " 1380013800 ", "x@y.cn", "中文", "abc", "\n")
    text = "".join(rng.choice(pieces) for _ in range(600))
    matcher = HyperscanMatcher([_rule("phone", r"1[3-9][0-9]{9}"), _rule("mail", r"[a-z]+@[a-z]+\.cn")])
    data = text.encode("utf-8")
    raw: list[tuple[int, int]] = []
    matcher._db.scan(data, match_event_handler=lambda i, _s, e, _f, _c: raw.append((e, i)), scratch=matcher._scratch)
    raw.sort()
    converted = matcher._hits(text)
    assert converted == matcher._char_ends_by_marks(data, raw)
    assert len(converted) > 10
    for char_end, byte_end in zip((c for c, _ in converted), (b for b, _ in raw), strict=True):
        assert len(text[:char_end].encode("utf-8")) == byte_end


def test_char_ends_by_marks_tolerates_an_end_inside_a_character() -> None:
    # A partial character counts as the character it starts; nothing raises.
    data = "中a文".encode()
    assert HyperscanMatcher._char_ends_by_marks(data, [(2, 0), (4, 1), (7, 2)]) == [(1, 0), (2, 1), (3, 2)]


@pytest.mark.parametrize("text", [
    "13812345678,13912345678 13712345678；13612345678",  # back to back in one merged window
    f"{VALID_ID}，{VALID_ID} {VALID_ID}",
    "a@b.cn,c@d.cn;e.f@g.com.cn x@y.cn",
    "39.90421,116.40739 39.90421, 116.40739,39.9042,116.4073",
    "10.1.2.3 10.1.2.4:80,192.168.0.1/24 10.0.0.1.5",
    "13812345678" * 7,
    "手机" + "1" * 40 + " 13812345678",
])
def test_back_to_back_matches_of_one_rule(engines: tuple[Engine, Engine], text: str) -> None:
    hs, py = engines
    assert hs.scan(_doc(text)) == py.scan(_doc(text))
    assert _spans(hs.matcher.find(text)) == _spans(PythonMatcher(hs.rules).find(text))


def test_window_keeps_searching_while_a_later_hit_remains() -> None:
    # Overlapping candidates of one rule in one window: the second match starts after the first
    # ends and must still be found although the window was opened for the first hit.
    rules = [_rule("pair", r"(?<![0-9])[0-9]{3}-[0-9]{3}(?![0-9])"), _rule("ab", r"ab(?:cd)?")]
    for text in ("111-222-333-444 555-666", "abab abcdab", "123-456-789", "000-000 000-000-000-000"):
        assert _spans(HyperscanMatcher(rules).find(text)) == _spans(PythonMatcher(rules).find(text))


def test_min_width() -> None:
    assert _min_width(_rule("a", r"(?<![0-9])[0-9]{3}(?:-[0-9]+)?")) == 3
    assert _min_width(_rule("b", r"x*")) == 0


def test_max_width_and_reach() -> None:
    bounded = _rule("a", r"(?<![0-9])[0-9]{3}(?:-[0-9]{2,4})?(?![0-9])", max_len=40)
    assert _max_width(bounded) == 8
    assert _max_width(_rule("b", r"[a-z]+@x")) == -1
    matcher = HyperscanMatcher([bounded, _rule("b", r"[a-z]+@x", max_len=30)])
    # A bounded rule's window reaches its longest match plus the consumed tail character; an
    # unbounded one keeps `max_len` and the margin.
    assert matcher._reach_of(0) == 9
    assert matcher._reach_of(1) == 30 + HyperscanMatcher._MARGIN


@pytest.mark.parametrize("seed", range(6))
def test_exact_width_windows_find_what_python_finds(engines: tuple[Engine, Engine], seed: int) -> None:
    """Numbers at their longest forms (every separator, a country code, an extension), back to
    back, after digits and letters and inside Chinese text: the narrow windows of the bounded
    rules miss nothing the pure-Python matcher finds."""
    rng = random.Random(seed)
    pieces = ("+86 138 1234 5678", "＋８６－１３８－１２３４－５６７８", "(0451)-8641-7953", "0451-86417953",
              "010—61986732/61986796", VALID_ID, "110105 1949 1231 002X", "39.904211°, 116.407394°",
              "172.16.254.1/24", "192.168.100.200:65535", "400-810-8888", "(805) 605-7031", "+1 805 605 7031",
              "电话：2830068", "電話：2123 4567", "+852 2123 4567 ext. 123", "东经116°23′29″", "１", "7", "a",
              "。", " ", "-", "\n", "联系")
    text = "".join(rng.choice(pieces) for _ in range(400))
    hs, py = engines
    assert _spans(hs.matcher.find(text)) == _spans(PythonMatcher(hs.rules).find(text))
    assert hs.scan(_doc(text)) == py.scan(_doc(text))


def test_rule_that_can_match_empty_is_confirmed_like_python() -> None:
    rules = [_rule("empty", r"(?<=@)[a-z]*", max_len=10)]
    for text in ("@ab @ @cd@", "@@@", "x@", "@abc"):
        assert _spans(HyperscanMatcher(rules).find(text)) == _spans(PythonMatcher(rules).find(text))


def test_cn_id_prefilter_has_no_consumed_lead_but_python_keeps_the_boundary(engines: tuple[Engine, Engine]) -> None:
    (rule,) = [r for r in get_detector("cn_id").rules(SAMPLE_POLICY) if r.rule == "cn_id.checksum"]
    assert not _for_hyperscan(rule.regex).startswith(b"(?:^|")
    hs, py = engines
    for text, found in ((f"身份证{VALID_ID}", True), (f"A{VALID_ID}", False), (f"9{VALID_ID}", False),
                        (f"１{VALID_ID}", False), (f"{VALID_ID}", True), (f"{VALID_ID}7", False)):
        a = [f.match for f in hs.scan(_doc(text)) if f.category == "cn_id"]
        assert a == [f.match for f in py.scan(_doc(text)) if f.category == "cn_id"]
        assert a == ([VALID_ID] if found else [])


@pytest.mark.parametrize(("detector", "rule_id"), [("coordinates", "coordinates.decimal_pair"),
                                                   ("internal_network", "internal_network.private_ipv4")])
def test_digit_tail_is_consumed_by_the_prefilter(engines: tuple[Engine, Engine], detector: str, rule_id: str) -> None:
    # `(?![0-9])` stands alone at the end of the rule, so Hyperscan gets one hit per value
    # instead of one per trailing digit; Python still checks the other lookahead.
    (rule,) = [r for r in get_detector(detector).rules(SAMPLE_POLICY) if r.rule == rule_id]
    assert _for_hyperscan(rule.regex).endswith(b"(?:$|[^0-9])")
    hs, py = engines
    for text in ("10.1.2.3", "10.1.2.3.4", "10.1.2.345", "10.1.2.3:8080", "坐标39.90421,116.40739",
                 "39.90421, 116.40739.5", "39.90421, 116.40739, 1.5", "39.90421, 116.4073912345"):
        assert hs.scan(_doc(text)) == py.scan(_doc(text))
    assert [f.match for f in hs.scan(_doc("服务器 10.12.3.45，坐标 39.90421, 116.40739"))] == [
        "10.12.3.45", "39.90421, 116.40739"]


def _uscc(rng: random.Random) -> str:
    """A 统一社会信用代码 with a valid GB 32100 check character (python-stdnum computes it)."""
    from stdnum.cn import uscc

    org = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(ch, 36) * w for ch, w in zip(org, weights, strict=True)) % 11
    org += "X" if check == 10 else "0" if check == 11 else str(check)
    body = rng.choice("9159Y") + rng.choice("1239") + f"{rng.randint(110000, 659999)}" + org
    return body + uscc.calc_check_digit(body)


def test_prefilters_cover_every_exact_match(engines: tuple[Engine, Engine]) -> None:
    """A rule's Hyperscan `prefilter` matches (whole) every text its exact regex matches, and the
    engines built on it give the pure-Python findings: valid codes in text, in tokens, next to
    18-digit resident IDs (which the uscc prefilter now reports too)."""
    hs, py = engines
    with_prefilter = [r for r in hs.rules if r.prefilter is not None]
    assert with_prefilter, "no rule uses a prefilter: this test guards nothing"
    rng = random.Random(7)
    codes = [_uscc(rng) for _ in range(40)]
    texts = [f"统一社会信用代码：{c}，身份证号 {VALID_ID}。" for c in codes]
    texts += [t for c in codes[:5] for t in (f"token=A{c}", f"{c}7 and {c[:-1]}", f"鄂-GY-{c} 0451-86417953")]
    for rule in with_prefilter:
        prefilter = re.compile(rule.prefilter or "")
        for text in texts:
            for m in rule.compiled.finditer(text):
                assert prefilter.fullmatch(m.group(0)), (rule.rule, m.group(0))
    found = 0
    for text in texts:
        fast = [(f.rule, f.match, f.location.start) for f in hs.scan(_doc(text))]
        assert fast == [(f.rule, f.match, f.location.start) for f in py.scan(_doc(text))]
        found += sum(1 for rule, _, _ in fast if rule == "org_id.uscc")
    # the valid codes in text are found, not only "equally missed" by both engines
    assert found >= sum(1 for c in codes if uscc_valid(c)) >= 30
