"""Multi-pattern matching: every rule of a scan in one pass over the text.

`HyperscanMatcher` runs all rules as one Hyperscan database (prefilter mode, so lookarounds are
approximated by a superset) and confirms each hit with the rule's exact Python regex inside a
window around the hit. `PythonMatcher` runs the exact regexes directly. Both return the same
matches: the exact regex decides, Hyperscan only says where to look.

Why the windows are exact: prefilter mode reports a superset of the real match *ends*, so every
real match ends at a reported hit (or one character before it, when the prefilter consumes the
character a trailing lookahead looks at) and starts at most its longest width before it. The
window for a hit is therefore `[end - W - 1, end + margin)` for a rule whose regex has a finite
longest match W, else `[end - max_len - margin, end + margin)`; the confirming search may read
past the window's end (lookaheads must see the real text, not an artificial end of string), and
lookbehinds see the text before its start.
"""

from __future__ import annotations

import codecs
import importlib
import operator
import re
from collections.abc import Sequence
from functools import cache
from itertools import accumulate, count
from typing import Any, Protocol

from .base import PatternRule
from .hs_cache import compile_cached

Match = tuple[int, re.Match[str]]  # (rule index, match)

_utf8_decode = codecs.utf_8_decode

# bytes.translate table: UTF-8 continuation bytes (0b10xxxxxx) -> 0x80, every other byte -> 0.
_CONTINUATION = bytes(0x80 if 0x80 <= b < 0xC0 else 0 for b in range(256))


# Texts this long count characters with numpy; shorter ones (a CLI scan of one small file) skip
# numpy's import (~0.1 s) and decode the gaps instead.
_NUMPY_MIN_BYTES = 1 << 16


@cache
def _numpy() -> Any:
    """numpy, or None when it is missing (it is a dependency: this keeps the fallback honest)."""
    try:
        import numpy
    except ImportError:  # pragma: no cover
        return None
    return numpy


class Matcher(Protocol):
    name: str

    def find(self, text: str) -> list[Match]: ...


class PythonMatcher:
    """Pure-Python fallback (no Hyperscan wheel for this platform); also the reference the tests
    compare Hyperscan against."""

    name = "python-re"

    def __init__(self, rules: Sequence[PatternRule]) -> None:
        self.rules = list(rules)

    def find(self, text: str) -> list[Match]:
        out: list[Match] = []
        for index, rule in enumerate(self.rules):
            out.extend((index, m) for m in rule.compiled.finditer(text))
        out.sort(key=lambda item: (item[1].start(), item[0]))
        return out


