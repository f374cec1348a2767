"""Extraction time per Office file (issue #10: every part of a package is read).

    PYTHONPATH=src .venv/bin/python bench/office_extract.py [--rounds 5] [--per-round 40] [--kind docx]

On a shared machine, count instructions instead (per file = (count with N - count with 0) / N):

    PYTHONHASHSEED=0 PYTHONPATH=src valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python bench/office_extract.py --kind docx --rounds 1 --per-round {0,20}

Builds the docx, xlsx and pptx of tests/office_factory.py (tracked changes, comments, hidden
text, properties, a picture with EXIF; hidden sheet and cells; notes and hidden slide) and prints
the mean extraction time per file of the best round and the median round, in one process (warm).
Times are CPU seconds of this process, so other jobs on a shared machine count for less.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from office_factory import make_docx, make_pptx, make_xlsx


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=40)
    parser.add_argument("--kind", choices=("docx", "xlsx", "pptx"), action="append",
                        help="only this kind (repeatable; default: all three)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        files = {"docx": make_docx(base / "a.docx").read_bytes(), "xlsx": make_xlsx(base / "b.xlsx").read_bytes(),
                 "pptx": make_pptx(base / "c.pptx").read_bytes()}
    for kind, data in files.items():
        if args.kind and kind not in args.kind:
            continue
        extract_bytes(data, f"x.{kind}", ExtractContext())  # warm-up: imports, caches
        rounds = []
        for _ in range(args.rounds):
            t0 = time.process_time()
            for _ in range(args.per_round):
                extract_bytes(data, f"x.{kind}", ExtractContext())
            rounds.append((time.process_time() - t0) / max(1, args.per_round) * 1000)
        print(f"{kind}: {len(data)} bytes, {min(rounds):.2f} ms per file (best of {args.rounds} rounds; "
              f"median {statistics.median(rounds):.2f})")


if __name__ == "__main__":
    main()
