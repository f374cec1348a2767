"""Fact extractors by name: an explicit table (no discovery by import side effects)."""

from __future__ import annotations

import importlib
from functools import cache

from .base import FactExtractor

# name -> "module:Class" (one module per fact family), relative to this package
FACT_EXTRACTORS: dict[str, str] = {
    "codes": "codes:CodeExtractor",
    "address_cn": "address_cn:ChineseAddressExtractor",
    "place_en": "place_en:EnglishPlaceExtractor",
    "dates": "dates:DateExtractor",
    "names": "names:ProjectNames",
    "orgs": "orgs:Organisations",
    "purposes": "purposes:Purposes",
    "quantities": "quantities:Quantities",
    "persons": "persons:Persons",
    "money": "money:Money",
}


@cache
def get_fact_extractor(name: str) -> FactExtractor:
    """The extractor registered as `name`, built once per process."""
    module_name, class_name = FACT_EXTRACTORS[name].split(":")
    module = importlib.import_module(f"{__package__}.{module_name}")
    extractor: FactExtractor = getattr(module, class_name)()
    return extractor


def all_fact_extractors() -> list[FactExtractor]:
    """Every registered extractor, in table order."""
    return [get_fact_extractor(name) for name in FACT_EXTRACTORS]
