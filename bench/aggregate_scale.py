"""Aggregation at scale: index N generated short notices, link, evaluate rules, then check a
draft against the index. Reports documents/s per stage and peak memory.

    .venv/bin/python bench/aggregate_scale.py 10000 100000 [--jobs 2] [--keep DIR]
    PYTHONPATH=src .venv/bin/python bench/aggregate_scale.py --domain OUT [--domain OUT2] [--change] \
        [--jobs 2] [--keep DIR]

With `--domain OUT` the corpus is one `python -m domaingen --out OUT --drafts OUT-drafts` wrote:
the files are read from disk by the CLI a user runs (`mosaicguard aggregate OUT/corpus --index`,
a new process, start-up included), the report is scored against `OUT/truth.json` by
`tests/domaingen/evaluate.py`, one draft is checked against the index (with the freshness walk of
the corpus and with `--trust-index`, twice each) and, with `--change`, an unchanged re-run and a
small change (10 files touched, 10 modified, 5 removed; undone afterwards) are timed.

Documents are generated (tests/aggregate/legacy_synth.stream_texts): a two-document
code chain (location in one notice, a radar purpose in the other) every 50 documents, the rest
harmless notices sharing a county, a switchboard phone and generic words. The expected number of
exposures is N/50; the script checks it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from mosaicguard.aggregate.engine import AggregateOptions, Aggregator
from mosaicguard.aggregate.index import SQLiteFactStore
from mosaicguard.policy.load import load_policy

# The legacy generator is test data: it lives under tests/, never in the runtime package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from aggregate.legacy_synth import AGENCY_PHONE, POLICY_YAML, stream_texts


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, kids) / 1024, 1)


def write_corpus_files(n: int, folder: Path) -> None:
    """The benchmark corpus as files on disk (written once per size, reused by later runs)."""
    marker = folder / ".complete"
    if marker.exists():
        return
    for path, text in stream_texts(n - 1):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    # One more notice naming a code and a place but no purpose: the draft below completes it.
    (folder / "bench" / "base.txt").write_text("招标编号:ZB-2026-BENCH1\n交货地点:东海省江北市青山县北山镇南坡村\n",
                                               encoding="utf-8")
    marker.write_text("ok", encoding="utf-8")


def run(n: int, jobs: int, workdir: Path, engine: str) -> dict[str, object]:
    policy_path = workdir / "policy.yaml"
    policy_path.write_text(POLICY_YAML, encoding="utf-8")
    policy = load_policy(policy_path)
    corpus = workdir / f"corpus-{n}"
    t_gen = time.perf_counter()
    write_corpus_files(n, corpus)
    gen_s = time.perf_counter() - t_gen
    db = workdir / f"index-{n}.sqlite"
    db.unlink(missing_ok=True)
    store = SQLiteFactStore(str(db))
    t0 = time.perf_counter()
    aggregator = Aggregator(store, AggregateOptions(policy, jobs=jobs, engine=engine))
    result = aggregator.aggregate([str(corpus)])
    t2 = time.perf_counter()
    store.close()
    # A draft that completes one more chain: its code is in the index with a location only.
    draft = workdir / "draft.txt"
    # It also carries the switchboard printed on a third of the corpus: the worst look-up.
    draft.write_text(f"ZB-2026-BENCH1补充公告:增加雷达天线罩。联系电话:{AGENCY_PHONE}\n", encoding="utf-8")
    timings = []
    for _ in range(3):
        t3 = time.perf_counter()
        store2 = SQLiteFactStore(str(db))
        checker = Aggregator(store2, AggregateOptions(policy, trust_index=True))
        check = checker.check([str(draft)], [])
        store2.close()
        timings.append(time.perf_counter() - t3)
    expected = len(range(0, n - 2, 50))
    sizes = [e["size"] for e in result.entities]
    return {
        "documents": result.corpus["documents"],
        "engine": engine,
        "exposures": len(result.exposures),
        "expected_exposures": expected,
        "entities_2plus": len(sizes),
        "largest_cluster": max(sizes, default=1),
        "refused_merges": result.corpus.get("linking", {}).get("refused_merges"),
        "generate_files_s": round(gen_s, 1),
        "read_extract_s": round(aggregator.timings["index_s"], 2),
        "link_s": round(aggregator.timings["link_s"], 2),
        "rules_s": round(aggregator.timings["rules_s"], 2),
        "total_s": round(t2 - t0, 2),
        "total_docs_per_s": round(n / (t2 - t0)),
        "check_s_best_of_3": round(min(timings), 3),
        "check_new_exposures": sum(1 for e in check.exposures if e.new),
        "index_mb": round(db.stat().st_size / 2**20, 1),
        "peak_rss_mb": peak_mb(),
        "jobs": jobs,
    }


# -- domain-written corpus on disk, through the CLI --------------------------------------------


class TreeRss:
    """Samples the summed RSS of a process and all its descendants (the CLI and its readers)
    from /proc every `interval` seconds; `peak_mb` is the largest sum seen."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                    # The command name may hold spaces and parentheses: the ppid follows the last ')'.
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(children.get(p, []))
        return out

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            total = 0
            for p in self._tree():
                try:
                    with open(f"/proc/{p}/status", encoding="ascii", errors="replace") as fh:
                        for line in fh:
                            if line.startswith("VmRSS:"):
                                total += int(line.split()[1])
                                break
                except (OSError, ValueError):
                    continue
            self.peak_kb = max(self.peak_kb, total)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return round(self.peak_kb / 1024, 1)


