"""The detection engine: compile every enabled rule once, run one pass per document, confirm
and validate candidates, score them in context. Pure: Document in, findings out."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from ..model import Document, Finding, Layer, Location, Segment
from ..policy.schema import Policy
from .base import Detector, PatternRule, make_finding
from .matcher import Matcher, build_matcher
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
        # Index of each rule's `v` group (the value inside framing), looked up once.
        self._value_group: list[int | None] = [rule.compiled.groupindex.get("v") for rule in self.rules]
        # A detector's own `min_confidence` (policy `detectors: {phone: {min_confidence: 0.8}}`)
        # overrides the policy-wide threshold for the categories it emits.
        self._threshold: dict[str, float] = {}
        for detector in self.detectors:
            own = policy.detector_settings(detector.name).min_confidence
            if own is not None:
                for category in detector.categories:
                    self._threshold[category] = own

    def scan(self, doc: Document) -> list[Finding]:
        """All findings in `doc` and its embedded parts (not its archive members)."""
        findings = _drop_overlaps(self._scan_segments(doc.segments))
        for detector in self.detectors:
            findings.extend(detector.detect_document(doc, self.policy))
        for part in doc.embedded:
            findings.extend(_as_embedded(f, part) for f in self.scan(part))
        default = self.policy.min_confidence
        if not self._threshold:
            return [f for f in findings if f.confidence >= default]
        return [f for f in findings if f.confidence >= self._threshold.get(f.category, default)]

    def _scan_segments(self, segments: Sequence[Segment]) -> list[Finding]:
        if not segments or not self.rules:
            return []
        # One pass over the whole document: segments joined by newlines, matches mapped back.
        starts: list[int] = []
        pos = 0
        for seg in segments:
            starts.append(pos)
            pos += len(seg.text) + 1
        joined = segments[0].text if len(segments) == 1 else "\n".join(seg.text for seg in segments)
        rules, owners, value_group = self.rules, self._owner, self._value_group
        single = len(segments) == 1
        out: list[Finding] = []
        for rule_index, match in self.matcher.find(joined):
            seg_index = 0 if single else bisect.bisect_right(starts, match.start()) - 1
            seg = segments[seg_index]
            offset = starts[seg_index]
            group = value_group[rule_index]
            start, end = match.span(group) if group is not None else match.span()
            if start < 0:  # the value group did not take part in the match
                start, end = match.span()
            start -= offset
            end -= offset
            text = seg.text
            if end > len(text) or start < 0:
                continue  # spans two segments: not one value
            rule = rules[rule_index]
            if rule.validate is not None and not rule.validate(text[start:end]):
                continue
            finding = make_finding(rule, seg, start, end, _score(rule, text, start, end))
            refined = owners[rule_index].refine(rule, match, seg, finding)
            if refined is not None:
                out.append(refined)
        return out


def _drop_overlaps(findings: list[Finding]) -> list[Finding]:
    """One finding per value: when two rules of one category match overlapping text (`token:`
    and the GitHub-token rule on the same key), keep the most severe, then the most confident,
    then the longest. Different categories on the same text (a private IP inside a connection
    string) are different problems and both stay."""
    if len(findings) < 2:
        return findings

    def where(f: Finding) -> tuple[str, str, int, str]:
        loc = f.location
        return (f.category, loc.part or "", loc.page or 0, f.layer.value)

    def rank(f: Finding) -> tuple[int, float, int]:
        return (f.severity.rank, f.confidence, (f.location.end or 0) - (f.location.start or 0))

    ordered = sorted(range(len(findings)), key=lambda i: (where(findings[i]), findings[i].location.start or 0))
    dropped: set[int] = set()
    keep_i = ordered[0]
    for i in ordered[1:]:
        a, b = findings[keep_i], findings[i]
        if where(a) == where(b) and (b.location.start or 0) < (a.location.end or 0):
            loser = i if rank(a) >= rank(b) else keep_i
            dropped.add(loser)
            if loser == keep_i:
                keep_i = i
        else:
            keep_i = i
    return [f for i, f in enumerate(findings) if i not in dropped]


def _score(rule: PatternRule, text: str, start: int, end: int) -> float:
    """Base confidence, raised by context words within `context_window` characters, lowered by
    negative words on the same line only: an order number on the next line of a markdown file
    says nothing about this number. Rounded, so 0.7 + 0.2 - 0.4 is 0.5 and not 0.4999..."""
    window = rule.context_window
    lo = max(0, start - window)
    around = text[lo : end + window].lower()
    confidence = rule.confidence
    if rule.context and any(word in around for word in rule.context):
        confidence += rule.context_boost
    if rule.negative_context:
        line_lo = around.rfind("\n", 0, start - lo) + 1
        line_hi = around.find("\n", end - lo)
        line = around[line_lo : line_hi if line_hi >= 0 else len(around)]
        if any(word in line for word in rule.negative_context):
            confidence -= rule.negative_penalty
    return round(confidence, 6)


def _as_embedded(finding: Finding, part: Document) -> Finding:
    """A finding inside an embedded file is reported on the outer file, naming the part."""
    inner = finding.location.part
    part_name = part.path.rsplit("!", 1)[-1]
    location = replace(finding.location, part=f"{part_name}:{inner}" if inner else part_name)
    layer = Layer.EMBEDDED if finding.layer == Layer.BODY else finding.layer
    return replace(finding, location=location, layer=layer)


__all__ = ["Engine", "Location"]
