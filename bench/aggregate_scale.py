"""Aggregation at scale: index N generated short notices, link, evaluate rules, then check a
draft against the index. Reports documents/s per stage and peak memory.

    .venv/bin/python bench/aggregate_scale.py 10000 100000 [--jobs 2] [--keep DIR]

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
import sys
import tempfile
import time
from pathlib import Path

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", help="folder for the corpus and index files (default: a temporary folder)")
    parser.add_argument("--engine", choices=["local", "python", "spark"], default="local")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(args.keep or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
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
