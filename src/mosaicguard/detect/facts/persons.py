"""People named with a role: `项目经理:张建国`, `联系人 李四`, `Project manager Ms. Jane Doe`.
The span is the role and the name as written; `key` is the folded name, `detail` holds the role."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ..normalize import fold_key
from .base import FactExtractor, FactSpan
from .lines import LINE_MEMO, LineFind, line_spans

_CJK = "\u4e00-\u9fff"
ROLE_RE = re.compile(
    r"(?P<role>项目经理|项目负责人|技术负责人|现场负责人|联系人|负责人|总工程师|总工|站长|厂长|法定代表人|施工员|安全员)"
    rf"\s*[:为是]?\s*(?P<name>[{_CJK}]{{2,4}})"
    r"|(?P<erole>(?i:project manager|site manager|contact person|contact|chief engineer|site director))"
    r"\s*[:]?\s*(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?(?P<ename>[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2})"
)
_NAME_TAIL_RE = re.compile(r"(?:先生|女士|同志|电话|手机|联系|经理|工程|负责|,|。).*$")
_NOT_PERSON = frozenset({"项目", "本项", "公司", "负责", "联系", "电话", "经理", "工程", "单位", "部门", "采购"})


class Persons(FactExtractor):
    """Named people with their role (a Chinese name is cut at 先生/女士/电话...)."""

    name = "persons"
    kinds = ("person",)

    def extract(self, text: str) -> Sequence[FactSpan]:
        return line_spans(text, "person", "personnel", _line_persons)


@lru_cache(maxsize=LINE_MEMO)
def _line_persons(line: str) -> tuple[LineFind, ...]:
    """The people of one folded line (read once per distinct line, see LINE_MEMO)."""
    found: list[LineFind] = []
    for m in ROLE_RE.finditer(line):
        if m.group("role"):
            role, name = m.group("role"), _NAME_TAIL_RE.sub("", m.group("name"))[:3]
            if len(name) < 2 or name in _NOT_PERSON:
                continue
            end = m.start("name") + len(name)
        else:
            role, name, end = m.group("erole"), m.group("ename"), m.end()
        found.append((m.start(), end, fold_key(name), (("role", role), ("name", name))))
    return tuple(found)
