"""OCR engines behind one small interface: a grayscale image in, lines with character boxes out.

RapidOCR (PP-OCR models shipped inside the wheel, run by onnxruntime) is the default: on our
generated zh/en A4 pages it read Chinese better than Tesseract (1.000 vs 0.989 character accuracy;
Tesseract turned the marking "机密★10年" into "机密女 10 年", which no marking rule matches) at
~1.6x Tesseract's CPU cost (docs/benchmarks-ocr.md). Tesseract (Debian `tesseract-ocr`,
`tesseract-ocr-chi-sim`) is the fallback when RapidOCR is not installed, or on request
(`MOSAICGUARD_OCR_ENGINE=tesseract`: ~3.5x cheaper on English-only archives).
Neither downloads anything at run time.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from abc import ABC, abstractmethod
from functools import cache
from typing import Any

from ...errors import ExtractionError
from ...model import BBox
from .result import OcrLine, union


class OcrUnavailable(ExtractionError):
    """No OCR engine is installed (or the one asked for is missing)."""


class OcrEngine(ABC):
    """Recognise text lines in one grayscale image (a numpy uint8 array)."""

    name: str = ""

    @property
    def ident(self) -> str:
        """Name and version: part of the page-cache key, so an upgrade re-reads pages."""
        return self.name

    @abstractmethod
    def recognise(self, gray: Any) -> list[OcrLine]:
        """Lines in pixel coordinates of `gray`, in reading order."""


def _threads() -> int:
    # One thread per process by default: pages run in parallel processes, and onnxruntime or
    # Tesseract threads fighting over 2 cores made every page several times slower.
    try:
        return max(1, int(os.environ.get("MOSAICGUARD_OCR_THREADS", "1")))
    except ValueError:
        return 1


def _import_onnxruntime_without_leftovers() -> None:
    """Import onnxruntime with TMPDIR pointing at a private folder that is deleted right after.

    onnxruntime writes a telemetry session-id file (`$TMPDIR/.ses`) when it is imported; the tool
    holds secrets and promises to leave no temporary files behind, so that file must not land in
    the user's temp folder. Nothing is sent (tests/test_network_isolation.py watches for it)."""
    import shutil
    import sys
    import tempfile

    if "onnxruntime" in sys.modules:
        return
    private = tempfile.mkdtemp(prefix="mosaicguard-ort-")
    saved = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = private
    try:
        import onnxruntime

        # Belt and braces for an air-gapped tool: no telemetry events, even where a build sends any.
        disable = getattr(onnxruntime, "disable_telemetry_events", None)
        if disable is not None:
            disable()
    finally:
        if saved is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved
        shutil.rmtree(private, ignore_errors=True)


class RapidOcrEngine(OcrEngine):
    name = "rapidocr"

    def __init__(self) -> None:
        _import_onnxruntime_without_leftovers()
        from rapidocr import RapidOCR

        threads = _threads()
        self._ocr = RapidOCR(params={
            "Global.log_level": "error",
            # The 180-degree text-direction classifier flipped whole long lines on our generated
            # A4 pages (English accuracy 0.92, and the lost lines were the ones with phone
            # numbers); without it 1.00, and faster. Pages are deskewed before reading instead.
            "Global.use_cls": False,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        })

    @property
    def ident(self) -> str:
        from importlib.metadata import version

        return f"rapidocr-{version('rapidocr')}-nocls"

    def recognise(self, gray: Any) -> list[OcrLine]:
        import numpy as np

        rgb = np.ascontiguousarray(np.stack([gray, gray, gray], axis=-1))
        result: Any = self._ocr(rgb, return_word_box=True)
        texts = result.txts or ()
        if not texts:
            return []
        words = getattr(result, "word_results", None) or [()] * len(texts)
        lines: list[OcrLine] = []
        for text, score, box, word_list in zip(texts, result.scores, result.boxes, words, strict=False):
            line_box = _quad_to_bbox(box)
            lines.append(OcrLine(text, line_box, float(score), _align_chars(text, word_list, line_box)))
        return lines


def _quad_to_bbox(quad: Any) -> BBox:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return (min(xs), min(ys), max(xs), max(ys))


