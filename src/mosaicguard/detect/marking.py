"""Secrecy markings (国家秘密标志) and other classification labels, zh and en.

A marking is a *label*, not prose: `机密★10年` at the top of a page, `秘密` alone on a line or at
the start of a header, `SECRET//NOFORN` in a banner, `(S)` opening a paragraph. The regexes find
candidates; `refine()` judges label against prose from where the candidate sits in its line and
layer, so 秘书, 保密协议, "bids are kept confidential" and a sentence about secrets stay quiet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..model import Finding, Layer, Segment, Severity
from ..policy.schema import Policy
from .base import Detector, PatternRule, Sample

# Horizontal space only: a marking never spans lines, and `\s` would cross segment joins.
_SP = "[ \\t\\u3000\\u00a0]"
def _spaced(word: str) -> str:
    """`机密` -> `机[ ]{0,3}密`: spaced-out markings (`机 密`, `绝　密`) are still markings."""
    return f"{_SP}{{0,3}}".join(re.escape(ch) for ch in word)


_STAR = "[★☆✭⭐]"
_DIGITS = "[0-9０-９]"
# Period after the star: 10年, 6个月, 长期, 启用前 (exam papers), or a date it holds until.
_PERIOD = (
    f"(?:{_SP}{{0,3}}(?:{_spaced('长期')}|{_spaced('永久')}|启用前|解密前"
    f"|(?:至|到)?{_DIGITS}{{4}}{_SP}?年{_SP}?{_DIGITS}{{1,2}}{_SP}?月(?:{_SP}?{_DIGITS}{{1,2}}{_SP}?日)?(?:前|止)?"
    f"|{_DIGITS}{{1,3}}{_SP}?(?:年|个月|月|天|日)))?"
)


_LEVELS_ZH = {"绝密": Severity.CRITICAL, "机密": Severity.CRITICAL, "秘密": Severity.HIGH}
_RULE_SUFFIX = {"绝密": "top_secret", "机密": "secret", "秘密": "confidential"}

# Opening brackets or spaces a label line may start with.
# Bounded on purpose: two unbounded space runs around an optional bracket backtrack
# quadratically on a long run of spaces.
# Markdown heading, quote or emphasis marks (`# 机密`, `**秘密**`) may come first.
_LEAD = f"(?:^|(?<=\\n)){_SP}{{0,8}}(?:[#>*_]{{1,6}}{_SP}{{0,2}})?[【\\[（(〔]?{_SP}{{0,3}}"
# Internal-use labels (medium): order matters, longest alternatives first.
_INTERNAL = (
    f"(?:仅供|仅限)?{_spaced('内部资料')}(?:{_SP}{{0,3}}[，,、]?{_SP}{{0,3}}注意保存)?|(?:仅供|仅限)?内部使用"
    f"|内部文件|内部材料|内部刊物|(?:仅供)?内部参考"
    f"|{_spaced('工作秘密')}|{_spaced('商业秘密')}|{_spaced('内部')}|敏感信息|{_spaced('敏感')}"
)

_EN_CAVEAT = "(?://[A-Z0-9][A-Z0-9 ,-]{0,40}(?:/{1,2}[A-Z0-9][A-Z0-9 ,-]{0,40}){0,4})"

# An internal-use label with its handling instruction (`内部资料 注意保存`, `内部资料，请勿外传`,
# spaced `内 部 资 料 注 意 保 存`): a label wherever it stands in a line, even after a title on a
# cover (`某某通讯 2024年第3期 内部资料 注意保存`), as long as it is not inside a sentence.
_HANDLING = "|".join(
    _spaced(w) for w in ("注意保存", "注意保密", "注意保管", "妥善保管", "请勿外传", "严禁外传", "不得外传")
)
_INTERNAL_KIND = "|".join(_spaced(w) for w in ("内部资料", "内部文件", "内部刊物", "内部参考", "内部材料"))
_INTERNAL_PHRASE = (
    f"(?<![\\u4e00-\\u9fff])(?P<v>(?:仅供|仅限)?(?:{_INTERNAL_KIND}){_SP}{{0,3}}[，,、★☆]?{_SP}{{0,3}}"
    f"(?:{_HANDLING}))(?![\\u4e00-\\u9fff])"
)

# Characters that may follow a label on its line without turning it into prose.
_LABEL_TAIL = " \t\u3000\u00a0】]）)〕:：|-–—/#*_"


_LINE_REACH = 240  # a label's line is short; never walk a megabyte-long line per candidate


def _line_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The text before the match on its line, and after it on its line (at most `_LINE_REACH`
    characters each way: a longer line is prose, and the cap keeps refine() linear)."""
    lo = max(0, start - _LINE_REACH)
    hi = min(len(text), end + _LINE_REACH)
    line_start = text.rfind("\n", lo, start) + 1 or lo
    line_end = text.find("\n", end, hi)
    if line_end < 0:
        line_end = hi
    return text[line_start:start], text[end:line_end]


