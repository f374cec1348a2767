"""Military unit cover designators: `中国人民解放军61234部队`, `61234部队`, `武警8650部队`, and
the English `PLA Unit 61398`. Exact unit numbers next to a place or a purchase are sensitive;
masked forms (`61XXX部队`, `××部队`) are how a safe notice writes them and do not match."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Severity
from ..policy.schema import Policy
from .base import Detector, PatternRule, Sample
from .normalize import digits_only

_D = "[0-9０-９]"
_GAP = "[ \\u3000\\u00a0]?"  # digits are sometimes spaced out to dodge naive searches


def _digits(n: int) -> str:
    return _D + f"(?:{_GAP}{_D}){{{n - 1}}}"


def designator_valid(value: str) -> bool:
    """Five (PLA) or four-five (armed police) digits, not a run of one digit like 00000."""
    digits = "".join(ch for ch in digits_only(value) if ch.isdigit())
    return digits[:1] != "0" and len(set(digits)) > 1


class UnitDesignatorDetector(Detector):
    name = "unit_designator"
    categories = ("unit_designator",)

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        sev = policy.severity_for(self.name, Severity.HIGH)
        return (
            PatternRule(
                rule="unit_designator.pla",
                category="unit_designator",
                regex=(
                    f"(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ])(?P<v>(?:中国人民解放军{_GAP}|解放军{_GAP})?"
                    f"{_digits(5)}{_GAP}部队)"
                ),
                severity=sev,
                confidence=0.85,
                validate=designator_valid,
                message="military unit cover designator (番号): identifies a specific unit",
                max_len=40,
            ),
            PatternRule(
                rule="unit_designator.armed_police",
                category="unit_designator",
                regex=f"(?P<v>(?:中国人民)?武(?:装)?警(?:察)?(?:部队)?{_GAP}{_D}(?:{_GAP}{_D}){{3,4}}{_GAP}部队)",
                severity=sev,
                confidence=0.85,
                validate=designator_valid,
                message="armed police unit designator: identifies a specific unit",
                max_len=40,
            ),
            PatternRule(
                rule="unit_designator.en",
                category="unit_designator",
                regex="(?<![A-Za-z])(?P<v>(?:PLA |People's Liberation Army )?Unit [0-9]{5})(?![0-9])",
                severity=sev,
                confidence=0.45,
                validate=designator_valid,
                context=("pla", "liberation army", "military", "army", "军"),
                context_boost=0.4,
                context_window=60,
                message="military unit designator (English form)",
                max_len=48,
            ),
        )

    def samples(self) -> Sequence[Sample]:
        return (
            Sample("中国人民解放军61234部队采购项目", "unit_designator", match="中国人民解放军61234部队"),
            Sample("由61234部队负责验收", "unit_designator", match="61234部队"),
            Sample("武警8650部队营区", "unit_designator", match="武警8650部队"),
            Sample("解放军６１２３４部队", "unit_designator"),
            Sample("由6 1 2 3 4部队组织", "unit_designator"),
            Sample("PLA Unit 61398 in Shanghai", "unit_designator"),
            Sample("61XXX部队", "unit_designator", expect=False),
            Sample("××部队后勤部", "unit_designator", expect=False),
            Sample("编号123456部队", "unit_designator", expect=False),  # six digits
            Sample("00000部队", "unit_designator", expect=False),
            Sample("Unit 12345 of the apartment block", "unit_designator", expect=False),
        )
