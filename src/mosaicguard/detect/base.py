"""The detector contract.

A detector is mostly data: `PatternRule`s (a precise regex, a validator, context words, a default
severity) that the engine compiles together with every other detector's rules into one
multi-pattern pass. Detectors that are not patterns (lexicon, hidden data, fingerprints) implement
`detect_document` instead. Every detector ships true- and false-positive samples that the tests
run (`samples`), as gitleaks rules do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import Document, Finding, Layer, Location, Segment, Severity

if TYPE_CHECKING:
    from ..policy.schema import Policy

Validator = Callable[[str], bool]


@dataclass(frozen=True)
class PatternRule:
    """One regex rule. `regex` is Python syntax; the engine also compiles it for Hyperscan in
    prefilter mode and confirms every Hyperscan hit with this exact regex, so both engines give
    identical findings. Use group `v` to mark the value when the match includes framing."""

    rule: str  # stable rule id, "cn_id.checksum"
    category: str
    regex: str
    severity: Severity
    confidence: float
    message: str
    flags: int = 0
    validate: Validator | None = None
    # Words near the match that make it more likely (+) or less likely (-) to be a real leak.
    context: tuple[str, ...] = ()
    negative_context: tuple[str, ...] = ()
    context_window: int = 24
    context_boost: float = 0.2
    negative_penalty: float = 0.4
    max_len: int = 128  # longest possible match, for the engine's confirmation window
    # What Hyperscan scans for instead of `regex` (Python syntax), when a looser expression is
    # much cheaper inside the one database. It must match every text `regex` matches (a
    # superset: the exact regex still confirms every hit), so findings do not change.
    prefilter: str | None = None
    _compiled: re.Pattern[str] | None = field(init=False, repr=False, compare=False, default=None)

    @property
    def compiled(self) -> re.Pattern[str]:
        """The exact regex, compiled on first use: with a cached Hyperscan database only rules
        that have candidates in the scanned text are ever compiled (50 ms of CLI start-up)."""
        compiled = self._compiled
        if compiled is None:
            compiled = re.compile(self.regex, self.flags)
            object.__setattr__(self, "_compiled", compiled)
        return compiled


@dataclass(frozen=True)
class Sample:
    """A documented example: `text` must (or must not) yield a finding of `category`."""

    text: str
    category: str
    expect: bool = True
    match: str | None = None  # the expected matched value, when it matters


class Detector:
    """Base of every detector. Override `rules()` for pattern detectors, `detect_document()` for
    the others; `refine()` lets a pattern detector judge a confirmed match in context."""

    #: registry key, also the policy's name for this detector
    name: str = ""
    #: finding categories this detector may emit
    categories: tuple[str, ...] = ()

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        return ()

    def refine(
        self, rule: PatternRule, match: re.Match[str], segment: Segment, finding: Finding
    ) -> Finding | list[Finding] | None:
        """Adjust or drop a confirmed, validated match (e.g. marking vs prose). Default: keep.
        A list: the candidate holds several values (a phone number and its shorthand
        continuation), each a finding of its own within `segment`."""
        return finding

    def detect_document(self, doc: Document, policy: Policy) -> Iterable[Finding]:
        return ()

    def samples(self) -> Sequence[Sample]:
        return ()


def context_text(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    return text[max(0, start - width) : start], text[end : end + width]


def make_finding(
    rule: PatternRule,
    segment: Segment,
    start: int,
    end: int,
    confidence: float,
    report_context: int = 40,
) -> Finding:
    """A finding for `segment.text[start:end]` with its absolute location."""
    loc = segment.location
    base = loc.start or 0
    before, after = context_text(segment.text, start, end, report_context)
    return Finding(
        category=rule.category,
        severity=rule.severity,
        confidence=max(0.0, min(1.0, confidence)),
        match=segment.text[start:end],
        layer=segment.layer,
        rule=rule.rule,
        message=rule.message,
        location=Location(
            page=loc.page,
            start=base + start,
            end=base + end,
            part=loc.part,
            bbox=loc.bbox,
            pointer=loc.pointer,
        ),
        context_before=before,
        context_after=after,
    )


def with_confidence(finding: Finding, confidence: float) -> Finding:
    """`dataclasses.replace(finding, confidence=confidence)` without its generic field walk
    (about 4x faster; `refine` calls it on hundreds of findings per document). The tests pin
    the field list, so a new `Finding` field cannot be dropped silently."""
    f = finding
    return Finding(
        f.category, f.severity, confidence, f.match, f.layer, f.rule, f.message, f.location,
        f.context_before, f.context_after, f.extra, f.id,
    )


def layer_of(segment: Segment) -> Layer:
    return segment.layer
