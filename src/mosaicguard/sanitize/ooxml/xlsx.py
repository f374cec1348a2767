"""Excel: hidden sheets, rows and columns, notes, links to other files, shared strings."""

from __future__ import annotations

from dataclasses import dataclass

from ...extract.ooxml import (
    Element,
    looks_like_path,
    q,
)
from ...extract.xlsx import XlsxExtractor, item_text, sheet_cells
from ...model import Finding, Location
from ...policy.schema import SanitizeSettings
from ..base import SanitizeError
from .editor import PackageEditor, remove_element
from .redaction import MASK, TextStream
from .template import OoxmlSanitizer, drop_part_titles, references

_X = "x"


class XlsxSanitizer(OoxmlSanitizer):
    suffixes = (".xlsx", ".xlsm")
    extractor = XlsxExtractor

    def _strings(self, ed: PackageEditor, main: str) -> tuple[str | None, list[str]]:
        for rel in ed.parts_related(main, ("sharedStrings",)):
            return rel.target, [item_text(si) for si in ed.xml(rel.target).iter(q(_X, "si"))]
        return None, []

    def streams(self, ed: PackageEditor, main: str) -> dict[str, TextStream]:
        return {}  # cells are redacted by pointer (see `redact`)

    def redact(self, ed: PackageEditor, main: str, findings: list[Finding]) -> None:
        _, strings = self._strings(ed, main)
        self._cells: dict[str, tuple[Element, str]] = {}
        for sheet in self._sheets(ed, main, ed.xml(main)):
            for cell in sheet_cells(ed.xml(sheet.part), strings):
                self._cells[f"{sheet.name}!{cell.ref}"] = (cell.element, cell.text)
        super().redact(ed, main, findings)

    def redact_at(self, ed: PackageEditor, finding: Finding) -> bool:
        """A cell finding: the cell becomes an inline string with the match masked (a numeric
        cell becomes text); its formula goes, since it would recompute the value."""
        entry = self._cells.get(finding.location.pointer or "")
        if entry is None or finding.match not in entry[1]:
            return False
        element, text = entry
        masked = text.replace(finding.match, MASK * len(finding.match))
        _set_inline_string(element, masked)
        self._cells[finding.location.pointer or ""] = (element, masked)
        return True

    @staticmethod
    def _sheets(ed: PackageEditor, main: str, workbook: Element) -> list[_SheetRef]:
        rels = {r.id: r for r in ed.rels(main)}
        out: list[_SheetRef] = []
        for index, sheet in enumerate(workbook.iter(q(_X, "sheet"))):
            rel = rels.get(sheet.get(q("r", "id"), ""))
            if rel is not None and not rel.external and ed.has(rel.target):
                out.append(_SheetRef(sheet.get("name", "?"), rel.target, sheet.get("state", "visible"), sheet,
                                     rel.id, index))
        return out

    def clean(self, ed: PackageEditor, main: str, settings: SanitizeSettings) -> None:
        workbook = ed.xml(main)
        if settings.remove_hidden:
            self._remove_hidden_sheets(ed, main, workbook)
            self._clear_hidden_cells(ed, main, workbook)
        if settings.remove_comments:
            self._remove_comments(ed, main, workbook)
        if settings.remove_metadata:
            self._remove_links(ed, main, workbook)

    def _remove_hidden_sheets(self, ed: PackageEditor, main: str, workbook: Element) -> None:
        refs = self._sheets(ed, main, workbook)
        hidden = [s for s in refs if s.state in ("hidden", "veryHidden")]
        if not hidden:
            return
        if len(hidden) == len(refs):
            raise SanitizeError("cannot sanitise: every sheet of the workbook is hidden")
        removed_index = sorted((s.index for s in hidden), reverse=True)
        names = {s.name for s in hidden}
        for sheet in hidden:
            remove_element(sheet.element)
            ed.remove_relationship(main, sheet.rel_id)
            ed.remove_part(sheet.part)
            kind = "very hidden" if sheet.state == "veryHidden" else "hidden"
            ed.act("remove_hidden_sheet", f"removed {kind} sheet '{sheet.name}'", "hidden_sheet",
                   Location(part=sheet.part, pointer=sheet.name))
        for name in list(workbook.iter(q(_X, "definedName"))):
            local = name.get("localSheetId")
            text = name.text or ""
            if any(f"{n}!" in text or f"'{n}'!" in text for n in names):
                remove_element(name)
                continue
            if local is not None and local.isdigit():
                index = int(local)
                if index in removed_index:
                    remove_element(name)
                    continue
                name.set("localSheetId", str(index - sum(1 for r in removed_index if r < index)))
        for view in workbook.iter(q(_X, "workbookView")):
            view.set("activeTab", "0")
            view.set("firstSheet", "0")
        for ref in self._sheets(ed, main, workbook):
            for view in ed.xml(ref.part).iter(q(_X, "sheetView")):
                view.attrib.pop("tabSelected", None)
        first = self._sheets(ed, main, workbook)[0]
        for view in ed.xml(first.part).iter(q(_X, "sheetView")):
            view.set("tabSelected", "1")
        # calcChain names cells by sheet index; Excel rebuilds it when it is missing.
        for rel in ed.parts_related(main, ("calcChain",)):
            ed.remove_part(rel.target)
        drop_part_titles(ed)

    def _clear_hidden_cells(self, ed: PackageEditor, main: str, workbook: Element) -> None:
        _, strings = self._strings(ed, main)
        for sheet in self._sheets(ed, main, workbook):
            cleared = 0
            for cell in list(sheet_cells(ed.xml(sheet.part), strings)):
                if cell.hidden_row or cell.hidden_column:
                    remove_element(cell.element)
                    cleared += 1
            if cleared:
                ed.act("clear_hidden_cells", f"cleared {cleared} cell(s) in hidden rows/columns of '{sheet.name}'",
                       "hidden_sheet", Location(part=sheet.part, pointer=sheet.name))

    def _remove_comments(self, ed: PackageEditor, main: str, workbook: Element) -> None:
        for sheet in self._sheets(ed, main, workbook):
            notes = ed.parts_related(sheet.part, ("comments", "threadedComment"))
            if not notes:
                continue
            root = ed.xml(sheet.part)
            vml = ed.parts_related(sheet.part, ("vmlDrawing",))
            vml_ids = {r.id for r in vml}
            for el in list(root.iter(q(_X, "legacyDrawing"))):
                if el.get(q("r", "id")) in vml_ids:
                    remove_element(el)
            for rel in notes + vml:
                ed.remove_part(rel.target)
            ed.act("remove_comments", f"removed cell comments of sheet '{sheet.name}'", "comment",
                   Location(part=sheet.part, pointer=sheet.name))
        for rel in ed.parts_related(main, ("person",)):
            ed.remove_part(rel.target)

    def _remove_links(self, ed: PackageEditor, main: str, workbook: Element) -> None:
        for name in list(workbook.iter(q(_X, "definedName"))):
            text = name.text or ""
            if looks_like_path(text) or "[" in text:
                remove_element(name)
                ed.act("remove_metadata", f"removed defined name '{name.get('name', '')}' pointing at another file",
                       "metadata", Location(part=main))
        for names in list(workbook.iter(q(_X, "definedNames"))):
            if not len(names):
                remove_element(names)
        links = ed.parts_related(main, ("externalLink",))
        for refs in list(workbook.iter(q(_X, "externalReferences"))):
            remove_element(refs)
        for rel in links:
            ed.remove_part(rel.target)
            ed.act("remove_metadata", f"removed external workbook link {rel.target}", "metadata",
                   Location(part=rel.target))
        # Formulas that read another workbook keep their last value and lose the reference.
        for sheet in self._sheets(ed, main, workbook):
            for f in list(ed.xml(sheet.part).iter(q(_X, "f"))):
                text = f.text or ""
                if not ("[" in text or looks_like_path(text)):
                    continue
                cell = f.getparent()
                remove_element(f)
                if cell is not None and cell.get("t") == "str":
                    v = cell.find(q(_X, "v"))
                    _set_inline_string(cell, (v.text or "") if v is not None else "")
                ed.act("remove_metadata", f"replaced a formula reading another file by its value in "
                       f"{sheet.name}!{cell.get('r', '?') if cell is not None else '?'}", "metadata",
                       Location(part=sheet.part))

    def remove_object_references(self, ed: PackageEditor, main: str, rel_ids: dict[str, set[str]]) -> None:
        for source, ids in rel_ids.items():
            if not ed.has(source) or not source.endswith(".xml"):
                continue
            for holder in list(ed.xml(source).iter(q(_X, "oleObjects"))):
                remove_element(holder)
            for control in list(ed.xml(source).iter(q(_X, "oleObject"))):
                if references(control, ids):
                    remove_element(control)

    def clean_shared_strings(self, ed: PackageEditor, main: str) -> None:
        """Blank shared strings no cell uses any more (removed sheets, cleared or redacted cells),
        keeping indices stable."""
        target, _ = self._strings(ed, main)
        if target is None:
            return
        used: set[int] = set()
        for sheet in self._sheets(ed, main, ed.xml(main)):
            for c in ed.xml(sheet.part).iter(q(_X, "c")):
                if c.get("t") == "s":
                    v = c.find(q(_X, "v"))
                    if v is not None and (v.text or "").isdigit():
                        used.add(int(v.text))
        blanked = 0
        for index, si in enumerate(ed.xml(target).iter(q(_X, "si"))):
            if index not in used and "".join(si.itertext()):
                for child in list(si):
                    si.remove(child)
                empty = si.makeelement(q(_X, "t"), {})
                si.append(empty)
                blanked += 1
        if blanked:
            ed.act("clean_shared_strings", f"blanked {blanked} shared string(s) no visible cell uses", None,
                   Location(part=target))

    def before_build(self, ed: PackageEditor, main: str) -> None:
        self.clean_shared_strings(ed, main)


@dataclass(frozen=True)
class _SheetRef:
    name: str
    part: str
    state: str
    element: Element
    rel_id: str
    index: int


def _set_inline_string(cell: Element, text: str) -> None:
    for child in list(cell):
        cell.remove(child)
    cell.set("t", "inlineStr")
    inline = cell.makeelement(q(_X, "is"), {})
    t = inline.makeelement(q(_X, "t"), {})
    t.text = text
    inline.append(t)
    cell.append(inline)
