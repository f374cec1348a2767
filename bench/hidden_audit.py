"""Hidden-data audit speed: mosaicguard vs `mat2 --show` and `exiftool`, on the same generated files.

    .venv/bin/python bench/hidden_audit.py [--per-type 8] [--out docs/benchmarks-hidden.md]

Generates docx, xlsx, pptx, pdf and jpg files carrying metadata (author, company, camera, GPS),
then times, per file:
  * mosaicguard: extract + full scan (every detector, hidden data included; OCR off, since the
    other tools do not read pixels either) in one process, as `mosaicguard scan` runs a batch;
  * mat2 --show and exiftool -j: once per file (how a reviewer calls them on one document) and once
    for the whole batch in one process (their best case: interpreter start-up paid once).
Needs the Debian packages `mat2` and `libimage-exiftool-perl` (`apt-get install mat2
libimage-exiftool-perl`). Prints a Markdown table with ratios; `--out` also writes it.
"""

from __future__ import annotations

import argparse
import io
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image


def make_docx(path: Path, i: int) -> None:
    import docx

    d = docx.Document()
    d.core_properties.author = f"张伟 {i}"
    d.core_properties.last_modified_by = "李四"
    d.core_properties.comments = "内部审阅稿"
    d.add_paragraph(f"公开招标公告 第{i}号，联系电话 13812345678。")
    d.save(str(path))


def make_xlsx(path: Path, i: int) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.properties.creator = f"王五 {i}"
    ws = wb.active
    ws["A1"], ws["B1"] = "品名", "数量"
    ws["A2"], ws["B2"] = "天线罩", 12
    hidden = wb.create_sheet("内部成本")
    hidden["A1"] = "成本 300 万"
    hidden.sheet_state = "hidden"
    wb.save(str(path))


def make_pptx(path: Path, i: int) -> None:
    import pptx

    prs = pptx.Presentation()
    prs.core_properties.author = f"赵六 {i}"
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "项目进度汇报"
    slide.notes_slide.notes_text_frame.text = "备注：7301工程 2027年3月竣工"
    prs.save(str(path))


def make_pdf(path: Path, i: int) -> None:
    import pymupdf

    pdf = pymupdf.open()
    page = pdf.new_page()
    page.insert_text((72, 72), f"Public notice {i}, contact 13812345678")
    pdf.set_metadata({"author": f"Zhang Wei {i}", "creator": "Word C:\\Users\\zw\\notice.docx",
                      "producer": "PDF Maker 1.0"})
    pdf.save(str(path))


def make_jpg(path: Path, i: int) -> None:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x013B] = "Canon", "EOS 5D", f"Photographer {i}"
    exif.get_ifd(0x8769)[0xA431] = f"SN-{i:04d}"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (39.0, 54.0, 15.0 + i), "E", (116.0, 24.0, 26.6)
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (120, 90, 60)).save(out, "JPEG", exif=exif, quality=90)
    path.write_bytes(out.getvalue())


MAKERS = {"docx": make_docx, "xlsx": make_xlsx, "pptx": make_pptx, "pdf": make_pdf, "jpg": make_jpg}


def generate(folder: Path, per_type: int) -> list[Path]:
    files = []
    for ext, maker in MAKERS.items():
        for i in range(per_type):
            path = folder / f"{ext}-{i:02d}.{ext}"
            maker(path, i)
            files.append(path)
    return files


def time_mosaicguard(files: list[Path]) -> tuple[dict[Path, float], dict[str, int]]:
    """Steady-state per-file time of read + extract + scan with one engine (start-up, imports and
    the pattern compile excluded: one warm-up file per format first), as a long batch or a
    service sees it."""
    from mosaicguard.pipeline import InputFile, ScanOptions, _build_engine, scan_one
    from mosaicguard.policy.decide import Suppressor

    options = ScanOptions(ocr="never")  # a metadata audit, like mat2 and ExifTool: no OCR of pixels
    engine = _build_engine(options)
    suppressor = Suppressor(options.policy)
    for ext in MAKERS:  # import each format's parser once
        first = next(f for f in files if f.suffix == f".{ext}")
        scan_one(InputFile(str(first), first.name), engine, suppressor, options)
    times: dict[Path, float] = {}
    hidden: dict[str, int] = {}
    for f in files:
        t0 = time.perf_counter()
        results = scan_one(InputFile(str(f), f.name), engine, suppressor, options)
        times[f] = time.perf_counter() - t0
        n = sum(1 for r in results for x in r.findings if x.rule.startswith("hidden."))
        hidden[f.suffix] = hidden.get(f.suffix, 0) + n
        if results[0].status != "ok":
            hidden[f"{f.suffix} errors"] = hidden.get(f"{f.suffix} errors", 0) + 1
    return times, hidden


