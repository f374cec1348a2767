"""The gazetteer places of an English text are the same whether found by direct look-ups (the
first texts a process reads: a `check` of one draft never pays ~0.1 s for building the automaton
over ~30,000 names) or by the leftmost-longest Aho-Corasick automaton (a corpus read)."""

from __future__ import annotations

import random

import pytest

from mosaicguard.detect.facts import place_en
from mosaicguard.detect.facts.place_en import (
    EnglishPlaceExtractor,
    _gazetteer,
    _matches_automaton,
    _matches_direct,
)

FILLER = [" ", ", ", " near ", " in ", ", Wyo., ", " Air Force Base ", ". ", "-", "s", " the ", "\n",
          " County ", "(", ")", " Cheyenne, Wyoming ", "New ", " City"]

REAL = [
    "at F.E. Warren Air Force Base near Cheyenne, Wyo., the 90th Missile Wing",
    "Offutt AFB near Omaha, Nebraska; work in Bellevue, Neb., and Kansas City, Missouri",
    "Norfolk Dredging Co. of Chesapeake, Va., was awarded a contract in Virginia Beach",
    "New York City, New York, and Washington, D.C.; Guam; the Marshall Islands",
    "",
    "a",
    "NEW YORK",
]


def _texts(n: int, seed: int) -> list[str]:
    """Texts dense with gazetteer names: names glued to each other or cut short (overlapping
    candidates, prefixes of longer names) between words and punctuation."""
    rng = random.Random(seed)
    names = [e[0] for e in _gazetteer().entries]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(3, 25)):
            name = rng.choice(names)
            roll = rng.random()
            if roll < 0.15:
                name = name[: rng.randint(1, len(name))]  # a prefix only
            elif roll < 0.25:
                name = name + rng.choice(names)[1:]  # two names sharing a character
            elif roll < 0.35:
                name = name + " " + rng.choice(names)  # two names in a row (`New York` + `City`)
            parts.append(name)
            if rng.random() < 0.6:
                parts.append(rng.choice(FILLER))
        out.append("".join(parts))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_direct_lookups_find_what_the_automaton_finds(seed: int) -> None:
    found = 0
    for text in (*REAL, *_texts(300, seed)):
        direct = _matches_direct(text)
        assert direct == _matches_automaton(text), text
        found += len(direct)
    assert found > 1000  # the texts do hold names (the comparison is not of empty answers)


def test_places_are_the_same_on_either_path(monkeypatch: pytest.MonkeyPatch) -> None:
    x = EnglishPlaceExtractor()
    texts = [*REAL, *_texts(200, 7)]
    monkeypatch.setattr(place_en, "_direct_lookups", 0)
    monkeypatch.setattr(place_en, "DIRECT_LOOKUP_TEXTS", len(texts) + 1)
    direct = [x.extract(t) for t in texts]
    assert place_en._direct_lookups > len(texts) // 2  # read by direct look-ups
    monkeypatch.setattr(place_en, "DIRECT_LOOKUP_TEXTS", 0)
    automaton = [x.extract(t) for t in texts]
    assert direct == automaton
    assert sum(len(spans) for spans in direct) > 100


def test_a_process_switches_to_the_automaton(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(place_en, "_direct_lookups", 0)
    monkeypatch.setattr(place_en, "DIRECT_LOOKUP_TEXTS", 3)
    monkeypatch.setattr(place_en, "_matches_direct", lambda t: calls.append("direct") or [])
    monkeypatch.setattr(place_en, "_matches_automaton", lambda t: calls.append("automaton") or [])
    for _ in range(5):
        place_en._matches("Omaha")
    assert calls == ["direct"] * 3 + ["automaton"] * 2
