"""OCR benchmark: pages per minute per core and character accuracy on generated A4 pages.

Renders zh and en A4 pages at 300 dpi with a CJK font (Debian fonts-wqy-microhei), OCRs each
with every available engine through mosaicguard's own path (preprocessing included, cache off,
one thread per process), and compares the text with what was drawn.

    .venv/bin/python bench/ocr_pages.py [--pages N] [--engines rapidocr,tesseract] [--json OUT]

Accuracy is 1 - (edit distance / reference length) on the text with all whitespace removed
(engines differ in how they space CJK text; spacing is not what a detector depends on).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import sys
import time

os.environ.setdefault("MOSAICGUARD_OCR_THREADS", "1")
os.environ["MOSAICGUARD_OCR_CACHE"] = "0"

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
ZH = ("机密★10年 关于某县某镇道路改造工程施工招标的公告。本项目位于城区东侧，建设内容包括道路、排水、照明及附属设施。"
      "投标人须具备市政公用工程施工总承包三级及以上资质，项目经理须具备二级注册建造师资格。联系人张伟，电话"
      "13812345678，身份证号11010519491231002X。开标时间为二〇二六年三月十五日上午九时三十分，地点为县公共资源"
      "交易中心第三开标室。质量标准为合格，工期一百八十日历天，采用资格后审方式，不接受联合体投标。")
EN = ("Notice of tender for road reconstruction works in the eastern district. The works include roads, "
      "drainage, lighting and ancillary facilities. Bidders must hold a municipal works contractor licence "
      "of grade three or above. Contact John Smith, phone 13912345678, at the public resources trading centre. "
      "Bids open on 15 March 2026 at 09:30 in room three. Quality standard: pass. Duration: 180 calendar days.")


def render_page(text: str, seed: int) -> tuple[object, str]:
    """An A4 page at 300 dpi (2480x3508), 10.5-12 pt text, returning the image and the drawn text."""
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)
    size = rng.choice([44, 48, 50])  # ~10.5-12 pt at 300 dpi
    font = ImageFont.truetype(FONT, size)
    img = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(img)
    margin, y, drawn = 240, 300, []
    words = list(text) if any("\u4e00" <= c <= "\u9fff" for c in text) else text.split(" ")
    joiner = "" if words == list(text) else " "
    line = ""
    while y < 3508 - 300:
        for w in words:
            trial = f"{line}{joiner}{w}" if line else w
            if draw.textlength(trial, font=font) > 2480 - 2 * margin:
                draw.text((margin, y), line, font=font, fill=0)
                drawn.append(line)
                y += int(size * 1.8)
                line = w
                if y >= 3508 - 300:
                    break
            else:
                line = trial
        else:
            continue
        break
    img.info["dpi"] = (300, 300)
    return img, "\n".join(drawn)


def degrade(image: object, seed: int) -> object:
    """A scan-like copy: 1.2-degree tilt, slight blur, grey paper with noise, JPEG at quality 60."""
    import io

    import numpy as np
    from PIL import Image, ImageFilter

    img = image.rotate(1.2, fillcolor=255, resample=Image.BICUBIC)  # type: ignore[attr-defined]
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    rng = np.random.default_rng(seed)
    arr = np.asarray(img, dtype=np.float32) * 0.85 + 20 + rng.normal(0, 12, img.size[::-1])
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=60)
    out = Image.open(io.BytesIO(buf.getvalue()))
    out.load()
    out.info["dpi"] = (300, 300)
    return out


def _cpu() -> float:
    """CPU seconds of this process and its finished children (Tesseract runs as a child).
    Pages per minute per core are computed from CPU time, not wall time: on a shared machine the
    wall clock measures the neighbours. One OCR thread per process makes the two the same on an
    idle core."""
    own = time.process_time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + kids.ru_utime + kids.ru_stime


def char_accuracy(reference: str, got: str) -> float:
    a = "".join(reference.split())
    b = "".join(got.split())
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return max(0.0, 1.0 - prev[-1] / max(1, len(a)))


def _ablation(engine: str) -> list[dict[str, object]]:
    """One scan-like page per language with one preprocessing step changed at a time."""
    from mosaicguard.extract.ocr import ocr_image

    binarise_default = engine == "tesseract"
    rows: list[dict[str, object]] = []
    for variant, env in (("no_deskew", {"MOSAICGUARD_OCR_DESKEW": "0"}),
                         ("binarise_" + ("off" if binarise_default else "on"),
                          {"MOSAICGUARD_OCR_BINARISE": "0" if binarise_default else "1"})):
        os.environ.update(env)
        try:
            for lang, text in (("zh", ZH), ("en", EN)):
                image, reference = render_page(text, 0)
                cpu0 = _cpu()
                page = ocr_image(degrade(image, 0), engine=engine)
                row = {"engine": engine, "lang": lang, "condition": f"scan/{variant}", "pages": 1,
                       "cpu_seconds_per_page": round(_cpu() - cpu0, 2),
                       "char_accuracy": round(char_accuracy(reference, page.text), 4)}
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), flush=True)
        finally:
            for key in env:
                os.environ.pop(key, None)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2, help="pages per language per engine")
    parser.add_argument("--engines", default="rapidocr,tesseract")
    parser.add_argument("--json", help="write results as JSON here")
    parser.add_argument("--ablation", action="store_true",
                        help="also read the scan-like pages without deskew, and with the other binarisation")
    args = parser.parse_args(argv)

    from mosaicguard.extract.ocr import get_engine, ocr_image

    results = []
    for engine in args.engines.split(","):
        try:
            get_engine(engine)
        except Exception as exc:  # noqa: BLE001 - report and go on with the other engine
            print(f"{engine}: unavailable ({exc})", file=sys.stderr)
            continue
        ocr_image(render_page("预热 warm-up", 0)[0], engine=engine)  # model load is not a page cost
        for (lang, text), condition in itertools.product((("zh", ZH), ("en", EN)), ("clean", "scan")):
            walls, cpus, accs = [], [], []
            for n in range(args.pages):
                image, reference = render_page(text, n)
                if condition == "scan":
                    image = degrade(image, n)
                start, cpu0 = time.perf_counter(), _cpu()
                page = ocr_image(image, engine=engine)
                walls.append(time.perf_counter() - start)
                cpus.append(_cpu() - cpu0)
                accs.append(char_accuracy(reference, page.text))
            cpu = sum(cpus) / len(cpus)
            row = {"engine": engine, "lang": lang, "condition": condition, "pages": args.pages,
                   "cpu_seconds_per_page": round(cpu, 2),
                   "wall_seconds_per_page": round(sum(walls) / len(walls), 2),
                   "pages_per_minute_per_core": round(60 / cpu, 1),
                   "char_accuracy": round(sum(accs) / len(accs), 4)}
            results.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
        if args.ablation:
            results.extend(_ablation(engine))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, ensure_ascii=False, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
