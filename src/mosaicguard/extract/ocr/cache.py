"""Page cache: an OCR reading stored under the hash of the page's pixels, the engine and the
preprocessing version, so rescanning an archive costs nothing for pages already read.

Location: `$MOSAICGUARD_CACHE_DIR/ocr`, else `$XDG_CACHE_HOME/mosaicguard/ocr`, else
`~/.cache/mosaicguard/ocr`. `MOSAICGUARD_OCR_CACHE=0` turns it off. Entries are small JSON files
written atomically (0600 in a 0700 folder); a damaged entry is ignored and rewritten.

No plaintext at rest: a page's text is what the tool protects, so every entry is sealed
(`mosaicguard.sealed`): named by a keyed hash and encrypted under a key derived from the page's
pixels, which only a reader holding the page can compute. Older plaintext entries are never read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ...sealed import EntryKey, entry_key, seal, unseal
from .result import OcrLine


def cache_dir() -> Path | None:
    """Where pages are cached, or None when caching is off."""
    if os.environ.get("MOSAICGUARD_OCR_CACHE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    base = os.environ.get("MOSAICGUARD_CACHE_DIR")
    if base:
        return Path(base) / "ocr"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "mosaicguard" / "ocr"


def page_key(image: Any, engine_ident: str, prep_version: str) -> str:
    """Content hash of the decoded pixels (not the file bytes: the same scan re-saved with other
    metadata is the same page) plus what would change the reading."""
    dpi = image.info.get("dpi")
    # Formats round-trip DPI inexactly (PNG stores dots per metre): 299.9994 is 300.
    dpi_key = round(float(dpi[0])) if isinstance(dpi, tuple) and dpi and dpi[0] else None
    h = hashlib.sha256()
    h.update(f"{engine_ident}\x1f{prep_version}\x1f{image.mode}\x1f{image.size}\x1f{dpi_key}\x1f".encode())
    h.update(image.tobytes())
    return h.hexdigest()


_HEADER = b"mosaicguard-ocr 2\n"
_PURPOSE = "ocr/2"


def _entry(key: str) -> EntryKey:
    return entry_key(bytes.fromhex(key), _PURPOSE)


def load(key: str) -> list[OcrLine] | None:
    root = cache_dir()
    if root is None:
        return None
    entry = _entry(key)
    path = root / entry.name[:2] / f"{entry.name}.ocr"
    try:
        plain = unseal(entry, path.read_bytes(), _HEADER)
        if plain is None:
            return None
        raw = json.loads(plain.decode("utf-8"))
        return [
            OcrLine(str(item["text"]), _box(item["bbox"]), float(item["confidence"]),
                    tuple(None if b is None else _box(b) for b in item["chars"]))
            for item in raw["lines"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(key: str, lines: list[OcrLine]) -> None:
    root = cache_dir()
    if root is None:
        return
    entry = _entry(key)
    folder = root / entry.name[:2]
    payload = {"lines": [{"text": ln.text, "bbox": list(ln.bbox), "confidence": ln.confidence,
                          "chars": [None if b is None else list(b) for b in ln.char_boxes]} for ln in lines]}
    blob = seal(entry, json.dumps(payload, ensure_ascii=False).encode("utf-8"), _HEADER)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")  # mkstemp: 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, folder / f"{entry.name}.ocr")
    except OSError:
        # A read-only or full cache must never fail a scan; the page is simply read again next time.
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)


def _box(raw: Any) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in raw)
    return (x0, y0, x1, y1)
