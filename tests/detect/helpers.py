"""Shared helpers for detector tests: build engines once per (engine kind, detector) and scan text."""

from __future__ import annotations

from functools import cache

from mosaicguard.detect.engine import Engine
from mosaicguard.detect.registry import get_detector
from mosaicguard.model import Document, Finding, Layer, Location, Segment
from mosaicguard.policy.schema import Policy

ENGINES = ("hyperscan", "python")

# Every content detector that ships samples (hidden-data detectors are tested with their extractors).
CONTENT_DETECTORS = (
    "marking",
    "cn_id",
    "bank_card",
    "bank_account",
    "org_id",
    "passport",
    "phone",
    "email",
    "coordinates",
    "unit_designator",
    "credential",
    "internal_network",
    "protected_term",
)

SAMPLE_POLICY = Policy.model_validate({"lexicon": ["7301工程", "Project Falcon"]})


@cache
def engine_for(kind: str, detector: str | None = None) -> Engine:
    """An engine over one detector (or all content detectors) with the sample policy."""
    names = (detector,) if detector else CONTENT_DETECTORS
    return Engine(SAMPLE_POLICY, kind, detectors=[get_detector(n) for n in names])


def scan_text(text: str, kind: str = "python", detector: str | None = None, layer: Layer = Layer.BODY) -> list[Finding]:
    segment = Segment(text, layer, Location(start=0))
    doc = Document(path="t.txt", media_type="text/plain", sha256="", segments=(segment,))
    return engine_for(kind, detector).scan(doc)


def matches(text: str, category: str, kind: str = "python", detector: str | None = None,
            layer: Layer = Layer.BODY) -> list[str]:
    return [f.match for f in scan_text(text, kind, detector, layer) if f.category == category]
