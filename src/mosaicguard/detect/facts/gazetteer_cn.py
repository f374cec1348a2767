"""China's administrative divisions from jionlp's dictionary (offline, shipped in the wheel).

`china_location.txt` is a tab-indented tree: province, city and county lines carry a full name,
an adcode and a short name; town lines (3 tabs) a name; village lines (4 tabs) are skipped here
(the grammar in `address_cn` finds villages, and 650k names would cost memory in every worker).
The town list is incomplete (e.g. 秭归县杨林桥镇 is missing), so it only *confirms* a town and
resolves a town written alone to its county when the name is unique; it never rejects one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from ...heap import long_lived
from ..normalize import fold_sources
from .jionlp_data import dictionary_folder, dictionary_text
from .tablecache import cache_file, cached
from .text import fold_same_length

#: levels of the tree, top down
LEVELS = ("province", "city", "county")

# Two-character county names that are ordinary words in running text (页岩矿区, 城区道路).
_GENERIC_COUNTY_NAMES = frozenset({"城区", "郊区", "矿区", "东区", "西区", "南区", "北区", "新区"})


@dataclass(frozen=True, slots=True)
class Division:
    """One province, city or county."""

    name: str
    level: str
    adcode: str
    parent: str  # adcode of the parent division, "" for a province


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Lookup tables built once per process."""

    by_adcode: dict[str, Division]
    #: full name -> divisions of that name (朝阳区 exists twice)
    by_name: dict[str, tuple[Division, ...]]
    #: short name (湖北, 宜昌, 远安) -> divisions; only trusted before another component
    by_short: dict[str, tuple[Division, ...]]
    #: town name -> adcodes of the counties that have a town of that name
    towns: dict[str, tuple[str, ...]]

    def ancestors(self, division: Division) -> list[Division]:
        """The division and its parents, top down."""
        chain = [division]
        while chain[0].parent and chain[0].parent in self.by_adcode:
            chain.insert(0, self.by_adcode[chain[0].parent])
        return chain


_TREE_LINE = re.compile(r"^(\t{0,3})(?!\t)([^\r\n]+)", re.M)


def location_sources() -> list[Path]:
    """The files the tree is read from (the text, or the zip jionlp ships): the cache key."""
    folder = dictionary_folder()
    return [p for p in (folder / "china_location.txt", folder / "china_location.zip") if p.exists()]


# The tables as plain data (what `tablecache` stores): divisions as (name, level, adcode,
# parent) and every index as positions in that list.
_T = TypeVar("_T")
_Plain = tuple[list[tuple[str, str, str, str]], dict[str, int], dict[str, list[int]], dict[str, list[int]],
               dict[str, tuple[str, ...]]]


def _parse() -> _Plain:
    """Parse jionlp's location tree (about 0.2 s)."""
    text = dictionary_text("china_location.txt")
    divisions: list[tuple[str, str, str, str]] = []
    by_adcode: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    by_short: dict[str, list[int]] = {}
    towns: dict[str, list[str]] = {}
    parents: list[str] = ["", "", ""]
    # Lines of depth 0-3 found by one regex pass: the 650k village lines are skipped in C
    # (a Python loop over every line was half of the load time, paid by every `check`).
    for m in _TREE_LINE.finditer(text):
        if not m.group(2).strip():
            continue
        depth = len(m.group(1))
        fields = m.group(2).strip("\t").split("\t")
        if depth == 3:
            towns.setdefault(fields[0], []).append(parents[2])
            continue
        if len(fields) < 2:
            continue
        level = LEVELS[depth]
        name, adcode = fields[0], fields[1]
        parents[depth] = adcode
        index = len(divisions)
        divisions.append((name, level, adcode, parents[depth - 1] if depth else ""))
        if level == "county" and name in _GENERIC_COUNTY_NAMES:
            # also Hong Kong's 北区/东区/南区, listed under their region's own adcode (`东北区域`
            # read as Hong Kong's 北区 in a Heilongjiang story)
            by_adcode.setdefault(adcode, index)
            continue
        if adcode in by_adcode and divisions[by_adcode[adcode]][1] != level:
            # municipalities repeat themselves as their own city (上海市 -> 上海市): keep both
            # levels reachable by name but let the adcode point at the province.
            by_name.setdefault(name, []).append(index)
            continue
        by_adcode.setdefault(adcode, index)
        if level == "county" and name in _GENERIC_COUNTY_NAMES:
            continue
        by_name.setdefault(name, []).append(index)
        if len(fields) > 2 and len(fields[2]) >= 2 and fields[2] != fields[0]:
            # short names (湖北, 宜昌, 远安) are trusted only before another component
            by_short.setdefault(fields[2], []).append(index)
    # The extractors read the width- and script-folded text (`text.fold_same_length`, scan's
    # fold), where a character OpenCC lists as the traditional form of another is folded even
    # when it is a simplified character of its own: `乾县` (Qian county, Xianyang) is read as
    # `干县`. Each name is also found in its folded form, or such a county is no county: its
    # towns' roads were keyed without it and `乾县沈家桥镇变电站` kept its county and passed as a
    # site (1M domain corpus: a tender and a permit of two projects joined at +20.4 by it).
    for table in (by_name, by_short):
        _add_folded(table)
    _add_folded(towns)
    return divisions, by_adcode, by_name, by_short, {k: tuple(dict.fromkeys(v)) for k, v in towns.items()}


def _add_folded(table: dict[str, list[_T]]) -> None:
    """Index every name of `table` under its folded form too (`fold_same_length`)."""
    for name, values in list(table.items()):
        folded = fold_same_length(name)
        if folded != name:
            entry = table.setdefault(folded, [])
            entry.extend(v for v in values if v not in entry)


def _table_cache_file() -> Path | None:
    """Where the parsed tables are cached: they hold every name folded too (`_add_folded`), so
    the key covers the fold's files beside jionlp's and this module."""
    return cache_file("jionlp-location", [*location_sources(), *fold_sources()], __file__)


@cache
def load_gazetteer() -> Gazetteer:
    """jionlp's location tree as lookup tables, once per process: parsed (~0.2 s) or read from
    the table cache (`tablecache`, public data only)."""
    with long_lived():
        divisions, by_adcode, by_name, by_short, towns = cached(
            _table_cache_file(), _parse,
            lambda d: isinstance(d, tuple) and len(d) == 5 and isinstance(d[0], list))
        objs = [Division(*d) for d in divisions]
        return Gazetteer(
            {k: objs[i] for k, i in by_adcode.items()},
            {k: tuple(objs[i] for i in v) for k, v in by_name.items()},
            {k: tuple(objs[i] for i in v) for k, v in by_short.items()},
            towns,
        )