def _align_chars(text: str, word_list: Any, line_box: BBox) -> tuple[BBox | None, ...]:
    """Per-character boxes for `text`: RapidOCR gives one box per CJK character and one per Latin
    word, so words are split evenly; if the pieces do not add up, spread the line box."""
    pieces: list[BBox] = []
    for item in word_list or ():
        word, _conf, quad = item[0], item[1], item[2]
        box = _quad_to_bbox(quad)
        chars = [c for c in str(word) if not c.isspace()]
        step = (box[2] - box[0]) / max(1, len(chars))
        pieces.extend((box[0] + i * step, box[1], box[0] + (i + 1) * step, box[3]) for i in range(len(chars)))
    visible = [c for c in text if not c.isspace()]
    if len(pieces) != len(visible):
        step = (line_box[2] - line_box[0]) / max(1, len(text))
        return tuple((line_box[0] + i * step, line_box[1], line_box[0] + (i + 1) * step, line_box[3])
                     for i in range(len(text)))
    it = iter(pieces)
    return tuple(None if c.isspace() else next(it) for c in text)


class TesseractEngine(OcrEngine):
    name = "tesseract"

    def __init__(self) -> None:
        exe = shutil.which("tesseract")
        if exe is None:
            raise OcrUnavailable("Tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-chi-sim)")
        self._exe = exe
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, check=False).stdout.split()
        wanted = [lang for lang in ("chi_sim", "eng") if lang in langs]
        if not wanted:
            raise OcrUnavailable("Tesseract has neither chi_sim nor eng language data installed")
        self._langs = "+".join(wanted)
        version = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False).stdout
        self._version = (version.split() or ["?", "?"])[1] if version else "?"

    @property
    def ident(self) -> str:
        return f"tesseract-{self._version}-{self._langs}"

    def recognise(self, gray: Any) -> list[OcrLine]:
        from PIL import Image

        buf = io.BytesIO()
        Image.fromarray(gray).save(buf, format="PNG")
        env = dict(os.environ, OMP_THREAD_LIMIT=str(_threads()))
        proc = subprocess.run([self._exe, "stdin", "stdout", "-l", self._langs, "--psm", "3", "tsv"],
                              input=buf.getvalue(), capture_output=True, env=env, check=False, timeout=600)
        if proc.returncode != 0:
            raise ExtractionError(f"Tesseract failed: {proc.stderr.decode('utf-8', 'replace').strip()[:200]}")
        return _parse_tsv(proc.stdout.decode("utf-8", "replace"))


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"


def _parse_tsv(tsv: str) -> list[OcrLine]:
    grouped: dict[tuple[str, str, str, str], list[tuple[str, BBox, float]]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (float(v) for v in cols[6:10])
        conf = max(0.0, float(cols[10])) / 100.0
        key = (cols[1], cols[2], cols[3], cols[4])
        grouped.setdefault(key, []).append((cols[11].strip(), (left, top, left + width, top + height), conf))
    lines: list[OcrLine] = []
    for words in grouped.values():
        text = ""
        boxes: list[BBox | None] = []
        for word, box, _conf in words:
            # Tesseract separates Chinese characters with spaces; a reader (and a detector) does not.
            if text and not (_is_cjk(text[-1]) and _is_cjk(word[0])):
                text += " "
                boxes.append(None)
            step = (box[2] - box[0]) / len(word)
            boxes.extend((box[0] + i * step, box[1], box[0] + (i + 1) * step, box[3]) for i in range(len(word)))
            text += word
        chars = sum(len(w) for w, _, _ in words)
        conf = sum(c * len(w) for w, _, c in words) / max(1, chars)
        lines.append(OcrLine(text, union([b for _, b, _ in words]), conf, tuple(boxes)))
    return lines


ENGINES: dict[str, type[OcrEngine]] = {"rapidocr": RapidOcrEngine, "tesseract": TesseractEngine}


@cache
def get_engine(name: str | None = None) -> OcrEngine:
    """The engine named (or by `MOSAICGUARD_OCR_ENGINE`), else RapidOCR, else Tesseract.
    One instance per process: loading the models costs more than a small page."""
    wanted = name or os.environ.get("MOSAICGUARD_OCR_ENGINE") or ""
    if wanted:
        if wanted not in ENGINES:
            raise OcrUnavailable(f"unknown OCR engine {wanted!r} (expected one of: {', '.join(ENGINES)})")
        try:
            return ENGINES[wanted]()
        except ImportError as exc:
            raise OcrUnavailable(f"OCR engine {wanted} is not installed: {exc}") from exc
    try:
        return RapidOcrEngine()
    except ImportError:
        return TesseractEngine()
