"""The fact-extractor contract.

A fact extractor reads plain text (already extracted from a file by `extract/`) and returns
`FactSpan`s: the exact span as written, what kind of fact it is, the attribute it reveals, and
a canonical `key` so that two documents writing the same real-world thing differently compare
equal (`湖北省宜昌市点军区点军街道联棚村` and `点军区联棚村`; `June 2026` and `2026年6月`).

Extractors are pure functions of the text (no I/O, nothing downloaded, no global state that
changes between calls) so that they can run in worker processes and on Spark executors.
Slow libraries (gazetteers, date parsers) are called on candidate spans only, never as scanners.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...policy.schema import Policy

#: Attributes a fact can reveal (the policy's `combinations` name these).
ATTRIBUTES = ("location", "purpose", "schedule", "capacity", "personnel", "organisation")


@dataclass(frozen=True, slots=True)
class FactSpan:
    """One fact found in a text.

    kind   what it is: address, place, coord, date, duration, code, standard, name, org, unit,
           purpose, quantity, person, phone, subject, amount
    start, end  character offsets into the text given to `extract` (text[start:end] == text)
    text   the span exactly as written (evidence shown to a reviewer, and what a fix removes)
    attr   the attribute it reveals (one of ATTRIBUTES) or None (identifiers that only link)
    key    canonical comparison value, "" when the fact cannot be compared (a code folded for
           width/case/separators, an address as a "/"-joined hierarchy, an ISO date, E.164 ...)
    detail structured parts as (name, value) pairs: ("province", "湖北省"), ("level", "village"),
           ("role", "completion"), ("precision", "month"), ("lat", "30.1"), ...
    """

    kind: str
    start: int
    end: int
    text: str
    attr: str | None = None
    key: str = ""
    detail: tuple[tuple[str, str], ...] = ()
    confidence: float = 1.0

    def get(self, name: str, default: str = "") -> str:
        for k, v in self.detail:
            if k == name:
                return v
        return default


class FactExtractor(ABC):
    """Base of every fact extractor. Built once (load dictionaries in `__init__` or lazily);
    `extract` must be cheap enough for millions of short notices."""

    #: registry key
    name: str = ""
    #: kinds of FactSpan this extractor may return
    kinds: tuple[str, ...] = ()

    @abstractmethod
    def extract(self, text: str) -> Sequence[FactSpan]:
        """Facts in `text`, in order of `start`."""

    def for_policy(self, policy: Policy) -> FactExtractor:
        """This extractor adapted to a policy (its sensitive purposes, say); default: itself."""
        return self
