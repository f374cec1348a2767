"""Shared fixtures. Keep this small: fixtures used by one folder belong in that folder."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli() -> Callable[..., CliResult]:
    """Run `mosaicguard ARGS...` in-process through `main(argv)`, capturing both streams."""
    from mosaicguard.cli import main

    def run(*args: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args])
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def samples_dir() -> Path:
    """The committed demo set (read only: tests never write into it)."""
    return SAMPLES


@pytest.fixture(autouse=True, scope="session")
def _hyperscan_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled Hyperscan databases go to a per-run folder, not the user's ~/.cache (tests and the
    CLI subprocesses they start inherit it); tests of the cache itself set their own."""
    import os

    os.environ.setdefault("MOSAICGUARD_CACHE_DIR", str(tmp_path_factory.mktemp("hs-cache")))
