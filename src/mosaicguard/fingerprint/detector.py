"""Find passages of registered confidential documents in a draft: `fingerprint` findings.

1. The draft's unit stream is winnowed exactly as at registration; the selected k-grams are MAC'd
   and looked up (one bounded index lookup each). MACs held by >= `boilerplate_docs` registered
   documents, or found in public documents (`register --public`), are boilerplate and ignored;
   draft units inside a public k-gram do not count as shared.
2. Only if some registered document shares a fingerprint: every draft k-gram near a hit is MAC'd
   and compared with that document's full fingerprint set, so the reported passage covers the
   shared run, not just the sparse winnowed points.
3. Shared k-grams merge into passages; each passage becomes a finding located in its segment,
   with the registered document's id and label, and containment both ways in `extra`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..detect.base import Detector
from ..errors import ConfigError
from ..model import Document, Finding, Location, Segment, Severity
from ..policy.schema import Policy
from .keys import RegistryKey, load_key
from .normalize import UnitStream, segment_stream
from .store import DocRecord, FingerprintStore, SqliteStore
from .winnow import Params, selected_positions

RULE = "fingerprint.passage"
_MAX_MATCH_CHARS = 200


@dataclass(frozen=True)
class FingerprintSettings:
    """The policy's `fingerprint:` section.

    boilerplate_docs: a fingerprint held by this many registered documents or more is boilerplate.
    min_units: a registered document is reported when its shared passages cover this many units
    (default: k, so the length guarantee holds).
    """

    boilerplate_docs: int = 10
    min_units: int | None = None

    @classmethod
    def from_policy(cls, policy: Policy) -> FingerprintSettings:
        raw = dict(policy.fingerprint)
        values: dict[str, int] = {}
        for key in ("boilerplate_docs", "min_units"):
            if key in raw:
                value = raw.pop(key)
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    raise ConfigError(f"policy: fingerprint.{key} must be a whole number >= 1, not {value!r}")
                values[key] = value
        if raw:
            raise ConfigError(f"policy: unknown key(s) in fingerprint: {sorted(raw)} "
                              "(known: boilerplate_docs, min_units)")
        return cls(**values)


def label_severity(label: str | None) -> Severity:
    """Severity of a registered document's label: 绝密/机密 critical, 秘密 high, 内部 medium,
    anything else high (an unlabelled registered document is confidential by being registered)."""
    text = (label or "").strip().lower()
    if any(m in text for m in ("绝密", "机密", "top secret")) or text.startswith("secret"):
        return Severity.CRITICAL
    if any(m in text for m in ("秘密", "confidential")):
        return Severity.HIGH
    if any(m in text for m in ("内部", "internal", "restricted", "official use", "fouo", "敏感")):
        return Severity.MEDIUM
    return Severity.HIGH


_ORDER = [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]


def _shift(sev: Severity, steps: int) -> Severity:
    return _ORDER[max(0, min(len(_ORDER) - 1, _ORDER.index(sev) + steps))]


@dataclass(frozen=True)
class DocumentMatch:
    """All that one draft shares with one registered document."""

    record: DocRecord
    passages: tuple[tuple[int, int], ...]  # unit intervals [start, end) in the draft stream
    covered_units: int  # units of the draft in passages, public text not counted
    draft_units: int
    matched_fingerprints: int
    # The registered document's fingerprints that are not public text (0: not known, use all).
    own_fingerprints: int = 0

    @property
    def draft_share(self) -> float:
        return self.covered_units / self.draft_units if self.draft_units else 0.0

    @property
    def registered_share(self) -> float:
        """Coverage: the share of the registered document's own (non-public) fingerprints that
        appear in the draft."""
        total = self.own_fingerprints or self.record.fingerprints
        return min(1.0, self.matched_fingerprints / total) if total else 0.0


class RegistryMatcher:
    """Matches unit streams against a store. Holds only a path-backed store, the key and numbers,
    so it pickles cheaply to worker processes (each opens its own SQLite connection)."""

    def __init__(self, store: FingerprintStore, key: RegistryKey, params: Params,
                 settings: FingerprintSettings) -> None:
        self.store = store
        self.key = key
        self.params = params
        self.settings = settings
        self._lock: threading.Lock | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_lock"] = None
        return state

    @property
    def min_units(self) -> int:
        return self.settings.min_units or self.params.k

    def match(self, stream: UnitStream) -> list[DocumentMatch]:
        """Registered documents sharing passages with `stream`, most shared first."""
        if self._lock is None:
            self._lock = threading.Lock()
        with self._lock:  # one SQLite connection per process; scans may come from threads
            return self._match(stream)

    def _match(self, stream: UnitStream) -> list[DocumentMatch]:
        k, w = self.params.k, self.params.w
        units = stream.units
        positions = [int(p) for p in selected_positions(units, self.params)]
        if not positions:
            return []
        macs_at: dict[int, int] = dict(zip(positions, self.key.kgram_macs(units, positions, k), strict=True))
        limit = self.settings.boilerplate_docs
        postings = self.store.postings(set(macs_at.values()), limit)
        # Text that appears in public documents (`register --public`) is boilerplate too.
        public = self.store.public_subset(postings)
        boilerplate = {h for h, docs in postings.items() if len(docs) >= limit} | public
        candidates = sorted({d for h, docs in postings.items() if h not in boilerplate for d in docs})
        if not candidates:
            return []
        # Step 2: MAC every k-gram near a hit (a shared run has a hit at least every w k-grams).
        n_kgrams = len(units) - k + 1
        hit_positions = [p for p, h in macs_at.items() if h in postings and h not in boilerplate]
        near: set[int] = set()
        for p in hit_positions:
            near.update(range(max(0, p - w - k), min(n_kgrams, p + w + k + 1)))
        todo = sorted(near - macs_at.keys())
        macs_at.update(zip(todo, self.key.kgram_macs(units, todo, k), strict=True))
        records = {r.num: r for r in self.store.documents(candidates)}
        unknown: set[int] = set()
        doc_sets = {num: self.store.document_macs(num) for num in candidates}
        for num in candidates:
            unknown.update(h for p in near if (h := macs_at[p]) in doc_sets[num] and h not in postings)
        if unknown:  # boilerplate status of fingerprints found only in step 2
            extra = self.store.postings(unknown, limit)
            boilerplate.update(h for h, docs in extra.items() if len(docs) >= limit)
        # Units of the draft inside a public k-gram are public text: a k-gram that joins two
        # public sentences (the template's own wording in another order) is not a secret.
        public |= self.store.public_subset({macs_at[p] for p in near} - public)
        boilerplate |= public
        public_units = {u for p in near if macs_at[p] in public for u in range(p, p + k)}
        out: list[DocumentMatch] = []
        for num in candidates:
            doc_set = doc_sets[num]
            shared = sorted(p for p in near if (h := macs_at[p]) in doc_set and h not in boilerplate)
            passages = _trim(_merge([(p, p + k) for p in shared]), public_units)
            covered = sum(b - a for a, b in passages) - sum(
                1 for a, b in passages for u in range(a, b) if u in public_units)
            if covered < self.min_units or num not in records:
                continue
            matched = len({macs_at[p] for p in shared})
            # Coverage counts the registered document's own (non-public) fingerprints only.
            secret = len(doc_set - self.store.public_subset(doc_set))
            out.append(DocumentMatch(records[num], tuple(passages), covered, len(units), matched,
                                     secret or len(doc_set)))
        out.sort(key=lambda m: (-m.covered_units, m.record.id))
        return out


def _trim(spans: Sequence[tuple[int, int]], public_units: set[int]) -> list[tuple[int, int]]:
    """Passages without their public edges; a passage made only of public units is dropped."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        while a < b and a in public_units:
            a += 1
        while b > a and b - 1 in public_units:
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def _merge(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


class RegistryDetector(Detector):
    """The `fingerprint` detector: whole-document, added by `scan --registry` (see
    `registry_detector`)."""

    name = "fingerprint"
    categories = ("fingerprint",)

    def __init__(self, matcher: RegistryMatcher) -> None:
        self.matcher = matcher

    def detect_document(self, doc: Document, policy: Policy) -> Iterable[Finding]:
        if not policy.detector_settings(self.name).enabled or not doc.segments:
            return []
        stream = segment_stream(doc.segments)
        findings: list[Finding] = []
        for m in self.matcher.match(stream):
            findings.extend(self._findings(m, stream, doc.segments, policy))
        return findings

    def _findings(self, m: DocumentMatch, stream: UnitStream, segments: Sequence[Segment],
                  policy: Policy) -> list[Finding]:
        guarantee = self.matcher.params.guarantee
        severity = label_severity(m.record.label)
        if m.covered_units < guarantee:
            # A fragment shorter than the guaranteed length: one or two k-grams, which in a large
            # registry can be a chance collision of common phrases (docs/benchmarks-fingerprint.md).
            # Reported, but two levels down so that it does not fail a default gate on its own.
            severity = _shift(severity, -2)
            confidence = 0.55
        else:
            # Severity follows coverage (how much of the registered document is here), not the
            # length of one passage: most of the document is one level up.
            if m.registered_share >= 0.5:
                severity = _shift(severity, +1)
            confidence = 0.85 if m.covered_units < 2 * guarantee else 0.98
        severity = policy.severity_for(self.name, severity)
        label = m.record.label or ""
        extra = [
            ("registered_id", m.record.id),
            ("registered_label", label),
            ("draft_share", f"{m.draft_share:.3f}"),
            ("registered_share", f"{m.registered_share:.3f}"),
            ("matched_units", str(m.covered_units)),
            ("passages", str(len(m.passages))),
        ]
        if m.record.title:
            extra.append(("registered_title", m.record.title))
        kind = "passage" if m.covered_units >= guarantee else f"short fragment ({m.covered_units} units)"
        message = (
            f"{kind} of registered confidential document {m.record.id}"
            + (f" ({label})" if label else "")
            + f": {m.draft_share:.0%} of this file's text comes from it; "
            f"{m.registered_share:.0%} of that document appears here"
        )
        out: list[Finding] = []
        for a, b in m.passages:
            for pieces in _located_pieces(stream, segments, a, b):
                first_seg, first_start, _ = pieces[0]
                last_seg, _, last_end = pieces[-1]
                head, tail = segments[first_seg], segments[last_seg]
                loc = head.location
                text = "\n".join(segments[i].text[s:e] for i, s, e in pieces)
                out.append(Finding(
                    category="fingerprint",
                    severity=severity,
                    confidence=confidence,
                    match=text if len(text) <= _MAX_MATCH_CHARS else text[: _MAX_MATCH_CHARS - 1] + "…",
                    layer=head.layer,
                    rule=RULE,
                    message=message,
                    location=Location(page=loc.page, start=(loc.start or 0) + first_start,
                                      end=(tail.location.start or 0) + last_end, part=loc.part,
                                      pointer=loc.pointer),
                    context_before=head.text[max(0, first_start - 40):first_start],
                    context_after=tail.text[last_end:last_end + 40],
                    extra=(*extra, ("passage_units", str(b - a))),
                ))
        return out


def _located_pieces(stream: UnitStream, segments: Sequence[Segment], a: int,
                    b: int) -> list[list[tuple[int, int, int]]]:
    """The unit interval [a, b) as (segment, start, end) pieces, one per segment, grouped so that
    consecutive segments of the same page, part and layer (the lines of a PDF page, the runs of
    one XML part) make one finding: their offsets share one text stream."""
    pieces: list[tuple[int, int, int]] = []
    for i in range(a, b):
        seg, start, end = stream.seg[i], stream.start[i], stream.end[i]
        if pieces and pieces[-1][0] == seg:
            pieces[-1] = (seg, pieces[-1][1], max(pieces[-1][2], end))
        else:
            pieces.append((seg, start, end))
    groups: list[list[tuple[int, int, int]]] = []
    for piece in pieces:
        if groups and _same_stream(segments[groups[-1][-1][0]], segments[piece[0]]):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return groups


def _same_stream(x: Segment, y: Segment) -> bool:
    lx, ly = x.location, y.location
    return (lx.page, lx.part, x.layer) == (ly.page, ly.part, y.layer) and (lx.start or 0) <= (ly.start or 0)


def open_matcher(registry_path: str, key: RegistryKey, policy: Policy) -> RegistryMatcher:
    """A matcher for an existing registry, with the key checked against it."""
    store = SqliteStore(registry_path)
    try:
        check = store.get_meta("key_check")
        if check is not None and check != key.check_value():
            raise ConfigError(f"the key file does not match the registry {registry_path!r} "
                              "(it was built with another key)")
        params = Params(k=int(store.get_meta("k") or Params().k), w=int(store.get_meta("w") or Params().w))
    finally:
        store.close()  # reopened lazily where the scan runs (possibly another process)
    return RegistryMatcher(store, key, params, FingerprintSettings.from_policy(policy))


def registry_detector(registry_path: str, key_file: str | None, policy: Policy) -> Detector:
    """The detector `scan --registry DB --key-file K` adds to the engine. Configuration problems
    (no key file, wrong key, no registry) raise ConfigError, i.e. exit code 2."""
    if not key_file:
        raise ConfigError("--registry needs --key-file (the key used when the documents were registered)")
    return RegistryDetector(open_matcher(registry_path, load_key(key_file), policy))
