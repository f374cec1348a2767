"""Organisations named by their legal suffix: `…有限公司`, `…研究所`, `…设计院`, `…管理局`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..normalize import fold_key
from .base import FactExtractor, FactSpan
from .lines import folded_lines, span
from .names import cut_after_function_word

_CJK = "\u4e00-\u9fff"
_ORG_SUFFIX_RE = re.compile(r"有限责任公司|股份有限公司|有限公司|公司|研究所|研究院|设计院|管理局|集团|中心")
_RUN_BEFORE = re.compile(rf"[{_CJK}A-Za-z0-9()]*$")


class Organisations(FactExtractor):
    """Company and institute names; `key` is the folded full name."""

    name = "orgs"
    kinds = ("org",)

    def extract(self, text: str) -> Sequence[FactSpan]:
        out: list[FactSpan] = []
        for base, line in folded_lines(text):
            for m in _ORG_SUFFIX_RE.finditer(line):
                run = _RUN_BEFORE.search(line[max(0, m.start() - 14): m.start()])
                name = cut_after_function_word(run.group(0) if run else "")
                if len(name) < 2:
                    continue
                start = m.start() - len(name)
                out.append(span(text, base + start, base + m.end(), "org", "organisation",
                                fold_key(line[start:m.end()])))
        return out
