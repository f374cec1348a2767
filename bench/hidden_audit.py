"""Hidden-data audit speed (issue #3): `mosaicguard scan` vs `mat2 --show` and `exiftool -j`,
command line against command line, on the same generated files.

    .venv/bin/python bench/hidden_audit.py [--per-type 8] [--repeat 3] [--out docs/benchmarks-hidden.md]

Generates docx, xlsx, pptx, pdf, jpg and png files that carry what a publication review must
find (author, last editor, company, comments, tracked changes, speaker notes, hidden sheet and
slide, PDF annotations and an incremental-save history, camera make/model/serial, GPS, PNG text
chunks), and the other formats mat2 reads (issue #10: heic, avif, mp4, mp3, flac, wav, svg, epub,
ppm, css, torrent, odg, from tests/formats/factory_media.py), then times:

  1. one invocation per tool for the whole set (`mosaicguard scan FILES... --format json -q`,
     `exiftool -j FILES...`, `mat2 --show FILES...`): per-file time = total / N, median of
     `--repeat` runs. mosaicguard runs with its default `--ocr auto` (the photos and the
     text-free chart pictures are not OCR'd; see docs/benchmarks-hidden.md) and, for reference,
     `--ocr never`;
  2. one invocation per file (how a reviewer checks a single document), on `--single-calls`
     files per format, the same files for every tool;
  3. per format, the marginal time per file of every tool with start-up taken out alike
     ((T(k files) - T(1 file)) / (k - 1), one invocation each), plus mosaicguard's in-process
     steady state (one engine, as a long batch or a service sees it).
mosaicguard's OCR page cache is switched off (MOSAICGUARD_OCR_CACHE=0): new files are never in it.

mat2 and ExifTool are Debian packages (`mat2`, `libimage-exiftool-perl`); the benchmark installs
them with apt-get when missing and it runs as root, otherwise it says what to install.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, ImageDraw, PngImagePlugin

# ---------------------------------------------------------------------------------------------
# The file set


def make_docx(path: Path, i: int) -> None:
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    cp = d.core_properties
    cp.author, cp.last_modified_by, cp.comments = f"张伟 {i}", "李四", "内部审阅稿"
    d.add_paragraph(f"公开招标公告 第{i}号。本项目面向社会公开招标，欢迎符合条件的单位参加。")
    p = d.add_paragraph("联系人：采购办公室，电话 010-6552 3301。")
    d.add_comment(p.runs, text="电话改成总机，不要留处长手机 13812345678", author="王处长", initials="WCZ")
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    p2 = d.add_paragraph("工期：")
    p2._p.append(parse_xml(  # a tracked deletion the final text no longer shows
        f'<w:del {ns} w:id="9{i}" w:author="李四" w:date="2026-05-01T10:00:00Z"><w:r><w:delText>'
        "7301工程2027年3月竣工</w:delText></w:r></w:del>"))
    p2._p.append(parse_xml(f'<w:ins {ns} w:id="8{i}" w:author="李四"><w:r><w:t>按合同执行</w:t></w:r></w:ins>'))
    d.save(str(path))


def make_xlsx(path: Path, i: int) -> None:
    import openpyxl
    from openpyxl.comments import Comment

    wb = openpyxl.Workbook()
    wb.properties.creator, wb.properties.lastModifiedBy = f"王五 {i}", "财务处"
    ws = wb.active
    ws.title = "报价"
    for r, (name, qty) in enumerate([("品名", "数量"), ("天线罩", 12), ("机柜", 4), ("线缆", 300)], start=1):
        ws.cell(r, 1, name)
        ws.cell(r, 2, qty)
    ws["B2"].comment = Comment("内部核算单价 2.5 万", "王五")
    hidden = wb.create_sheet("内部成本")
    hidden["A1"] = "成本 300 万，利润率 18%"
    hidden.sheet_state = "hidden"
    ws.column_dimensions["C"].hidden = True
    ws["C2"] = "底价 280 万"
    wb.save(str(path))


def make_pptx(path: Path, i: int) -> None:
    import pptx

    prs = pptx.Presentation()
    prs.core_properties.author, prs.core_properties.last_modified_by = f"赵六 {i}", "项目办"
    for n in range(3):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = f"项目进度汇报 {n + 1}"
        slide.placeholders[1].text = "总体进度正常\n下一阶段：设备安装与联调"
        slide.notes_slide.notes_text_frame.text = "备注：7301工程 2027年3月竣工，负责人 13812345678"
    hidden = prs.slides.add_slide(prs.slide_layouts[5])
    hidden.shapes.title.text = "内部：预算调整方案"
    hidden._element.set("show", "0")
    prs.save(str(path))


def make_pdf(path: Path, i: int) -> None:
    import pymupdf

    pdf = pymupdf.open()
    for n in range(2):
        page = pdf.new_page()
        page.insert_text((72, 72), f"Public notice {i}, page {n + 1}: tender for road maintenance.")
        page.insert_text((72, 100), "Contact: procurement office, 010-65523301")
    annot = pdf[0].add_text_annot((300, 300), "Remove the director's mobile 13812345678 before release")
    annot.set_info(title="Li Si")
    annot.update()
    pdf.set_metadata({"author": f"Zhang Wei {i}", "creator": "Word C:\\Users\\zw\\notice.docx",
                      "producer": "PDF Maker 1.0", "title": "Draft notice (internal)"})
    pdf.save(str(path))
    pdf.close()
    pdf = pymupdf.open(str(path))  # an incremental update: the first version stays in the file
    pdf[1].insert_text((72, 140), "Revised: deadline moved.")
    pdf.saveIncr()
    pdf.close()


def _photo(seed: int, size: tuple[int, int]) -> Image.Image:
    """A photo-like picture: smooth gradients, shapes and sensor noise, no text."""
    w, h = size
    base = Image.linear_gradient("L").resize(size).convert("RGB")
    noise = Image.effect_noise(size, 40 + seed % 7).convert("RGB")
    img = Image.blend(base, noise, 0.35)
    draw = ImageDraw.Draw(img)
    for k in range(6):
        x, y = (seed * 97 + k * 211) % w, (seed * 53 + k * 149) % h
        draw.ellipse((x, y, x + w // 5, y + h // 6), fill=(60 + 30 * k, 120, 200 - 20 * k))
    return img


def make_jpg(path: Path, i: int) -> None:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x013B] = "Canon", "EOS 5D Mark IV", f"Photographer {i}"
    exif[0x0132] = "2026:05:01 10:00:00"
    exif.get_ifd(0x8769)[0xA431] = f"SN-{i:04d}"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (39.0, 54.0, 15.0 + i), "E", (116.0, 24.0, 26.6)
    out = io.BytesIO()
    _photo(i, (1600, 1200)).save(out, "JPEG", exif=exif, quality=88)
    path.write_bytes(out.getvalue())


def make_png(path: Path, i: int) -> None:
    """A chart exported from an office tool: bars and axes (no words), with text chunks."""
    img = Image.new("RGB", (1000, 700), "white")
    draw = ImageDraw.Draw(img)
    draw.line((80, 620, 950, 620), fill="black", width=3)
    draw.line((80, 620, 80, 60), fill="black", width=3)
    for k in range(8):
        top = 600 - ((i * 37 + k * 71) % 480)
        draw.rectangle((110 + k * 100, top, 170 + k * 100, 618), fill=(40 + 25 * k, 90, 160))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", f"刘洋 {i}")
    info.add_text("Software", "Internal Charting 3.2")
    info.add_itxt("Comment", "内部数据，未经批准不得外传", lang="zh", tkey="注释")
    img.save(path, "PNG", pnginfo=info)


def _media_maker(build: Callable[[], bytes]) -> Callable[[Path, int], None]:
    """A maker for the formats mat2 reads, from the test-suite builders (issue #10)."""
    def make(path: Path, i: int) -> None:
        path.write_bytes(build())
    return make


def _media_makers() -> dict[str, Callable[[Path, int], None]]:
    """heic, avif, mp4, mp3, flac, wav, svg, epub, ppm, css, torrent and odg, built by
    tests/formats/factory_media.py (pillow-heif, ExifTool, mutagen, fastbencode)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from formats import factory_media as fm
    from formats.factory_cn import build_odf

    def mp4(path: Path, i: int) -> None:
        fm.mp4_with_tags(path)

    odg_body = ('<draw:page draw:name="p1"><draw:frame><draw:text-box><text:p>示意图 13912345678</text:p>'
                "</draw:text-box></draw:frame></draw:page>")
    return {
        "heic": _media_maker(lambda: fm.heif_with_gps("HEIF")), "avif": _media_maker(lambda: fm.heif_with_gps("AVIF")),
        "mp4": mp4, "mp3": _media_maker(fm.mp3_with_id3), "flac": _media_maker(fm.flac_with_vorbis),
        "wav": _media_maker(fm.wav_with_info), "svg": _media_maker(fm.inkscape_svg), "epub": _media_maker(fm.epub_book),
        "ppm": _media_maker(fm.commented_ppm), "css": _media_maker(fm.css_with_comments),
        "torrent": _media_maker(fm.torrent), "odg": _media_maker(lambda: build_odf("drawing", odg_body)),
    }


MAKERS: dict[str, Callable[[Path, int], None]] = {
    "docx": make_docx, "xlsx": make_xlsx, "pptx": make_pptx, "pdf": make_pdf, "jpg": make_jpg, "png": make_png,
    **_media_makers(),
}


def generate(folder: Path, per_type: int) -> list[Path]:
    files = []
    for ext, maker in MAKERS.items():
        for i in range(per_type):
            path = folder / f"{ext}-{i:02d}.{ext}"
            maker(path, i)
            files.append(path)
    return files


# ---------------------------------------------------------------------------------------------
# Timing


# mosaicguard's OCR page cache is off: a reviewer's new files are never in it (re-scans are free).
_ENV = {**os.environ, "MOSAICGUARD_OCR_CACHE": "0"}


def run_once(cmd: Sequence[str], files: Sequence[Path]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([*cmd, *map(str, files)], capture_output=True, check=False, env=_ENV)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):  # mosaicguard exits 1 when it finds something; that is success
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[:500]}")
    return elapsed


def batch_per_file(cmd: Sequence[str], files: Sequence[Path], repeat: int) -> float:
    """Median over `repeat` runs of (time of one invocation on all files) / number of files."""
    return statistics.median(run_once(cmd, files) for _ in range(repeat)) / len(files)


def marginal(cmd: Sequence[str], files: Sequence[Path]) -> float:
    """Per-file time with start-up taken out: (T(all) - T(first)) / (n - 1), T(first) the
    median of three runs."""
    one = statistics.median(run_once(cmd, files[:1]) for _ in range(3))
    return max(0.0, run_once(cmd, files) - one) / max(1, len(files) - 1)


def ratio(other: float, mine: float) -> str:
    return f"{other / mine:.1f}x" if mine > 0 else "n/a"


def each_per_file(cmd: Sequence[str], files: Sequence[Path]) -> list[float]:
    return [run_once(cmd, [f]) for f in files]


def in_process(files: Sequence[Path], ocr: str) -> tuple[dict[Path, float], dict[str, int], dict[str, int]]:
    """Steady-state per-file time of read + extract + every detector (start-up, imports and the
    pattern compile excluded: one warm-up file per format first), as a long batch sees it."""
    from mosaicguard.pipeline import InputFile, ScanOptions, build_engine, scan_one
    from mosaicguard.policy.decide import Suppressor

    options = ScanOptions(ocr=ocr)
    engine = build_engine(options)
    suppressor = Suppressor(options.policy)
    for ext in MAKERS:
        first = next(f for f in files if f.suffix == f".{ext}")
        scan_one(InputFile(str(first), first.name), engine, suppressor, options)
    times: dict[Path, float] = {}
    hidden: dict[str, int] = {}
    ocr_pages: dict[str, int] = {}
    for f in files:
        t0 = time.perf_counter()
        results = scan_one(InputFile(str(f), f.name), engine, suppressor, options)
        times[f] = time.perf_counter() - t0
        if results[0].status != "ok":
            raise SystemExit(f"mosaicguard could not read {f.name}: {results[0].error}")
        ext = f.suffix[1:]
        hidden[ext] = hidden.get(ext, 0) + sum(1 for r in results for x in r.findings
                                               if x.rule.startswith("hidden.") or x.category == "metadata")
        ocr_pages[ext] = ocr_pages.get(ext, 0) + sum(1 for r in results for x in r.findings
                                                     if x.layer.value == "ocr")
    return times, hidden, ocr_pages


def ensure_tools() -> list[str]:
    wanted = {"mat2": "mat2", "exiftool": "libimage-exiftool-perl"}
    missing = [pkg for tool, pkg in wanted.items() if not shutil.which(tool)]
    if missing and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {' '.join(missing)} with apt-get", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=False, capture_output=True)
    return [pkg for tool, pkg in wanted.items() if not shutil.which(tool)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-type", type=int, default=8, help="files per format (default 8: 48 files)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each batch invocation (median; default 3)")
    parser.add_argument("--single-calls", type=int, default=2,
                        help="files per format timed as one invocation each, for every tool (default 2)")
    parser.add_argument("--large", type=int, default=0,
                        help="also time the batch on this many files per format (start-up amortised)")
    parser.add_argument("--out", help="also write the Markdown result here")
    args = parser.parse_args()
    missing = ensure_tools()
    if missing:
        print(f"missing: apt-get install {' '.join(missing)}", file=sys.stderr)
        return 2
    mg = str(Path(sys.executable).with_name("mosaicguard"))
    tools = {
        "mosaicguard": [mg, "scan", "--format", "json", "-q", "-o", os.devnull],
        "exiftool -j": ["exiftool", "-j"],
        "mat2 --show": ["mat2", "--show"],
    }
    mg_never = [*tools["mosaicguard"], "--ocr", "never"]
    with tempfile.TemporaryDirectory(prefix="mg-bench-hidden-") as tmp:
        files = generate(Path(tmp), args.per_type)
        n = len(files)
        by_ext = {ext: [f for f in files if f.suffix == f".{ext}"] for ext in MAKERS}
        singles = [f for ext in MAKERS for f in by_ext[ext][: args.single_calls]]
        run_once(tools["mosaicguard"], files[:1])  # warm the OS file cache and any on-disk caches
        batch = {name: batch_per_file(cmd, files, args.repeat) for name, cmd in tools.items()}
        batch_never = batch_per_file(mg_never, files, args.repeat)
        each = {name: each_per_file(cmd, singles) for name, cmd in tools.items()}
        os.environ["MOSAICGUARD_OCR_CACHE"] = "0"
        warm_auto, hidden, ocr_pages = in_process(files, "auto")
        warm_never, _, _ = in_process(files, "never")
        large: dict[str, float] = {}
        large_never = 0.0
        if args.large:
            (Path(tmp) / "large").mkdir()
            big = generate(Path(tmp) / "large", args.large)
            large = {name: batch_per_file(cmd, big, 1) for name, cmd in tools.items()}
            large_never = batch_per_file(mg_never, big, 1)
        # Marginal cost per file and format, start-up excluded for every tool alike:
        # (time of one invocation on the format's k files - time on 1 file) / (k - 1).
        pool = big if args.large else files
        per_format = {ext: {name: marginal(cmd, [f for f in pool if f.suffix == f".{ext}"])
                            for name, cmd in {**tools, "mg never": mg_never}.items()} for ext in MAKERS}

    def ms(x: float) -> str:
        return f"{x * 1000:.1f}"

    names = list(tools)
    # Issue #3 compares with running both tools on each file (metadata from ExifTool, what mat2
    # would clean): "mat2 + exiftool" is their sum.
    header = ["| mode | " + " | ".join(names)
              + " | mat2 + exiftool | exiftool / mg | mat2 / mg | (mat2 + exiftool) / mg |",
              "|---" * (len(names) + 5) + "|"]

    def row(label: str, values: dict[str, float]) -> str:
        mgv = values["mosaicguard"]
        both = values["exiftool -j"] + values["mat2 --show"]
        return (f"| {label} | " + " | ".join(ms(values[k]) for k in names) + f" | {ms(both)}"
                + f" | {ratio(values['exiftool -j'], mgv)} | {ratio(values['mat2 --show'], mgv)}"
                + f" | {ratio(both, mgv)} |")

    med = statistics.median
    lines = [
        f"{n} generated files ({args.per_type} each of {', '.join(MAKERS)}). Milliseconds per file. "
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"load average before the run {os.getloadavg()[0]:.1f}.",
        "",
        "### Command line against command line",
        "",
        *header,
        row(f"one invocation for all {n} files (total / {n}, median of {args.repeat})", batch),
        row(f"one invocation per file (median over {len(singles)} files)", {k: med(v) for k, v in each.items()}),
        row(f"one invocation per file (mean over {len(singles)} files)",
            {k: statistics.fmean(v) for k, v in each.items()}),
    ]
    if large:
        lines.append(row(f"one invocation for all {args.large * len(MAKERS)} files (total / files)", large))
    lines.append(row(f"as above, mosaicguard `--ocr never` ({n} files)", {**batch, "mosaicguard": batch_never}))
    if large:
        lines.append(row(f"as above, mosaicguard `--ocr never` ({args.large * len(MAKERS)} files)",
                         {**large, "mosaicguard": large_never}))
    k = args.large or args.per_type
    lines += [
        "",
        f"### Per format: marginal time per file ({k} files of the format, start-up excluded for every tool)",
        "",
        "(T(k files) − T(1 file)) / (k − 1), one invocation each; mosaicguard also in-process (median, one "
        "engine, `--ocr never`). Ratios: the other tools' marginal time over mosaicguard's (`--ocr never`, "
        "last column default `--ocr auto`). Marginal times of a few ms are noisy (±1 ms).",
        "",
        "| format | mg auto | mg never | mg in-process | exiftool -j | mat2 --show | exiftool / mg never "
        "| mat2 / mg never | (mat2 + exiftool) / mg never | (mat2 + exiftool) / mg auto |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for ext in MAKERS:
        pf = per_format[ext]
        a, b = pf["mosaicguard"], pf["mg never"]
        w = med(warm_never[f] for f in by_ext[ext])
        e, m = pf["exiftool -j"], pf["mat2 --show"]
        lines.append(f"| {ext} | {ms(a)} | {ms(b)} | {ms(w)} | {ms(e)} | {ms(m)} | {ratio(e, b)} | {ratio(m, b)} "
                     f"| {ratio(e + m, b)} | {ratio(e + m, a)} |")
    lines += ["", "In-process steady state with `--ocr auto` (median ms per file): "
              + ", ".join(f"{ext}: {ms(med(warm_auto[f] for f in by_ext[ext]))}" for ext in MAKERS)]
    lines += ["", "Metadata and hidden-data findings by mosaicguard (sum over files): "
              + ", ".join(f"{k}: {v}" for k, v in hidden.items())
              + "; OCR findings: " + ", ".join(f"{k}: {v}" for k, v in ocr_pages.items())]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
