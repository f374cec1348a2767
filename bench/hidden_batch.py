"""Hidden-data audit, whole batch in one call, like for like: only the formats `mat2 --show` reads.

    PYTHONPATH=src .venv/bin/python bench/hidden_batch.py [--per-type 8] [--repeat 3]

`hidden_audit.py` times `mat2 --show FILES...` over every generated format, but mat2 0.13 (Debian
bookworm) stops at the first file it cannot parse (a binary PPM whose comment is not UTF-8 raises
`UnicodeDecodeError`, exit 1) and says "not supported" for others (avif): the batch then times
mat2 on part of the files only, and exit 1 is also mosaicguard's "found something". This script
generates the same files (`hidden_audit.MAKERS`), asks each tool about one file of every format
first, keeps the formats that *both* mat2 and ExifTool read without error, and then times one
invocation per tool over that set, requiring exit 0 from mat2 and ExifTool on every run.
mosaicguard runs with `--ocr never` (none of the other tools reads pixels) and with the default
`--ocr auto`. Per-file time = median of `--repeat` runs / number of files.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hidden_audit import MAKERS, ensure_tools, generate

_ENV = {**os.environ, "MOSAICGUARD_OCR_CACHE": "0"}


def timed(cmd: Sequence[str], files: Sequence[Path], ok: tuple[int, ...]) -> float:
    """Wall time of one invocation; a failed run (exit code not in `ok`) stops the benchmark."""
    t0 = time.perf_counter()
    proc = subprocess.run([*cmd, *map(str, files)], capture_output=True, check=False, env=_ENV)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in ok or b"Traceback" in proc.stderr + proc.stdout:
        said = (proc.stderr or proc.stdout).decode(errors="replace")[-500:]
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {said}")
    return elapsed


def reads(cmd: Sequence[str], sample: Path) -> str | None:
    """None when the tool reads `sample` cleanly, else why not (first line of its complaint)."""
    proc = subprocess.run([*cmd, str(sample)], capture_output=True, check=False, env=_ENV)
    out = (proc.stdout + proc.stderr).decode(errors="replace")
    if proc.returncode != 0 or "Traceback" in out or "not supported" in out:
        lines = [ln for ln in out.splitlines() if ln.strip()]
        return (lines[-1] if lines else f"exit {proc.returncode}")[:120]
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-type", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    missing = ensure_tools()
    if missing:
        print(f"missing: apt-get install {' '.join(missing)}", file=sys.stderr)
        return 2
    mg = [str(Path(sys.executable).with_name("mosaicguard")), "scan", "--format", "json", "-q", "-o", os.devnull]
    mat2, exiftool = ["mat2", "--show"], ["exiftool", "-j"]
    with tempfile.TemporaryDirectory(prefix="mg-bench-batch-") as tmp:
        files = generate(Path(tmp), args.per_type)
        kept, dropped = [], {}
        for ext in MAKERS:
            sample = next(f for f in files if f.suffix == f".{ext}")
            why = reads(mat2, sample) or reads(exiftool, sample)
            if why:
                dropped[ext] = why
            else:
                kept.append(ext)
        batch = [f for f in files if f.suffix[1:] in kept]
        timed(mg, batch[:1], (0, 1))  # warm the OS file cache and the Hyperscan database cache
        runs = {
            "mosaicguard --ocr never": (["--ocr", "never"], (0, 1)),
            "mosaicguard (default --ocr auto)": ([], (0, 1)),
            "exiftool -j": ([], (0,)),
            "mat2 --show": ([], (0,)),
        }
        ms: dict[str, float] = {}
        for label, (extra, ok) in runs.items():
            cmd = [*mg, *extra] if label.startswith("mosaicguard") else (exiftool if "exiftool" in label else mat2)
            ms[label] = 1000 * statistics.median(timed(cmd, batch, ok) for _ in range(args.repeat)) / len(batch)
    both = ms["exiftool -j"] + ms["mat2 --show"]
    print(f"{len(batch)} files, {args.per_type} each of {', '.join(kept)}; load average {os.getloadavg()[0]:.1f}")
    for ext, why in dropped.items():
        print(f"left out {ext}: {why}")
    print("| tool | ms per file | (mat2 + exiftool) / tool |\n|---|---:|---:|")
    for label, v in ms.items():
        print(f"| {label} | {v:.1f} | {both / v:.1f}x |")
    print(f"| mat2 + exiftool | {both:.1f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
