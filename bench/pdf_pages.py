"""PDF throughput, end to end: generate a multi-page zh/en report, scan it with the same pipeline
as `mosaicguard scan` (extract -> detect -> decide) and print pages per second.

    .venv/bin/python bench/pdf_pages.py [--pages 500] [--lines 40] [--repeat 3]

Single process (one core). Also prints extraction alone, to show where the time goes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pymupdf

from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.pipeline import ScanOptions, scan_paths

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def build(path: Path, pages: int, lines: int) -> None:
    """A plain report: alternating Chinese and English lines, some with values detectors check."""
    doc = pymupdf.open()
    for number in range(1, pages + 1):
        page = doc.new_page()
        page.insert_font(fontname="wqy", fontfile=CJK_FONT)
        rows = []
        for row in range(lines):
            if row % 2:
                rows.append(f"第{number}页第{row}行：施工单位按期完成基础工程，联系电话010-6{number:03d}{row:04d}。")
            else:
                rows.append(f"Page {number} line {row}: the contractor completed the foundation works on schedule.")
        page.insert_text((50, 50), "\n".join(rows), fontname="wqy", fontsize=9)
    doc.save(path, garbage=3, deflate=True)
    doc.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        build(path, args.pages, args.lines)
        data = path.read_bytes()
        options = ScanOptions()
        scan_paths([str(path)], options)  # warm-up: imports, engine compilation
        # Wall time and CPU time of this process: on a shared machine the CPU time is the fair
        # "per core" figure (other jobs stretch the wall clock, not the work done).
        best = {"extract": (float("inf"), float("inf")), "scan": (float("inf"), float("inf"))}
        findings = 0
        for _ in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            doc = extract_bytes(data, "report.pdf", ExtractContext())
            best["extract"] = min(best["extract"], (time.perf_counter() - wall, time.process_time() - cpu))
            assert doc.status == "ok" and doc.page_count == args.pages, doc.error
            wall, cpu = time.perf_counter(), time.process_time()
            report = scan_paths([str(path)], options)
            best["scan"] = min(best["scan"], (time.perf_counter() - wall, time.process_time() - cpu))
            findings = len(report.files[0].findings)
        chars = sum(len(s.text) for s in doc.segments)
    print(f"pages: {args.pages} ({args.lines} lines each, {chars} characters, {len(data) / 1e6:.1f} MB)")
    for name, label in (("extract", "extract only"), ("scan", f"scan end to end ({findings} findings)")):
        wall_s, cpu_s = best[name]
        print(f"{label:38} {args.pages / cpu_s:6.0f} pages/s per core (CPU {cpu_s:.2f} s; "
              f"wall {wall_s:.2f} s = {args.pages / wall_s:.0f} pages/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
