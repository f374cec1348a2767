"""Earlier revisions kept by incremental saves: each is re-opened (the file cut after its
%%EOF) and what it shows that the current version no longer shows is reported."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pymupdf

from ...model import HiddenItem, Layer, Location, Segment, Severity
from ..base import ExtractContext
from .common import CJK_COMPAT, MAX_VALUE_CHARS, TEXT_FLAGS, norm
from .metadata import info_items

MAX_REVISIONS = 20


def revision_ends(data: bytes) -> list[int]:
    """Byte offsets just after each %%EOF marker: where each saved revision of the file ends."""
    return [m.end() for m in re.finditer(rb"%%EOF", data)]


def read_history(data: bytes, latest: pymupdf.Document, latest_lines: set[str], latest_meta: set[str],
                 ctx: ExtractContext) -> tuple[list[Segment], list[HiddenItem]]:
    """Open each earlier revision (the file cut after an earlier %%EOF) and report what it shows
    that the current version no longer shows."""
    ends = revision_ends(data)
    if len(ends) < 2:
        return [], []
    total = len(ends)
    earlier = ends[:-1]
    if data[ends[-1]:].strip() and len(data) - ends[-1] > 1024:
        # Bytes after the last marker are an unfinished save; the last marker still ends a revision.
        earlier, total = ends, total + 1
    segments: list[Segment] = []
    hidden: list[HiddenItem] = []
    for number, end in list(enumerate(earlier, start=1))[-MAX_REVISIONS:]:
        ctx.check_time()
        try:
            old = pymupdf.open(stream=data[:end], filetype="pdf")
        except Exception:  # noqa: BLE001 - a prefix that is not a whole PDF (linearised files)
            continue
        try:
            if old.needs_pass or old.page_count == 0 or (old.is_repaired and not latest.is_repaired):
                continue
            found = list(_revision_diff(old, number, latest_lines, latest_meta, ctx))
        finally:
            old.close()
        segments.extend(found)
        part = f"revision {number}"
        if found:
            removed = " / ".join(s.text for s in found)
            if len(removed) > MAX_VALUE_CHARS:
                removed = removed[:MAX_VALUE_CHARS] + "…"
            hidden.append(HiddenItem(
                "pdf_history",
                f"earlier revision {number} of {total}: {len(found)} line(s) no longer shown in the current version",
                removed, Location(page=found[0].location.page, part=part)))
        else:
            hidden.append(HiddenItem(
                "pdf_history", f"earlier revision {number} of {total} (no removed text found)",
                "", Location(part=part), Severity.LOW))
    return segments, hidden


def _revision_diff(old: pymupdf.Document, number: int, latest_lines: set[str], latest_meta: set[str],
                   ctx: ExtractContext) -> Iterator[Segment]:
    seen: set[str] = set()
    for pno in range(old.page_count):
        ctx.check_time()
        text = old.load_page(pno).get_text("text", flags=TEXT_FLAGS, clip=pymupdf.INFINITE_RECT()).translate(CJK_COMPAT)
        part = f"revision {number} page {pno + 1}"
        offset = 0
        for line in text.splitlines():
            key = norm(line)
            if key and key not in latest_lines and key not in seen:
                seen.add(key)
                yield Segment(line, Layer.HISTORY, Location(page=pno + 1, start=offset, end=offset + len(line),
                                                            part=part))
            offset += len(line) + 1
    offset = 0
    for key, value in info_items(old):
        if value not in latest_meta:
            yield Segment(value, Layer.HISTORY, Location(start=offset, end=offset + len(value),
                                                         part=f"revision {number} Info", pointer=key), field=key)
            offset += len(value) + 1
