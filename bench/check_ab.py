"""Two versions of `mosaicguard check` on the same drafts, interleaved: for every draft the first
source tree then the second, one after the other, so both see the same machine load. Prints, per
version, the wall time and the CPU time (user + system of the check process) of each check
(min / median / max), and whether the two versions' JSON reports are identical (timings aside).

    python bench/check_ab.py OLD_SRC NEW_SRC --domain /work/bench-data/v2w/dg1m \
        --index /work/bench-data/s13/g1m/index.sqlite [--drafts DIR] [--pyc DIR]

OLD_SRC / NEW_SRC are `src` folders (e.g. `git archive a030f64 src | tar -x -C /tmp/old`); each
check is the CLI a user runs (`mosaicguard check DRAFT --trust-index`, a new process, start-up
included) with PYTHONPATH set to that tree. `--pyc DIR` lets Python keep bytecode caches under DIR
(as an installed wheel has them) even where PYTHONDONTWRITEBYTECODE is set; a first untimed
check per version fills them. The index is only read.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _check(src: Path, draft: Path, domain: Path, index: Path, out: Path, pyc: Path | None) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    if pyc is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pyc / src.resolve().as_posix().strip("/").replace("/", "_"))
    args = [str(Path(sys.executable).with_name("mosaicguard")), "check", str(draft), "--corpus",
            str(domain / "corpus"), "--policy", str(domain / "policy.yaml"), "--index", str(index),
            "--format", "json", "-q", "-o", str(out), "--trust-index"]
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1 = new exposures found
        raise SystemExit(f"{src}: check of {draft.name} exited {code}")
    return wall, usage.ru_utime + usage.ru_stime


def _report(path: Path) -> Any:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("timings_s", None)
    return data


def _spread(values: list[float]) -> dict[str, float]:
    return {"min": round(min(values), 2), "median": round(statistics.median(values), 2),
            "max": round(max(values), 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="the first `src` folder")
    parser.add_argument("new", type=Path, help="the second `src` folder")
    parser.add_argument("--domain", type=Path, required=True, help="a folder `python -m domaingen --out` wrote")
    parser.add_argument("--index", type=Path, required=True, help="the index `mosaicguard aggregate --index` built")
    parser.add_argument("--drafts", type=Path, help="its drafts folder (default: DOMAIN-drafts)")
    parser.add_argument("--pyc", type=Path, help="keep bytecode caches under this folder")
    args = parser.parse_args()
    drafts = sorted((args.drafts or args.domain.with_name(args.domain.name + "-drafts")).glob("*.txt"))
    versions = {"old": args.old, "new": args.new}
    walls: dict[str, list[float]] = {v: [] for v in versions}
    cpus: dict[str, list[float]] = {v: [] for v in versions}
    differ: list[str] = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = {v: Path(tmp) / f"{v}.json" for v in versions}
        if args.pyc is not None and drafts:
            for v, src in versions.items():  # fill the bytecode caches, untimed
                _check(src, drafts[0], args.domain, args.index, out[v], args.pyc)
        for draft in drafts:
            for v, src in versions.items():
                wall, cpu = _check(src, draft, args.domain, args.index, out[v], args.pyc)
                walls[v].append(wall)
                cpus[v].append(cpu)
            if _report(out["old"]) != _report(out["new"]):
                differ.append(draft.name)
    result = {
        "drafts": len(drafts), "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
        "bytecode_caches": args.pyc is not None,
        **{v: {"src": str(src), "wall_s": _spread(walls[v]), "cpu_s": _spread(cpus[v]),
               # the three slowest checks by wall time: (wall, CPU, draft)
               "slowest": sorted(((round(w, 2), round(c, 2), d.name)
                                  for w, c, d in zip(walls[v], cpus[v], drafts, strict=True)), reverse=True)[:3]}
           for v, src in versions.items() if walls[v]},
        "reports_differ": differ,
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
