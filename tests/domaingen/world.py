"""Values shared by the whole corpus: its counties, busy agencies, the portal's complaint line, county offices.

The world's size (how many counties, so towns and villages) is chosen from the corpus size.

Every county has 6 towns of 6 villages (`model.towns_of`), and a site is one of 12 village groups.
A corpus of N documents places ~0.62·N Chinese projects (per 1,000 documents: ~476 harmless
one-notice projects, ~129 harmless projects of 2–4 notices, ~17 sensitive ones; measured by
`tests/test_domaingen.py::test_auto_world_keeps_projects_per_village_in_a_band`), each at a
uniformly drawn county, town, village and group.

- `dense` is the world of the first corpora: the 26 counties of `vocab.COUNTIES`, 936 villages,
  whatever N. Projects per village: 1.3 at 2k, 6.7 at 10k, 67 at 100k, 670 at 1M (5.6 per
  village *group* at 100k, 56 at 1M). That is not the real world: China has ~2,800 county-level
  divisions, ~38,000 towns and ~500,000 villages; a million notices over a province or the
  country do not put fifty unrelated projects in one village group, so evidence that is
  distinctive in the real world (village + group + buyer) collides in a dense world. It stays
  available as a stress case.
- `auto` (the default) keeps the density of a 20k corpus of the dense world at every larger size:
  one county per `DOCS_PER_COUNTY` = 800 documents, never fewer than the 26 of `dense` (so a corpus
  of up to ~20k documents is exactly the dense corpus). Projects per village are then ~13–14
  (about one project per village group over the whole corpus, ~500 projects per county) from 20k
  up: 100k → 125 counties (4,500 villages), 1M → 1,250 counties (45,000 villages). That is a large
  province's county count at 100k and ~45% of China's at 1M; a real county publishes a few hundred
  to a few thousand procurement and construction notices over the years such a corpus spans, so
  800 per county is within reason, and still denser than the country (1M notices over 500,000
  villages would be 2 per village). Below 20k the auto world is sparser (as the dense one is).
- an integer `N` asks for N counties (1 to the 1,780 of the table, the first 26 being the dense ones).

The extra counties are real (province, prefecture, county, area code, approximate coordinates)
from `counties.tsv` (see `gazetteer`), drawn for the seed: one in ten from a home province, the
others from the rest of the country (`divisions`). Their towns and villages are composed as
the first 26 counties' are. The busy values do not thin out with a wider world: the
four agencies (the address and phone of each in ~13% of all notices), the complaint
line and common names are the same whatever the number of counties, the home province's template
phrase stays at least as busy as the dense world's busiest, and harmless projects are still
planted in the town of sensitive ones. Only a county's own offices (buyers of its harmless
projects) are spread over more counties, as in the real world.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from . import gazetteer, vocab
from .model import Division, towns_of
from .text import landline

DENSE = len(vocab.COUNTIES)
DOCS_PER_COUNTY = 800
HOME_MIN = 100
HOME_EVERY = 10
OFFICE_UNITS = ("农业农村局", "水利局", "住房和城乡建设局", "教育局", "交通运输局", "卫生健康局")


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
    counties: tuple[Division, ...] = vocab.COUNTIES


def counties_for(world: str | int, n_docs: int) -> int:
    """How many counties a corpus of `n_docs` documents gets for `world` = "auto", "dense" or a count."""
    if world == "dense":
        return DENSE
    n = max(DENSE, round(n_docs / DOCS_PER_COUNTY)) if world == "auto" else int(world)
    if not 1 <= n <= max_counties():
        raise ValueError(f"a world has 1 to {max_counties()} counties, not {n}")
    return n


@lru_cache(maxsize=1)
def _extra_divisions() -> tuple[Division, ...]:
    """Real counties of the gazetteer that are not among the first 26, in admin-code order."""
    taken = {(prov, county) for prov, _city, county, *_rest in vocab.COUNTIES}
    return tuple((prov, city, county, lat, lon, area) for _code, prov, city, county, lat, lon, area, _src
                 in gazetteer.read() if (prov, county) not in taken)


def max_counties() -> int:
    return DENSE + len(_extra_divisions())


def divisions(seed: int, n: int) -> tuple[Division, ...]:
    """The world's `n` counties: the 26 of the dense world first, then real ones drawn for `seed`.

    One extra county in `HOME_EVERY` comes from a home province (drawn for the seed among the
    provinces of at least `HOME_MIN` counties), the others from the rest of the country, each in a
    random order: a corpus is a provincial portal's notices with the country's around them, the
    same shape at every size. The home province keeps its template phrase (`<province>政府采购项目`)
    and its sensitive buyers about as busy as the dense world's busiest province (2 of 26 counties,
    7.7 %): 9–10 % of the counties at 100k and 1M. (Taking the home province's counties first
    would put 80 % of a 100k corpus in one province and make its buyers ten times busier than at
    1M: a different world at each size.)
    """
    if n <= DENSE:
        return vocab.COUNTIES[:n]
    extra = _extra_divisions()
    rng = random.Random(f"{seed}:counties")
    sizes = Counter(d[0] for d in extra)
    home = rng.choice(sorted(prov for prov, k in sizes.items() if k >= HOME_MIN))
    first = [d for d in extra if d[0] == home]
    rest = [d for d in extra if d[0] != home]
    rng.shuffle(first)
    rng.shuffle(rest)
    order: list[Division] = []
    while first or rest:
        take_home = bool(first) and (len(order) % HOME_EVERY == 0 or not rest)
        order.append(first.pop() if take_home else rest.pop())
    return vocab.COUNTIES + tuple(order[: n - DENSE])


def make_world(seed: int, n_counties: int = DENSE) -> World:
    """Build the shared values for `seed` in a world of `n_counties` counties.

    The first 26 counties, the agencies, the portal and the complaint line are those of the dense
    world whatever `n_counties` (same draws); the offices of extra counties have their own draws.
    """
    rng = random.Random(f"{seed}:world")
    counties = divisions(seed, n_counties)
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
        offices.append(tuple((f"{county}{unit}", landline(rng, area)) for unit in OFFICE_UNITS))
    extra_rng = random.Random(f"{seed}:world:offices")
    for _prov, _city, county, _la, _lo, area in counties[DENSE:]:
        offices.append(tuple((f"{county}{unit}", landline(extra_rng, area)) for unit in OFFICE_UNITS))
    towns = tuple(
        tuple((town, tuple(villages)) for town, villages in towns_of(seed, ci)) for ci in range(len(counties))
    )
    complaint_line = landline(rng, "0351")
    portal = rng.choice(("公共资源交易电子服务系统", "政府采购网", "公共资源交易网"))
    return World(
        seed=seed,
        agencies=tuple(agencies),
        complaint_line=complaint_line,
        portal=portal,
        county_offices=tuple(offices[: len(counties)]),
        towns=towns,
        sensitive_buyers=("北方工程建设管理处", "西部工程建设管理中心", "华东营房保障中心"),
        counties=counties,
    )
