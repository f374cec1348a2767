"""The generator's own small model: places, projects and the document being written."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from . import vocab
from .text import cn_group

ATTRIBUTES = ("location", "purpose", "schedule")
# A real county-level division: (province, prefecture, county, approx. latitude, approx. longitude, area code).
Division = tuple[str, str, str, float, float, str]


@dataclass(frozen=True)
class Place:
    """A site: real county (`division`, the world's county number `county_index`), composed town and
    village, approximate coordinates."""

    county_index: int
    town: str
    village: str
    group: int
    lat: float
    lon: float
    division: Division

    @property
    def province(self) -> str:
        return self.division[0]

    @property
    def city(self) -> str:
        return self.division[1]

    @property
    def county(self) -> str:
        return self.division[2]

    @property
    def area(self) -> str:
        return self.division[5]

    def address(self, style: int, road_no: int = 0) -> str:
        """The site written as a notice writes it (several styles, all precise)."""
        if style == 0:
            return f"{self.province}{self.city}{self.county}{self.town}{self.village}"
        if style == 1:
            return f"{self.county}{self.town}{self.village}{cn_group(self.group)}"
        if style == 2:
            return f"{self.town}, {self.village}, {self.county} group {self.group}"
        road = vocab.ROADS[road_no % len(vocab.ROADS)]
        return f"{self.city}{self.county}{self.town}{road}{road_no % 97 + 3}号"


def towns_of(seed: int, county_index: int) -> list[tuple[str, list[str]]]:
    """Towns of a county with their villages; the same for every chunk of one corpus seed."""
    rng = random.Random(f"{seed}:place:{county_index}")
    out: list[tuple[str, list[str]]] = []
    used: set[str] = set()
    while len(out) < 6:
        stem = rng.choice(vocab.SURNAMES) + rng.choice(vocab.PLACE_HEADS) if rng.random() < 0.5 else rng.choice(
            vocab.PLACE_WORDS
        )
        if stem in used:
            continue
        used.add(stem)
        town = stem + rng.choice(vocab.TOWN_SUFFIX)
        villages: list[str] = []
        while len(villages) < 6:
            vstem = rng.choice(vocab.SURNAMES) + rng.choice(vocab.PLACE_HEADS)
            if vstem in used:
                continue
            used.add(vstem)
            villages.append(vstem + rng.choice(vocab.VILLAGE_SUFFIX))
        out.append((town, villages))
    return out


@dataclass
class Project:
    """One true entity: a project with its attributes and the values that may link its documents."""

    eid: str
    kind: str
    sensitive: bool
    lang: str
    place: Place | None = None
    en_place: tuple[str, str] | None = None
    subject: str | None = None
    alias: str | None = None
    code: str = ""
    name: str = ""
    purpose: str = ""
    work: str = ""
    buyer: str = ""
    buyer_phone: str = ""
    manager: str = ""
    mobile: str = ""
    schedule_zh: tuple[str, ...] = ()
    schedule_en: tuple[str, ...] = ()
    firm: str = ""
    amount: int = 0
    year: int = 2026
    lat: float = 0.0
    lon: float = 0.0
    agency: int = 0


@dataclass
class Doc:
    """A document being written: its lines and every value planted in it, as written."""

    style: str
    project: Project | None
    role: str
    lines: list[str] = field(default_factory=list)
    planted: dict[str, list[str]] = field(default_factory=dict)
    decoys: list[tuple[str, str]] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def plant(self, kind: str, value: str) -> str:
        """Record `value` (an attribute or a linking value) and return it for the text."""
        bucket = self.planted.setdefault(kind, [])
        if value not in bucket:
            bucket.append(value)
        return value

    def decoy(self, kind: str, value: str) -> str:
        """Record a decoy value and return it for the text."""
        self.decoys.append((kind, value))
        return value

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"
