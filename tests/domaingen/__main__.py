"""`python -m domaingen --out DIR --docs N --seed S [--drafts DIR] [--jobs N] [--world auto|dense|N]`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .generator import generate


def main(argv: list[str] | None = None) -> int:
    """Write a corpus and print a one-line summary."""
    ap = argparse.ArgumentParser(prog="domaingen", description=__doc__)
    ap.add_argument("--out", type=Path, required=True, help="corpus folder (documents under OUT/corpus)")
    ap.add_argument("--docs", type=int, required=True, help="number of public documents")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--drafts", type=Path, default=None, help="folder for drafts with known verdicts")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    ap.add_argument("--world", default="auto",
                    help="auto: counties grow with --docs (one per 800 documents, at least 26); dense: the 26 "
                         "counties of the first corpora whatever the size (a stress case); N: N counties")
    args = ap.parse_args(argv)
    world: str | int = args.world if args.world in ("auto", "dense") else int(args.world)
    start = time.perf_counter()
    truth = generate(args.out, args.docs, args.seed, drafts_dir=args.drafts, jobs=args.jobs,
                     world=world)
    took = time.perf_counter() - start
    counties = truth.get("world", {}).get("counties", 26)
    print(f"{args.docs} documents, {len(truth['entities'])} multi-document entities, {len(truth['chains'])} chains, "
          f"{len(truth['drafts'])} drafts, {counties} counties in {took:.1f} s ({args.docs / took:.0f} docs/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
