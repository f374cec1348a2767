"""Values shared by the whole corpus: busy agencies, the portal's complaint line, county offices."""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import vocab
from .model import towns_of
from .text import landline


@dataclass(frozen=True)
class Agency:
    """A procurement agency that runs hundreds of notices from one office."""

    name: str
    address: str
    phone: str
    prefix: str


@dataclass(frozen=True)
class World:
    """Corpus-wide values derived from the seed alone (identical in every worker)."""

    seed: int
    agencies: tuple[Agency, ...]
    complaint_line: str
    portal: str
    county_offices: tuple[tuple[tuple[str, str], ...], ...]  # per county: (office, phone)
    towns: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...]
    sensitive_buyers: tuple[str, ...]


def make_world(seed: int) -> World:
    """Build the shared values for `seed`."""
    rng = random.Random(f"{seed}:world")
    agencies = []
    for i, (prov, city, _county, _la, _lo, area) in enumerate(vocab.COUNTIES[:: len(vocab.COUNTIES) // 4][:4]):
        word = vocab.AGENCY_WORDS[i]
        road = vocab.ROADS[(i * 3) % len(vocab.ROADS)]
        agencies.append(
            Agency(
                name=f"{prov[:2]}{word}招标代理有限公司",
                address=f"{prov}{city}{road}{rng.randint(10, 400)}号{rng.randint(3, 21)}楼",
                phone=landline(rng, area),
                prefix=f"{'ABCDEFGHJK'[i]}{'ZB' if i % 2 else 'CG'}",
            )
        )
    offices = []
    for _prov, _city, county, _la, _lo, area in vocab.COUNTIES:
        offices.append(
            tuple(
                (f"{county}{unit}", landline(rng, area))
                for unit in ("农业农村局", "水利局", "住房和城乡建设局", "教育局", "交通运输局", "卫生健康局")
            )
        )
    towns = tuple(
        tuple((town, tuple(villages)) for town, villages in towns_of(seed, ci)) for ci in range(len(vocab.COUNTIES))
    )
    return World(
        seed=seed,
        agencies=tuple(agencies),
        complaint_line=landline(rng, "0351"),
        portal=rng.choice(("公共资源交易电子服务系统", "政府采购网", "公共资源交易网")),
        county_offices=tuple(offices),
        towns=towns,
        sensitive_buyers=("北方工程建设管理处", "西部工程建设管理中心", "华东营房保障中心"),
    )
