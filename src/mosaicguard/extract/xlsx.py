"""Excel workbooks (.xlsx, .xlsm), read from the raw XML: every cell of every sheet (shared and
inline strings, numbers, cached formula results), hidden and very hidden sheets, hidden rows and
columns, cell comments (notes and threaded comments), defined names, formulas and external links
that point at internal paths, and the values cached from linked workbooks.

Each worksheet part has one text stream of its cells (one segment per cell, pointer "Sheet1!B7");
the sanitiser uses the same `sheet_cells` walk and the pointers to find the cells to redact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Document, HiddenItem, Layer, Location, MetadataField, sha256_bytes
from .base import ExtractContext, Extractor
from .ooxml import (
    Element,
    Extracted,
    Package,
    PartText,
    finish,
    local_name,
    looks_like_path,
    preview,
    q,
    read_package_parts,
)

X = "x"
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_OFF = {"0", "false"}


@dataclass(frozen=True)
class SheetInfo:
    """One sheet as the workbook lists it."""

    name: str
    part: str
    state: str  # visible | hidden | veryHidden


def column_index(letters: str) -> int:
    """A -> 1, Z -> 26, AA -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def item_text(el: Element) -> str:
    """The text of a string item (<si>, <is>, comment <text>), without phonetic runs (rPh)."""
    parts: list[str] = []
    for t in el.iter(q(X, "t")):
        parent = t.getparent()
        if parent is not None and parent.tag == q(X, "rPh"):
            continue
        parts.append(t.text or "")
    return "".join(parts)


def shared_strings(pkg: Package, workbook: str) -> list[str]:
    """The shared string table (empty when the workbook has none)."""
    for rel in pkg.rels(workbook):
        if rel.kind == "sharedStrings" and not rel.external and pkg.has(rel.target):
            return [item_text(si) for si in pkg.xml(rel.target).iter(q(X, "si"))]
    return []


def sheets(pkg: Package, workbook: str, root: Element) -> list[SheetInfo]:
    """Sheets in workbook order with their parts and visibility."""
    rels = pkg.rel_map(workbook)
    out: list[SheetInfo] = []
    for sheet in root.iter(q(X, "sheet")):
        rel = rels.get(sheet.get(q("r", "id"), ""))
        if rel is None or rel.external or not pkg.has(rel.target):
            continue
        out.append(SheetInfo(sheet.get("name", "?"), rel.target, sheet.get("state", "visible")))
    return out


@dataclass
class Cell:
    """One non-empty cell: where it is, what it shows, whether it is hidden."""

    element: Element
    ref: str
    row: int
    column: int
    text: str
    formula: str
    hidden_row: bool
    hidden_column: bool


def hidden_columns(root: Element) -> set[int]:
    """Indices of columns marked hidden (each <col> covers min..max)."""
    out: set[int] = set()
    for col in root.iter(q(X, "col")):
        if col.get("hidden", "0").lower() in _OFF:
            continue
        lo, hi = int(col.get("min", "0")), int(col.get("max", "0"))
        out.update(range(lo, min(hi, 16384) + 1))
    return out


def cell_text(cell: Element, strings: list[str]) -> str:
    """What a cell shows: shared or inline string, number, boolean, error, cached formula result."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(q(X, "is"))
        return item_text(inline) if inline is not None else ""
    v = cell.find(q(X, "v"))
    raw = (v.text or "") if v is not None else ""
    if kind == "s":
        try:
            return strings[int(raw)]
        except (ValueError, IndexError):
            return ""
    if kind == "b":
        return "TRUE" if raw == "1" else "FALSE" if raw else ""
    return raw


def sheet_cells(root: Element, strings: list[str]) -> Iterator[Cell]:
    """Every cell that shows or computes something, in sheet order."""
    hidden_cols = hidden_columns(root)
    for row in root.iter(q(X, "row")):
        row_hidden = row.get("hidden", "0").lower() not in _OFF
        row_number = int(row.get("r", "0") or 0)
        for c in row.iter(q(X, "c")):
            ref = c.get("r", "")
            m = _CELL_REF.fullmatch(ref)
            column = column_index(m.group(1)) if m else 0
            number = int(m.group(2)) if m else row_number
            f = c.find(q(X, "f"))
            formula = (f.text or "") if f is not None else ""
            text = cell_text(c, strings)
            if not text and not formula:
                continue
            yield Cell(c, ref, number, column, text, formula, row_hidden, column in hidden_cols)


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3, 7"."""
    spans: list[list[int]] = []
    for n in sorted(set(numbers)):
        if spans and spans[-1][1] == n - 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in spans)


