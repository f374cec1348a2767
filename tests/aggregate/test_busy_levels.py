"""A busy value's levels in the incremental relink (`link_incremental.busy_level_rise`, issue 9
must-have 6).

A county or an owner held by more than BLOCK_MAX_DF documents is neutral evidence, except at a
shared name (`{kind}@name`) and, for an owner, at a shared village (OWN_AT_VILLAGE): there it
weighs its term frequency up to NAME_CONTEXT_MAX_DF documents, in levels bounded at 300, 500,
1,000 and 2,000. Its holders are too many to re-pair at every change (a county moves with most
added notices), so when its document frequency crosses one of those bounds the incremental
relink spends the rise from its slack, as it does the model's. Before, such a move was not
counted: a pair scored under the stored margin could pass the threshold and the incremental
relink, re-scoring the stored pairs only, missed the link a full relink makes.

The records carry the document frequencies of the 1M domain corpus (tests/aggregate/
test_name_context.py, test_owner_at_village.py).
"""

from __future__ import annotations

import dataclasses
import math
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from aggregate import test_name_context as named
from aggregate import test_owner_at_village as village
from aggregate.test_link_incremental import _aggregate, _comparable, _full_relink
from mosaicguard.aggregate import link, link_incremental
from mosaicguard.aggregate.index import SQLiteFactStore
from mosaicguard.aggregate.link_incremental import busy_level_rise
from mosaicguard.aggregate.model import LinkModel, NodeRecord
from mosaicguard.policy.schema import Policy


def _at(records: list[NodeRecord], key: str, df: int) -> list[NodeRecord]:
    """The records with `key` held by `df` documents (the corpus's document frequency: the same
    in every record holding it)."""
    return [dataclasses.replace(r, keys={**r.keys, key: df}) if key in r.keys else r for r in records]


def _moves(model: LinkModel, records: list[NodeRecord], key: str, before: int, after: int) -> list[float]:
    """How each pair's weight among `records` changes when `key` goes from `before` to `after`
    documents (the model unchanged)."""
    old, new = _at(records, key, before), _at(records, key, after)
    return [model.score_pair(new[i], new[j]).weight - model.score_pair(old[i], old[j]).weight
            for i in range(len(records)) for j in range(i + 1, len(records))]


COUNTY = "area:江西省/赣州市/信丰县"
OWNER = "own:江西省西部工程建设管理中心"
VILLAGE_OWNER = f"own:{village.OFFICE}"


@pytest.mark.parametrize(("records", "model", "key"), [
    (named.A, named.model_at_1m(), COUNTY),  # the county at a shared name (candidates - news)
    (named.A, named.model_at_1m(), OWNER),  # the buyer at a shared name (tender - candidates)
    (village.A, village.model_at_1m(), VILLAGE_OWNER),  # the owner at a shared village
])
@pytest.mark.parametrize(("before", "after"), [(301, 300), (501, 500), (1001, 1000), (2001, 2000),
                                               (300, 301), (1000, 1001)])
def test_the_rise_of_a_busy_value_crossing_a_level_bounds_its_pairs(
        records: list[NodeRecord], model: LinkModel, key: str, before: int, after: int) -> None:
    rise = busy_level_rise(model, [key], {key: before}, {key: after})
    moves = _moves(model, records, key, before, after)
    if after < before:
        # one level rarer: the pair sharing it rises by exactly the bound's step, and that is
        # what is spent (an owner crossing 2,000 is a full relink: its blocking changes)
        assert max(moves) > 0.3
        assert rise == pytest.approx(max(moves), abs=1e-9)
    else:  # one level busier: pairs fall, nothing rises, nothing is spent
        assert min(moves) < -0.3 and max(moves) <= 1e-9 and rise == 0.0


