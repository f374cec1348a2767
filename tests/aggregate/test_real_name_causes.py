"""Causes of the wrong merges and splits on the real documents of tests/data/realworld-extra
(issue 9), each fixed where it arose. The sentences are quoted from those documents; facts come
from the real extractors, link weights from the real model."""

from __future__ import annotations

from mosaicguard.aggregate.facts import FactExtractor
from mosaicguard.detect.facts.names import ProjectNames, is_distinctive
from mosaicguard.policy.schema import Policy

POLICY = Policy.model_validate({"version": 1, "sensitive_purposes": ["抽水蓄能", "雷达"]})


def keys_of(text: str) -> set[str]:
    return {k for f in FactExtractor(POLICY).extract_text("x.txt", text) for k in f.keys}


def name_keys(text: str) -> set[str]:
    return {k for k in keys_of(text) if k.startswith(("name:", "site:"))}


def test_slogans_works_types_and_clauses_are_no_name_keys() -> None:
    """Each of these was a `name:` key shared by two or three unrelated real projects: rare in
    a corpus of a few hundred documents, yet words everybody writes."""
    assert name_keys("打造安全工程、精品工程、窗口工程") == set()  # zh_cmctc (and Yunxiao, Zhangping)
    works = FactExtractor(POLICY).extract_text("x.txt", "雷达钢结构塔架以及塔基土建工程、防雷工程、配供电工程")
    assert [f.keys for f in works if f.value == "防雷工程"] == [()]
    assert name_keys("同意G109线青海湖段(倒淌河至大水桥)改线工程竣工环境保护验收合格") == set()
    assert name_keys("改线工程起点为清江抽水蓄能电站附近") == {"site:清江抽水蓄能电站"}
    assert name_keys("湖南攸县抽水蓄能电站是十四五规划项目") == {"site:攸县抽水蓄能电站"}
    assert name_keys("开工标志着项目进入全面建设阶段,要全力以赴加快项目建设") == set()


def test_distinctive_names_keep_their_keys() -> None:
    assert name_keys("余家坪磐石北辰专用道路及配套工程施工招标") == {"name:余家坪磐石北辰专用道路及配套"}
    assert "name:阜阳雷达站迁建" in name_keys("阜阳雷达站迁建项目公开招标")
    assert "site:广寒坪抽水蓄能电站" in name_keys("湖南攸县广寒坪抽水蓄能电站项目开工")
    assert name_keys("湖南安化抽水蓄能电站") == {"site:安化抽水蓄能电站"}
    # background frequency, not corpus frequency: proper names are rare words or none at all
    assert is_distinctive("北辰") and is_distinctive("广寒坪") and is_distinctive("C1")
    assert not is_distinctive("精品") and not is_distinctive("标志着") and not is_distinctive("又一")


def test_a_station_named_by_its_county_is_one_site() -> None:
    """`湖南攸縣抽水蓄能電站` (traditional, upper-reservoir story) and `湖南攸县抽水蓄能电站` (the
    road award) are one station; a prefecture's or a province's name is no station's name."""
    upper = name_keys("中國能建葛洲壩一公司承建的湖南攸縣抽水蓄能電站上水庫主體土建工程開工建設。")
    road = name_keys("湖南攸县抽水蓄能电站上下库连接道路工程")
    assert "site:攸县抽水蓄能电站" in upper & road
    assert name_keys("湖南安化县抽水蓄能电站") == {"site:安化抽水蓄能电站"}  # `安化` written in full
    assert not name_keys("株洲市抽水蓄能电站") and not name_keys("湖南抽水蓄能电站")
    facility = [s for s in ProjectNames().extract("规划建设的湖南攸縣抽水蓄能電站") if s.get("type") == "facility"]
    assert [s.text for s in facility] == ["湖南攸縣抽水蓄能電站"]


def test_a_traditional_document_with_readings_gives_the_simplified_documents_facts() -> None:
    """Mirror sites print readings after characters (`發(fā)`, `鎮(zhèn)`): the facts are those of
    the simplified text without them, and the value quoted is the text as stored."""
    trad = ("由福建省投資開發(fā)集團投資建設。項目建設地址位于漳平市雙洋鎮(zhèn)。\n"
            "建設單位:張家港市高鐵投資發(fā)展(集團)有限公司")
    simp = "由福建省投资开发集团投资建设。项目建设地址位于漳平市双洋镇。\n建设单位:张家港市高铁投资发展(集团)有限公司"
    extractor = FactExtractor(POLICY)
    trad_facts = extractor.extract_text("t.txt", trad)
    simp_facts = extractor.extract_text("s.txt", simp)
    assert {(f.kind, f.keys, f.attr) for f in trad_facts} == {(f.kind, f.keys, f.attr) for f in simp_facts}
    assert "org:福建省投资开发集团" in {k for f in trad_facts for k in f.keys}
    for f in trad_facts:
        assert trad[f.start:f.end] == f.value  # offsets into the stored text
    assert "張家港市高鐵投資發(fā)展(集團)有限公司" in {f.value for f in trad_facts}
    # brackets that are no reading stay: `(集团)` is part of the name
    assert "org:张家港市高铁投资发展(集团)有限公司" in {k for f in simp_facts for k in f.keys}


