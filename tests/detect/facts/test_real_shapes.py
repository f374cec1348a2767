"""Shapes met in real notices (issue 9, "Real documents"): installations renamed, facility names
in running text, clause openers that are no names, credential numbers that are no codes, and an
office's mailing address that is no site."""

from __future__ import annotations

from mosaicguard.aggregate.facts import FactExtractor
from mosaicguard.detect.facts.codes import CodeExtractor
from mosaicguard.detect.facts.names import ProjectNames
from mosaicguard.detect.facts.place_en import EnglishPlaceExtractor, installation_key
from mosaicguard.policy.schema import Policy


def test_installation_key_survives_renaming_and_initials() -> None:
    keys = {installation_key(n) for n in ("Clear AFS", "Clear Air Force Station", "Clear Space Force Station")}
    assert keys == {"clear|station"}
    assert installation_key("Clear Air Force Base") != "clear|station"  # a base is not a station
    warren = {installation_key(n) for n in ("F.E. Warren AFB", "Francis E. Warren Air Force Base", "Warren AFB")}
    assert warren == {"warren|base"}
    assert installation_key("Hanscom AFB") != installation_key("Offutt AFB")


def test_air_reserve_base_abbreviation_is_the_same_installation() -> None:
    """`Grissom ARB` (the base's own stories) and `Grissom Air Reserve Base` (the Corps') are one
    base: without the abbreviation two stories of one base shared no site."""
    assert installation_key("Grissom ARB") == installation_key("Grissom Air Reserve Base") == "grissom|base"
    spans = EnglishPlaceExtractor().extract("The new facility will be built within the confines of Grissom ARB.")
    assert [(s.text, s.get("type")) for s in spans] == [("Grissom ARB", "installation")]


def test_installations_are_site_keys_in_facts() -> None:
    facts = FactExtractor(Policy.model_validate({"version": 1})).extract_text(
        "a.txt", "The radar at Clear Space Force Station, formerly Clear AFS, is complete.")
    sites = {k for f in facts for k in f.keys if k.startswith("site:")}
    assert sites == {"site:clear|station"}
    spans = EnglishPlaceExtractor().extract("Work at Offutt Air Force Base began.")
    assert [s.get("type") for s in spans] == ["installation"]


def test_facility_names_in_running_text() -> None:
    text = "孤山水電站位于漢江干流。湖北黄龙滩抽水蓄能电站环境影响报告;下水库利用黄龙滩抽水蓄能电站。"
    spans = ProjectNames().extract(text)
    facilities = {s.key for s in spans if s.get("type") == "facility"}
    assert facilities == {"孤山水电站", "黄龙滩抽水蓄能电站"}  # traditional folded, region cut


def test_clause_openers_and_generic_words_are_not_names() -> None:
    text = "根据建设项目环境影响评价审批程序;获得湖北省优良建筑装饰工程;各单项工程;十里红宾馆精装修项目监理"
    keys = {s.key for s in ProjectNames().extract(text) if s.key}
    assert keys == {"十里红宾馆精装修", "十里红宾馆"}


def test_credential_numbers_are_not_codes() -> None:
    text = ("标段编号:YCA010226-202501-01\n吴存飞,注册一级建造师,浙建安B(2019)3490772\n"
            "吕武佐,其他,S233482、廖芙蓉,其他,S233478\n公路行业甲级A142002469\n附件 ZB-2026-7301")
    codes = {s.key for s in CodeExtractor().extract(text) if s.kind == "code"}
    assert codes == {"YCA01022620250101", "ZB20267301"}


def test_office_mailing_address_is_not_the_site() -> None:
    policy = Policy.model_validate({"version": 1})
    office = FactExtractor(policy).extract_text("a.txt", "联系地址:广州市天河区龙口西路213号,邮编:510630")
    site = FactExtractor(policy).extract_text("b.txt", "建设地点:广州市天河区龙口西路213号")
    assert [f.attr for f in office if f.kind == "address"] == ["organisation"]
    assert not any(k.startswith("addr:") for f in office for k in f.keys)
    assert any(k.startswith("addr:") for f in site for k in f.keys)


def test_english_programme_names_and_their_acronyms() -> None:
    text = ("The Long Range Discrimination Radar (LRDR) at Clear is complete. LRDR will track missiles.\n"
            "Under the Military Construction Program, the Final Environmental Impact Statement ...\n"
            "The Offutt Flood Recovery Program rebuilds 30 buildings.")
    spans = [s for s in ProjectNames().extract(text) if s.key]
    assert [(s.text, s.key) for s in spans] == [
        ("Long Range Discrimination Radar", "longrangediscriminationradar"),
        ("LRDR", "longrangediscriminationradar"),
        ("Offutt Flood Recovery Program", "offuttfloodrecoveryprogram"),
    ]
    assert all(text[s.start:s.end] == s.text for s in spans)
