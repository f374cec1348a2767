"""Project names: `XX工程/项目`, `项目名称: ...`, `Project Falcon`. A name whose distinctive part
(generic words such as 办公楼维修/道路硬化 and years removed) has at least two characters or a
digit gets a comparison key; a generic one (`办公楼维修工程`) is evidence only."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..normalize import fold_key
from .base import FactExtractor, FactSpan
from .lines import folded_lines, span

_CJK = "\u4e00-\u9fff"
_PROJECT_WORD_RE = re.compile(r"工程|项目")
_NOT_PROJECT_AFTER = ("师", "经理", "部", "负责", "机械", "款", "量", "造价", "名称", "编号", "概况", "地点", "总投资",
                      "建设", "招标", "采购", "管理", "所在", "预算", "内容", "规模", "单位", "监理")
#: Everything up to the last function word before a name: what is left is the name.
NAME_STOP_RE = re.compile(
    r"^.*(?:关于|有关|对于|为了|进行|开展|实施|承建|参加|参与|负责|完成|中标|公告|公示|通知|本次|其中|以及|"
    r"位于|所属|对|为|在|于|的|和|与|及|本|该|此|将|了|是|由|经|按|即|已|等)"
)
_NAME_LABEL_RE = re.compile(
    r"(?:项目名称|工程名称|Project\s+name)\s*[:]\s*(?P<name>[^\s,，。;；:()（）]{2,40})", re.I
)
_EN_PROJECT_RE = re.compile(r"\bProject\s+(?P<name>[A-Z0-9][A-Za-z0-9\-]{1,24})")
_EN_NOT_NAME = frozenset({"manager", "no", "number", "code", "name", "site", "team", "leader", "director", "office"})
# Words that say nothing about which project it is: a name must have more than these.
_GENERIC = re.compile(
    r"新建|改建|扩建|改造|维修|修缮|建设|施工|采购|服务|设备|安装|设计|监理|办公楼|综合楼|宿舍楼|道路|硬化|绿化|"
    r"配套|附属|基础设施|一期|二期|三期|年度|工程|项目|整治|提升|升级|更新|系统|零星|日常|物业|保洁|食堂|"
    r"20[0-9]{2}年?度?|县|市|区|镇|乡|村"
)
_TRAILING_KIND = re.compile(r"(?:工程|项目)$")
_RUN_BEFORE = re.compile(rf"[{_CJK}A-Za-z0-9]*$")


class ProjectNames(FactExtractor):
    """Project names; `key` is the folded name when it is distinctive, else ""."""

    name = "names"
    kinds = ("name",)

    def extract(self, text: str) -> Sequence[FactSpan]:
        out: list[FactSpan] = []
        for base, line in folded_lines(text):
            for s, e, name in self._names(line):
                distinctive = _GENERIC.sub("", name)
                key = fold_key(name) if len(distinctive) >= 2 or any(ch.isdigit() for ch in distinctive) else ""
                out.append(span(text, base + s, base + e, "name", None, key))
        return sorted(out, key=lambda f: f.start)

    @staticmethod
    def _names(line: str) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        for m in _NAME_LABEL_RE.finditer(line):
            found.append((m.start("name"), m.end("name"), _TRAILING_KIND.sub("", m.group("name"))))
        for m in _PROJECT_WORD_RE.finditer(line):
            if line[m.end(): m.end() + 4].startswith(_NOT_PROJECT_AFTER):
                continue
            # The name is the run of CJK letters/digits right before 工程/项目.
            run = _RUN_BEFORE.search(line[max(0, m.start() - 16): m.start()])
            name = NAME_STOP_RE.sub("", run.group(0) if run else "")
            if len(name) >= 2 and not any(s <= m.start() - len(name) < e for s, e, _ in found):
                found.append((m.start() - len(name), m.end(), name))
        for m in _EN_PROJECT_RE.finditer(line):
            if m.group("name").lower() not in _EN_NOT_NAME:
                found.append((m.start(), m.end(), m.group("name")))
        return found
