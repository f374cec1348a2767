"""Facts the real documents of `tests/data/realworld-extra` (realworld4) hold and the extractor
missed or misread: each read by `FactExtractor` (the code scan, aggregate, check and sanitise
share) on the document's own text."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from mosaicguard.aggregate.facts import Fact, FactExtractor
from mosaicguard.policy.schema import Policy

DOCS = Path(__file__).resolve().parents[1] / "data" / "realworld-extra" / "docs"
FX = FactExtractor(Policy.model_validate({"version": 1}))


@cache
def facts(name: str) -> tuple[Fact, ...]:
    return tuple(FX.extract_text(name, (DOCS / name).read_text(encoding="utf-8")))


def test_a_box_of_two_dms_ranges_is_its_two_corners() -> None:
    # `地理坐标范围为108°21′43.5025″~108°21′57.6685″E21°40′37.2133″~21°49′53.0371″N`: the E
    # between the ranges is the longitudes' hemisphere, not the next latitude's
    coords = [f for f in facts("zh_gxzf_fangchenggang-xiwan-seawall-eia.txt") if f.kind == "coord"]
    points = sorted(tuple(round(float(x), 4) for x in f.extra.split(",")) for f in coords)
    assert points == [(21.677, 108.3621), (21.8314, 108.366)]
    assert {f.value for f in coords} == {"108°21′43.5025″~108°21′57.6685″E21°40′37.2133″~21°49′53.0371″N"}
    assert all(f.attr == "location" for f in coords)


def test_a_town_written_without_its_suffix_after_its_county() -> None:
    # `修文谷堡那条山路上` (a rewritten news story) and `貴陽市修文縣谷堡鎮` (the award): one town
    story = [f for f in facts("zh_gmmitra_guiyang-psh-shaft.txt") if f.kind == "address"]
    award = [f for f in facts("zh_52hxh_guiyang-psh-waterway-award.txt") if f.kind == "address"]
    key = "area:贵州省/贵阳市/修文县/谷堡镇"
    assert [f.value for f in story if key in f.keys] == ["修文谷堡"]
    assert any(key in f.keys for f in award)


def test_a_national_total_is_no_schedule() -> None:
    # `到2025年投产总规模达到5000万千瓦` counts the grid company's fleet; the station's own
    # date in the same document family (`计划于2029年投产`) stays a schedule
    start = facts("zh_whereislife_shangzhi-psh-start.txt")
    assert not [f for f in start if f.attr == "schedule" and "date:2025" in f.keys]
    award = facts("zh_21spv_shangzhi-psh-waterway-award.txt")
    assert [f.value for f in award if f.attr == "schedule" and "date:2029" in f.keys] == ["2029年投产"]


def test_a_firms_state_is_its_office_not_the_site() -> None:
    # `BL Harbert International of Birmingham, Alabama`, `... based in Montgomery, Alabama` and
    # `the Alabama company will design ...`: the contractor's home, not the base's state
    for name in ("en_defenceblog_ellsworth-wgf-groundbreaking.txt",
                 "en_newsargus_seymour-johnson-kc46-hangar-award.txt",
                 "en_thedefensepost_barksdale-wgf-award.txt"):
        alabama = [f for f in facts(name) if f.value == "Alabama"]
        assert alabama, name
        assert all(f.attr == "organisation" and f.extra == "office" for f in alabama), (name, alabama)
    # the base's own state is still the site's
    barksdale = facts("en_thedefensepost_barksdale-wgf-award.txt")
    assert any(f.value == "Louisiana" and f.attr == "location" for f in barksdale)


def test_a_base_written_with_its_type_abbreviation_in_brackets() -> None:
    # `Naval Air Station (NAS) Corpus Christi, Texas` in both NAVFAC awards at the base: one site
    keys = []
    for name in ("en_navfac_corpus-christi-corrosion-facility-award.txt",
                 "en_navylive_corpus-christi-building1-award.txt"):
        sites = [k for f in facts(name) if f.kind == "place" for k in f.keys if k.startswith("site:")]
        keys.append(set(sites))
    assert keys[0] == keys[1] == {"site:naval air station corpus christi"}


def test_a_region_word_is_not_hong_kongs_district() -> None:
    # `显著提高东北区域和黑龙江电网的...` in two Heilongjiang stories: no Hong Kong `北区`
    for name in ("zh_21spv_shangzhi-psh-waterway-award.txt", "zh_whereislife_shangzhi-psh-start.txt"):
        assert not [f for f in facts(name) if any("香港" in k for k in f.keys)], name


def test_a_completion_date_is_a_schedule() -> None:
    # `with an estimated completion date of Jan. 29, 2021` (C&D Canal dredging award): the word
    # `date` after `completion` is the completion's, not a document's date
    award = facts("en_dredgingtoday_cd-canal-dredging-award.txt")
    assert [f.value for f in award if f.attr == "schedule" and "date:2021-01-29" in f.keys] == [
        "completion date of Jan. 29, 2021"]


def test_a_bases_state_after_its_bracketed_abbreviation_stays_the_site() -> None:
    # `Malmstrom Air Force Base (AFB), Montana` (shared set): `(AFB), ` is not a firm's `(GLDD), `
    text = (Path(__file__).resolve().parents[2].parent / "shared" / "realworld" / "docs"
            / "en_docslib_malmstrom-mm3-deactivation-draft-ea.txt").read_text(encoding="utf-8")
    montana = [f for f in FX.extract_text("malmstrom.txt", text) if f.value == "Montana"]
    assert montana and all(f.attr == "location" for f in montana)
