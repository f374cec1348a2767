"""Draft verdict accuracy at scale: `mosaicguard check` of every draft the domain generator wrote,
against an index `mosaicguard aggregate --index` already built, scored by the generator's truth.

    PYTHONPATH=src .venv/bin/python bench/draft_verdicts.py --domain OUT --index INDEX.sqlite \
        [--drafts OUT-drafts] [--fresh]

Each draft is checked by the CLI a user runs (a new process, start-up included) with
`--trust-index` (or, with `--fresh`, with the freshness walk of the corpus), and scored by
`tests/domaingen/evaluate.py` (`evaluate_check`, `draft_accuracy`): is the verdict right (new
exposure or not), is every fix value verbatim in the draft and one the generator expected. Prints
one JSON object: the summary, the wall and CPU time per check (min / median / max; CPU time
(user + system of the check process) says less about what else the machine runs), the five
slowest checks and the wrong drafts.
The index is only read (check never writes it).
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

# The generator and its evaluator are test code: they live under tests/, never in the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def check_all(out: Path, drafts: Path, index: Path, fresh: bool) -> dict[str, Any]:
    """Check every draft in `drafts` against `index` through the CLI and score the verdicts."""
    from domaingen.evaluate import draft_accuracy, evaluate_check

    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    cli = Path(sys.executable).with_name("mosaicguard")
    rows: list[dict[str, Any]] = []
    walls: list[float] = []
    cpus: list[float] = []
    names: list[str] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "check.json"
        for draft in sorted(drafts.glob("*.txt")):
            args = [str(cli), "check", str(draft), "--corpus", str(out / "corpus"), "--policy",
                    str(out / "policy.yaml"), "--index", str(index), "--format", "json", "-q",
                    "-o", str(report_path)]
            if not fresh:
                args.append("--trust-index")
            names.append(draft.name)
            start = time.perf_counter()
            with tempfile.TemporaryFile() as err:
                proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
                # the child's CPU time (user + system) too: less sensitive than wall time to
                # what else the machine runs
                _, status, usage = os.wait4(proc.pid, 0)
                walls.append(time.perf_counter() - start)
                cpus.append(usage.ru_utime + usage.ru_stime)
                code = os.waitstatus_to_exitcode(status)
                if code not in (0, 1):  # 1 = exposures found, as documented
                    err.seek(0)
                    failed.append(f"{draft.name}: exit {code}: {err.read().decode()[-300:]}")
                    continue
            report = json.loads(report_path.read_text(encoding="utf-8"))
            rows.append(evaluate_check(report, truth, draft.name, draft.read_text(encoding="utf-8")))
    summary = draft_accuracy(rows)
    by_kind: dict[str, list[bool]] = {}
    for row in rows:
        kind = row["draft"].split("-", 1)[1].rsplit(".", 1)[0]  # c0003-new-location.txt -> new-location
        by_kind.setdefault(kind, []).append(bool(row["verdict_correct"]))
    return {
        "corpus": str(out), "index": str(index), "mode": "fresh" if fresh else "trust_index", **summary,
        "failed": failed,
        "by_kind": {k: f"{sum(v)}/{len(v)}" for k, v in sorted(by_kind.items())},
        "wrong_rows": [r for r in rows if not r["verdict_correct"]],
        # a right `new` verdict whose fix names no value the generator expected (still verified)
        "fix_misses": [{k: r[k] for k in ("draft", "fix", "fix_overlaps")} for r in rows if r["fix_correct"] is False],
        "check_wall_s": {"min": round(min(walls), 2), "median": round(statistics.median(walls), 2),
                         "max": round(max(walls), 2)} if walls else None,
        "check_cpu_s": {"min": round(min(cpus), 2), "median": round(statistics.median(cpus), 2),
                        "max": round(max(cpus), 2)} if cpus else None,
        # the slowest checks by wall time, to tell a slow draft from a busy moment
        "slowest": sorted(((round(w, 2), round(c, 2), name) for w, c, name in zip(walls, cpus, names, strict=True)),
                          reverse=True)[:5],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", type=Path, required=True, help="a folder `python -m domaingen --out` wrote")
    parser.add_argument("--index", type=Path, required=True, help="the index `mosaicguard aggregate --index` built")
    parser.add_argument("--drafts", type=Path, help="its drafts folder (default: OUT-drafts)")
    parser.add_argument("--fresh", action="store_true", help="walk the corpus for freshness (no --trust-index)")
    args = parser.parse_args()
    drafts = args.drafts or args.domain.with_name(args.domain.name + "-drafts")
    load_before = os.getloadavg()[0]
    result = {"load_before": load_before, **check_all(args.domain, drafts, args.index, args.fresh),
              "load_after": os.getloadavg()[0]}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0 if not result["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
