"""A synthetic corpus of short public notices with planted chains and decoys.

Used by the tests (every planted chain must be found, no decoy merged), the benchmark
(bench/aggregate_scale.py, millions of documents in memory) and the demo in samples/. All names,
places, codes and numbers are invented.

Planted chains are 2-4 documents about one sensitive site; no single document states the whole
forbidden combination, the chain's documents share one linking value (a code, a protected
subject's alias, a precise address, coordinates within 100 m, or a rare phone). Decoys share only
common values: the county every notice names, the procurement centre's switchboard printed on a
third of the notices, generic project words, a code one digit away.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

POLICY_YAML = """\
lexicon:
  - {term: "7301工程", severity: high}
protected_subjects:
  - {id: p7301, aliases: ["7301工程", "Project 7301"], codes: ["ZB-2026-7301"]}
sensitive_purposes: [雷达, 导弹, 弹药, 指挥所, radar, missile, ammunition]
combinations:
  - {attributes: [location, purpose], severity: critical}
  - {attributes: [location, schedule], severity: high}
  - {attributes: [purpose, schedule], severity: medium}
"""

COUNTY = "青山县"
CITY = "江北市"
PROVINCE = "东海省"
AGENCY = "青山县公共资源交易中心"
AGENCY_PHONE = "0571-88886666"
_SYL = ("安宝北长城大东丰福高广海和河红华黄吉家建金锦康兰乐李林刘龙马南平齐"
        "青庆瑞山上石顺松泰桃天田王文西新兴阳杨永玉张正中周")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红"
_HARMLESS = ["道路硬化", "办公楼维修", "绿化提升", "饮水安全", "学校食堂改造", "路灯安装", "桥梁加固", "卫生院扩建"]


@dataclass
class Chain:
    name: str
    link: str  # code | alias | address | coord | phone | multi
    docs: list[str]
    rule: str  # a combination only the chain as a whole satisfies


@dataclass
class Decoy:
    name: str
    docs: list[str]  # must never end up in one exposure together


@dataclass
class Manifest:
    root: Path
    corpus: Path
    drafts: Path
    policy: Path
    chains: list[Chain] = field(default_factory=list)
    decoys: list[Decoy] = field(default_factory=list)
    # draft file -> (expected new?, expected minimal fix size or 0)
    draft_expect: dict[str, tuple[bool, int]] = field(default_factory=dict)


class _Names:
    def __init__(self, rng: random.Random, sequential: bool = False) -> None:
        self.rng = rng
        self.used: set[str] = set()
        # Sequential names never repeat and need no memory (for millions of documents).
        self.sequential = sequential
        self.counter = 0

    def _next(self) -> str:
        self.counter += 1
        n, out = self.counter * 7919 % 31_640_625 + 5625, []  # scrambled, at least 3 syllables
        while n:
            n, r = divmod(n, len(_SYL))
            out.append(_SYL[r])
        return "".join(out)

    def place(self, suffix: str) -> str:
        if self.sequential:
            return self._next() + suffix
        for attempt in range(1_000_000):
            syllables = 2 if attempt < 20 else 3  # two-character names run out in big corpora
            name = "".join(self.rng.choice(_SYL) for _ in range(syllables)) + suffix
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("name space exhausted")

    def person(self) -> str:
        while True:
            name = self.rng.choice(_SURNAMES) + self.rng.choice(_GIVEN) + self.rng.choice(_GIVEN)
            if name not in self.used:
                self.used.add(name)
                return name

    def mobile(self) -> str:
        while True:
            n = f"13{self.rng.randint(0, 9)}{self.rng.randint(10_000_000, 99_999_999)}"
            if n not in self.used:
                self.used.add(n)
                return n

    def code(self, prefix: str = "ZB") -> str:
        if self.sequential:
            self.counter += 1
            return f"{prefix}-2026-{self.counter:07d}"
        for attempt in range(1_000_000):
            high = 9999 if attempt < 20 else 9_999_999  # four digits run out in big corpora
            c = f"{prefix}-2026-{self.rng.randint(1000, high)}"
            if c not in self.used and c != "ZB-2026-7301":
                self.used.add(c)
                return c
        raise RuntimeError("code space exhausted")


def _group(village: str) -> str:
    """The village's group (村民小组), derived from its name (no random draw, so the rest of the
    corpus stays as it was). A precise site is a village *and* its group: a village alone is a
    locality every project of the village names, not enough to link two notices by itself
    (docs/aggregation.md, `vil` and `grp`)."""
    return f"{sum(map(ord, village)) % 12 + 1}组"


def _address(names: _Names, full: bool = True) -> str:
    town, village = names.place("镇"), names.place("村")
    site = f"{town}{village}{_group(village)}"
    return f"{PROVINCE}{CITY}{COUNTY}{site}" if full else site


def _coord(rng: random.Random) -> tuple[float, float]:
    return (round(rng.uniform(28.0, 31.0), 5), round(rng.uniform(118.0, 121.0), 5))


def background_notice(rng: random.Random, names: _Names, i: int) -> str:
    """A harmless notice: county, agency switchboard (a third of them), generic project words."""
    village = names.place("村")
    kind = rng.choice(_HARMLESS)
    lines = [f"{AGENCY}关于{COUNTY}{village}{kind}工程的招标公告",
             f"招标编号:{names.code('QS')}",
             f"建设地点:{COUNTY}{village}", f"计划{rng.randint(2026, 2028)}年{rng.randint(1, 12)}月竣工。"]
    if i % 3 == 0:
        lines.append(f"联系电话:{AGENCY_PHONE}")
    if i % 7 == 0:
        lines.append("另:办公楼维修工程同步实施。")
    return "\n".join(lines) + "\n"


def write_corpus(root: Path, background: int = 280, seed: int = 7) -> Manifest:
    """Write corpus/, drafts/ and policy.yaml under `root`; return what was planted."""
    rng = random.Random(seed)
    names = _Names(rng)
    corpus, drafts = root / "corpus", root / "drafts"
    corpus.mkdir(parents=True, exist_ok=True)
    drafts.mkdir(parents=True, exist_ok=True)
    policy = root / "policy.yaml"
    policy.write_text(POLICY_YAML, encoding="utf-8")
    m = Manifest(root, corpus, drafts, policy)

    def put(name: str, text: str) -> str:
        (corpus / name).write_text(text, encoding="utf-8")
        return f"{corpus}/{name}"

    for i in range(background):
        put(f"notice-{i:04d}.txt", background_notice(rng, names, i))

    purposes = ["雷达天线罩", "导弹发射架", "弹药库防爆门", "指挥所防护门"]
    for c in range(3):  # linked by an exact code, written in different widths and spacing
        code = names.code()
        wide = code.translate({ord(ch): ord(ch) + 0xFEE0 for ch in "0123456789-ZB"})
        a = put(f"code-{c}-a.txt", f"{AGENCY}招标公告\n招标编号:{code}\n交货地点:{_address(names)}\n"
                                    f"联系电话:{AGENCY_PHONE}\n")
        b = put(f"code-{c}-b.txt", f"中标结果公示\n项目编号:{wide}\n采购内容:{purposes[c]} {rng.randint(2, 20)}套\n")
        m.chains.append(Chain(f"code-{c}", "code", [a, b], "location+purpose"))
    a = put("alias-a.txt", f"7301工程配套道路施工公告\n施工地点:{_address(names)}\n")
    b = put("alias-b.html", "<html><body><p>Project 7301: radome delivery by March 2027.</p></body></html>\n")
    m.chains.append(Chain("alias", "alias", [a, b], "location+schedule"))
    for c in range(2):  # linked by the same precise address (one says it without the county)
        town, village = names.place("镇"), names.place("村")
        site = f"{town}{village}{_group(village)}"
        a = put(f"addr-{c}-a.txt", f"{names.code('QS')}项目\n地点:{PROVINCE}{CITY}{COUNTY}{site}\n"
                                    f"计划{2027 + c}年6月开工建设。\n")
        b = put(f"addr-{c}-b.txt", f"新闻:{site}附近将新建发射阵地,村民反映施工车辆增多。\n")
        m.chains.append(Chain(f"address-{c}", "address", [a, b], "purpose+schedule"))
    for c in range(2):  # linked by coordinates about 60 m apart, written in two forms
        lat, lon = _coord(rng)
        lat2, lon2 = lat + 0.0004, lon + 0.0003
        a = put(f"coord-{c}-a.txt", f"环评公示 选址坐标:北纬{lat:.5f}度,东经{lon:.5f}度\n建设内容:弹药库及防爆门\n")
        b = put(f"coord-{c}-b.txt", f"施工许可 site N{lat2:.5f}° E{lon2:.5f}°\n工期:计划{2027}年{c + 3}月竣工\n")
        m.chains.append(Chain(f"coord-{c}", "coord", [a, b], "purpose+schedule"))
    for c in range(2):  # linked by a project manager's mobile, in two spellings
        phone = names.mobile()
        spaced = f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}"
        person = names.person()
        a = put(f"phone-{c}-a.txt",
                f"{names.code()}采购公告\n采购内容:相控阵雷达天线 2套\n项目经理:{person} 电话{phone}\n")
        b = put(f"phone-{c}-b.txt", f"施工单位进场通知\n地点:{_address(names)}\n联系人手机:{spaced}\n")
        m.chains.append(Chain(f"phone-{c}", "phone", [a, b], "location+purpose"))
    for c in range(2):  # four documents: code -> phone -> address -> schedule
        code, phone = names.code(), names.mobile()
        addr = _address(names)
        d1 = put(f"multi-{c}-1.txt", f"招标编号:{code}\n采购内容:导弹发射架基础预埋件\n")
        d2 = put(f"multi-{c}-2.txt", f"项目编号:{code} 技术联系人电话:{phone}\n")
        d3 = put(f"multi-{c}-3.txt", f"现场负责人电话:{phone}\n施工地点:{addr}\n")
        d4 = put(f"multi-{c}-4.txt", f"进度通报:{addr}工地预计{2027 + c}年10月完工。\n")
        m.chains.append(Chain(f"multi-{c}", "multi", [d1, d2, d3, d4], "location+purpose"))

    # Decoys: each pair would complete location+purpose if (wrongly) merged.
    addr = _address(names)
    a = put("decoy-county-a.txt", f"{COUNTY}气象局新一代天气雷达维护服务采购\n联系电话:{AGENCY_PHONE}\n")
    b = put("decoy-county-b.txt", f"{COUNTY}{addr[len(PROVINCE + CITY + COUNTY):]}饮水工程\n联系电话:{AGENCY_PHONE}\n")
    m.decoys.append(Decoy("county+busy-phone", [a, b]))
    a = put("decoy-generic-a.txt", "办公楼维修工程 附:雷达站值班室粉刷\n")
    b = put("decoy-generic-b.txt", f"办公楼维修工程 地点:{_address(names)}\n")
    m.decoys.append(Decoy("generic-words", [a, b]))
    a = put("decoy-code-a.txt", "招标编号:ZB-2026-8801\n采购内容:雷达天线罩\n")
    b = put("decoy-code-b.txt", f"招标编号:ZB-2026-8802\n交货地点:{_address(names)}\n")
    m.decoys.append(Decoy("near-code", [a, b]))
    lat, lon = _coord(rng)
    a = put("decoy-far-a.txt", f"坐标 {lat:.5f}, {lon:.5f} 弹药库\n")
    b = put("decoy-far-b.txt", f"坐标 {lat + 0.01:.5f}, {lon:.5f} 计划2027年3月竣工\n")
    m.decoys.append(Decoy("coordinates-1km", [a, b]))

    # Drafts.
    code, addr = names.code(), _address(names)
    put("base-1.txt", f"招标编号:{code}\n交货地点:{addr}\n")
    put("base-2.txt", f"项目编号:{code}\n计划2027年8月交付。\n")
    (drafts / "completes.txt").write_text(f"{code}补充公告:增加雷达天线罩采购。\n", encoding="utf-8")
    m.draft_expect["completes.txt"] = (True, 1)
    code2, addr2, phone2 = names.code(), _address(names), names.mobile()
    put("base-3.txt", f"招标编号:{code2}\n交货地点:{addr2}\n项目经理电话:{phone2}\n")
    (drafts / "two-ways.txt").write_text(
        f"{code2}技术要求:相控阵雷达天线,配套天线罩。\n项目经理电话:{phone2}\n", encoding="utf-8")
    m.draft_expect["two-ways.txt"] = (True, 2)
    (drafts / "harmless.txt").write_text(
        f"{COUNTY}办公楼维修工程计划2027年5月竣工。\n联系电话:{AGENCY_PHONE}\n", encoding="utf-8")
    m.draft_expect["harmless.txt"] = (False, 0)
    first = m.chains[0]
    code0 = Path(first.docs[0]).read_text(encoding="utf-8").split("招标编号:")[1].split("\n")[0]
    (drafts / "restates.txt").write_text(f"{code0}中标结果更正公告。\n", encoding="utf-8")
    m.draft_expect["restates.txt"] = (False, 0)
    return m


def stream_texts(n: int, seed: int = 11, chain_every: int = 50) -> Iterator[tuple[str, str]]:
    """(path, text) for `n` in-memory documents for the benchmark: background notices with a
    two-document code chain every `chain_every` documents."""
    rng = random.Random(seed)
    names = _Names(rng, sequential=True)
    for i in range(n):
        if i % chain_every == 0 and i + 1 < n:
            code = names.code("ZB")
            yield f"bench/{i:07d}.txt", f"招标编号:{code}\n交货地点:{_address(names)}\n"
        elif i % chain_every == 1:
            yield f"bench/{i:07d}.txt", f"项目编号:{code}\n采购内容:雷达天线罩\n"
        else:
            yield f"bench/{i:07d}.txt", background_notice(rng, names, i)