class HyperscanMatcher:
    name = "hyperscan"

    # Slack around a hit so lookbehinds and lookaheads see the same text as a full-text scan.
    _MARGIN = 16

    def __init__(self, rules: Sequence[PatternRule]) -> None:
        import hyperscan

        self.rules = list(rules)
        flags = [_hs_flags(hyperscan, rule) for rule in self.rules]
        expressions = [hs_expression(r) for r in self.rules]
        ids = list(range(len(self.rules)))
        # Rules Hyperscan cannot compile (rare syntax) run as plain Python regexes instead of
        # failing the whole scan.
        self._fallback: list[int] = []
        try:
            # Compiling takes 0.3-1 s: a verified copy from the on-disk cache loads in microseconds.
            self._db = compile_cached(hyperscan, expressions, ids, flags)
        except hyperscan.error:
            good: list[int] = []
            for i in ids:
                try:
                    _compile(hyperscan, [expressions[i]], [i], [flags[i]])
                    good.append(i)
                except hyperscan.error:
                    self._fallback.append(i)
            self._db = (
                _compile(hyperscan, [expressions[i] for i in good], good, [flags[i] for i in good]) if good else None
            )
        self._scratch = hyperscan.Scratch(self._db) if self._db is not None else None
        # Each rule's shortest match and how far before a hit its matches can start, computed at
        # its first hit (-1: not yet).
        self._min_width = [-1] * len(self.rules)
        self._reach = [-1] * len(self.rules)

    def find(self, text: str) -> list[Match]:
        if not text:
            return []
        out: list[Match] = []
        for rule_id in self._fallback:
            out.extend((rule_id, m) for m in self.rules[rule_id].compiled.finditer(text))
        if self._db is not None:
            out.extend(self._confirm(text, self._hits(text)))
        out.sort(key=lambda item: (item[1].start(), item[0]))
        return out

    def _hits(self, text: str) -> list[tuple[int, int]]:
        """(character end, rule id) of every prefilter hit, sorted by end."""
        data = text.encode("utf-8")
        hits: list[tuple[int, int]] = []
        append = hits.append

        def on_match(rule_id: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            append((end, rule_id))

        self._db.scan(data, match_event_handler=on_match, scratch=self._scratch)
        if not hits or len(data) == len(text):
            return hits  # ASCII: byte offsets are character offsets
        hits.sort()
        np = _numpy() if len(data) >= _NUMPY_MIN_BYTES else None
        if np is not None:
            # Byte ends -> character ends in one forward walk: the characters between two hits
            # are its bytes minus its UTF-8 continuation bytes (int8 < -64), counted by numpy on
            # a mask of the whole text: half the time of decoding every gap (~0.008 s per 20 MB),
            # and exact even for a hit inside a character.
            continuation = np.frombuffer(data, dtype=np.int8) < -64
            count_nonzero = np.count_nonzero
            converted_np: list[tuple[int, int]] = []
            char_at = 0
            byte_at = 0
            for end, rule_id in hits:
                if end > byte_at:
                    char_at += end - byte_at - int(count_nonzero(continuation[byte_at:end]))
                    byte_at = end
                converted_np.append((char_at, rule_id))
            return converted_np
        # Short texts (or no numpy): the characters between two hits are counted by decoding those bytes in
        # C from a zero-copy view (hits end on character boundaries: every rule matches whole
        # UTF-8 characters).
        view = memoryview(data)
        converted: list[tuple[int, int]] = []
        char_pos = 0
        byte_pos = 0
        try:
            for end, rule_id in hits:
                if end > byte_pos:
                    char_pos += len(_utf8_decode(view[byte_pos:end])[0])
                    byte_pos = end
                converted.append((char_pos, rule_id))
        except UnicodeDecodeError:
            return self._char_ends_by_marks(data, hits)
        return converted

    @staticmethod
    def _char_ends_by_marks(data: bytes, hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Same as the walk in `_hits`, robust to a hit inside a character: characters in a byte
        range are its bytes minus its UTF-8 continuation bytes, counted on a marked copy."""
        marks = data.translate(_CONTINUATION)
        converted: list[tuple[int, int]] = []
        char_pos = 0
        byte_pos = 0
        for end, rule_id in hits:
            if end > byte_pos:
                char_pos += end - byte_pos - marks.count(0x80, byte_pos, end)
                byte_pos = end
            converted.append((char_pos, rule_id))
        return converted

    def _confirm(self, text: str, hits: list[tuple[int, int]]) -> list[Match]:
        n = len(text)
        # Per rule, merged windows [lo, hi, end of the window's last hit].
        windows: dict[int, list[list[int]]] = {}
        margin = self._MARGIN
        reach = self._reach
        # `_hits` returns non-ASCII hits sorted already (re-sorting a sorted list is one pass).
        hits.sort()
        for char_end, rule_id in hits:
            back = reach[rule_id]
            if back < 0:
                back = reach[rule_id] = self._reach_of(rule_id)
            lo = char_end - back
            if lo < 0:
                lo = 0
            hi = char_end + margin
            if hi > n:
                hi = n
            spans = windows.get(rule_id)
            if spans is None:
                windows[rule_id] = [[lo, hi, char_end]]
            elif lo <= spans[-1][1]:
                last = spans[-1]
                if hi > last[1]:
                    last[1] = hi
                last[2] = char_end
            else:
                spans.append([lo, hi, char_end])
        out: list[Match] = []
        min_width = self._min_width
        for rule_id, spans in windows.items():
            rule = self.rules[rule_id]
            compiled = rule.compiled
            shortest = min_width[rule_id]
            if shortest < 0:
                shortest = min_width[rule_id] = _min_width(rule)
            last_end = -1
            for lo, hi, last_hit in spans:
                # Matches *start* inside the window; they may end (and look ahead) past it.
                endpos = min(n, hi + rule.max_len + self._MARGIN)
                pos = max(lo, last_end)
                # A window reaching the end of the text also owns an empty match at its end.
                limit = hi if hi < n else n + 1
                while pos < limit:
                    m = compiled.search(text, pos, endpos)
                    if m is None or m.start() >= limit:
                        break
                    out.append((rule_id, m))
                    last_end = m.end()
                    # Every real match ends at (or one character before) a hit of its window, so
                    # a further match, starting at `last_end` or later, needs a hit ending at
                    # least `shortest` characters after it: without one, the search would fail.
                    if shortest > 0 and last_hit < last_end + shortest:
                        break
                    pos = m.end() if m.end() > m.start() else m.end() + 1
        return out


    def _reach_of(self, rule_id: int) -> int:
        """How far before a hit a match of the rule can start. A real match [s, e) is reported
        at e, or at e + 1 when the prefilter consumes the character a trailing lookahead looks
        at (`_tighten_edges`), so with the regex's exact longest match W (lookbehinds see the
        text before the window anyway) the window needs W + 1 characters, not `max_len` plus
        the margin: half as many start positions for each confirming search of the phone and
        ID rules. Rules with no finite longest match, or with a prefilter of their own, keep
        `max_len` plus the margin."""
        rule = self.rules[rule_id]
        fallback = rule.max_len + self._MARGIN
        if rule.prefilter is not None:
            return fallback
        longest = _max_width(rule)
        return longest + 1 if 0 <= longest < fallback else fallback


def _max_width(rule: PatternRule) -> int:
    """Longest possible match of `rule` (-1 when unbounded or unknown)."""
    try:
        parser = importlib.import_module("re._parser")  # Python >= 3.11, private: no stubs
        widest = int(parser.parse(rule.regex, rule.flags).getwidth()[1])
    except Exception:  # noqa: BLE001 - a private module: any failure keeps the wide window
        return -1
    return widest if widest < int(parser.MAXREPEAT) else -1


def _min_width(rule: PatternRule) -> int:
    """Shortest possible match of `rule` (0 when unknown)."""
    try:
        parser = importlib.import_module("re._parser")  # Python >= 3.11, private: no stubs
        return int(parser.parse(rule.regex, rule.flags).getwidth()[0])
    except Exception:  # noqa: BLE001 - a private module: any failure just disables the shortcut
        return 0


def _hs_flags(hs: Any, rule: PatternRule) -> int:
    f: int = hs.HS_FLAG_PREFILTER | hs.HS_FLAG_UTF8 | hs.HS_FLAG_UCP | hs.HS_FLAG_ALLOWEMPTY
    if rule.flags & re.IGNORECASE:
        f |= hs.HS_FLAG_CASELESS
    if rule.flags & re.DOTALL:
        f |= hs.HS_FLAG_DOTALL
    if rule.flags & re.MULTILINE:
        f |= hs.HS_FLAG_MULTILINE
    return f


def _compile(hyperscan: Any, expressions: list[bytes], ids: list[int], flags: list[int]) -> Any:
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=expressions, ids=ids, elements=len(ids), flags=flags)
    return db


_NAMED_GROUP = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")
_NAMED_BACKREF = re.compile(r"\(\?P=[A-Za-z_][A-Za-z0-9_]*\)")
_UNICODE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))")


def hs_expression(rule: PatternRule) -> bytes:
    """The expression Hyperscan scans for `rule`: its `prefilter` when it has one, else its
    regex, in Hyperscan syntax."""
    return _for_hyperscan(rule.prefilter if rule.prefilter is not None else rule.regex)


def _for_hyperscan(regex: str) -> bytes:
    """Python regex syntax -> Hyperscan (PCRE) syntax: named groups become plain groups, named
    back-references are dropped (prefilter mode over-approximates anyway), `\\uXXXX` escapes
    become `\\x{XXXX}` and wide bounded repeats become open ones (see `_BOUNDED_REPEAT`)."""
    converted = _NAMED_GROUP.sub("(", regex)
    converted = _NAMED_BACKREF.sub("", converted)
    converted = _UNICODE_ESCAPE.sub(lambda m: f"{m.group(1)}\\x{{{m.group(2) or m.group(3)}}}", converted)
    converted = _BOUNDED_REPEAT.sub(_open_repeat, converted)
    converted = _tighten_edges(converted)
    return converted.encode("utf-8")


# A leading `(?<![0-9])` or trailing `(?![0-9])` of one character class. Prefilter mode drops
# lookarounds, so `1[3-9][0-9]{9}` would report every 11-digit stretch of a 20-digit order
# number; consuming the neighbouring character instead (`(?:^|[^0-9])`) keeps the prefilter a
# superset while making it nearly exact. Hit ends may move one character right, which the
# confirmation window's margin covers.
_LEAD_LOOKBEHIND = re.compile(r"^\(\?<!\[((?:\\.|[^\]\\^])(?:\\.|[^\]\\])*)\]\)")
_TAIL_LOOKAHEAD = re.compile(r"\(\?!\[((?:\\.|[^\]\\^])(?:\\.|[^\]\\])*)\]\)$")


# A trailing positive lookahead whose alternatives are single characters or `$`, as in
# `[^\s"']{4,64}(?=$|[\s"'])`: in prefilter mode the open value run reports a hit at every
# character past the fourth; consuming the one terminating character reports one hit per value.
_CLASS = r"\[(?:\\.|[^\]\\])+\]"
_TAIL_POSITIVE = re.compile(rf"\(\?=((?:\$|{_CLASS})(?:\|(?:\$|{_CLASS}))*)\)$")


def _tighten_edges(regex: str) -> str:
    regex = _LEAD_LOOKBEHIND.sub(lambda m: f"(?:^|[^{m.group(1)}])", regex, count=1)
    regex = _TAIL_POSITIVE.sub(lambda m: f"(?:{m.group(1)})", regex, count=1)
    return _TAIL_LOOKAHEAD.sub(lambda m: f"(?:$|[^{m.group(1)}])", regex, count=1)


# `x{1,100}` compiles into a large automaton (a minute for a path rule); `x{1,}` accepts a superset
# and compiles at once. The exact regex and `max_len` still bound the real match.
_BOUNDED_REPEAT = re.compile(r"(?<!\\)\{([0-9]+),([0-9]+)\}")


def _open_repeat(m: re.Match[str]) -> str:
    low, high = int(m.group(1)), int(m.group(2))
    return m.group(0) if high <= 4 else f"{{{low},}}"


def segment_starts(texts: Sequence[str]) -> list[int]:
    """Offset of each text in `sep.join(texts)` for a one-character `sep` (computed in C:
    documents with tens of thousands of paragraphs are common)."""
    # start[i] = len(texts[0]) + ... + len(texts[i-1]) + i separators
    return list(map(operator.add, accumulate(map(len, texts[:-1]), initial=0), count()))


def build_matcher(rules: Sequence[PatternRule], engine: str = "auto") -> Matcher:
    """`auto`: Hyperscan when its wheel imports, else the pure-Python matcher."""
    if engine not in ("auto", "hyperscan", "python"):
        raise ValueError(f"unknown engine {engine!r} (expected auto, hyperscan or python)")
    if engine in ("auto", "hyperscan"):
        try:
            return HyperscanMatcher(rules)
        except ImportError:
            if engine == "hyperscan":
                raise
    return PythonMatcher(rules)
