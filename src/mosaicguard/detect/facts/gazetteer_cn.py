"""China's administrative divisions from jionlp's dictionary (offline, shipped in the wheel).

`china_location.txt` is a tab-indented tree: province, city and county lines carry a full name,
an adcode and a short name; town lines (3 tabs) a name; village lines (4 tabs) are skipped here
(the grammar in `address_cn` finds villages, and 650k names would cost memory in every worker).
The town list is incomplete (e.g. 秭归县杨林桥镇 is missing), so it only *confirms* a town and
resolves a town written alone to its county when the name is unique; it never rejects one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .jionlp_data import dictionary_text

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


@cache
def load_gazetteer() -> Gazetteer:
    """Parse jionlp's location tree (about 0.5 s once per process)."""
    text = dictionary_text("china_location.txt")
    by_adcode: dict[str, Division] = {}
    by_name: dict[str, list[Division]] = {}
    by_short: dict[str, list[Division]] = {}
    towns: dict[str, list[str]] = {}
    parents: list[str] = ["", "", ""]
    for line in text.splitlines():
        if line.startswith("\t\t\t\t") or not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        fields = line.strip("\t").split("\t")
        if depth == 3:
            towns.setdefault(fields[0], []).append(parents[2])
            continue
        if len(fields) < 2:
            continue
        level = LEVELS[depth]
        division = Division(fields[0], level, fields[1], parents[depth - 1] if depth else "")
        parents[depth] = division.adcode
        if division.adcode in by_adcode and by_adcode[division.adcode].level != level:
            # municipalities repeat themselves as their own city (上海市 -> 上海市): keep both
            # levels reachable by name but let the adcode point at the province.
            by_name.setdefault(division.name, []).append(division)
            continue
        by_adcode.setdefault(division.adcode, division)
        if level == "county" and division.name in _GENERIC_COUNTY_NAMES:
            continue
        by_name.setdefault(division.name, []).append(division)
        if len(fields) > 2 and len(fields[2]) >= 2 and fields[2] != fields[0]:
            # short names (湖北, 宜昌, 远安) are trusted only before another component
            by_short.setdefault(fields[2], []).append(division)
    return Gazetteer(
        by_adcode,
        {k: tuple(v) for k, v in by_name.items()},
        {k: tuple(v) for k, v in by_short.items()},
        {k: tuple(dict.fromkeys(v)) for k, v in towns.items()},
    )
