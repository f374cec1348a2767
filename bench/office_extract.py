"""Extraction time per Office file (issue #10: every part of a package is read).

    PYTHONPATH=src .venv/bin/python bench/office_extract.py [--rounds 5] [--per-round 40]

Builds the docx, xlsx and pptx of tests/office_factory.py (tracked changes, comments, hidden
text, properties, a picture with EXIF; hidden sheet and cells; notes and hidden slide) and prints
the median over rounds of the mean extraction time per file, in one process (warm).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        files = {"docx": make_docx(base / "a.docx").read_bytes(), "xlsx": make_xlsx(base / "b.xlsx").read_bytes(),
                 "pptx": make_pptx(base / "c.pptx").read_bytes()}
    for kind, data in files.items():
        extract_bytes(data, f"x.{kind}", ExtractContext())  # warm-up: imports, caches
        rounds = []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            for _ in range(args.per_round):
                extract_bytes(data, f"x.{kind}", ExtractContext())
            rounds.append((time.perf_counter() - t0) / args.per_round * 1000)
        print(f"{kind}: {len(data)} bytes, {statistics.median(rounds):.1f} ms per file (median of {args.rounds})")


if __name__ == "__main__":
    main()
