"""Every detector's documented samples hold on both engines, and both engines agree exactly."""

from __future__ import annotations

import pytest

from detect.helpers import CONTENT_DETECTORS, ENGINES, scan_text
from mosaicguard.detect.registry import get_detector

CASES = [
    pytest.param(name, index, sample, id=f"{name}-{index}")
    for name in CONTENT_DETECTORS
    for index, sample in enumerate(get_detector(name).samples())
]


def test_every_content_detector_has_true_and_false_samples() -> None:
    for name in CONTENT_DETECTORS:
        samples = get_detector(name).samples()
        assert any(s.expect for s in samples), name
        assert any(not s.expect for s in samples), name


@pytest.mark.parametrize("kind", ENGINES)
@pytest.mark.parametrize(("name", "index", "sample"), CASES)
def test_sample(kind: str, name: str, index: int, sample: object) -> None:
    findings = [f for f in scan_text(sample.text, kind, name) if f.category == sample.category]  # type: ignore[attr-defined]
    values = [f.match for f in findings]
    if sample.expect:  # type: ignore[attr-defined]
        assert findings, f"{name}: expected a {sample.category} finding in {sample.text!r}"  # type: ignore[attr-defined]
        if sample.match is not None:  # type: ignore[attr-defined]
            assert sample.match in values, values  # type: ignore[attr-defined]
    else:
        assert not findings, f"{name}: unexpected {values} in {sample.text!r}"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "index", "sample"), CASES)
def test_engines_agree(name: str, index: int, sample: object) -> None:
    """Hyperscan only says where to look; the exact regex decides, so results are identical."""
    a = scan_text(sample.text, "hyperscan")  # type: ignore[attr-defined]
    b = scan_text(sample.text, "python")  # type: ignore[attr-defined]
    assert a == b
