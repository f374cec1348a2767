"""The read stage alone (list, read, extract, store facts) of a corpus into a new index, as
`mosaicguard aggregate` runs it, without linking: wall time, docs/s, CPU of this process (the
index writer) and of its worker processes, and the machine's load before and after.

    PYTHONPATH=src python bench/read_stage.py CORPUS_OUT [--jobs 2] [--index PATH] [--sub c0000,c0001]

CORPUS_OUT is what `python -m domaingen --out` wrote (corpus/ and policy.yaml); `--sub` reads
only those sub-folders of corpus/ (a sample of the 1M corpus). The index is written to a
temporary file and removed unless `--index` names one (then kept, e.g. for `facts_diff.py`).
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from mosaicguard.aggregate.corpus import sync_corpus
from mosaicguard.aggregate.index import SQLiteFactStore
from mosaicguard.aggregate.settings import settings_from_policy
from mosaicguard.pipeline import ScanOptions
from mosaicguard.policy.load import load_policy


def _load() -> str:
    with open("/proc/loadavg", encoding="ascii") as fh:
        return " ".join(fh.read().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--index", help="keep the index here (must not exist)")
    parser.add_argument("--sub", help="comma-separated sub-folders of corpus/ to read")
    args = parser.parse_args()
    policy = load_policy(args.out / "policy.yaml")
    corpus = [str(args.out / "corpus" / s) for s in args.sub.split(",")] if args.sub else [str(args.out / "corpus")]
    tmp = None
    if args.index:
        path = args.index
    else:
        tmp = tempfile.TemporaryDirectory(prefix="read_stage")
        path = os.path.join(tmp.name, "index.sqlite")
    store = SQLiteFactStore(path)
    load0 = _load()
    wall = time.perf_counter()
    stats = sync_corpus(store, corpus, policy, settings_from_policy(policy), ScanOptions(policy=policy),
                        jobs=args.jobs)
    wall = time.perf_counter() - wall
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    store.close()
    writer, workers = me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime
    print(f"{stats.read} files read, {stats.facts} facts in {wall:.1f} s: {stats.read / wall:.0f} docs/s "
          f"(jobs {args.jobs}); CPU writer {writer:.1f} s, workers {workers:.1f} s "
          f"({(writer + workers) / max(stats.read, 1) * 1e3:.3f} ms CPU/doc); load {load0} -> {_load()}")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
