"""Multi-pattern matching: every rule of a scan in one pass over the text.

`HyperscanMatcher` runs all rules as one Hyperscan database (prefilter mode, so lookarounds are
approximated by a superset) and confirms each hit with the rule's exact Python regex inside a
window around the hit. `PythonMatcher` runs the exact regexes directly. Both return the same
matches: the exact regex decides, Hyperscan only says where to look.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from .base import PatternRule

Match = tuple[int, re.Match[str]]  # (rule index, match)


class Matcher(Protocol):
    name: str

    def find(self, text: str) -> list[Match]: ...


class PythonMatcher:
    """Pure-Python fallback (no Hyperscan wheel for this platform)."""

    name = "python-re"

    def __init__(self, rules: Sequence[PatternRule]) -> None:
        self.rules = list(rules)

    def find(self, text: str) -> list[Match]:
        out: list[Match] = []
        for index, rule in enumerate(self.rules):
            out.extend((index, m) for m in rule.compiled.finditer(text))
        return out


class HyperscanMatcher:
    name = "hyperscan"

    # Margin around a hit so that the exact regex sees the same surroundings (lookarounds,
    # greedy tails) as it would over the whole text.
    _MARGIN = 16

    def __init__(self, rules: Sequence[PatternRule]) -> None:
        import hyperscan

        self.rules = list(rules)
        self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        flags = []
        for rule in self.rules:
            f = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP
            f |= hyperscan.HS_FLAG_ALLOWEMPTY
            if rule.flags & re.IGNORECASE:
                f |= hyperscan.HS_FLAG_CASELESS
            if rule.flags & re.DOTALL:
                f |= hyperscan.HS_FLAG_DOTALL
            if rule.flags & re.MULTILINE:
                f |= hyperscan.HS_FLAG_MULTILINE
            flags.append(f)
        self._db.compile(
            expressions=[_for_hyperscan(r.regex) for r in self.rules],
            ids=list(range(len(self.rules))),
            elements=len(self.rules),
            flags=flags,
        )
        self._scratch = hyperscan.Scratch(self._db)

    def find(self, text: str) -> list[Match]:
        if not text:
            return []
        data = text.encode("utf-8")
        hits: list[tuple[int, int]] = []

        def on_match(rule_id: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            hits.append((end, rule_id))

        self._db.scan(data, match_event_handler=on_match, scratch=self._scratch)
        if not hits:
            return []
        hits.sort()
        ascii_only = len(data) == len(text)
        # Convert byte ends to character ends in one forward walk.
        windows: dict[int, list[list[int]]] = {}
        char_pos = 0
        byte_pos = 0
        for end, rule_id in hits:
            if ascii_only:
                char_end = end
            else:
                if end > byte_pos:
                    char_pos += len(data[byte_pos:end].decode("utf-8", errors="ignore"))
                    byte_pos = end
                char_end = char_pos
            rule = self.rules[rule_id]
            lo = max(0, char_end - rule.max_len - self._MARGIN)
            hi = min(len(text), char_end + rule.max_len + self._MARGIN)
            spans = windows.setdefault(rule_id, [])
            if spans and lo <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], hi)
            else:
                spans.append([lo, hi])
        out: list[Match] = []
        for rule_id, spans in windows.items():
            compiled = self.rules[rule_id].compiled
            last_end = -1
            for lo, hi in spans:
                # Start a little earlier at a point the full-text scan would also have passed,
                # so that a match is never started mid-way through a longer one.
                for m in compiled.finditer(text, lo, hi):
                    if m.start() >= last_end:
                        out.append((rule_id, m))
                        last_end = m.end() if m.end() > m.start() else m.end() + 1
        out.sort(key=lambda item: (item[1].start(), item[0]))
        return out


_NAMED_GROUP = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")
_NAMED_BACKREF = re.compile(r"\(\?P=[A-Za-z_][A-Za-z0-9_]*\)")


def _for_hyperscan(regex: str) -> bytes:
    """Python regex syntax -> Hyperscan (PCRE) syntax: named groups become plain groups."""
    converted = _NAMED_GROUP.sub("(", regex)
    converted = _NAMED_BACKREF.sub("", converted)
    return converted.encode("utf-8")


def build_matcher(rules: Sequence[PatternRule], engine: str = "auto") -> Matcher:
    """`auto`: Hyperscan when its wheel imports, else the pure-Python matcher."""
    if engine in ("auto", "hyperscan"):
        try:
            return HyperscanMatcher(rules)
        except ImportError:
            if engine == "hyperscan":
                raise
    return PythonMatcher(rules)
