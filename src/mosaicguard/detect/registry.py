"""The detectors, by name: an explicit table. The policy switches them on and off by these names."""

from __future__ import annotations

import importlib
from functools import cache

from ..policy.schema import Policy
from .base import Detector

# name -> "module:Class" (one module per detector family)
DETECTORS: dict[str, str] = {
    "marking": "marking:MarkingDetector",
    "cn_id": "identifiers:ChineseIdDetector",
    "bank_card": "identifiers:BankCardDetector",
    "passport": "identifiers:PassportDetector",
    "phone": "contact:PhoneDetector",
    "email": "contact:EmailDetector",
    "coordinates": "coordinates:CoordinatesDetector",
    "unit_designator": "military:UnitDesignatorDetector",
    "credential": "credentials:CredentialDetector",
    "internal_network": "network:InternalNetworkDetector",
    # After the others on purpose: the order is the order of expressions in the one Hyperscan
    # database, and in this place these two rules cost the scan 2 % instead of 10 %
    # (docs/benchmarks-content.md, "phones" round).
    "bank_account": "identifiers:BankAccountDetector",
    "org_id": "identifiers:OrgIdDetector",
    "protected_term": "lexicon:LexiconDetector",
    "hidden_data": "hidden:HiddenDataDetector",
}


@cache
def get_detector(name: str) -> Detector:
    module_name, class_name = DETECTORS[name].split(":")
    module = importlib.import_module(f"{__package__}.{module_name}")
    detector: Detector = getattr(module, class_name)()
    return detector


def all_detectors() -> list[Detector]:
    return [get_detector(name) for name in DETECTORS]


def enabled_detectors(policy: Policy) -> list[Detector]:
    return [get_detector(name) for name in DETECTORS if policy.detector_settings(name).enabled]