def _read_sheet(pkg: Package, sheet: SheetInfo, strings: list[str], out: Extracted) -> None:
    root = pkg.xml(sheet.part)
    stream = PartText(sheet.part)
    sheet_hidden = sheet.state != "visible"
    shown: list[str] = []
    hidden_rows: dict[int, list[str]] = {}
    hidden_cols: dict[int, list[str]] = {}
    for cell in sheet_cells(root, strings):
        pointer = f"{sheet.name}!{cell.ref}"
        hidden = sheet_hidden or cell.hidden_row or cell.hidden_column
        layer = Layer.HIDDEN_SHEET if hidden else Layer.TABLE
        if cell.text:
            stream.add(cell.text, layer, pointer)
            if sheet_hidden:
                shown.append(cell.text)
            elif cell.hidden_row:
                hidden_rows.setdefault(cell.row, []).append(cell.text)
            elif cell.hidden_column:
                hidden_cols.setdefault(cell.column, []).append(cell.text)
        if cell.formula and (looks_like_path(cell.formula) or "[" in cell.formula):
            location = stream.add(cell.formula, Layer.METADATA, f"{pointer} formula", "formula")
            out.hidden.append(HiddenItem("metadata", f"formula in {pointer} refers to another file",
                                         preview(cell.formula), location))
    _read_header_footer(root, sheet, stream, Layer.HIDDEN_SHEET if sheet_hidden else None)
    out.add_stream(stream)
    if sheet_hidden:
        kind = "very hidden" if sheet.state == "veryHidden" else "hidden"
        out.hidden.append(HiddenItem("hidden_sheet", f"{kind} sheet '{sheet.name}'", preview(" | ".join(shown)),
                                     Location(part=sheet.part, pointer=sheet.name)))
    if hidden_rows:
        rows = _ranges(list(hidden_rows))
        values = " | ".join(v for r in sorted(hidden_rows) for v in hidden_rows[r])
        out.hidden.append(HiddenItem("hidden_sheet", f"hidden row(s) {rows} in sheet '{sheet.name}'",
                                     preview(values), Location(part=sheet.part, pointer=f"{sheet.name} rows {rows}")))
    if hidden_cols:
        cols = _ranges(list(hidden_cols))
        values = " | ".join(v for c in sorted(hidden_cols) for v in hidden_cols[c])
        out.hidden.append(HiddenItem("hidden_sheet", f"hidden column(s) {cols} in sheet '{sheet.name}'",
                                     preview(values),
                                     Location(part=sheet.part, pointer=f"{sheet.name} columns {cols}")))
    _read_comments(pkg, sheet, out)


_HEADER_CODES = re.compile(r'&(?:"[^"]*"|\d+|K[0-9A-Fa-f]{6}|[A-Za-z])')


def header_footer_text(code: str) -> str:
    """The printed text of a header/footer definition, without its codes (&L, &"Arial,Bold", &P)."""
    return " ".join(_HEADER_CODES.sub(" ", code.replace("&&", "\x00")).replace("\x00", "&").split())


def _read_header_footer(root: Element, sheet: SheetInfo, stream: PartText, layer: Layer | None) -> None:
    """Printed page headers and footers (a marking often lives only there)."""
    for holder in root.iter(q(X, "headerFooter")):
        for el in holder:
            name = local_name(el.tag)
            text = header_footer_text(el.text or "")
            if text:
                kind = Layer.HEADER if "Header" in name else Layer.FOOTER
                stream.add(text, layer or kind, f"{sheet.name} {name}")


