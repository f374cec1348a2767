"""CSV and TSV tables (including social-post exports): one segment per non-empty cell.

A small tokenizer is used instead of the `csv` module because findings need exact character
offsets of each cell in the decoded text (the sanitiser and the reviewer use them); `csv.Sniffer`
still picks the delimiter. Quoting follows RFC 4180, leniently (stray quotes are kept as text).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from ..errors import LimitExceeded
from ..model import Document, Layer, Location, Segment, sha256_bytes
from .base import ExtractContext, Extractor
from .encoding import decode_text

MAX_CELLS = 5_000_000  # cells per file; beyond this the file is reported, not half-read
_NUMERIC = re.compile(r"^[\d\s.,:/+%-]*$")
# Column names of latitude and longitude in exports (lower-cased).
LAT_NAMES = frozenset({"lat", "latitude", "纬度", "geo_lat"})
LON_NAMES = frozenset({"lon", "lng", "long", "longitude", "经度", "geo_lon", "geo_lng"})

Cell = tuple[str, int, int]  # value, start offset, end offset (of the raw field in the text)


def sniff_delimiter(text: str, suffix: str) -> str:
    """Tab for .tsv; otherwise what `csv.Sniffer` finds among , ; tab | (comma when unsure)."""
    if suffix == ".tsv":
        return "\t"
    sample = text[:16384]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ",\t;|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def iter_rows(text: str, delimiter: str) -> Iterator[list[Cell]]:
    """Rows of (value, start, end); quoted values are unescaped, offsets cover the raw field."""
    d = re.escape(delimiter)
    quoted = re.compile(r'"((?:[^"]|"")*)"')
    unquoted = re.compile(f"[^{d}\r\n]*")
    pos, n = 0, len(text)
    row: list[Cell] = []
    while pos < n:
        m = quoted.match(text, pos) if text[pos] == '"' else None
        if m is not None:
            # Offsets point inside the quotes so that text offsets match the value's characters.
            value, start, end = m.group(1).replace('""', '"'), pos + 1, m.end() - 1
            pos = m.end()
            if pos < n and text[pos] not in (delimiter, "\r", "\n"):  # junk after a closing quote: keep it
                tail = unquoted.match(text, pos)
                assert tail is not None
                value += tail.group()
                pos = end = tail.end()
        else:
            u = unquoted.match(text, pos)
            assert u is not None
            value, start, end = u.group(), pos, u.end()
            pos = u.end()
        row.append((value, start, end))
        if pos >= n:
            break
        if text[pos] == delimiter:
            pos += 1
            if pos == n:
                row.append(("", n, n))
            continue
        pos += 2 if text.startswith("\r\n", pos) else 1
        yield row
        row = []
    if row:
        yield row


def looks_like_header(first: list[Cell], second: list[Cell] | None) -> bool:
    """A header row: every cell filled, none numeric, all distinct, and a row follows it."""
    if second is None or len(first) < 2:
        return False
    names = [c[0].strip() for c in first]
    return all(names) and not any(_NUMERIC.match(v) for v in names) and len(set(names)) == len(names)


def _float(value: str) -> float | None:
    try:
        return float(value.strip())
    except ValueError:
        return None


class CsvExtractor(Extractor):
    media_type = "text/csv"
    suffixes = (".csv", ".tsv")

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        text, _encoding = decode_text(data)
        ctx.limits.check_text(text, "table")
        suffix = path.lower()[path.rfind(".") :] if "." in path else ""
        delimiter = sniff_delimiter(text, suffix)
        rows = iter_rows(text, delimiter)
        first = next(rows, None)
        second = next(rows, None)
        if first is None:
            return Document(path=path, media_type=self.media_type, sha256=sha256_bytes(data))
        header = [c[0].strip() for c in first] if looks_like_header(first, second) else None
        lat_col = lon_col = None
        if header:
            lowered = [h.lower() for h in header]
            lat_col = next((i for i, h in enumerate(lowered) if h in LAT_NAMES), None)
            lon_col = next((i for i, h in enumerate(lowered) if h in LON_NAMES), None)
            if lat_col is None or lon_col is None:
                lat_col = lon_col = None
        segments: list[Segment] = []
        cells = 0

        def add_row(number: int, row: list[Cell]) -> None:
            nonlocal cells
            for col, (value, start, end) in enumerate(row, start=1):
                if not value.strip():
                    continue
                cells += 1
                name = header[col - 1] if header and col <= len(header) else None
                is_header = header is not None and number == 1
                pointer = f"row {number}, col {col}" + (f" ({name})" if name and not is_header else "")
                segments.append(Segment(value, layer=Layer.TABLE, field=None if is_header else name,
                                        location=Location(start=start, end=end, pointer=pointer)))
            if lat_col is not None and lon_col is not None and number > 1:
                self._geo(row, number, lat_col, lon_col, segments)
            if cells > MAX_CELLS:
                raise LimitExceeded(f"more than {MAX_CELLS} cells")

        add_row(1, first)
        if second is not None:
            add_row(2, second)
        for number, row in enumerate(rows, start=3):
            if number % 10_000 == 0:
                ctx.check_time()
            add_row(number, row)
        return Document(path=path, media_type=self.media_type, sha256=sha256_bytes(data), segments=tuple(segments))

    @staticmethod
    def _geo(row: list[Cell], number: int, lat_col: int, lon_col: int, out: list[Segment]) -> None:
        """Latitude and longitude columns joined into one "lat, lon" value so that the
        coordinates detector sees a pair, not two lone numbers."""
        if max(lat_col, lon_col) >= len(row):
            return
        lat, lon = _float(row[lat_col][0]), _float(row[lon_col][0])
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
            return
        start = min(row[lat_col][1], row[lon_col][1])
        end = max(row[lat_col][2], row[lon_col][2])
        out.append(Segment(f"{lat:.6f}, {lon:.6f}", layer=Layer.TABLE, field="geo",
                           location=Location(start=start, end=end,
                                             pointer=f"row {number}: latitude/longitude columns")))
