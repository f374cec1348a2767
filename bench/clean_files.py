"""Hidden-data precision on clean files (issue #10, must-have 4): how many of 40 ordinary files
carry any finding, and any at medium or above.

    PYTHONPATH=src .venv/bin/python bench/clean_files.py [--out FILE]

Generates (tests/clean_factory.py) 14 camera photos (make, model, software, capture time,
exposure), 7 Word files and 6 PDFs whose title repeats their first heading, and 13
procurement-portal pages full of template comments whose <title> repeats the <h1>; reads each
with the real extractors and scans it with the default policy, in-process. Run it with another
checkout's `src` on PYTHONPATH to compare versions on the same files.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

# The file generators live under tests/ (never in src/); the tests use the same ones.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import clean_factory as cf
from mosaicguard.detect.engine import Engine
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.model import Severity
from mosaicguard.policy.schema import Policy


def files(folder: Path) -> list[Path]:
    """The 40 clean files, written into `folder`."""
    out: list[Path] = []
    for i in range(14):
        path = folder / f"photo-{i:02d}.jpg"
        path.write_bytes(cf.camera_jpeg(i))
        out.append(path)
    out += [cf.titled_docx(folder / f"notice-{i:02d}.docx", i) for i in range(7)]
    out += [cf.titled_pdf(folder / f"notice-{i:02d}.pdf", i) for i in range(6)]
    for i in range(13):
        path = folder / f"portal-{i:02d}.html"
        path.write_bytes(cf.portal_html(i))
        out.append(path)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="also write the result table to this file")
    args = parser.parse_args(argv)
    engine = Engine(Policy())
    with tempfile.TemporaryDirectory() as tmp:
        paths = files(Path(tmp))
        any_finding: Counter[str] = Counter()
        medium: Counter[str] = Counter()
        kinds: Counter[str] = Counter()
        for path in paths:
            doc = extract_bytes(path.read_bytes(), path.name, ExtractContext(ocr="never"))
            findings = engine.scan(doc)
            kind = path.suffix.lstrip(".")
            any_finding[kind] += bool(findings)
            medium[kind] += any(f.severity.at_least(Severity.MEDIUM) for f in findings)
            kinds.update(f"{f.category}/{f.severity.value}" for f in findings)
    total = Counter(p.suffix.lstrip(".") for p in paths)
    lines = ["| files | n | with any finding | with a finding >= medium |", "|---|---|---|---|"]
    for kind in ("jpg", "docx", "pdf", "html"):
        lines.append(f"| {kind} | {total[kind]} | {any_finding[kind]} | {medium[kind]} |")
    lines.append(f"| all | {len(paths)} | {sum(any_finding.values())} | {sum(medium.values())} |")
    lines.append("")
    lines.append("Findings by category/severity: " + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())))
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
