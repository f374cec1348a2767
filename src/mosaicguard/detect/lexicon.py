"""The organisation's protected terms (codenames, site names, project aliases), matched by
Aho-Corasick over folded text: full-width, case, traditional/simplified and inserted spaces or
separators do not hide a term."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from ..model import Document, Finding, Location, Severity
from ..policy.schema import Policy
from .base import Detector, Sample, context_text
from .hs_cache import compile_cached
from .matcher import segment_starts
from .normalize import FoldedText, fold_term
from .segment import WINDOW as SEGMENT_WINDOW
from .segment import cuts_word, is_cjk


class LexiconMatcher:
    """All terms of a policy in one automaton over folded text, leftmost-longest.

    Hyperscan (a literal database; ~10x faster than Aho-Corasick here) when its wheel imports,
    `ahocorasick_rs` otherwise; `backend` forces one. Both select the same matches: at the
    leftmost position where a term starts, the longest term, then on after its end."""

    def __init__(self, terms: Sequence[tuple[str, Severity]], backend: str = "auto") -> None:
        self.entries: list[tuple[str, Severity]] = []
        self._folded: list[str] = []
        seen: set[str] = set()
        for term, sev in terms:
            f = fold_term(term)
            if f and f not in seen:
                seen.add(f)
                self._folded.append(f)
                self.entries.append((term, sev))
        # Which terms begin / end with a digit: only those need the spaced-digit check in `find`
        # (most terms are Chinese words; looking at the folded text for them cost 10 % of the lexicon).
        self._digit_edges = [(f[0].isdigit(), f[-1].isdigit()) for f in self._folded]
        # Which terms begin or end with a Chinese character: only those ask the segmenter.
        self._cjk_edge = [is_cjk(f[0]) or is_cjk(f[-1]) for f in self._folded]
        self._ac: Any = None
        self._hs: Any = None
        if not self._folded:
            self.backend = "none"
            return
        if backend in ("auto", "hyperscan"):
            try:
                self._hs = _literal_database(self._folded)
                # A database loaded from the cache has no scratch space of its own.
                self._scratch = _new_scratch(self._hs)
                self._lengths = [len(f.encode("utf-16-le")) for f in self._folded]
                self.backend = "hyperscan"
                return
            except ImportError:
                if backend == "hyperscan":
                    raise
        import ahocorasick_rs

        self._ac = ahocorasick_rs.AhoCorasick(self._folded, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        self.backend = "aho-corasick"

    @staticmethod
    def _cuts_word(ft: FoldedText, start: int, end: int) -> bool:
        """`segment.cuts_word` on the folded text, asked on a window around the match."""
        flen = ft.folded_len()
        left_open = start > 0 and is_cjk(ft.folded_char(start - 1)) and is_cjk(ft.folded_char(start))
        right_open = end < flen and is_cjk(ft.folded_char(end)) and is_cjk(ft.folded_char(end - 1))
        if not (left_open or right_open):
            return False
        lo = max(0, start - SEGMENT_WINDOW)
        window = ft.folded_slice(lo, min(flen, end + SEGMENT_WINDOW))
        return cuts_word(window, start - lo, end - lo)

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """(entry index, start, end) in original offsets."""
        if self.backend == "none" or not text:
            return []
        ft = FoldedText(text)
        found = self._find_hyperscan(ft) if self._hs is not None else self._ac.find_matches_as_indexes(ft.folded)
        out = []
        n = len(text)
        digit_edges = self._digit_edges
        for index, start, end in found:
            s, e = ft.span(start, end)
            # A term that begins or ends with a Latin letter or digit must not be part of a longer
            # word: "Project Falcon" is not in "Project Falconry", "7301工程" is not in "17301工程".
            # (Chinese edges: see below.)
            if (s > 0 and _is_word(text[s - 1]) and _is_word(text[s])) or (
                e < n and _is_word(text[e]) and _is_word(text[e - 1])
            ):
                continue
            # Separators are deleted by the fold, so a number spaced out to dodge a search
            # (`1 7 3 0 1工程`) is checked in folded text too: digits run on across separators
            # (words do not: `world 7301工程` still matches).
            starts_digit, ends_digit = digit_edges[index]
            if (starts_digit and start > 0 and ft.folded_char(start - 1).isdigit()) or (
                ends_digit and end < ft.folded_len() and ft.folded_char(end).isdigit()
            ):
                continue
            # Chinese has no spaces: a term is a token when the word segmenter does not read a
            # word across its edge (`鲲鹏计划生育服务站` is 鲲鹏/计划生育/服务站, not 鲲鹏计划).
            # Asked in the folded text, where spaced-out forms are joined.
            # Only a few characters around the match are decoded (the whole folded text would
            # cost ~5 % of a scan), and only when an edge lies between two Chinese characters.
            if self._cjk_edge[index] and self._cuts_word(ft, start, end):
                continue
            out.append((index, s, e))
        return out

    def _find_hyperscan(self, ft: FoldedText) -> list[tuple[int, int, int]]:
        # The database holds the terms as UTF-16-LE bytes and scans the fold's UTF-16 output as
        # is: no decode to `str` and re-encode to UTF-8, no byte-to-character walk.
        data = ft.utf16
        hits: list[tuple[int, int, int]] = []  # (byte start, -byte length, index)
        lengths = self._lengths

        def on_match(index: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            start = end - lengths[index]
            if not start & 1:  # a match at an odd byte straddles two code units: not text
                hits.append((start, -lengths[index], index))

        self._hs.scan(data, match_event_handler=on_match, scratch=self._scratch)
        if not hits:
            return []
        hits.sort()
        out: list[tuple[int, int, int]] = []
        last_end = 0
        bmp_only = ft.bmp_only
        char_pos = byte_pos = 0
        for start, neg_len, index in hits:
            if start < last_end:
                continue  # overlaps the chosen match (leftmost-longest, non-overlapping)
            last_end = start - neg_len
            if bmp_only:
                char_pos = start // 2
            else:  # surrogate pairs: code units -> characters, walking forward once
                char_pos += len(data[byte_pos:start].decode("utf-16-le", "surrogatepass"))
                byte_pos = start
            out.append((index, char_pos, char_pos + len(self._folded[index])))
        return out


def _literal_database(folded: Sequence[str]) -> Any:
    import hyperscan

    # Cached on disk like the pattern database: a 1,000-term lexicon compiles in ~0.2 s.
    expressions = [_byte_literal(f.encode("utf-16-le")) for f in folded]
    return compile_cached(hyperscan, expressions, list(range(len(folded))), [0] * len(folded))


def _new_scratch(db: Any) -> Any:
    import hyperscan

    return hyperscan.Scratch(db)


def _byte_literal(data: bytes) -> bytes:
    """A Hyperscan expression matching exactly these bytes."""
    return "".join(f"\\x{b:02x}" for b in data).encode("ascii")


def _is_word(ch: str) -> bool:
    """ASCII or full-width letter or digit."""
    return (ch.isascii() and ch.isalnum()) or ("\uff10" <= ch <= "\uff5a" and ch.isalnum())


@lru_cache(maxsize=16)
def _matcher_for(terms: tuple[tuple[str, Severity], ...]) -> LexiconMatcher:
    return LexiconMatcher(terms)


def policy_terms(policy: Policy) -> tuple[tuple[str, Severity], ...]:
    """Lexicon terms plus every protected subject's aliases and codes."""
    terms = [(t.term, Severity.parse(t.severity)) for t in policy.lexicon]
    for subject in policy.protected_subjects:
        sev = Severity.parse(subject.severity or "high")
        terms.extend((name, sev) for name in (*subject.aliases, *subject.codes))
    return tuple(terms)


