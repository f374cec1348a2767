"""The engine builds findings inline (no `make_finding` / `_score` call per match): every field
must equal what the reference helpers give for the same rule, segment and span."""

from __future__ import annotations

import dataclasses
import random

import pytest

from detect.helpers import CONTENT_DETECTORS, SAMPLE_POLICY
from mosaicguard.detect.base import make_finding
from mosaicguard.detect.engine import Engine, _score
from mosaicguard.detect.registry import get_detector
from mosaicguard.model import Document, Layer, Location, Segment

PIECES = (
    "机密★10年", "\n", " ", "，", "身份证号 11010519491231002X", "手机 138 1234 5678", "+86 13812345678",
    "zhang.wei@example.cn", "6222 0212 3456 7890 128", "护照 E12345678", "坐标 39.904211, 116.407395",
    "39.90421, 116.40739", "61234部队", "password=Hx9#kLm2Qw", "10.1.2.3", "订单号 20260115000123",
    "the supplier", "项目采购公告", "x" * 30, "测试样例" * 12,
)


def test_inline_findings_equal_reference_helpers() -> None:
    rng = random.Random(7)
    segs, pos = [], 100
    for i in range(60):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
        segs.append(Segment(text, Layer.BODY, Location(page=i % 3 + 1, start=pos, part="word/document.xml")))
        pos += len(text) + 1
    doc = Document(path="x.docx", media_type="text/plain", sha256="", segments=tuple(segs))
    engine = Engine(SAMPLE_POLICY, "python", detectors=[get_detector(n) for n in CONTENT_DETECTORS])
    by_rule = {rule.rule: (i, rule) for i, rule in enumerate(engine.rules)}
    checked = 0
    for finding in engine._scan_segments(doc.segments, ([s.text for s in segs], _starts(segs))):
        index, rule = by_rule[finding.rule]
        seg = next(s for s in segs if s.location.start <= finding.location.start <= s.location.start + len(s.text))
        start = finding.location.start - seg.location.start
        end = finding.location.end - seg.location.start
        if engine._refines[index] and finding.confidence != max(0.0, min(1.0, _score(rule, seg.text, start, end))):
            continue  # a detector's `refine` changed it on purpose
        reference = make_finding(rule, seg, start, end, _score(rule, seg.text, start, end))
        if engine._refines[index]:
            # `refine` may set severity and extra facts (a phone's kind); everything else is the engine's.
            reference = dataclasses.replace(reference, severity=finding.severity, extra=finding.extra)
        assert finding == reference
        checked += 1
    assert checked > 100
    # Context slices clipped at both ends of a segment, page and part carried over.
    assert any(f.location.page == 3 for f in engine.scan(doc))


def _starts(segs: list[Segment]) -> list[int]:
    out, pos = [], 0
    for s in segs:
        out.append(pos)
        pos += len(s.text) + 1
    return out


def _big_mixed_text(n_bytes: int) -> str:
    rng = random.Random(11)
    parts: list[str] = []
    size = 0
    while size < n_bytes:
        piece = rng.choice((*PIECES, "采购公告𠀀扩展字符", "é ü ß", "\t"))
        parts.append(piece)
        size += len(piece.encode("utf-8"))
    return "".join(parts)


def test_numpy_char_ends_equal_decode_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long texts map Hyperscan's byte ends to characters with numpy, short ones by decoding:
    both must give the same (character end, rule) list, including 4-byte characters."""
    from mosaicguard.detect import matcher as matcher_module

    engine = Engine(SAMPLE_POLICY, "hyperscan", detectors=[get_detector(n) for n in CONTENT_DETECTORS])
    text = _big_mixed_text(200_000)
    assert len(text.encode("utf-8")) >= matcher_module._NUMPY_MIN_BYTES
    with_numpy = engine.matcher._hits(text)  # type: ignore[attr-defined]
    monkeypatch.setattr(matcher_module, "_NUMPY_MIN_BYTES", 1 << 40)
    decoded = engine.matcher._hits(text)  # type: ignore[attr-defined]
    assert len(with_numpy) > 1000
    assert with_numpy == decoded


def test_long_document_same_findings_both_engines() -> None:
    text = _big_mixed_text(150_000)
    lines = text.split("\n")
    segs, pos = [], 0
    for line in lines:
        segs.append(Segment(line, Layer.BODY, Location(start=pos)))
        pos += len(line) + 1
    doc = Document(path="x.txt", media_type="text/plain", sha256="", segments=tuple(segs))
    found = {}
    for kind in ("hyperscan", "python"):
        engine = Engine(SAMPLE_POLICY, kind, detectors=[get_detector(n) for n in CONTENT_DETECTORS])
        found[kind] = engine.scan(doc)
    assert len(found["python"]) > 500
    assert found["hyperscan"] == found["python"]
    for f in found["python"][:200]:
        seg = next(s for s in segs if s.location.start <= f.location.start <= s.location.start + len(s.text))
        assert seg.text[f.location.start - seg.location.start : f.location.end - seg.location.start] == f.match


def test_with_confidence_equals_dataclasses_replace() -> None:
    import dataclasses

    from mosaicguard.detect.base import with_confidence
    from mosaicguard.model import Finding, Severity

    # `with_confidence` passes every field positionally: a new field must be added there too.
    assert [f.name for f in dataclasses.fields(Finding)] == [
        "category", "severity", "confidence", "match", "layer", "rule", "message", "location",
        "context_before", "context_after", "extra", "id",
    ]
    original = Finding(
        "coordinates", Severity.HIGH, 0.6, "39.90421, 116.40739", Layer.COMMENT, "coordinates.decimal_pair",
        "msg", Location(page=2, start=5, end=24, part="p", pointer="A1"), "before", "after",
        (("k", "v"),), "id-1",
    )
    assert with_confidence(original, 0.75) == dataclasses.replace(original, confidence=0.75)
