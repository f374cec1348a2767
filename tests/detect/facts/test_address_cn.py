"""Chinese addresses: a parametrised table of positives and negatives."""

from __future__ import annotations

from pathlib import Path

import pytest

from mosaicguard.detect.facts.address_cn import ChineseAddressExtractor

X = ChineseAddressExtractor()


def addresses(text: str) -> list[tuple[str, str, str]]:
    return [(f.text, f.key, f.get("precision")) for f in X.extract(text) if f.kind == "address"]


@pytest.mark.parametrize(
    ("text", "span", "key", "precision"),
    [
        ("宜昌市点军区五龙大道宜昌减灾备灾中心东侧", "宜昌市点军区五龙大道宜昌减灾备灾中心东侧",
         "湖北省/宜昌市/点军区/五龙大道", "precise"),
        ("建设地点：广东省广州市番禺区石楼镇龙瀛路36号自编A01", "广东省广州市番禺区石楼镇龙瀛路36号自编A01",
         "广东省/广州市/番禺区/龙瀛路36号", "precise"),
        ("Site: 马家营乡, 李家湾村, 安平县 group 8.", "马家营乡, 李家湾村, 安平县 group 8",
         "河北省/衡水市/安平县/李家湾村/8组", "precise"),
        ("安平县", "安平县", "河北省/衡水市/安平县", "county"),
        ("湖北省宜昌市点军区点军街道联棚村", "湖北省宜昌市点军区点军街道联棚村",
         "湖北省/宜昌市/点军区/联棚村", "precise"),
        ("点军区联棚村", "点军区联棚村", "湖北省/宜昌市/点军区/联棚村", "precise"),
        # 于, 和, 向 open a name right after a division (surnames, place words), not running text
        ("建设地址：五台县于家堡镇唐家庄社区九组", "五台县于家堡镇唐家庄社区九组",
         "山西省/忻州市/五台县/唐家庄社区/九组", "precise"),
        ("宽甸满族自治县和平镇向阳村三组", "宽甸满族自治县和平镇向阳村三组",
         "辽宁省/丹东市/宽甸满族自治县/向阳村/三组", "precise"),
        ("秭归县杨林桥镇乡道改造项目", "秭归县杨林桥镇", "湖北省/宜昌市/秭归县/杨林桥镇", "town"),
        ("眉山市东坡区复盛乡中桂村2 组页岩矿", "眉山市东坡区复盛乡中桂村2 组",
         "四川省/眉山市/东坡区/中桂村/2组", "precise"),
        ("宜昌市西陵区窑湾乡大树湾路与朝阳路交汇处。", "宜昌市西陵区窑湾乡大树湾路与朝阳路交汇处",
         "湖北省/宜昌市/西陵区/大树湾路", "precise"),
        ("<td>长阳土家族自治县</td>", "长阳土家族自治县", "湖北省/宜昌市/长阳土家族自治县", "county"),
        ("位于运城市绛县大交镇境内", "运城市绛县大交镇", "山西省/运城市/绛县/大交镇", "town"),
        ("福建厦门翔云一路60号", "福建厦门翔云一路60号", "福建省/厦门市/翔云一路60号", "precise"),
        # traditional characters and a pinyin gloss: same key, span in the original text
        ("建設地點:張家港市塘橋鎮(zhèn)青龍路東側約140m", "張家港市塘橋鎮(zhèn)青龍路東側",
         "江苏省/苏州市/张家港市/青龙路", "precise"),
        # a town without county keeps the village key specific; 配套道路 is not a road's name
        ("石门镇柳河村配套道路工程", "石门镇柳河村", "石门镇/柳河村", "precise"),
        # short names: a county before a zone, a city before a road; never a street's own name
        ("远安化工园江北片区高氯酸铵深加工项目", "远安化工园", "湖北省/宜昌市/远安县/化工园", "town"),
        ("广州市天河区龙口西路213号", "广州市天河区龙口西路213号", "广东省/广州市/天河区/龙口西路213号", "precise"),
        ("干流北流经竹溪县鄂坪乡", "竹溪县鄂坪乡", "湖北省/十堰市/竹溪县/鄂坪乡", "town"),
        # places the gazetteer lacks, in shapes too strict for fragments
        ("施工地点:东海省江北市青山县阳林镇宝刘村", "东海省江北市青山县阳林镇宝刘村",
         "东海省/江北市/青山县/宝刘村", "precise"),
        ("青山县王家镇", "青山县王家镇", "青山县/王家镇", "town"),
        ("新闻:青兴镇东康村附近将新建", "青兴镇东康村", "青兴镇/东康村", "precise"),
        # a labelled site the gazetteer cannot name
        ("建设地点:小嶝岛\n主要建设内容", "小嶝岛", "小嶝岛", "precise"),
        # road sections, with or without a division before them
        ("宜昌市峡州大道三期（先峰路-杨家店）路灯照明工程", "宜昌市峡州大道三期（先峰路-杨家店）",
         "湖北省/宜昌市/峡州大道三期(先峰路-杨家店)", "precise"),
        ("东方大道延伸段（港窑路-伍龙路段）道路工程", "东方大道延伸段（港窑路-伍龙路段）",
         "东方大道延伸段(港窑路-伍龙路段)", "precise"),
        # full-width digits fold for the key
        ("广州市番禺区石楼镇龙瀛路３６号", "广州市番禺区石楼镇龙瀛路３６号",
         "广东省/广州市/番禺区/龙瀛路36号", "precise"),
    ],
)
def test_addresses(text: str, span: str, key: str, precision: str) -> None:
    found = addresses(text)
    assert (span, key, precision) in found, found
    for fact in X.extract(text):
        assert text[fact.start:fact.end] == fact.text


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("农业农村局", None),
        ("石门县农业农村局", "石门县农业农村局"),
        ("山西省政府采购项目", "山西省政府"),
        ("宜昌市公安局点军区分局点军派出所", "宜昌市公安局点军区分局"),
        ("长阳土家族自治县公共资源交易中心开标", "长阳土家族自治县公共资源交易中心"),
        ("长阳土家族自治县住房和城乡建设局", "长阳土家族自治县住房和城乡建设局"),
        ("1.招标人：秭归县杨林桥镇人民政府", "秭归县杨林桥镇人民政府"),
        # a works administration is a buyer, not a place (dg100k c0058: the buyer of a chain)
        ("建设单位：山西省北方工程建设管理处", "山西省北方工程建设管理处"),
        ("湖北地区的工程", None),
        ("页岩矿区开采", None),
        ("中山北路36号", None),
        ("交货地点：采购人指定地点", None),
        ("各乡镇村级组织", None),
        ("东海省江北市青山县", None),  # a shape without a town, village or road is not enough
        ("建设银行上海共和新路支行", None),
        ("全县及各乡镇", None),
        ("大王镇和各村签约", None),
    ],
)
def test_agencies_are_not_addresses(text: str, org: str | None) -> None:
    facts = X.extract(text)
    assert not [f for f in facts if f.kind == "address"], facts
    orgs = [f.text for f in facts if f.kind == "org"]
    assert orgs == ([org] if org else [])


