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


def test_ab_driver_runs_two_trees_in_one_process(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`content_ab.py` imports a copy of a tree beside the current one and times both; given the
    current tree as the old one, both find the same and it reports each."""
    import sys

    monkeypatch.setattr(sys, "path", [str(BENCH.parent), *sys.path])  # restored after the test
    spec = importlib.util.spec_from_file_location("content_ab", BENCH.with_name("content_ab.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    src = Path(__file__).resolve().parents[2] / "src"
    assert module.main(["--old", str(src), "--mb", "0.2", "--passes", "1"]) == 0
    out = capsys.readouterr().out
    assert "identical in both trees" in out
    assert "old: best" in out and "new: best" in out


def test_office_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("office_extract", BENCH.with_name("office_extract.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["--rounds", "1", "--per-round", "1", "--kind", "docx"])
    out = capsys.readouterr().out
    assert out.startswith("docx:") and "ms per file" in out and "xlsx" not in out
