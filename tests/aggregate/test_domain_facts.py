"""Fact and scope rules found by the domain-written corpus (tests/domaingen, docs/benchmarks.md):
each case is a shape of text that split one project into several nodes or glued two projects."""

from __future__ import annotations

import pytest

from mosaicguard.aggregate.facts import FactExtractor, document_text
from mosaicguard.aggregate.link import threshold_weight
from mosaicguard.aggregate.model import NodeRecord, estimate_model
from mosaicguard.aggregate.settings import settings_from_policy
from mosaicguard.model import Document, MetadataField, Segment
from mosaicguard.policy.schema import Policy

POLICY = Policy.model_validate({
    "protected_subjects": [{"id": "p7838", "aliases": ["7838工程"], "codes": []}],
    "sensitive_purposes": ["雷达", "机库", "洞库"],
})
FX = FactExtractor(POLICY)


def keys(text: str, prefix: str) -> set[str]:
    return {k for f in FX.extract_text("doc.txt", text) for k in f.keys if k.startswith(prefix)}


@pytest.mark.parametrize("text", [
    "2013-12-23T23:37:00Z",  # a docx's creation time (metadata) is a date
    '<ds:datastoreItem ds:itemID="{EF278816-EC6F-A645-907D-7F25AECB1D4A}">',  # a template's part id
    "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "电力工程施工总承包壹级D142190816、输变电工程专业承包贰级D242034232",  # qualification certificates
    "城市及道路照明工程专业承包壹级（D232086433）",
])
def test_not_project_codes(text: str) -> None:
    assert keys(text, "code:") == set()


def test_bracketed_code_in_prose() -> None:
    text = "The contracting activity is the regional engineering command (W912HN-24-C-0002)."
    assert keys(text, "code:") == {"code:W912HN24C0002"}


@pytest.mark.parametrize(("text", "name_key"), [
    ("三、中标人：山西建投第五建筑工程有限公司", None),  # a firm
    ("中国化学工程第十四建设有限公司", None),
    ("具备建筑工程施工总承包叁级及以上资质", None),  # a qualification
    ("本项目为四川省政府采购项目，现进行公开招标", None),  # a kind of procurement
    ("确保安全生产和工程质量", None),
    ("机库建设工程招标公告", None),  # a kind of facility: every airbase has one
    ("油料洞库建设工程中标结果公告", None),
    ("项目名称：加固机库建设工程", None),  # reinforcement is a works type (水库除险加固工程)
    ("沅陵县幼儿园新建工程", "name:幼儿园新建"),  # the county is an area, not the name
    ("安平县永安镇中心小学教学楼改扩建工程", "name:中心小学教学楼改扩建"),  # nor the town
    ("长白朝鲜族自治县薛家湾镇变电站10kV配套工程", "name:变电站10kv配套"),  # every town's substation
    ("点军区电子信息产业园基础设施项目", "name:电子信息产业园基础设施"),  # a zone is not a division
    ("余家坪磐石北辰专用道路及配套工程中标候选人公示", "name:余家坪磐石北辰专用道路及配套"),
    ("平武县推进余家坪磐石北辰专用道路及配套工程建设", "name:余家坪磐石北辰专用道路及配套"),
])
def test_project_name_keys(text: str, name_key: str | None) -> None:
    assert keys(text, "name:") == ({name_key} if name_key else set())


def test_a_towns_substation_is_no_site() -> None:
    assert keys("长白朝鲜族自治县薛家湾镇变电站", "site:") == set()
    assert keys("汉江孤山水电站位于", "site:") == {"site:汉江孤山水电站"}


def test_a_province_alone_is_no_area() -> None:
    assert keys("本项目为黑龙江省政府采购项目。", "area:") == set()
    assert keys("开标地点：逊克县公共资源交易中心，项目位于逊克县。", "area:") != set()


def test_reader_metadata_is_not_text() -> None:
    # the encoding the reader guessed is not the publisher's text (every GB18030 file has it)
    doc = Document("a.txt", "text/plain", "", segments=(Segment("正文"),),
                   metadata=(MetadataField("text:encoding", "gb18030"), MetadataField("dc:title", "标题")))
    assert document_text(doc) == "正文\n标题"


TENDER = """7838工程土建施工招标公告
本项目为辽宁省政府采购项目，现进行公开招标。
招标编号：ZB-2025-7838
项目名称：7838工程土建施工
二、投标人资格要求
具备建筑工程施工总承包叁级及以上资质。
采购代理机构：河南中信招标代理有限公司
联系人：王静
"""


def test_one_code_is_one_project() -> None:
    """The alias in the title and the code two lines below belong to one node: split, the
    alias -> code -> purpose chain could not close."""
    facts = [f for f in FX.extract_text("t.txt", TENDER) if f.keys]
    assert {f.scope for f in facts} == {0}


def test_two_codes_still_two_projects() -> None:
    text = "招标编号：ZB-2025-1111\n项目名称：甲工程\n\n招标编号：ZB-2025-2222\n项目名称：乙工程\n"
    scope = {k: f.scope for f in FX.extract_text("t.txt", text) for k in f.keys if k.startswith("code:")}
    assert scope["code:ZB20251111"] != scope["code:ZB20252222"]


def test_a_name_cut_from_a_longer_one_is_the_same_project() -> None:
    text = ("营区道路及附属设施工程竣工环境保护验收公示\n建设单位：辽宁省西部工程建设管理中心\n"
            "项目名称：营区道路及附属设施工程\n实施地点：宽甸满族自治县谭家桥镇胡家河村一组\n")
    assert {f.scope for f in FX.extract_text("t.txt", text) if f.keys} == {0}


def test_village_groups_are_places() -> None:
    """`董家堡村五组` and `董家堡村十一组` share the village but are two places; a mention without
    a group still links to either (domain corpus: harmless projects in another group of a
    sensitive site's village were glued to it)."""
    five = keys("建设地点：安远县大坪街道董家堡村五组", "grp:")
    assert five and five == keys("Site: 大坪街道, 董家堡村, 安远县 group 5.", "grp:")
    assert five.isdisjoint(keys("建设地点：安远县大坪街道董家堡村十一组", "grp:"))
    assert keys("建设地点：安远县大坪街道董家堡村", "grp:") == set()
    model = estimate_model([], 2000)
    a = NodeRecord(("a", 0), {"addr:V": 2, "grp:V|5": 2})
    other_group = NodeRecord(("b", 0), {"addr:V": 2, "grp:V|11": 2})
    no_group = NodeRecord(("c", 0), {"addr:V": 2})
    threshold = threshold_weight(settings_from_policy(POLICY))
    assert model.score_pair(a, other_group).weight < threshold <= model.score_pair(a, no_group).weight