def test_two_counties_joined_by_and_are_two_addresses() -> None:
    keys = [k for _, k, _ in addresses("湖北省十堰市郧阳区和郧西县交界处")]
    assert keys == ["湖北省/十堰市/郧阳区", "湖北省/十堰市/郧西县"]


def test_link_keys_qualify_the_village_by_county_and_by_town() -> None:
    def links(text: str) -> set[str]:
        return {v for f in X.extract(text) for k, v in f.detail if k == "link_key"}

    full = links("湖北省宜昌市点军区点军街道联棚村")
    assert full == {"点军区|联棚村", "点军街道|联棚村"}
    assert links("点军区联棚村") <= full and links("点军街道联棚村") & full
    assert not links("联棚村") and not links("点军区")  # a village or a county alone never links


def test_ambiguous_county_keeps_what_was_written() -> None:
    # 朝阳区 is in Beijing and in Changchun: without a city nothing is resolved upwards
    assert [f.key for f in X.extract("朝阳区") if f.kind == "address"] == ["朝阳区"]
    assert [f.key for f in X.extract("北京市朝阳区") if f.kind == "address"] == ["北京市/朝阳区"]
    assert [f.key for f in X.extract("吉林省长春市朝阳区") if f.kind == "address"] == ["吉林省/长春市/朝阳区"]


def test_no_chinese_no_work() -> None:
    assert X.extract("F.E. Warren Air Force Base") == []


def test_location_tree_is_read_from_jionlp_zip_before_jionlp_unzipped_it(tmp_path: Path) -> None:
    """A fresh install holds only china_location.zip until jionlp is first imported; the gazetteer
    must not depend on that import having happened (nor on a concurrent unzip being finished)."""
    import shutil

    from mosaicguard.detect.facts.jionlp_data import dictionary_folder, dictionary_text

    shipped = dictionary_folder() / "china_location.zip"
    shutil.copy(shipped, tmp_path / "china_location.zip")
    whole = dictionary_text("china_location.txt", tmp_path)
    assert "北京市" in whole and whole.count("\n") > 40000
    (tmp_path / "china_location.txt").write_text(whole[:1000], encoding="utf-8")  # half unzipped
    assert dictionary_text("china_location.txt", tmp_path) == whole
    assert (tmp_path / "china_location.txt").read_text(encoding="utf-8") == whole[:1000]  # nothing written


@pytest.mark.parametrize(("text", "village"), [
    ("项目地点：四川省成都市金堂县赵镇永和村", "永和村"),
    ("项目地点：江西省赣州市信丰县大塘埠镇太和村三组", "太和村"),
    ("建设地点：湖南省长沙市浏阳市集里街道人和村", "人和村"),
    ("项目地点：浙江省杭州市余杭区径山镇求是村", "求是村"),  # the audit's case (session 16)
])
def test_a_village_named_with_a_function_character_is_a_village(text: str, village: str) -> None:
    """`和` and `是` are function words in running text and never open a name, but the second
    character of a two-character village is a name (永和村, 太和村, 人和村, 求是村: common village
    names), and the village was lost with its group: only the town was left."""
    (found,) = addresses(text)
    assert found[2] == "precise" and found[1].split("/")[-1 if "组" not in found[1] else -2] == village


@pytest.mark.parametrize("text", [
    "金堂县赵镇和村民代表座谈",  # 和村民: the villagers
    "金堂县赵镇镇里和村里的干部",  # 村里: in the villages
    "信丰县大塘埠镇是村级示范点",  # 是 opens no name
    "信丰县大塘埠镇党委和村委会",  # 村委会 after 和: running text
])
def test_running_text_after_a_town_is_no_village(text: str) -> None:
    assert all(p != "precise" for _, _, p in addresses(text)), addresses(text)
