"""Fact extractors by name: an explicit table (no discovery by import side effects)."""

from __future__ import annotations

import importlib
from functools import cache

from .base import FactExtractor

# name -> "module:Class" (one module per fact family), relative to this package
# `codes`, `address_cn`, `place_en` and `dates` are the pattern extractors aggregation used so
# far (legacy.py), registered under their successors' names until those are swapped in.
FACT_EXTRACTORS: dict[str, str] = {
    "codes": "legacy:LegacyCodes",
    "address_cn": "legacy:LegacyAddressCn",
    "place_en": "legacy:LegacyPlaceEn",
    "dates": "legacy:LegacyDates",
    "names": "names:ProjectNames",
    "orgs": "orgs:Organisations",
    "purposes": "purposes:Purposes",
    "quantities": "quantities:Quantities",
    "persons": "persons:Persons",
}


@cache
def get_fact_extractor(name: str) -> FactExtractor:
    module_name, class_name = FACT_EXTRACTORS[name].split(":")
    module = importlib.import_module(f"{__package__}.{module_name}")
    extractor: FactExtractor = getattr(module, class_name)()
    return extractor


def all_fact_extractors() -> list[FactExtractor]:
    return [get_fact_extractor(name) for name in FACT_EXTRACTORS]