def time_each(cmd: list[str], files: list[Path]) -> dict[Path, float]:
    times = {}
    for f in files:
        t0 = time.perf_counter()
        subprocess.run([*cmd, str(f)], capture_output=True, check=False)
        times[f] = time.perf_counter() - t0
    return times


def time_batch(cmd: list[str], files: list[Path]) -> float:
    t0 = time.perf_counter()
    subprocess.run([*cmd, *map(str, files)], capture_output=True, check=False)
    return (time.perf_counter() - t0) / len(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-type", type=int, default=8, help="files per format (default 8)")
    parser.add_argument("--single-calls", type=int, default=2,
                        help="files per format timed as one CLI call each (default 2; each call pays start-up)")
    parser.add_argument("--out", help="also write the Markdown result here")
    args = parser.parse_args()
    missing = [tool for tool in ("mat2", "exiftool") if not shutil.which(tool)]
    if missing:
        print(f"missing: {', '.join(missing)} (apt-get install mat2 libimage-exiftool-perl)", file=sys.stderr)
        return 2
    mg_cli = [str(Path(sys.executable).with_name("mosaicguard")), "scan", "--ocr", "never", "--format", "json",
              "-o", "/dev/null", "-q"]
    with tempfile.TemporaryDirectory(prefix="mg-bench-hidden-") as tmp:
        files = generate(Path(tmp), args.per_type)
        singles = [f for ext in MAKERS for f in [g for g in files if g.suffix == f".{ext}"][: args.single_calls]]
        warm, hidden = time_mosaicguard(files)
        mg_each = time_each(mg_cli, singles)
        mat2_each = time_each(["mat2", "--show"], files)
        exif_each = time_each(["exiftool", "-j"], files)
        mg_batch = time_batch(mg_cli, files)
        mat2_batch = time_batch(["mat2", "--show"], files)
        exif_batch = time_batch(["exiftool", "-j"], files)
        per_format = {
            ext: (time_batch(["mat2", "--show"], [f for f in files if f.suffix == f".{ext}"]),
                  time_batch(["exiftool", "-j"], [f for f in files if f.suffix == f".{ext}"]))
            for ext in MAKERS
        }

    def ms(x: float) -> str:
        return f"{x * 1000:.1f}"

    def row(label: str, a: float, b: float, c: float) -> str:
        return f"| {label} | {ms(a)} | {ms(b)} | {ms(c)} | {b / a:.1f}x | {c / a:.1f}x |"

    med = statistics.median
    lines = [
        f"{len(files)} generated files ({args.per_type} each of {', '.join(MAKERS)}), each carrying metadata "
        f"(author, company, camera, serial, GPS, hidden sheet, notes). Milliseconds per file. "
        f"Python {platform.python_version()}, {platform.machine()}, shared 2-core machine.",
        "",
        "| mode | mosaicguard | mat2 --show | exiftool -j | mat2 / mg | exiftool / mg |",
        "|---|---|---|---|---|---|",
        row(f"one CLI call per file (median; mg on {len(singles)} files)", med(mg_each.values()),
            med(mat2_each.values()), med(exif_each.values())),
        row(f"one process for all {len(files)} files (total / files)", mg_batch, mat2_batch, exif_batch),
        row("mg steady state (mean, start-up excluded) vs others' batch", statistics.fmean(warm.values()),
            mat2_batch, exif_batch),
        "",
        "Per format: mosaicguard steady state (median) vs each tool's batch over that format's files.",
        "",
        "| format | mosaicguard | mat2 --show | exiftool -j | mat2 / mg | exiftool / mg |",
        "|---|---|---|---|---|---|",
    ]
    for ext in MAKERS:
        a = med(warm[f] for f in files if f.suffix == f".{ext}")
        lines.append(row(ext, a, *per_format[ext]))
    lines += ["", "Hidden-data findings by mosaicguard (sum over files): "
              + ", ".join(f"{k}: {v}" for k, v in sorted(hidden.items()))]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(
            "# Hidden-data audit benchmark\n\nCommand: `.venv/bin/python bench/hidden_audit.py "
            f"--per-type {args.per_type} --out {args.out}`\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