@pytest.mark.parametrize(("before", "after"), [(350, 340), (480, 420), (150, 149), (2500, 2400)])
def test_a_busy_value_moving_inside_a_level_costs_nothing(before: int, after: int) -> None:
    """Within a level (or at most BLOCK_MAX_DF documents, where every pair sharing the value is
    re-scored, or past NAME_CONTEXT_MAX_DF, neutral) nothing is spent: the slack is kept for the
    moves that need it."""
    model = named.model_at_1m()
    for key in (COUNTY, OWNER):
        assert busy_level_rise(model, [key], {key: before}, {key: after}) == 0.0
        if min(before, after) > 200:
            assert _moves(model, named.A, key, before, after) == pytest.approx([0.0] * 3, abs=1e-9)


def test_two_kinds_add_and_one_kind_counts_its_largest_move() -> None:
    model = named.model_at_1m()
    county = busy_level_rise(model, [COUNTY], {COUNTY: 301}, {COUNTY: 300})
    owner = busy_level_rise(model, [OWNER], {OWNER: 1001}, {OWNER: 1000})
    assert county > 0 and owner > 0
    both = busy_level_rise(model, [COUNTY, OWNER], {COUNTY: 301, OWNER: 1001}, {COUNTY: 300, OWNER: 1000})
    assert both == pytest.approx(county + owner)
    other = "area:山东省/临沂市/沂南县"
    two_counties = busy_level_rise(model, [COUNTY, other], {COUNTY: 301, other: 1001}, {COUNTY: 300, other: 1000})
    assert two_counties == pytest.approx(max(county, busy_level_rise(model, [other], {other: 1001}, {other: 1000})))


# -- end to end: files, `aggregate --index`, one notice removed --------------------------------

#: Villages whose names make distinctive project names (`{stem}飞虹北辰专用道路及配套工程`).
STEMS = ("文家湾", "李家岭", "叶家河", "侯家寨", "钱家坪", "龚家桥", "陈家洼", "马家营")
#: How many other notices (another county's news items) also name each pair's project: the
#: name's own level steps by 0.4-0.6 bit, finer than the county's 0.74-bit step at 300.
OTHERS = (0, 1, 2, 4, 6, 10, 14, 22)
COUNTY_DF = 301  # one notice fewer and the county's level at a shared name is `df<=300`
#: Notices of other counties: ~2,300 documents in all, so that a county of 300 weighs at a shared
#: name (its term frequency 300 / N under the level's m) and a county of 500 does not.
ELSEWHERE = 2_000
OTHER_COUNTIES = ("沂南县", "沂水县", "费县", "平邑县", "蒙阴县", "临沭县")


def _write_corpus(root: Path) -> list[tuple[str, str]]:
    """A county of 301 notices (meeting notes naming it, and a candidates list and a news item of
    each of 8 projects), ~300 notices of other counties; returns each project's (candidates list,
    news item) paths."""
    root.mkdir(parents=True)
    pairs = []
    for i, (stem, others) in enumerate(zip(STEMS, OTHERS, strict=True)):
        name = f"{stem}飞虹北辰专用道路及配套工程"
        a, b = root / f"p{i}-candidates.txt", root / f"p{i}-news.txt"
        a.write_text(f"{name}中标候选人公示\n项目地点：江西省赣州市信丰县姜家营镇{stem}村\n", encoding="utf-8")
        b.write_text(f"信丰县推进{name}建设\n", encoding="utf-8")
        pairs.append((str(a), str(b)))
        for j in range(others):
            (root / f"p{i}-other-{j}.txt").write_text(f"沂南县推进{name}建设（第{j + 1}期）\n", encoding="utf-8")
    for j in range(COUNTY_DF - 2 * len(STEMS)):
        (root / f"meeting-{j:03d}.txt").write_text(f"信丰县召开2026年第{j + 1}次农业农村工作调度会\n", encoding="utf-8")
    for j in range(ELSEWHERE):
        county = OTHER_COUNTIES[j % len(OTHER_COUNTIES)]
        (root / f"elsewhere-{j:03d}.txt").write_text(f"{county}召开2026年第{j + 1}次防汛工作会议\n", encoding="utf-8")
    return pairs


def _policy(threshold: float) -> Policy:
    return Policy.model_validate({"version": 1, "aggregation": {
        "min_match_probability": 2.0 ** threshold / (1.0 + 2.0 ** threshold)}})