def run_cli(args: list[str]) -> dict[str, Any]:
    """Run `mosaicguard ARGS` as a user does (a new process: start-up and imports count) and
    measure wall time, the largest single process (kernel `ru_maxrss` of the CLI or of its
    largest worker) and the sampled peak of the whole process tree."""
    cli = Path(sys.executable).with_name("mosaicguard")
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(cli), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = TreeRss(proc.pid)
    assert proc.stderr is not None
    err = proc.stderr.read()  # read before waiting: a full pipe would block the child
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    tree_mb = sampler.stop()
    if proc.returncode not in (0, 1):  # 1 = exposures at or above the gate, the expected outcome
        raise RuntimeError(f"mosaicguard {' '.join(args)} exited {proc.returncode}: {err.decode()[-2000:]}")
    return {"wall_s": round(wall, 2), "exit": proc.returncode, "max_process_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "tree_rss_mb": tree_mb, "cpu_s": round(usage.ru_utime + usage.ru_stime, 1)}


def small_change(corpus: Path, backup: Path, only: list[Path] | None = None, what: str = ""
                 ) -> tuple[list[Path], dict[Path, bytes], list[tuple[Path, Path]]]:
    """Touch 10 files (new mtime, same bytes), modify 10 (one sentence appended) and remove 5
    (moved to `backup`), spread over the corpus; or, with `only`, apply `what` ("modified" or
    "removed") to those files. Returns what `undo_change` needs."""
    if only is not None:
        touched: list[Path] = []
        modified, removed = (only, []) if what == "modified" else ([], only)
    else:
        files = sorted(p for p in corpus.rglob("*.txt") if p.is_file())
        step = max(1, len(files) // 26)
        picked = files[::step][:25]
        touched, modified, removed = picked[:10], picked[10:20], picked[20:25]
    later = time.time() + 60
    for p in touched:
        os.utime(p, (later, later))
    originals = {p: p.read_bytes() for p in modified}
    for p in modified:
        # The file's own encoding is kept (a few are GB18030): append ASCII only.
        p.write_bytes(originals[p] + b"\nRevised 2026-12-04: contact office hours 9:00-17:00.\n")
    backup.mkdir(parents=True, exist_ok=True)
    moved = []
    for i, p in enumerate(removed):
        target = backup / f"{i}-{p.name}"
        shutil.move(str(p), target)
        moved.append((p, target))
    return touched, originals, moved


def full_relink_cli(index: Path, corpus: Path, common: list[str], workdir: Path, agg_json: Path) -> dict[str, Any]:
    """A full relink of the index's stored facts through the CLI (a copy of the index with its
    link state dropped; the corpus walk finds nothing to read), and whether its entities and exposures equal
    the incremental relink's report in `agg_json`."""
    import sqlite3

    copy = workdir / "full-relink.sqlite"
    for stale in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
        stale.unlink(missing_ok=True)
    src, dst = sqlite3.connect(str(index)), sqlite3.connect(str(copy))
    src.backup(dst)
    src.close()
    dst.close()
    store = SQLiteFactStore(str(copy))
    store.forget_link_state()
    store.commit()
    store.close()
    out = workdir / "full-relink.json"
    args = [a if a != str(index) else str(copy) for a in common]
    stats = run_cli(["aggregate", str(corpus), *args, "-o", str(out)])
    full = json.loads(out.read_text(encoding="utf-8"))
    mine = json.loads(agg_json.read_text(encoding="utf-8"))
    stats["timings_s"] = full.get("timings_s")
    stats["relink"] = full["corpus"].get("linking", {}).get("relink")
    stats["same_entities_and_exposures"] = all(
        json.dumps(mine.get(k), sort_keys=True) == json.dumps(full.get(k), sort_keys=True)
        for k in ("entities", "exposures"))
    for stale in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
        stale.unlink(missing_ok=True)
    return stats


def undo_change(originals: dict[Path, bytes], moved: list[tuple[Path, Path]]) -> None:
    """Put the corpus back as the generator wrote it (the touched files keep their new mtime)."""
    for p, data in originals.items():
        p.write_bytes(data)
    for p, target in moved:
        shutil.move(str(target), p)


def run_domain(out: Path, drafts: Path, draft_name: str, jobs: int, workdir: Path, change: bool) -> dict[str, Any]:
    """Aggregate a corpus that `python -m domaingen` wrote, through the CLI, score it against the
    generator's truth, check one draft and (with `change`) measure a small corpus change."""
    from domaingen.evaluate import evaluate_aggregate, evaluate_check

    corpus, policy = out / "corpus", out / "policy.yaml"
    index = workdir / f"index-{out.name}.sqlite"
    for stale in (index, Path(f"{index}-wal"), Path(f"{index}-shm")):
        stale.unlink(missing_ok=True)
    agg_json, chk_json = workdir / f"agg-{out.name}.json", workdir / f"chk-{out.name}.json"
    common = ["--policy", str(policy), "--index", str(index), "--format", "json", "-q"]
    row: dict[str, Any] = {"corpus": str(out), "jobs": jobs, "load_before": os.getloadavg()[0]}
    row["aggregate"] = run_cli(["aggregate", str(corpus), *common, "--jobs", str(jobs), "-o", str(agg_json)])
    report = json.loads(agg_json.read_text(encoding="utf-8"))
    n = int(report["corpus"]["documents"])
    row["documents"] = n
    row["aggregate"]["docs_per_s"] = round(n / row["aggregate"]["wall_s"], 1)
    row["aggregate"]["timings_s"] = report.get("timings_s")
    row["aggregate"]["errors"] = len(report.get("errors", []))
    row["index_mb"] = round(index.stat().st_size / 2**20, 1)
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    score = evaluate_aggregate(report, truth)
    row["quality"] = {k: score[k] for k in ("largest_cluster", "link_precision", "link_recall", "purity",
                                            "impure_clusters", "chains", "chain_recall", "exposures",
                                            "false_exposures", "expected_exposures", "exposure_recall")}
    del report
    draft = drafts / draft_name
    checks: dict[str, Any] = {}
    for label, extra in (("fresh", []), ("trust_index", ["--trust-index"])):
        runs = [run_cli(["check", str(draft), "--corpus", str(corpus), *common, *extra, "-o", str(chk_json)])
                for _ in range(2)]
        best = min(runs, key=lambda r: float(r["wall_s"]))
        chk = json.loads(chk_json.read_text(encoding="utf-8"))
        verdict = evaluate_check(chk, truth, draft_name, draft.read_text(encoding="utf-8"))
        checks[label] = {"wall_s": [r["wall_s"] for r in runs], "max_process_rss_mb": best["max_process_rss_mb"],
                         "timings_s": chk.get("timings_s"), "verdict_correct": verdict["verdict_correct"],
                         "fix": verdict["fix"], "fix_correct": verdict["fix_correct"]}
    row["check"] = {"draft": draft_name, **checks}
    if change:
        unchanged = run_cli(["aggregate", str(corpus), *common, "--jobs", str(jobs), "-o", str(agg_json)])
        timings = json.loads(agg_json.read_text(encoding="utf-8")).get("timings_s")
        row["rerun_unchanged"] = {"wall_s": unchanged["wall_s"], "timings_s": timings}
        files = sorted(p for p in corpus.rglob("*.txt") if p.is_file())
        backup = workdir / f"removed-{out.name}"
        changes: list[tuple[str, list[Path] | None, str]] = [
            ("change_10_touched_10_modified_5_removed", None, ""),
            ("change_1_removed", files[len(files) // 3: len(files) // 3 + 1], "removed"),
            ("change_1_modified", files[len(files) // 2: len(files) // 2 + 1], "modified")]
        for label, only, what in changes:
            _touched, originals, moved = small_change(corpus, backup, only, what)
            try:
                changed = run_cli(["aggregate", str(corpus), *common, "--jobs", str(jobs), "-o", str(agg_json)])
                rep = json.loads(agg_json.read_text(encoding="utf-8"))
                linking = rep["corpus"].get("linking", {})
                row[label] = {
                    **changed, "timings_s": rep.get("timings_s"),
                    "corpus": {k: rep["corpus"].get(k) for k in ("documents", "read", "rehashed", "removed")},
                    "relinked": bool(linking.get("relinked")), "relink": linking.get("relink"),
                    "full_relink_because": linking.get("full_relink_because"),
                    "rescored_pairs": linking.get("rescored_pairs"),
                    # the same final corpus relinked in full, for comparison (and as a check)
                    "full": full_relink_cli(index, corpus, common, workdir, agg_json)}
            finally:
                undo_change(originals, moved)
            restored = run_cli(["aggregate", str(corpus), *common, "--jobs", str(jobs), "-o", str(agg_json)])
            rest = json.loads(agg_json.read_text(encoding="utf-8"))
            row[f"restore_{label}"] = {"wall_s": restored["wall_s"], "timings_s": rest.get("timings_s"),
                                       "relink": rest["corpus"].get("linking", {}).get("relink")}
    row["load_after"] = os.getloadavg()[0]
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", help="folder for the corpus and index files (default: a temporary folder)")
    parser.add_argument("--engine", choices=["local", "python", "spark"], default="local")
    parser.add_argument("--domain", action="append", default=[], type=Path,
                        help="a folder `python -m domaingen --out` wrote (repeatable): aggregate it through the CLI")
    parser.add_argument("--drafts", type=Path, help="its drafts folder (default: OUT-drafts)")
    parser.add_argument("--draft", default="c0000-new-location.txt", help="the draft to check (a file name)")
    parser.add_argument("--change", action="store_true", help="also time a re-run and a small corpus change")
    args = parser.parse_args()
    if not args.sizes and not args.domain:
        args.sizes = [10_000, 100_000]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(args.keep or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for out in args.domain:
            drafts = args.drafts or out.with_name(out.name + "-drafts")
            print(json.dumps(run_domain(out, drafts, args.draft, args.jobs, workdir, args.change)), flush=True)
        for n in args.sizes:
            row = run(n, args.jobs, workdir, args.engine)
            print(json.dumps(row), flush=True)
            if row["exposures"] != row["expected_exposures"] or row["check_new_exposures"] != 1:
                print("UNEXPECTED RESULT", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
