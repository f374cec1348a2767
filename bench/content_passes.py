"""Run the content stage of `content_throughput.py` a given number of times, for instruction
counts: on a shared machine, CPU seconds move with the neighbours' load, instructions do not.

    OPENBLAS_NUM_THREADS=1 PYTHONHASHSEED=0 valgrind --tool=callgrind \\
        .venv/bin/python bench/content_passes.py --mb 4 --passes {0,2}

Instructions per pass = (count with 2 passes - count with 0 passes) / 2: text generation, engine
build, warm-up and building the Documents are the same in both runs (before 2026-12-05 the
Documents were built inside each pass, ~5 % of the count). `--bench-dir` takes the benchmark module of another
tree (`git archive REV src bench`), so an older tree runs its own detector list.
"""

from __future__ import annotations

import argparse
import importlib
import sys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--mb", type=float, default=4.0, help="size of the generated text (MB of UTF-8)")
    ap.add_argument("--passes", type=int, default=2, help="timed passes over the text (0: set-up only)")
    ap.add_argument("--bench-dir", default=None, help="directory of the content_throughput.py to use")
    args = ap.parse_args(argv)
    if args.bench_dir:
        sys.path.insert(0, args.bench_dir)
    ct = importlib.import_module("content_throughput")
    zh, en = ct.generate(args.mb)
    paragraphs = [p for pair in zip(zh, en, strict=False) for p in pair] + zh[len(en):] + en[len(zh):]
    engine = ct.build_engine("hyperscan", 1000)
    ct.run_mosaicguard(paragraphs[:200], engine)  # warm caches, as content_throughput does
    # The Documents are built once, outside the passes: `run_mosaicguard` builds them before its
    # timer starts, so the instructions counted here are those of the content stage alone.
    docs = list(ct.documents(paragraphs))
    found = 0
    for _ in range(args.passes):
        found = sum(len(engine.scan(d)) for d in docs)
    print(f"{args.passes} passes over {args.mb} MB: {found} findings per pass")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