def _linked(report: dict[str, Any], a: str, b: str) -> bool:
    entity = {path: e for path, _scope, e in report["node_entity"]}
    return a in entity and entity.get(a) == entity.get(b)


def _copy_index(src: Path, dst: Path) -> Path:
    a, b = sqlite3.connect(str(src)), sqlite3.connect(str(dst))
    a.backup(b)
    a.close()
    b.close()
    return dst


@pytest.fixture(scope="module")
def county_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str]]]:
    root = tmp_path_factory.mktemp("busy") / "corpus"
    return root, [(Path(a).name, Path(b).name) for a, b in _write_corpus(root)]


def _pair_crossing(index: Path, pairs: list[tuple[str, str]]) -> tuple[str, str, float, float]:
    """A project's two notices and their weight with the county at 301 and at 300 documents (the
    stored model): the pair the removal of one meeting note moves."""
    store = SQLiteFactStore(str(index))
    try:
        text = store.get_meta("link_model")
        assert text is not None
        model = LinkModel.from_json(text)
        a, b = pairs[0]
        ra, rb = store.node_records([(a, 0), (b, 0)])
    finally:
        store.close()
    assert ra.keys[COUNTY] == COUNTY_DF
    before = model.score_pair(ra, rb).weight
    after = model.score_pair(*(dataclasses.replace(r, keys={**r.keys, COUNTY: COUNTY_DF - 1}) for r in (ra, rb))).weight
    return a, b, before, after


@pytest.mark.parametrize("margin", ["narrow", "default"])
def test_a_county_crossing_a_level_relinks_as_a_full_relink(
        county_corpus: tuple[Path, Path, list[tuple[str, str]]], tmp_path: Path, margin: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One meeting note of the county removed: the county's level at a shared name goes from
    `df<=500` to `df<=300` and a project's candidates list and news item, under the threshold
    before, link. The threshold is set between the two weights. With a narrow margin the pair
    was not stored: the relink must be a full one (the rise exceeds the slack); with the
    default margin it was stored and the relink stays incremental. Either way the result is a
    full relink's. Without the rise spent (`busy_level_rise` returning 0) the narrow case relinks
    incrementally and misses the link."""
    source, pairs = county_corpus
    corpus = tmp_path / "corpus"
    shutil.copytree(source, corpus)
    index = tmp_path / "index.sqlite"
    _aggregate(index, corpus, Policy.model_validate({"version": 1}))
    a, b, before, after = _pair_crossing(index, [(str(corpus / x), str(corpus / y)) for x, y in pairs])
    rise = after - before
    assert rise > 0.5, "the county's step at 300 documents must be worth testing"
    threshold = before + 0.6 * rise
    narrow = 0.3 * rise
    if margin == "narrow":
        monkeypatch.setattr(link, "PAIR_MARGIN", narrow)
    policy = _policy(threshold)
    first = _aggregate(index, corpus, policy)  # the settings changed: a full relink of the stored facts
    assert first["corpus"]["linking"]["relink"] == "full"
    assert not _linked(first, a, b)
    spare = _copy_index(index, tmp_path / "spare.sqlite")
    (corpus / "meeting-000.txt").unlink()

    report = _aggregate(index, corpus, policy)
    linking = report["corpus"]["linking"]
    reference = _full_relink(index, corpus, policy, tmp_path)
    mine, full = _comparable(report), _comparable(reference)
    for part in mine:
        assert mine[part] == full[part], (margin, part, linking)
    assert _linked(report, a, b)
    if margin == "narrow":
        assert linking["relink"] == "full"
        assert "busy values' levels" in str(linking["full_relink_because"]), linking
        # the counterfactual: the rise not spent, the incremental relink misses the link
        monkeypatch.setattr(link_incremental, "busy_level_rise", lambda *args: 0.0)
        missed = _aggregate(spare, corpus, policy)
        assert missed["corpus"]["linking"]["relink"] == "incremental"
        assert not _linked(missed, a, b)
    else:
        assert linking["relink"] == "incremental", linking
        assert math.isfinite(rise)