def test_a_description_of_works_is_no_name_key() -> None:
    """`高标准农田建设` (every county's farmland programme: 临潭, 兰陵, 鄂尔多斯 of 2021/2022) and
    `特高压直流输电` (a class of power line) are terms of a trade, rare in jieba's general counts
    but made of common words only: no key. A proper noun or a word jieba does not know keeps it."""
    assert not is_distinctive("高标准农田") and not is_distinctive("特高压直流输电")
    assert name_keys("临潭县2021年高标准农田建设项目") == set()
    assert name_keys("2021年鄂尔多斯市高标准农田建设项目") == set()
    assert name_keys("白鹤滩-浙江±800kV 特高压直流输电工程环境影响评价信息公告") == set()
    # a proper noun (place `宁国`/`龙潭`, person-tagged `天子山`) or a coined single word stays a name
    assert is_distinctive("宁国龙潭") and is_distinctive("双牌天子山") and is_distinctive("天枢")


def test_a_quantity_or_a_number_cut_by_the_window_is_no_name() -> None:
    """`9万亩`, `7个` say how much, not which; a run longer than the window must not leave the
    tail of its year (`022年…`) as a distinctive digit."""
    assert not is_distinctive("9万亩高标准农田") and not is_distinctive("7个")
    line = "附件:2022年临沂市兰陵县卞庄街道1万亩高标准农田建设项目"
    assert name_keys(line) == set()
    assert is_distinctive("110kV青岭变")  # a voltage is kept: `青岭` names the substation


def test_an_owner_before_the_project_is_not_in_its_key() -> None:
    """The EIA title `阜阳市气象局阜阳雷达站迁建项目` and the tender's `阜阳雷达站迁建项目` are one
    project: the weather bureau is its owner (an `org:` fact), not part of its name."""
    eia = name_keys("关于《阜阳市气象局阜阳雷达站迁建项目环境影响报告书》审批前公示")
    assert "name:阜阳雷达站迁建" in eia & name_keys("《阜阳雷达站迁建项目施工招标公告》显示")


def test_an_organisations_bracketed_address_is_its_office() -> None:
    """EIA notices list where to read the report: `国网安徽省电力有限公司(地址:…;联系电话:…)`.
    Two UHV lines a year apart print the same list; the address is that company's, never a
    site (`org:`), so it cannot join them as a precise address."""
    facts = FactExtractor(POLICY).extract_text(
        "x.txt", "公众可前往如下单位查阅: 国网安徽省电力有限公司(地址:安徽省合肥市黄山路9号;联系电话:0551-63602603)")
    office = [f for f in facts if f.value == "安徽省合肥市黄山路9号"]
    assert office and all(f.attr == "organisation" and not any(k.startswith("addr:") for k in f.keys) for f in office)
    site = FactExtractor(POLICY).extract_text("x.txt", "项目地址:安徽省合肥市黄山路9号")
    assert any(k.startswith("addr:") for f in site for k in f.keys)


def test_a_contact_address_is_an_office() -> None:
    """The Jiangxian pumped-storage EIA notice (real set) gives its consultant's
    `联系地址:北京市朝阳区定福庄西街1号`: where to write, not where the station is (it was the
    station's location in a critical exposure)."""
    facts = FactExtractor(POLICY).extract_text(
        "x.txt", "环评单位：某某咨询有限公司\n联系人:王工\n  联系地址:北京市朝阳区定福庄西街1号\n")
    office = [f for f in facts if f.value == "北京市朝阳区定福庄西街1号"]
    assert office and all(f.attr == "organisation" and not any(k.startswith("addr:") for k in f.keys) for f in office)


def test_an_english_basin_is_named_but_a_harbor_alone_is_not() -> None:
    """Two TV stations told one award: `Wilmington Harbor Anchorage Basin`. `Wilmington Harbor`
    alone is every dredging job of that port (Inner Ocean Bar, South Atlantic harbors)."""
    text = "maintenance dredging of the Wilmington Harbor Anchorage Basin and Mid-River Channels"
    assert name_keys(text) == {"name:wilmingtonharboranchoragebasin"}
    assert name_keys("the Wilmington Harbor contract") == set()


def test_a_brand_name_before_a_middle_dot_names_its_system() -> None:
    """The EIA report `天樞·智能探測系統` (traditional) and the district news `重庆天枢•智能观测系统`
    are one system: `天枢` is its name, `智能探测/观测系统` what kind. A qualification and its
    specialty (`注册一级建造师·机电工程`) is no name."""
    eia = name_keys("天樞·智能探測系統環評報告")
    news = name_keys("该雷达也是重庆天枢•智能观测系统的一部分")
    assert eia == news == {"name:天枢"}
    assert name_keys("项目经理:注册一级建造师·机电工程") == set()


def test_a_construction_office_is_an_organisation() -> None:
    """`…工程建设管理处` is the builder of every notice of its projects (建设单位): organisation
    evidence, as `…管理局` is. Without it, an acceptance notice titled with a template name
    (`供电线路改造工程`, now no name) shared only its village with its own EIA notice."""
    keys = keys_of("供电线路改造工程竣工环境保护验收公示\n建设单位：浙江省北方工程建设管理处\n")
    assert "org:浙江省北方工程建设管理处" in keys
    assert not any(k.startswith("name:") for k in keys)
