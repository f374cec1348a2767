"""The detection engine: compile every enabled rule once, run one pass per document, confirm
and validate candidates, score them in context. Pure: Document in, findings out."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache

from ..model import Document, Finding, Layer, Location, Segment
from ..policy.schema import Policy
from .base import Detector, PatternRule
from .hidden import settle as settle_hidden
from .lexicon import LexiconDetector
from .matcher import Matcher, build_matcher, segment_starts
from .registry import enabled_detectors


class Engine:
    """Built once per scan (per policy and profile); `scan` is safe to call from many threads."""

    def __init__(self, policy: Policy, engine: str = "auto", detectors: Sequence[Detector] | None = None) -> None:
        self.policy = policy
        self.detectors = list(detectors) if detectors is not None else enabled_detectors(policy)
        self.rules: list[PatternRule] = []
        self._owner: list[Detector] = []
        for detector in self.detectors:
            for rule in detector.rules(policy):
                self.rules.append(rule)
                self._owner.append(detector)
        self.matcher: Matcher = build_matcher(self.rules, engine)
        # Per rule, the constants each match needs (`_plan`), built at the rule's first match.
        self._plans: list[_Plan | None] = [None] * len(self.rules)
        # Context words as one regex per rule: one C-level search instead of a Python loop.
        self._context = [_words_regex(rule.context) for rule in self.rules]
        self._negative = [_words_regex(rule.negative_context) for rule in self.rules]
        # Only detectors that override `refine` are called for it.
        self._refines = [type(owner).refine is not Detector.refine for owner in self._owner]
        # A detector's own `min_confidence` (policy `detectors: {phone: {min_confidence: 0.8}}`)
        # overrides the policy-wide threshold for the categories it emits.
        self._threshold: dict[str, float] = {}
        for detector in self.detectors:
            own = policy.detector_settings(detector.name).min_confidence
            if own is not None:
                for category in detector.categories:
                    self._threshold[category] = own

    def scan(self, doc: Document) -> list[Finding]:
        """All findings in `doc` and its embedded parts (not its archive members) at or above
        the confidence threshold of their category."""
        return self.scan_with_dropped(doc)[0]

    def scan_with_dropped(self, doc: Document) -> tuple[list[Finding], list[Finding]]:
        """(findings kept, findings below their category's `threshold`). The dropped ones are
        returned, not discarded: reports count them and can list them."""
        kept: list[Finding] = []
        dropped: list[Finding] = []
        for f in self._all_findings(doc):
            (kept if f.confidence >= self.threshold(f.category) else dropped).append(f)
        return kept, dropped

    def threshold(self, category: str) -> float:
        """The confidence a finding of `category` needs to be reported."""
        return self._threshold.get(category, self.policy.min_confidence)

    def _all_findings(self, doc: Document) -> list[Finding]:
        # Segment texts and offsets once for the pattern pass and the lexicon (~4 % of a scan).
        texts = [seg.text for seg in doc.segments]
        layout = (texts, segment_starts(texts)) if texts else ([], [])
        findings = _drop_overlaps(self._scan_segments(doc.segments, layout))
        for detector in self.detectors:
            if isinstance(detector, LexiconDetector):
                findings.extend(detector.detect_document(doc, self.policy, layout))
            else:
                findings.extend(detector.detect_document(doc, self.policy))
        # Hidden parts are judged by what the content detectors found in them.
        findings = settle_hidden(findings, doc, self.policy.min_confidence)
        for part in doc.embedded:
            findings.extend(_as_embedded(f, part) for f in self._all_findings(part))
        return findings

    def _scan_segments(self, segments: Sequence[Segment], layout: tuple[list[str], list[int]]) -> list[Finding]:
        if not segments or not self.rules:
            return []
        # One pass over the whole document: segments joined by newlines, matches mapped back.
        texts, starts = layout
        joined = texts[0] if len(texts) == 1 else "\n".join(texts)
        plans = self._plans
        single = len(segments) == 1
        bisect_right = bisect.bisect_right
        out: list[Finding] = []
        append = out.append
        # What `make_finding` and `_score` do, inlined: ~5k findings per 20 MB make the call and
        # keyword-argument overhead a tenth of the pattern pass. `make_finding` stays the reference
        # (tests compare the two).
        for rule_index, match in self.matcher.find(joined):
            plan = plans[rule_index]
            if plan is None:
                plan = plans[rule_index] = self._plan(rule_index)
            rule, group, validate, context, negative, owner, base_score = plan
            seg_index = 0 if single else bisect_right(starts, match.start()) - 1
            seg = segments[seg_index]
            offset = starts[seg_index]
            if group is not None:
                start, end = match.span(group)
                if start < 0:  # the value group did not take part in the match
                    start, end = match.span()
            else:
                start, end = match.span()
            start -= offset
            end -= offset
            text = seg.text
            if end > len(text) or start < 0:
                continue  # spans two segments: not one value
            value = text[start:end]
            if validate is not None and not validate(value):
                continue
            if base_score is None:
                score = _score(rule, text, start, end, context, negative)
                score = 0.0 if score < 0.0 else 1.0 if score > 1.0 else score
            else:
                score = base_score
            loc = seg.location
            base = loc.start or 0
            finding = Finding(
                rule.category,
                rule.severity,
                score,
                value,
                seg.layer,
                rule.rule,
                rule.message,
                Location(loc.page, base + start, base + end, loc.part, loc.bbox, loc.pointer),
                text[start - 40 if start > 40 else 0 : start],
                text[end : end + 40],
            )
            if owner is not None:
                refined = owner.refine(rule, match, seg, finding)
                if refined is None:
                    continue
                if isinstance(refined, Finding):
                    append(refined)
                else:  # one candidate that holds several values (`010-61986732/61986796`)
                    out.extend(refined)
            else:
                append(finding)
        return out

    def _plan(self, rule_index: int) -> _Plan:
        """A rule's per-match constants, looked up at its first match so rules without
        candidates are never compiled by Python."""
        rule = self.rules[rule_index]
        context, negative = self._context[rule_index], self._negative[rule_index]
        base_score: float | None = None
        if context is None and negative is None:
            base_score = max(0.0, min(1.0, round(rule.confidence, 6)))
        return (
            rule,
            rule.compiled.groupindex.get("v"),
            rule.validate,
            context,
            negative,
            self._owner[rule_index] if self._refines[rule_index] else None,
            base_score,
        )


# (rule, `v` group index, validator, context regex, negative regex, refining detector, fixed score)
_Plan = tuple[
    PatternRule,
    int | None,
    Callable[[str], bool] | None,
    re.Pattern[str] | None,
    re.Pattern[str] | None,
    Detector | None,
    float | None,
]


def _drop_overlaps(findings: list[Finding]) -> list[Finding]:
    """One finding per value: when two rules of one category match overlapping text (`token:`
    and the GitHub-token rule on the same key), keep the most severe, then the most confident,
    then the longest. Different categories on the same text (a private IP inside a connection
    string) are different problems and both stay."""
    if len(findings) < 2:
        return findings
    # (where, start, end) once per finding: category, part, page and layer must all agree.
    info = []
    for f in findings:
        loc = f.location
        # `f.layer` is a StrEnum: it compares and sorts as its value without the `.value` lookup.
        info.append(((f.category, loc.part or "", loc.page or 0, f.layer), loc.start or 0, loc.end or 0))

    def rank(i: int) -> tuple[int, float, int]:
        f = findings[i]
        return (f.severity.rank, f.confidence, info[i][2] - info[i][1])

    ordered = sorted(range(len(findings)), key=lambda i: info[i][:2])
    dropped: set[int] = set()
    keep_i = ordered[0]
    for i in ordered[1:]:
        a, b = info[keep_i], info[i]
        if a[0] == b[0] and b[1] < a[2]:
            loser = i if rank(keep_i) >= rank(i) else keep_i
            dropped.add(loser)
            if loser == keep_i:
                keep_i = i
        else:
            keep_i = i
    if not dropped:
        return findings
    return [f for i, f in enumerate(findings) if i not in dropped]


def _score(
    rule: PatternRule,
    text: str,
    start: int,
    end: int,
    context: re.Pattern[str] | None = None,
    negative: re.Pattern[str] | None = None,
) -> float:
    """Base confidence, raised by context words within `context_window` characters, lowered by
    negative words on the same line only: an order number on the next line of a markdown file
    says nothing about this number. Rounded, so 0.7 + 0.2 - 0.4 is 0.5 and not 0.4999...
    `context` / `negative` are the rule's word lists as compiled regexes (`_words_regex`)."""
    if context is None and rule.context:
        context = _words_regex(rule.context)
    if negative is None and rule.negative_context:
        negative = _words_regex(rule.negative_context)
    confidence = rule.confidence
    if context is None and negative is None:
        return round(confidence, 6)
    window = rule.context_window
    lo = max(0, start - window)
    around = text[lo : end + window].lower()
    if context is not None and context.search(around):
        confidence += rule.context_boost
    if negative is not None:
        line_lo = around.rfind("\n", 0, start - lo) + 1
        line_hi = around.find("\n", end - lo)
        if negative.search(around, line_lo, line_hi if line_hi >= 0 else len(around)):
            confidence -= rule.negative_penalty
    return round(confidence, 6)


@lru_cache(maxsize=1024)
def _words_regex(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """`any(word in text for word in words)` as one regex search (None for no words)."""
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


def _as_embedded(finding: Finding, part: Document) -> Finding:
    """A finding inside an embedded file is reported on the outer file, naming the part."""
    inner = finding.location.part
    part_name = part.path.rsplit("!", 1)[-1]
    location = replace(finding.location, part=f"{part_name}:{inner}" if inner else part_name)
    layer = Layer.EMBEDDED if finding.layer == Layer.BODY else finding.layer
    return replace(finding, location=location, layer=layer)


__all__ = ["Engine", "Location"]