class LexiconDetector(Detector):
    name = "protected_term"
    categories = ("protected_term",)

    def __init__(self) -> None:
        # Policy -> (terms, matcher), by identity: a scan reuses one policy object for every
        # document, and re-parsing 1,000 terms per document cost more than matching them.
        self._by_policy: dict[int, tuple[Policy, LexiconMatcher | None, str | None]] = {}

    def _matcher(self, policy: Policy) -> tuple[LexiconMatcher | None, str | None]:
        """The policy's matcher and severity override."""
        cached = self._by_policy.get(id(policy))
        if cached is not None and cached[0] is policy:
            return cached[1], cached[2]
        terms = policy_terms(policy)
        matcher = _matcher_for(terms) if terms else None
        override = policy.detector_settings(self.name).severity
        if len(self._by_policy) > 32:
            self._by_policy.clear()
        self._by_policy[id(policy)] = (policy, matcher, override)
        return matcher, override

    def detect_document(
        self, doc: Document, policy: Policy, layout: tuple[list[str], list[int]] | None = None
    ) -> Iterable[Finding]:
        """`layout`: the segments' texts and `segment_starts`, when the caller (the engine's
        pattern pass) has them already."""
        matcher, override = self._matcher(policy)
        if matcher is None or not doc.segments:
            return []
        # One fold for the whole document; NUL joins segments because the fold keeps it, so no
        # term can match across two segments.
        if layout is None:
            texts = [seg.text for seg in doc.segments]
            starts = segment_starts(texts)
        else:
            texts, starts = layout
        joined = "\x00".join(texts)
        out: list[Finding] = []
        for index, jstart, jend in matcher.find(joined):
            seg_index = bisect.bisect_right(starts, jstart) - 1
            seg = doc.segments[seg_index]
            start, end = jstart - starts[seg_index], jend - starts[seg_index]
            term, sev = matcher.entries[index]
            before, after = context_text(seg.text, start, end, 40)
            loc = seg.location
            base = loc.start or 0
            out.append(
                Finding(
                    category="protected_term",
                    severity=Severity.parse(override) if override else sev,
                    confidence=0.95,
                    match=seg.text[start:end],
                    layer=seg.layer,
                    rule="protected_term.lexicon",
                    message="the organisation's protected term (codename, site or project name)",
                    location=Location(page=loc.page, start=base + start, end=base + end, part=loc.part,
                                      bbox=loc.bbox, pointer=loc.pointer),
                    context_before=before,
                    context_after=after,
                    extra=(("term", term),),
                )
            )
        return out

    def samples(self) -> Sequence[Sample]:
        # The tests run these with a policy whose lexicon holds "7301工程" and "Project Falcon".
        return (
            Sample("关于７３０１ 工程的通知", "protected_term"),
            Sample("PROJECT  FALCON update", "protected_term"),
            Sample("關於7301工程", "protected_term"),
            Sample("7302工程", "protected_term", expect=False),
            Sample("17301工程", "protected_term", expect=False),
            Sample("编号1 7 3 0 1工程", "protected_term", expect=False),
        )
