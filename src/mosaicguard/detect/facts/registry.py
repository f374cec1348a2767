"""Fact extractors by name: an explicit table (no discovery by import side effects)."""

from __future__ import annotations

import importlib
from functools import cache

from .base import FactExtractor

# name -> "module:Class" (one module per fact family), relative to this package
FACT_EXTRACTORS: dict[str, str] = {}


@cache
def get_fact_extractor(name: str) -> FactExtractor:
    module_name, class_name = FACT_EXTRACTORS[name].split(":")
    module = importlib.import_module(f"{__package__}.{module_name}")
    extractor: FactExtractor = getattr(module, class_name)()
    return extractor


def all_fact_extractors() -> list[FactExtractor]:
    return [get_fact_extractor(name) for name in FACT_EXTRACTORS]
