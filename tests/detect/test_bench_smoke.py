"""The content benchmark still runs (tiny size, no Presidio): a benchmark that rots is worse than none."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "content_throughput.py"


def test_content_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("content_throughput", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--mb", "0.3", "--presidio-mb", "0", "--terms", "50"]) == 0
    out = capsys.readouterr().out
    assert "MB/s per core" in out
    # Deterministic input: the same seed gives the same text.
    assert module.generate(0.05) == module.generate(0.05)


def test_instruction_count_driver_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """`content_passes.py` (the callgrind driver) runs its passes and finds what the throughput
    benchmark finds on the same text."""
    spec = importlib.util.spec_from_file_location("content_passes", BENCH.with_name("content_passes.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--mb", "0.2", "--passes", "1", "--bench-dir", str(BENCH.parent)]) == 0
    out = capsys.readouterr().out
    found = int(out.split(": ")[1].split()[0])
    assert found > 0
