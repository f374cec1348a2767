"""Long-lived tables are loaded without the cyclic collector running over them, and are frozen
afterwards (later full collections skip them): a `check` of one draft paid four or five full
collections of ~30 ms each walking the policy and the gazetteers."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from mosaicguard.detect.facts import address_cn, gazetteer_cn, place_en
from mosaicguard.heap import long_lived
from mosaicguard.policy.load import load_policy


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations of the collections that start while the test runs."""
    started: list[int] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.enable()
    gc.callbacks.append(callback)
    try:
        yield started
    finally:
        gc.callbacks.remove(callback)


def test_long_lived_pauses_then_freezes_and_nests() -> None:
    gc.enable()
    before = len(gc.get_objects())
    with long_lived():
        assert not gc.isenabled()
        with long_lived():
            kept = [[i] for i in range(5000)]  # tracked objects, far above the collector's threshold
        assert not gc.isenabled()  # an inner block leaves the collector off
    assert gc.isenabled()
    assert len(gc.get_objects()) < before + 100  # frozen: `kept` is not walked
    assert all(gc.is_tracked(k) for k in kept)
    with pytest.raises(ValueError), long_lived():
        raise ValueError("a failed load")
    assert gc.isenabled()  # turned back on whatever happens


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with long_lived():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("load", ["gazetteer_cn", "address_names", "town_stems", "place_en"])
def test_gazetteer_tables_load_without_collections(load: str, collections: list[int]) -> None:
    """Hundreds of thousands of objects are made (read from the table cache or parsed): without
    `long_lived` the collector would run hundreds of times meanwhile, full collections among them."""
    gazetteer_cn.load_gazetteer()  # the tables the others derive from, loaded outside the count
    before = len(gc.get_objects())  # objects the collector walks (frozen ones are not listed)
    collections.clear()
    if load == "gazetteer_cn":
        gazetteer_cn.load_gazetteer.cache_clear()
        tables: object = gazetteer_cn.load_gazetteer()
    elif load == "address_names":
        address_cn._name_table.cache_clear()
        tables = address_cn._name_table()
    elif load == "town_stems":
        address_cn._county_town_stems.cache_clear()
        tables = address_cn._county_town_stems()
    else:
        place_en._gazetteer.cache_clear()
        tables = place_en._gazetteer()
    assert tables
    assert collections == []
    assert gc.isenabled()
    # the tables (tens of thousands of tracked objects) were frozen: the collector never walks them
    assert len(gc.get_objects()) < before + 1000


def test_a_policy_loads_without_collections(tmp_path: Path, collections: list[int]) -> None:
    subjects = "\n".join(f"  - id: s{i}\n    aliases: [北辰{i}号工程, Project {i}]\n    codes: [PX-{i:05d}]"
                         for i in range(2000))
    path = tmp_path / "policy.yaml"
    path.write_text(f"protected_subjects:\n{subjects}\n", encoding="utf-8")
    before = len(gc.get_objects())
    collections.clear()
    policy = load_policy(path)
    assert len(policy.protected_subjects) == 2000
    assert collections == []
    assert len(gc.get_objects()) < before + 1000
