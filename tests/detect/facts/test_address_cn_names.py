"""The gazetteer names of a text are the same whether found by direct look-ups (the first texts a
process reads: a `check` never pays for building the automaton) or by the Aho-Corasick automaton
(a corpus read): longest name at each position, same index, so the same addresses."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from mosaicguard.detect.facts import address_cn
from mosaicguard.detect.facts.address_cn import (
    ChineseAddressExtractor,
    _name_table,
    _names_at_automaton,
    _names_at_direct,
)
from mosaicguard.detect.facts.text import fold_same_length

FILLER = ["，", "、", " ", "的", "项目", "建设地点：", "镇", "乡", "村", "二组", "路36号", "县", "市", "(zhèn)",
          "Site: ", "group 8", "北", "东侧", "。\n"]


def _texts(n: int, seed: int) -> list[str]:
    """Texts dense with gazetteer names: runs of names (overlapping ones included: a name cut
    short, two names glued) between address words and punctuation."""
    rng = random.Random(seed)
    names = [name for name, _ in _name_table().names]
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
            parts.append(name)
            if rng.random() < 0.6:
                parts.append(rng.choice(FILLER))
        out.append("".join(parts))
    return out


REAL = [
    "宜昌市点军区五龙大道宜昌减灾备灾中心东侧",
    "建设地点：广东省广州市番禺区石楼镇龙瀛路36号自编A01",
    "Site: 马家营乡, 李家湾村, 安平县 group 8.",
    "湖北省宜昌市点军区点军街道联棚村",
    "石门县农业农村局关于黄丰桥镇广和村道路硬化工程的公示",
    "福建厦门翔安区新店镇小嶝岛",
    "天河区龙口西路",
    "",
    "a",
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_direct_lookups_find_what_the_automaton_finds(seed: int) -> None:
    texts = [fold_same_length(t) for t in (*REAL, *_texts(300, seed))]
    found = 0
    for text in texts:
        direct = _names_at_direct(text)
        assert direct == _names_at_automaton(text), text
        found += len(direct)
    assert found > 1000  # the texts do hold names (the comparison is not of empty answers)


def test_addresses_are_the_same_on_either_path(monkeypatch: pytest.MonkeyPatch) -> None:
    x = ChineseAddressExtractor()
    texts = [*REAL, *_texts(200, 7)]
    monkeypatch.setattr(address_cn, "_direct_lookups", 0)
    monkeypatch.setattr(address_cn, "DIRECT_LOOKUP_TEXTS", len(texts) + 1)
    direct = [x.extract(t) for t in texts]
    # every text with a Chinese character was read by direct look-ups ("" and "a" are not read)
    assert address_cn._direct_lookups == len(texts) - 2
    monkeypatch.setattr(address_cn, "DIRECT_LOOKUP_TEXTS", 0)
    automaton = [x.extract(t) for t in texts]
    assert direct == automaton
    assert sum(len(spans) for spans in direct) > 100


def test_a_process_switches_to_the_automaton(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(address_cn, "_direct_lookups", 0)
    monkeypatch.setattr(address_cn, "DIRECT_LOOKUP_TEXTS", 3)
    monkeypatch.setattr(address_cn, "_names_at_direct", lambda t: calls.append("direct") or {})
    monkeypatch.setattr(address_cn, "_names_at_automaton", lambda t: calls.append("automaton") or {})
    for _ in range(5):
        address_cn._names_at("安平县")
    assert calls == ["direct"] * 3 + ["automaton"] * 2


def test_derived_tables_are_cached_on_disk_and_rebuilt_when_damaged(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The names table and the county town stems are derived from the gazetteer in every process
    that reads Chinese (~0.1 s of a one-draft `check`): they are cached (public data only), read
    back identical, and rebuilt when the file is damaged."""
    monkeypatch.setenv("MOSAICGUARD_CACHE_DIR", str(tmp_path / "cache"))
    text = "修文谷堡乡村道路工程，建设地点：湖北省宜昌市点军区点军街道联棚村"
    address_cn._name_table.cache_clear()
    address_cn._county_town_stems.cache_clear()
    built = ChineseAddressExtractor().extract(text)
    address_cn._county_town_stems()
    folder = tmp_path / "cache" / "gazetteer"
    names = list(folder.glob("address-cn-names-*.marshal"))
    stems = list(folder.glob("address-cn-town-stems-*.marshal"))
    assert len(names) == 1 and len(stems) == 1 and built
    for damaged in (False, True):
        if damaged:
            for f in (*names, *stems):
                f.write_bytes(f.read_bytes()[:500])  # truncated
        address_cn._name_table.cache_clear()
        address_cn._county_town_stems.cache_clear()
        plain_names, lengths, prefix = address_cn._build_name_table()
        table = address_cn._name_table()
        assert (table.names, table.lengths, table.prefix) == (plain_names, lengths, prefix)
        assert table.index == {n: i for i, (n, _) in enumerate(plain_names)}
        assert address_cn._county_town_stems() == address_cn._build_county_town_stems()
        assert ChineseAddressExtractor().extract(text) == built
    address_cn._name_table.cache_clear()
    address_cn._county_town_stems.cache_clear()


def test_tables_holding_folded_names_are_keyed_by_the_fold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The gazetteer's tables hold every name folded too (`乾县` as `干县`): a changed fold (the
    normaliser or OpenCC's character table, `normalize.fold_sources`) must name another cache
    file, or a process would read names folded the old way."""
    from mosaicguard.detect.facts import gazetteer_cn

    monkeypatch.setenv("MOSAICGUARD_CACHE_DIR", str(tmp_path / "cache"))
    fold_file = tmp_path / "TSCharacters.txt"
    fold_file.write_text("乾\t干\n", encoding="utf-8")
    monkeypatch.setattr(gazetteer_cn, "fold_sources", lambda: [fold_file])
    monkeypatch.setattr(address_cn, "fold_sources", lambda: [fold_file])
    before = (gazetteer_cn._table_cache_file(), address_cn._derived_cache_file("address-cn-names"))
    assert None not in before
    assert before == (gazetteer_cn._table_cache_file(), address_cn._derived_cache_file("address-cn-names"))
    fold_file.write_text("乾\t干\n後\t后\n", encoding="utf-8")
    after = (gazetteer_cn._table_cache_file(), address_cn._derived_cache_file("address-cn-names"))
    assert before[0] != after[0] and before[1] != after[1]