def _read_comments(pkg: Package, sheet: SheetInfo, out: Extracted) -> None:
    """Notes (legacy comments) and threaded comments attached to a sheet."""
    for rel in pkg.rels(sheet.part):
        if rel.external or not pkg.has(rel.target):
            continue
        if rel.kind == "comments":
            root = pkg.xml(rel.target)
            authors = [a.text or "" for a in root.iter(q(X, "author"))]
            stream = PartText(rel.target)
            for comment in root.iter(q(X, "comment")):
                text_el = comment.find(q(X, "text"))
                text = item_text(text_el) if text_el is not None else ""
                pointer = f"{sheet.name}!{comment.get('ref', '?')}"
                try:
                    author = authors[int(comment.get("authorId", "-1"))]
                except (ValueError, IndexError):
                    author = ""
                location = stream.add(text, Layer.COMMENT, pointer)
                who = f" by '{author}'" if author else ""
                out.hidden.append(HiddenItem("comment", f"cell comment on {pointer}{who}", preview(text), location))
            out.add_stream(stream)
        elif rel.kind == "threadedComment":
            root = pkg.xml(rel.target)
            stream = PartText(rel.target)
            for comment in root:
                text_el = next((c for c in comment if isinstance(c.tag, str) and c.tag.endswith("}text")), None)
                text = (text_el.text or "") if text_el is not None else ""
                pointer = f"{sheet.name}!{comment.get('ref', '?')}"
                location = stream.add(text, Layer.COMMENT, pointer)
                if text.strip():
                    out.hidden.append(HiddenItem("comment", f"threaded comment on {pointer}", preview(text), location))
            out.add_stream(stream)


def _defined_names(root: Element, workbook: str, out: Extracted) -> None:
    stream = PartText(workbook)
    for name in root.iter(q(X, "definedName")):
        label = name.get("name", "")
        value = name.text or ""
        if not value.strip():
            continue
        key = f"definedName:{label}"
        out.metadata.append(MetadataField(key, value, workbook))
        location = stream.add(value, Layer.METADATA, key, key)
        refers_out = looks_like_path(value) or bool(re.search(r"\[\d+\]", value)) or "[" in value
        if refers_out:
            out.hidden.append(HiddenItem("metadata", f"defined name '{label}' refers to another file",
                                         preview(value), location))
        elif name.get("hidden", "0").lower() not in _OFF and not label.startswith("_xlnm."):
            out.hidden.append(HiddenItem("metadata", f"hidden defined name '{label}'", preview(value), location))
    out.add_stream(stream)


def _external_links(pkg: Package, workbook: str, out: Extracted) -> None:
    """Linked workbooks keep a copy of the values they showed: hidden data of their own."""
    for rel in pkg.rels(workbook):
        if rel.kind != "externalLink" or rel.external or not pkg.has(rel.target):
            continue
        root = pkg.xml(rel.target)
        stream = PartText(rel.target)
        values: list[str] = []
        for sheet_data in root.iter(q(X, "sheetData")):
            for cell in sheet_data.iter(q(X, "cell")):
                v = cell.find(q(X, "v"))
                text = (v.text or "") if v is not None else ""
                if text.strip():
                    stream.add(text, Layer.HIDDEN_SHEET, f"external {cell.get('r', '?')}")
                    values.append(text)
        out.add_stream(stream)
        if values:
            out.hidden.append(HiddenItem("hidden_sheet", f"values cached from a linked workbook ({rel.target})",
                                         preview(" | ".join(values)), Location(part=rel.target)))


class XlsxExtractor(Extractor):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    suffixes = (".xlsx", ".xlsm")

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        pkg = Package(data, ctx.limits)
        out = Extracted()
        workbook = pkg.main_part("xlsx")
        root = pkg.xml(workbook)
        strings = shared_strings(pkg, workbook)
        for sheet in sheets(pkg, workbook, root):
            ctx.check_time()
            _read_sheet(pkg, sheet, strings, out)
        _defined_names(root, workbook, out)
        _external_links(pkg, workbook, out)
        read_package_parts(pkg, path, ctx, workbook, "xl", out)
        return finish(out, path, self.media_type, sha256_bytes(data))

    def sniff(self, data: bytes) -> bool:
        return data.startswith(b"PK") and b"xl/" in data[:4096]