def _is_label_zh(match_text: str, before: str, after: str, layer: Layer) -> bool:
    """A Chinese level word at the start of a line is a label when nothing, a bracket, or a gap
    follows it; `机密文件管理办法` (word run straight on into prose) is not."""
    if before.strip(_LABEL_TAIL + "【[（(〔>"):
        return False
    rest = after.lstrip("】]）)〕*_")
    if not rest.strip(_LABEL_TAIL):
        return True
    if layer in (Layer.HEADER, Layer.FOOTER):
        return True
    # A gap (space, tab, ideographic space) between the label and the title that follows.
    return rest[0] in " \t\u3000\u00a0|" and len(rest) - len(rest.lstrip(" \t\u3000\u00a0")) >= 1


_FIELD_NAME = re.compile(r"(?i)(?:classification|classified(?: by)?|marking|security level)\s*[:：]\s*$")


def _is_label_en(match_text: str, before: str, after: str, layer: Layer) -> bool:
    """An upper-case classification word is a label when it carries a caveat (`//NOFORN`), sits
    in a header or footer, opens its line, or the whole line is an upper-case banner."""
    if "//" in match_text or layer in (Layer.HEADER, Layer.FOOTER):
        return True
    if _FIELD_NAME.search(before):  # "Classification: SECRET"
        return True
    line = before + match_text + after
    letters = [c for c in line if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return True
    if before.strip(" \t\u3000\u00a0([【"):
        return False
    rest = after.strip()
    # `SECRET` alone, or followed by a separator ("CONFIDENTIAL - do not forward").
    return not rest or rest[0] in "-–—:|/(" or rest.split(" ", 1)[0].isupper()


class MarkingDetector(Detector):
    name = "marking"
    categories = ("marking",)

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        override = policy.detector_settings(self.name).severity

        def sev(default: Severity) -> Severity:
            return Severity.parse(override) if override else default

        out: list[PatternRule] = []
        for word, level_sev in _LEVELS_ZH.items():
            suffix = _RULE_SUFFIX[word]
            # Level + star (+ period): a marking wherever it stands, unless it is quoted prose.
            out.append(
                PatternRule(
                    rule=f"marking.zh_{suffix}_star",
                    category="marking",
                    regex=f"(?P<v>{_spaced(word)}{_SP}{{0,3}}{_STAR}{_PERIOD})",
                    severity=sev(level_sev),
                    confidence=0.9,
                    negative_context=("标注为", "标明", "标为", "例如", "如“", "格式", "示例"),
                    negative_penalty=0.45,
                    context_window=12,
                    message=f"secrecy marking {word} (state secret level) on the document",
                    max_len=40,
                )
            )
            # Level word standing alone at the start of a line (or header): judged by refine().
            out.append(
                PatternRule(
                    rule=f"marking.zh_{suffix}_label",
                    category="marking",
                    regex=f"{_LEAD}(?P<v>{_spaced(word)})(?!{_SP}{{0,3}}{_STAR})",
                    severity=sev(level_sev),
                    confidence=0.8,
                    message=f"secrecy level label {word} at the head of a line",
                    max_len=40,
                )
            )
            # A form field naming the level: `密级：秘密`, `密 级 机密`.
            out.append(
                PatternRule(
                    rule=f"marking.zh_{suffix}_field",
                    category="marking",
                    # Not when a star follows: the star rule reports `秘密★6个月` whole.
                    regex=(
                        f"{_spaced('密级')}{_SP}{{0,3}}[:：]?{_SP}{{0,3}}(?P<v>{_spaced(word)})"
                        f"(?!{_SP}{{0,3}}{_STAR})"
                    ),
                    severity=sev(level_sev),
                    confidence=0.85,
                    message=f"secrecy level field 密级 = {word}",
                    max_len=24,
                )
            )
        out.append(
            PatternRule(
                rule="marking.zh_internal",
                category="marking",
                regex=f"{_LEAD}(?P<v>(?:{_INTERNAL})(?:{_SP}{{0,3}}{_STAR})?)",
                severity=sev(Severity.MEDIUM),
                confidence=0.75,
                message="internal-use or sensitivity label (内部 / 工作秘密 / 商业秘密 / 敏感)",
                max_len=64,
            )
        )
        out.append(
            PatternRule(
                rule="marking.zh_internal_phrase",
                category="marking",
                regex=_INTERNAL_PHRASE,
                severity=sev(Severity.MEDIUM),
                confidence=0.8,
                negative_context=("例如", "标注为", "标明", "示例"),
                context_window=12,
                message="internal-use label with a handling instruction (内部资料 注意保存)",
                max_len=64,
            )
        )
        out.append(
            PatternRule(
                rule="marking.en_top_secret",
                category="marking",
                regex=f"(?<![A-Za-z])(?P<v>(?:TOP{_SP}+SECRET|ＴＯＰ{_SP}*ＳＥＣＲＥＴ){_EN_CAVEAT}?)(?![A-Za-z])",
                severity=sev(Severity.CRITICAL),
                confidence=0.85,
                message="classification marking TOP SECRET",
                max_len=240,
            )
        )
        out.append(
            PatternRule(
                rule="marking.en_secret",
                category="marking",
                regex=(
                    "(?<![A-Za-z])(?<!TOP )(?<!ＴＯＰ)(?<!ＴＯＰ　)"
                    f"(?P<v>(?:SECRET|ＳＥＣＲＥＴ){_EN_CAVEAT}?)(?![A-Za-z])"
                ),
                severity=sev(Severity.HIGH),
                confidence=0.8,
                message="classification marking SECRET",
                max_len=240,
            )
        )
        out.append(
            PatternRule(
                rule="marking.en_confidential",
                category="marking",
                regex=f"(?<![A-Za-z])(?P<v>(?:CONFIDENTIAL|RESTRICTED|ＣＯＮＦＩＤＥＮＴＩＡＬ){_EN_CAVEAT}?)(?![A-Za-z])",
                severity=sev(Severity.HIGH),
                confidence=0.8,
                message="classification marking CONFIDENTIAL / RESTRICTED",
                max_len=240,
            )
        )
        out.append(
            PatternRule(
                rule="marking.en_official_use",
                category="marking",
                regex=(
                    f"(?<![A-Za-z])(?P<v>FOR{_SP}+OFFICIAL{_SP}+USE{_SP}+ONLY|FOUO|CUI{_EN_CAVEAT}?"
                    f"|(?i:company|strictly|internal){_SP}+(?i:confidential)|(?i:internal{_SP}+use{_SP}+only))"
                    "(?![A-Za-z])"
                ),
                severity=sev(Severity.MEDIUM),
                confidence=0.75,
                message="handling label (FOUO / CUI / company confidential / internal use only)",
                max_len=240,
            )
        )
        out.append(
            PatternRule(
                rule="marking.en_portion",
                category="marking",
                regex=f"{_LEAD}(?P<v>\\((?:TS|S|C|U|FOUO|CUI)(?://[A-Z0-9/ -]{{1,30}})?\\))(?={_SP})",
                severity=sev(Severity.HIGH),
                confidence=0.6,
                context=("secret", "noforn", "classified", "//"),
                negative_context=("(a)", "(b)", "(d)"),
                context_window=120,
                message="portion marking at the start of a paragraph (document from a classified system)",
                max_len=48,
            )
        )
        return tuple(out)

    def refine(self, rule: PatternRule, match: re.Match[str], segment: Segment, finding: Finding) -> Finding | None:
        start = finding.location.start - (segment.location.start or 0) if finding.location.start is not None else 0
        end = start + len(finding.match)
        before, after = _line_around(segment.text, start, end)
        name = rule.rule
        if name.endswith(("_star", "_field", "_phrase")):
            return finding
        if name.startswith("marking.zh_"):
            if not _is_label_zh(finding.match, before, after, segment.layer):
                return None
            # Inside a sentence that goes on after a comma or full stop, a word is prose.
            return finding
        if name == "marking.en_official_use":
            if finding.match.isupper() and ("FOUO" in finding.match or "OFFICIAL" in finding.match):
                return finding
            return finding if _is_label_en(finding.match, before, after, segment.layer) else None
        if name == "marking.en_portion":
            if finding.match == "(U)":
                # Unclassified portion: shows provenance, reveals nothing by itself.
                return replace(finding, severity=Severity.LOW)
            if finding.match.startswith("(TS"):
                return replace(finding, severity=Severity.CRITICAL)
            return finding
        return finding if _is_label_en(finding.match, before, after, segment.layer) else None

    def samples(self) -> Sequence[Sample]:
        return (
            Sample("机密★10年\n关于某项目的通知", "marking", match="机密★10年"),
            Sample("秘密★", "marking", match="秘密★"),
            Sample("绝密★长期", "marking", match="绝密★长期"),
            Sample("秘密★6个月", "marking", match="秘密★6个月"),
            Sample("机密★2027年12月31日前", "marking", match="机密★2027年12月31日前"),
            Sample("绝密★启用前\n2026年普通高等学校招生考试", "marking", match="绝密★启用前"),
            Sample("机 密\n关于调整的通知", "marking", match="机 密"),
            Sample("秘密\n", "marking", match="秘密"),
            Sample("【机密】 第1页", "marking", match="机密"),
            Sample("# 秘密\n\n会议纪要", "marking", match="秘密"),
            Sample("**机密★5年**", "marking", match="机密★5年"),
            Sample("**内部资料**", "marking", match="内部资料"),
            Sample("内部资料 注意保存", "marking", match="内部资料 注意保存"),
            Sample("工作秘密\n会议纪要", "marking", match="工作秘密"),
            Sample("商业秘密", "marking", match="商业秘密"),
            Sample("内部使用", "marking", match="内部使用"),
            Sample("TOP SECRET//SCI", "marking", match="TOP SECRET//SCI"),
            Sample("SECRET//NOFORN\nSubject: site survey", "marking", match="SECRET//NOFORN"),
            Sample("CONFIDENTIAL\nMemo to staff", "marking", match="CONFIDENTIAL"),
            Sample("(S) The battalion moves on Tuesday.", "marking", match="(S)"),
            Sample("(TS) Source reporting indicates", "marking", match="(TS)"),
            Sample("UNCLASSIFIED//FOR OFFICIAL USE ONLY", "marking"),
            Sample("Company Confidential", "marking", match="Company Confidential"),
            Sample("密级：秘密    保密期限：6个月", "marking", match="秘密"),
            Sample("Classification: SECRET", "marking", match="SECRET"),
            Sample("秘书处负责会议安排。", "marking", expect=False),
            Sample("双方应签订保密协议。", "marking", expect=False),
            Sample("All bids are kept confidential until opening.", "marking", expect=False),
            Sample("I will tell you, this is a secret.", "marking", expect=False),
            Sample("严禁泄露国家秘密和机密信息。", "marking", expect=False),
            Sample("机密文件管理办法第三条", "marking", expect=False),
            Sample("## 机密文件的管理", "marking", expect=False),
            Sample("商业秘密保护是企业的重要工作。", "marking", expect=False),
            Sample("内部控制制度应当完善。", "marking", expect=False),
            Sample("The Secret Garden is a novel.", "marking", expect=False),
            Sample("The SECRET to good soup is time.", "marking", expect=False),
            Sample("敏感词过滤", "marking", expect=False),
            Sample("ＳＥＣＲＥＴ\n会议纪要", "marking", match="ＳＥＣＲＥＴ"),
            Sample("ＴＯＰ ＳＥＣＲＥＴ", "marking", match="ＴＯＰ ＳＥＣＲＥＴ"),
            Sample("内 部 资 料 注 意 保 存", "marking", match="内 部 资 料 注 意 保 存"),
            Sample("内部资料　注意保存", "marking", match="内部资料\u3000注意保存"),
            Sample("某某通讯 2024年第3期 内部资料 注意保存", "marking", match="内部资料 注意保存"),
            Sample("第3期\u3000\u3000内部资料\u3000注意保存", "marking", match="内部资料\u3000注意保存"),
            Sample("（内部资料，请勿外传）", "marking", match="内部资料，请勿外传"),
            Sample("内部资料★注意保存", "marking", match="内部资料★注意保存"),
            Sample("仅供内部参考", "marking", match="仅供内部参考"),
            Sample("绝　密　★　长　期", "marking", match="绝\u3000密\u3000★\u3000长\u3000期"),
            Sample("本文是内部资料，注意保存好。", "marking", expect=False),
            Sample("请注意保存内部资料。", "marking", expect=False),
            Sample("公司内部资料不得外传。", "marking", expect=False),
            Sample("内部资料的管理规定如下", "marking", expect=False),
            Sample("文件应标注为内部资料 注意保存字样", "marking", expect=False),
        )
