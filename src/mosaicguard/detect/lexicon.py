"""The organisation's protected terms (codenames, site names, project aliases), matched by
Aho-Corasick over folded text: full-width, case, traditional/simplified and inserted spaces or
separators do not hide a term."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from ..model import Document, Finding, Location, Severity
from ..policy.schema import Policy
from .base import Detector, Sample, context_text
from .normalize import FoldedText, fold_term


class LexiconMatcher:
    """All terms of a policy in one Aho-Corasick automaton."""

    def __init__(self, terms: Sequence[tuple[str, Severity]]) -> None:
        import ahocorasick_rs

        self.entries: list[tuple[str, Severity]] = []
        folded: list[str] = []
        seen: set[str] = set()
        for term, sev in terms:
            f = fold_term(term)
            if f and f not in seen:
                seen.add(f)
                folded.append(f)
                self.entries.append((term, sev))
        self._ac = (
            ahocorasick_rs.AhoCorasick(folded, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
            if folded
            else None
        )

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """(entry index, start, end) in original offsets."""
        if self._ac is None or not text:
            return []
        ft = FoldedText(text)
        out = []
        for index, start, end in self._ac.find_matches_as_indexes(ft.folded):
            s, e = ft.span(start, end)
            out.append((index, s, e))
        return out


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

    def detect_document(self, doc: Document, policy: Policy) -> Iterable[Finding]:
        terms = policy_terms(policy)
        if not terms:
            return []
        matcher = _matcher_for(terms)
        override = policy.detector_settings(self.name).severity
        out: list[Finding] = []
        for seg in doc.segments:
            for index, start, end in matcher.find(seg.text):
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
        )
