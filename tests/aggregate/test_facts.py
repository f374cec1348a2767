"""Fact extraction: a parametrised table of positives and negatives per fact kind."""

from __future__ import annotations

import pytest

from mosaicguard.aggregate.facts import FactExtractor
from mosaicguard.policy.schema import Policy

POLICY = Policy.model_validate({
    "protected_subjects": [{"id": "p7301", "aliases": ["7301工程", "Project 7301"], "codes": ["ZB-2026-7301"]}],
    "sensitive_purposes": ["雷达", "导弹", "radar"],
})
FX = FactExtractor(POLICY)


def facts(text: str, kind: str | None = None) -> list:
    out = FX.extract_text("doc.txt", text)
    return [f for f in out if kind is None or f.kind == kind]


@pytest.mark.parametrize(("text", "key"), [
    ("招标编号:ZB-2026-1234", "code:ZB20261234"),
    ("招标编号：ＺＢ－２０２６－１２３４", "code:ZB20261234"),
    ("项目编号 ZB 2026 1234 的公告", "code:ZB20261234"),
    ("Tender No. gpcz-2026-017", "code:GPCZ2026017"),
])
def test_codes_fold_width_and_spacing(text: str, key: str) -> None:
    assert any(key in f.keys for f in facts(text, "code"))


def test_code_one_digit_apart_is_another_key() -> None:
    a = facts("招标编号:ZB-2026-8801", "code")[0].keys
    b = facts("招标编号:ZB-2026-8802", "code")[0].keys
    assert set(a).isdisjoint(b)


def test_subject_alias_and_code_give_subject_key() -> None:
    for text in ("关于7301 工程的通知", "Project 7301 update", "招标编号:ZB-2026-7301"):
        assert any("subject:p7301" in f.keys for f in facts(text)), text


@pytest.mark.parametrize(("text", "name_key"), [
    ("关于7301工程天线罩采购的公告", "name:7301"),
    ("Project 7301 radome", "name:7301"),
    ("青山县王庄村饮水安全工程招标", None),  # generic words: a name, but not a link key
])
def test_project_names(text: str, name_key: str | None) -> None:
    keys = {k for f in facts(text, "name") for k in f.keys}
    if name_key is None:
        assert not any(k.startswith("name:") and len(k) < 9 for k in keys)
    else:
        assert name_key in keys


def test_generic_project_words_do_not_link() -> None:
    assert all(not f.keys for f in facts("办公楼维修工程", "name"))
    assert not facts("本项目经理为张三", "name")


@pytest.mark.parametrize(("text", "precision", "linkable"), [
    ("项目位于东海省江北市青山县王家镇李庄村", "precise", True),
    ("地点:青山县城关镇建设路12号", "precise", True),
    ("青山县", None, False),  # a county alone is not an address fact at all
    ("青山县王家镇", "town", False),
])
def test_addresses(text: str, precision: str | None, linkable: bool) -> None:
    found = facts(text, "address")
    if precision is None:
        assert not found
        return
    assert found[0].extra == precision
    assert any(k.startswith(("addr:", "vil:")) for k in found[0].keys) is linkable


def test_address_with_and_without_county_share_a_key() -> None:
    full = facts("东海省江北市青山县王家镇李庄村", "address")[0].keys
    short = facts("王家镇李庄村附近", "address")[0].keys
    assert set(full) & set(short)


@pytest.mark.parametrize("text", [
    "东经116°24′27″，北纬39°54′15″",
    "39°54′15″N 116°24′27″E",
    "N39.9042° E116.4074°",
    "北纬39.90420度,东经116.40740度",
    "坐标 39.90420, 116.40740",
])
def test_coordinate_forms(text: str) -> None:
    coords = facts(text, "coord")
    assert len(coords) == 1
    lat, lon = (float(x) for x in coords[0].extra.split(","))
    assert abs(lat - 39.9042) < 0.001 and abs(lon - 116.4074) < 0.001
    assert coords[0].value == text[coords[0].start:coords[0].end]  # as written, where written


@pytest.mark.parametrize("text", ["版本 v1.2.3, 2026.1130", "金额 12.5, 30.25 万元", "NS 12.5°"])
def test_not_coordinates(text: str) -> None:
    assert facts(text, "coord") == []


