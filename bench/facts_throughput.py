"""Throughput of the four fact extractors on the real notices, read from disk repeatedly.

    PYTHONPATH=src python bench/facts_throughput.py [--rounds N] [--corpus DIR]

    PYTHONPATH=src python bench/facts_throughput.py --extractors all

Each round reads every file of ../shared/realworld/docs from disk and runs codes, address_cn,
place_en and dates on it (`--extractors all`: every registered extractor). Reports notices/s and
characters/s per core (CPU time of this process, so that other load on a shared machine does not
count) and wall-clock, after a warm-up round (gazetteers loaded, parser caches filled for the
first time; later rounds hit the per-candidate caches as a million-notice run mostly does).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from mosaicguard.detect.facts.registry import FACT_EXTRACTORS, get_fact_extractor

#: the four of issue 9's target (>= 1,000 notices/s per core together)
DEFAULT = ("codes", "address_cn", "place_en", "dates")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--extractors", default=",".join(DEFAULT),
                        help="comma-separated registry names, or 'all' (default: the four of issue 9)")
    parser.add_argument("--corpus", type=Path,
                        default=Path(__file__).resolve().parents[1] / ".." / "shared" / "realworld" / "docs")
    args = parser.parse_args()
    files = sorted(p for p in args.corpus.iterdir() if p.is_file())
    names = list(FACT_EXTRACTORS) if args.extractors == "all" else args.extractors.split(",")
    extractors = [get_fact_extractor(name) for name in names]
    t0 = time.perf_counter()
    for path in files:  # warm-up: loads gazetteers and parsers
        text = path.read_text(encoding="utf-8", errors="replace")
        for x in extractors:
            x.extract(text)
    warm = time.perf_counter() - t0
    per_extractor = {x.name: 0.0 for x in extractors}
    chars = docs = facts = 0
    t0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(args.rounds):
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            chars += len(text)
            docs += 1
            for x in extractors:
                t = time.process_time()
                facts += len(x.extract(text))
                per_extractor[x.name] += time.process_time() - t
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(f"extractors={','.join(names)}")
    print(f"files={len(files)} rounds={args.rounds} docs={docs} chars={chars} facts={facts}")
    print(f"warm-up round: {warm:.2f} s (gazetteers, first parser calls)")
    # CPU time is the per-core figure on a shared machine; wall time is what a user waits.
    print(f"per core (CPU time): {docs / cpu:.0f} notices/s, {chars / cpu / 1e6:.2f} M chars/s; "
          f"wall: {docs / elapsed:.0f} notices/s; mean notice {chars / docs / 1000:.1f} k chars")
    for name, seconds in per_extractor.items():
        print(f"  {name:<11} {seconds / docs * 1e3:.3f} ms CPU/notice")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
