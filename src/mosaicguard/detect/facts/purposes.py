"""Purposes: the policy's `sensitive_purposes` and equipment that gives a purpose away
(天线罩/radome -> 雷达/radar, 发射架 -> 导弹, ...), found by one Aho-Corasick pass per line.
`detail` holds `("implies", "雷达|radar")`: the purposes the term implies, in both languages so
either spelling in a policy matches."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import ahocorasick_rs

from ..normalize import fold_width_script
from .base import FactExtractor, FactSpan
from .lines import folded_lines, span

if TYPE_CHECKING:
    from ...policy.schema import Policy

_TABLE: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("雷达", "雷达站", "天线罩", "雷达罩", "相控阵", "雷达天线", "雷达天线罩", "radar", "radome", "phased array"),
     ("雷达", "radar")),
    (("导弹", "发射架", "发射井", "发射车", "发射阵地", "missile", "launcher", "launch pad", "silo"),
     ("导弹", "missile")),
    (("弹药", "弹药库", "防爆门", "炸药库", "火工品", "ammunition", "munitions", "magazine", "blast door"),
     ("弹药", "ammunition")),
    (("指挥所", "指挥中心", "坑道", "防护工程", "人防工程", "command post", "bunker", "hardened shelter"),
     ("指挥所", "command post")),
    (("柴油发电机组", "发电机组", "不间断电源", "generator set", "diesel generator"), ("电力保障", "backup power")),
    (("卫星地面站", "测控站", "卫星接收", "ground station", "telemetry"), ("卫星测控", "satellite control")),
    (("机库", "跑道", "停机坪", "hangar", "runway"), ("机场", "airfield")),
    (("油库", "储油罐", "fuel depot"), ("油料", "fuel")),
    (("潜艇", "声呐", "submarine", "sonar"), ("潜艇", "submarine")),
]


def _form(term: str) -> str:
    return fold_width_script(term).lower()


#: Equipment term (folded, lower case) -> the purposes it implies.
IMPLIED_PURPOSES: dict[str, tuple[str, ...]] = {_form(t): p for terms, p in _TABLE for t in terms}


class Purposes(FactExtractor):
    """Purpose and equipment terms; English terms match whole words only."""

    name = "purposes"
    kinds = ("purpose",)

    def __init__(self, extra_terms: Iterable[str] = ()) -> None:
        self.implied = dict(IMPLIED_PURPOSES)
        for term in extra_terms:
            if term.strip():
                self.implied.setdefault(_form(term), (term,))
        self.terms = sorted(self.implied, key=len, reverse=True)
        self._ac = ahocorasick_rs.AhoCorasick(self.terms, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)

    def for_policy(self, policy: Policy) -> Purposes:
        return Purposes(policy.sensitive_purposes)

    def extract(self, text: str) -> Sequence[FactSpan]:
        out: list[FactSpan] = []
        for base, line in folded_lines(text):
            lower = line.lower()
            if len(lower) != len(line):  # a rare character whose lower case is longer: keep offsets
                lower = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in line)
            for index, start, end in self._ac.find_matches_as_indexes(lower):
                term = self.terms[index]
                # "radar" is not in "radarsat".
                if term.isascii() and ((start > 0 and lower[start - 1].isalpha()) or
                                       (end < len(lower) and lower[end].isalpha())):
                    continue
                implied = self.implied[term]
                out.append(span(text, base + start, base + end, "purpose", "purpose", term,
                                (("implies", "|".join(implied)),)))
        return out