def test_phones_normalise_and_people_have_roles() -> None:
    got = facts("项目经理:张建国 电话 +86 138 1234 5678;联系人:李四,0312-5551234")
    keys = {k for f in got for k in f.keys}
    assert {"phone:13812345678", "phone:03125551234", "person:张建国", "person:李四"} <= keys
    assert all(f.attr == "personnel" for f in got if f.kind in ("phone", "person"))


@pytest.mark.parametrize(("text", "implied"), [
    ("采购雷达天线罩12套", "雷达"),
    ("radome delivery", "radar"),
    ("新建发射架基础", "导弹"),
    ("弹药库防爆门", "弹药"),
])
def test_equipment_implies_purpose(text: str, implied: str) -> None:
    assert any(implied in f.extra.split("|") for f in facts(text, "purpose"))


@pytest.mark.parametrize(("text", "expected"), [
    ("计划2027年3月竣工", "2027年3月竣工"),
    ("开工时间:2026年10月", "开工时间:2026年10月"),
    ("delivery by March 2027", "delivery by March 2027"),
    ("工期:180日历天", "工期:180日历天"),
    ("投标截止时间2026年12月1日", None),  # a deadline is not the site's schedule
])
def test_schedule_needs_context(text: str, expected: str | None) -> None:
    values = [f.value for f in facts(text, "schedule")]
    assert values == ([expected] if expected else [])


@pytest.mark.parametrize(("text", "expected"), [
    ("采购天线罩12套,功率200kW", ["12套", "200kW"]),
    ("中国人民解放军12345部队", []),
    ("2026年3月", []),
])
def test_capacity(text: str, expected: list[str]) -> None:
    assert [f.value for f in facts(text, "capacity")] == expected


def test_unit_designator_is_a_link_key() -> None:
    got = facts("中国人民解放军12345部队营区", "unit")
    assert got and got[0].keys == ("unit:12345",) and got[0].attr == "organisation"


def test_single_project_document_is_one_scope() -> None:
    got = facts("招标编号:ZB-2026-1111\n\n交货地点:青山县王家镇李庄村\n采购内容:雷达天线罩")
    assert {f.scope for f in got} == {0}


def test_two_projects_split_by_paragraph() -> None:
    text = ("招标编号:ZB-2026-1111 采购雷达天线罩\n交货地点:青山县王家镇李庄村\n"
            "招标编号:ZB-2026-2222 道路硬化\n地点:青山县河东镇张庄村\n")
    got = facts(text)
    scope = {f.value: f.scope for f in got}
    assert scope["ZB-2026-1111"] == scope["青山县王家镇李庄村"]
    assert scope["ZB-2026-2222"] == scope["青山县河东镇张庄村"]
    assert scope["ZB-2026-1111"] != scope["ZB-2026-2222"]


@pytest.mark.parametrize(("text", "precision", "linkable"), [
    ("Delivery: Wangzhuang Village, Hedong Town, Qingshan County.", "precise", True),
    ("Office: No. 12 Xinhua Road, Shunyi District", "precise", True),
    ("Qingshan County only", "county", False),
    ("The Village People played", None, False),
])
def test_english_addresses(text: str, precision: str | None, linkable: bool) -> None:
    found = facts(text, "address")
    if precision is None:
        assert not found
        return
    assert found[0].extra == precision and any(k.startswith(("addr:", "vil:")) for k in found[0].keys) is linkable


def test_english_notices_link_by_address() -> None:
    a = {k for f in facts("Radome delivery to Wangzhuang Village, Hedong Town.", "address") for k in f.keys}
    b = {k for f in facts("Wangzhuang Village, Hedong Town, Qingshan County: works start May 2027", "address")
         for k in f.keys}
    assert a & b


def test_english_award_contractor_site_and_home_town() -> None:
    """A DoD-style award: the contractor is an `org:` key, the place of work an `area:` town,
    the contractor's home town organisation evidence without a key (the firm already counts)."""
    text = ("Great Lakes Dredge and Dock Co. LLC, Oak Brook, Illinois, was awarded an $8,841,345 contract. "
            "Work will be performed in Chesapeake City, Maryland, with an estimated completion date of Jan. 29, 2021.")
    got = facts(text)
    assert any(k.startswith("org:greatlakesdredgeanddock") for f in got if f.kind == "org" for k in f.keys)
    (home,) = [f for f in got if f.value == "Oak Brook"]
    assert (home.attr, home.keys, home.extra) == ("organisation", (), "office")
    (site,) = [f for f in got if f.value == "Chesapeake City"]
    assert site.attr == "location" and site.keys == ("area:chesapeake city|md",)
