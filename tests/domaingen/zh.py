"""Chinese notices: 招标公告, 中标候选人公示, 中标结果公告, 竞争性谈判公告, 环评公示, 竣工验收公示, 施工许可, news.

A renderer gets the project and a `show` map (what this document may reveal, and in which written
form); it writes nothing sensitive that `show` does not name, so the truth stays exact.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable

from . import vocab
from .model import Doc, Project
from .text import coord_form, fullwidth, mobile_form, spaced, traditional
from .world import World

Show = dict[str, int]


def alias_form(alias: str, variant: int) -> str:
    """The alias as this document writes it: plain, spaced, full-width or traditional."""
    if variant == 1:
        return spaced(alias)
    if variant == 2:
        return fullwidth(alias)
    if variant == 3:
        return traditional(alias)
    return alias


def _date(rng: random.Random, year: int) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _cn_span(rng: random.Random, year: int, days: int) -> tuple[str, str]:
    """Two dates `days` apart in one month (publication then opening, start then end of a notice period)."""
    month, day = rng.randint(1, 12), rng.randint(1, 28 - days)
    return f"{year}年{month}月{day}日", f"{year}年{month}月{day + days}日"


def _cn_date(rng: random.Random, year: int) -> str:
    return f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"


class Facts:
    """The facts one document states, each planted as written."""

    def __init__(self, p: Project, show: Show, doc: Doc) -> None:
        self.p, self.show, self.doc = p, show, doc
        # wording varies by project and document; stable for a seed (crc32, not the salted hash())
        self.v = zlib.crc32(f"{p.eid}/{doc.style}/{doc.role}".encode())
        salt = zlib.crc32(p.eid.encode())
        self.alias = doc.plant("alias", alias_form(p.alias, show["alias"])) if "alias" in show and p.alias else ""
        code = p.code if show.get("code", 0) == 0 else fullwidth(p.code)
        self.code = doc.plant("code", code) if "code" in show else ""
        self.name = doc.plant("name", p.name) if "name" in show else ""
        purpose = p.purpose if show.get("purpose", 0) == 0 else traditional(p.purpose)
        self.purpose = doc.plant("purpose", purpose) if "purpose" in show else ""
        self.location = ""
        if "location" in show and p.place is not None:
            self.location = doc.plant("location", p.place.address(show["location"], road_no=salt))
            doc.plant("link", self.location)
        self.coords = ""
        if "coords" in show:
            self.coords = doc.plant("location", coord_form(p.lat, p.lon, show["coords"]))
        self.schedule = doc.plant("schedule", p.schedule_zh[show["schedule"]]) if "schedule" in show else ""
        self.mobile = doc.plant("link", mobile_form(p.mobile, show["mobile"])) if "mobile" in show else ""
        self.county = p.place.county if ("county" in show and p.place is not None) else ""

    def title(self) -> str:
        if self.name:
            return self.name
        if self.alias:
            return f"{self.alias}{self.p.work}"
        if self.purpose and self.p.sensitive:
            return f"{self.purpose}建设工程"
        if self.code:
            return f"{self.code}{self.p.work}"
        return self.p.work

    def site_lines(self) -> list[str]:
        out = []
        if self.location:
            if self.show["location"] == 2:
                out.append(f"Site: {self.location}.")
            else:
                label = ("建设地点", "项目地点", "工程地址", "项目选址", "实施地点", "建设地址")[self.v % 6]
                out.append(f"{label}：{self.location}")
        if self.coords:
            label = ("中心坐标", "站址坐标", "地理坐标", "场址中心点坐标")[(self.v >> 4) % 4]
            out.append(f"{label}：{self.coords}")
        return out

    def schedule_line(self) -> list[str]:
        if not self.schedule:
            return []
        if self.schedule.endswith("天"):
            return [f"{('计划工期', '工期', '合同工期', '施工工期')[(self.v >> 8) % 4]}：{self.schedule}"]
        return [("进度要求：项目{}。", "计划进度：{}。", "本项目{}。", "工期安排：{}。")[(self.v >> 8) % 4].format(
            self.schedule)]

    def scope_line(self) -> str:
        if self.purpose:
            return ("招标范围：{}及配套设施的施工、安装与调试。", "建设内容：新建{}一处及附属用房。",
                    "主要工作内容：{}土建、设备安装及调试。")[(self.v >> 12) % 3].format(self.purpose)
        return f"招标范围：{self.p.work}，具体详见工程量清单。"


def _contacts(rng: random.Random, world: World, p: Project, doc: Doc, f: Facts) -> list[str]:
    agency = world.agencies[p.agency]
    contact = rng.choice(vocab.COMMON_CONTACTS)
    lines = ["联系方式", f"采购人：{p.buyer}"]
    if p.buyer_phone:
        lines.append(f"采购人电话：{p.buyer_phone}")
    lines += [
        f"采购代理机构：{agency.name}",
        f"地 址：{doc.decoy('busy_address', agency.address)}",
        f"联系人：{doc.decoy('common_name', contact)}",
        f"电 话：{doc.decoy('busy_phone', agency.phone)}",
    ]
    if f.mobile:
        lines.append(f"现场负责人：{f.p.manager} {f.mobile}")
    lines.append(f"监督投诉电话：{doc.decoy('complaint_line', world.complaint_line)}")
    return lines


def _standard(rng: random.Random, doc: Doc) -> str:
    return doc.decoy("standard", rng.choice(vocab.STANDARDS))


def tender(rng: random.Random, world: World, p: Project, doc: Doc, f: Facts) -> None:
    """招标公告."""
    title = f.title()
    published, opening = _cn_span(rng, p.year, 20)
    doc.add(f"{title}招标公告", f"发布时间：{published}    信息来源：{world.portal}", "")
    if p.place is not None and (f.county or not p.sensitive):
        phrase = f"{p.place.province}政府采购项目"
        doc.add(f"本项目为{doc.decoy('template_phrase', phrase)}，现进行公开招标，欢迎合格的投标人参加投标。")
    else:
        doc.add("本招标项目已批准建设，资金已落实，现对该项目进行公开招标。")
    doc.add("一、项目概况与招标范围")
    if f.code:
        doc.add(f"招标编号：{f.code}")
    doc.add(f"项目名称：{title}", f"预算金额：{p.amount}元")
    doc.add(*f.site_lines())
    doc.add(*f.schedule_line())
    doc.add(f.scope_line())
    doc.add("二、投标人资格要求", f"具备建筑工程施工总承包叁级及以上资质，施工须符合{_standard(rng, doc)}。")
    where = f"{f.county}公共资源交易中心" if f.county else "代理机构开标室"
    doc.add("三、开标时间及地点", f"开标时间：{opening}09时30分；开标地点：{where}。")
    doc.add(*_contacts(rng, world, p, doc, f))


def candidates(rng: random.Random, world: World, p: Project, doc: Doc, f: Facts) -> None:
    """中标候选人公示 (with the bid table)."""
    title = f.title()
    doc.add(f"{title}中标候选人公示", "中标候选人公示")
    if f.code:
        doc.add(f"标段（包）编号：{f.code}")
    doc.add("一、招标概况")
    where = f"在{f.county}公共资源交易中心" if f.county else ""
    doc.add(f"{title}于{_cn_date(rng, p.year)}发布招标公告，{where}开标、评标，现将中标候选人公示如下：")
    doc.add(*f.site_lines())
    doc.add("二、评标结果", "名 次 | 中标候选人名称 | 投标报价(元) | 质量目标")
    bidders = rng.sample(vocab.BIDDERS_ZH, 3)
    for i, b in enumerate(bidders):
        doc.add(f"第{'一二三'[i]}名 | {b} | {p.amount - rng.randint(1000, 90000)}.{rng.randint(10, 99)} | 合格")
    doc.add(*f.schedule_line())
    if f.purpose:
        doc.add(f"主要内容：{f.purpose}土建及安装。")
    doc.add("公示期：{}至{}".format(*_cn_span(rng, p.year, 3)))
    doc.add(*_contacts(rng, world, p, doc, f))


def award(rng: random.Random, world: World, p: Project, doc: Doc, f: Facts) -> None:
    """中标结果公告."""
    title = f.title()
    doc.add(f"{title}中标结果公告", f"{_date(rng, p.year)}")
    if f.code:
        doc.add(f"一、项目编号：{f.code}")
    doc.add(f"二、项目名称：{title}")
    doc.add(f"三、中标人：{rng.choice(vocab.BIDDERS_ZH)}", f"中标金额：{p.amount / 10000:.4f}万元")
    if f.purpose:
        doc.add(f"四、主要标的信息：{f.purpose}一项，含基础、结构及配套设备。")
    doc.add(*f.site_lines())
    doc.add(*f.schedule_line())
    doc.add(f"项目经理：{rng.choice(vocab.SURNAMES)}{rng.choice(vocab.GIVEN_NAMES)}（注册建造师）")
    doc.add(*_contacts(rng, world, p, doc, f))


def negotiation(rng: random.Random, world: World, p: Project, doc: Doc, f: Facts) -> None:
    """竞争性谈判公告."""
    title = f.title()
    doc.add(f"{title}竞争性谈判公告")
    if f.code:
        doc.add(f"项目编号：{f.code}")
    doc.add(f"采购方式：竞争性谈判；最高限价：{p.amount}元")
    if f.purpose:
        doc.add(f"采购需求：{f.purpose}相关设备及安装服务一批。")
    else:
        doc.add(f"采购需求：{p.work}。")
    doc.add(*f.site_lines())
    doc.add(*f.schedule_line())
    doc.add(f"响应文件递交截止时间：{_cn_date(rng, p.year)}10时00分。")
    doc.add(*_contacts(rng, world, p, doc, f))


def eia(rng: random.Random, world: World, p: Project, doc: Doc, f: Facts) -> None:
    """环评公示 (environmental assessment disclosure)."""
    title = f.title()
    office = f"{f.county}生态环境分局" if f.county else "生态环境局"
    doc.add(f"{title}环境影响评价文件受理公示", f"发布机构：{office}    发布日期：{_date(rng, p.year)}")
    doc.add("根据建设项目环境影响评价审批程序的有关规定，现将环境影响评价文件基本情况予以公示，公示期为5个工作日。")
    doc.add(f"项目名称：{title}", f"建设单位：{p.buyer}")
    if f.code:
        doc.add(f"项目代码：{f.code}")
    doc.add(*f.site_lines())
    if f.purpose:
        doc.add(f"建设内容：拟建{f.purpose}及配套用房，总投资约{p.amount // 10000}万元。")
    else:
        doc.add(f"建设内容：{p.work}，总投资约{p.amount // 10000}万元。")
    doc.add(*f.schedule_line())
    if not p.sensitive and rng.random() < 0.5:
        x, y = rng.uniform(3300000, 4500000), rng.uniform(380000, 620000)
        doc.add(f"界址点坐标（CGCS2000）：{doc.decoy('projected_xy', f'X={x:.2f}，Y={y:.2f}')}")
    doc.add(f"执行标准：{_standard(rng, doc)}", f"反馈意见电话：{doc.decoy('complaint_line', world.complaint_line)}")


def acceptance(rng: random.Random, world: World, p: Project, doc: Doc, f: Facts) -> None:
    """竣工验收公示."""
    title = f.title()
    doc.add(f"{title}竣工环境保护验收公示")
    doc.add(f"建设单位：{p.buyer}", f"项目名称：{title}")
    if f.code:
        doc.add(f"原招标编号：{f.code}")
    doc.add(*f.site_lines())
    doc.add(*f.schedule_line())
    if f.purpose:
        doc.add(f"验收内容：{f.purpose}主体工程及环保设施。")
    doc.add(f"验收结论：工程质量符合{_standard(rng, doc)}要求，同意通过验收。")
    doc.add(f"公示时间：{_cn_date(rng, p.year)}起10个工作日。")


def permit(rng: random.Random, world: World, p: Project, doc: Doc, f: Facts) -> None:
    """建筑工程施工许可 (construction permit record)."""
    title = f.title()
    doc.add("建筑工程施工许可证信息公开", f"许可证编号：{rng.randint(10**11, 10**12 - 1)}")
    doc.add(f"工程名称：{title}", f"建设单位：{p.buyer}")
    if f.code:
        doc.add(f"合同编号：{f.code}")
    doc.add(*f.site_lines())
    doc.add(f"合同价格：{p.amount / 10000:.2f}万元", f"施工单位：{rng.choice(vocab.BIDDERS_ZH)}")
    if f.mobile:
        doc.add(f"项目负责人：{p.manager}  联系电话：{f.mobile}")
    doc.add(*f.schedule_line())
    if f.purpose:
        doc.add(f"建设规模：{f.purpose}一座。")
    doc.add(f"发证日期：{_cn_date(rng, p.year)}")


def news(rng: random.Random, world: World, p: Project, doc: Doc, f: Facts) -> None:
    """Local news item or press release."""
    subject = f.alias or f.name or f.code or p.work
    who = f"{f.county}" if f.county else p.buyer
    doc.add(f"{who}推进{subject}建设", f"{_cn_date(rng, p.year)}  来源：融媒体中心", "")
    opener = ("近日，{w}召开专题会议，听取{s}前期工作情况汇报，研究部署下一步重点工作。",
              "{w}主要负责同志带队调研{s}，现场查看施工进展，协调解决具体问题。",
              "记者从{w}获悉，{s}各项准备工作正在有序推进。")[f.v % 3]
    doc.add(opener.format(w=who, s=subject))
    if f.code and subject != f.code:
        doc.add(f"该项目编号为{f.code}，已完成招标。")
    if f.location:
        doc.add(f"Site: {f.location}." if f.show["location"] == 2 else f"项目位于{f.location}，周边交通便利。")
    if f.coords:
        doc.add(f"项目中心位置坐标为{f.coords}。")
    if f.purpose:
        doc.add(f"项目主要建设{f.purpose}等设施。")
    if f.schedule:
        doc.add(f"据介绍，项目{f.schedule}。" if not f.schedule.endswith("天") else f"项目计划工期{f.schedule}。")
    if f.mobile:
        doc.add(f"施工现场负责人{p.manager}（{f.mobile}）表示，将倒排工期、挂图作战。")
    doc.add("会议强调，要压实责任，确保安全生产和工程质量。")


ZH_STYLES: dict[str, Callable[[random.Random, World, Project, Doc, Facts], None]] = {
    "tender": tender,
    "candidates": candidates,
    "award": award,
    "negotiation": negotiation,
    "eia": eia,
    "acceptance": acceptance,
    "permit": permit,
    "news": news,
}


def render_zh(rng: random.Random, world: World, doc: Doc, show: Show) -> None:
    """Write `doc` (its project and style already set) revealing what `show` names."""
    assert doc.project is not None
    facts = Facts(doc.project, show, doc)
    ZH_STYLES[doc.style](rng, world, doc.project, doc, facts)
