"""PowerPoint: hidden slides and shapes, off-slide shapes, notes and comments."""

from __future__ import annotations

from ...extract.ooxml import (
    Element,
    Package,
    local_name,
    q,
)
from ...extract.pptx import PptxExtractor, is_hidden_slide, off_slide, shape_paragraphs, slide_size, slides
from ...model import Layer, Location
from ...policy.schema import SanitizeSettings
from .editor import PackageEditor, remove_element
from .redaction import TextStream
from .template import OoxmlSanitizer, drop_part_titles, references

_P = "p"


class PptxSanitizer(OoxmlSanitizer):
    suffixes = (".pptx", ".pptm")
    extractor = PptxExtractor

    def streams(self, ed: PackageEditor, main: str) -> dict[str, TextStream]:
        root = ed.xml(main)
        size = slide_size(root)
        out: dict[str, TextStream] = {}
        pkg = Package(ed.data, self.limits)
        for slide in slides(pkg, main, pkg.xml(main)):
            if not ed.has(slide.part):
                continue
            tree = ed.xml(slide.part)
            base = Layer.HIDDEN_TEXT if is_hidden_slide(tree) else Layer.BODY
            out[slide.part] = TextStream.of(p.pieces for p in shape_paragraphs(tree, base, size))
            for rel in ed.parts_related(slide.part, ("notesSlide",)):
                notes = shape_paragraphs(ed.xml(rel.target), Layer.NOTES, size, notes=True)
                out[rel.target] = TextStream.of(p.pieces for p in notes)
        return out

    def clean(self, ed: PackageEditor, main: str, settings: SanitizeSettings) -> None:
        root = ed.xml(main)
        if settings.remove_hidden:
            self._remove_hidden_slides(ed, main, root)
            self._remove_hidden_shapes(ed, main, root)
        if settings.remove_notes:
            count = self._remove_slide_related(ed, main, root, "notesSlide")
            if count:
                ed.act("remove_notes", f"removed speaker notes of {count} slide(s)", "notes")
        if settings.remove_comments:
            count = self._remove_slide_related(ed, main, root, "comments")
            for rel in ed.parts_related(main, ("commentAuthors", "authors")):
                ed.remove_part(rel.target)
            if count:
                ed.act("remove_comments", f"removed comments of {count} slide(s)", "comment")

    @staticmethod
    def _slide_parts(ed: PackageEditor, main: str, root: Element) -> list[str]:
        rels = {r.id: r for r in ed.rels(main)}
        out: list[str] = []
        for sld in root.iter(q(_P, "sldId")):
            rel = rels.get(sld.get(q("r", "id"), ""))
            if rel is not None and ed.has(rel.target):
                out.append(rel.target)
        return out

    def _remove_slide_related(self, ed: PackageEditor, main: str, root: Element, kind: str) -> int:
        """Remove the parts of relationship `kind` ("notesSlide", "comments") of every slide;
        how many were removed."""
        count = 0
        for slide_part in self._slide_parts(ed, main, root):
            for rel in ed.parts_related(slide_part, (kind,)):
                ed.remove_part(rel.target)
                count += 1
        return count

    def _remove_hidden_slides(self, ed: PackageEditor, main: str, root: Element) -> None:
        rels = {r.id: r for r in ed.rels(main)}
        removed_ids: set[str] = set()
        entries = list(root.iter(q(_P, "sldId")))
        for number, sld in enumerate(entries, start=1):
            rel = rels.get(sld.get(q("r", "id"), ""))
            if rel is None or not ed.has(rel.target) or not is_hidden_slide(ed.xml(rel.target)):
                continue
            removed_ids.add(sld.get("id", ""))
            remove_element(sld)
            ed.remove_relationship(main, rel.id)
            ed.remove_part(rel.target)
            ed.act("remove_hidden_slide", f"removed hidden slide {number}", "hidden_text",
                   Location(part=rel.target, pointer=f"slide {number}"))
        if not removed_ids:
            return
        # Sections and custom shows list slides by id; drop the entries of removed slides.
        for el in list(root.iter()):
            if local_name(el.tag) == "sldId" and el.get("id") in removed_ids:
                remove_element(el)
        for shows in list(root.iter(q(_P, "custShowLst"))):
            remove_element(shows)
        drop_part_titles(ed)

    def _remove_hidden_shapes(self, ed: PackageEditor, main: str, root: Element) -> None:
        size = slide_size(root)
        for number, part in enumerate(self._slide_parts(ed, main, root), start=1):
            tree = ed.xml(part)
            sp_tree = tree.find(f".//{q(_P, 'spTree')}")
            if sp_tree is None:
                continue
            for shape in list(sp_tree):
                if not isinstance(shape.tag, str) or local_name(shape.tag) not in {"sp", "graphicFrame", "grpSp",
                                                                                    "cxnSp", "pic"}:
                    continue
                nv = next(iter(shape.iter(q(_P, "cNvPr"))), None)
                hidden = nv is not None and nv.get("hidden", "0").lower() in {"1", "true"}
                if hidden or off_slide(shape, size):
                    name = nv.get("name", "") if nv is not None else ""
                    remove_element(shape)
                    what = "hidden" if hidden else "off-slide"
                    ed.act("remove_hidden_shape", f"removed {what} shape '{name}' on slide {number}", "hidden_text",
                           Location(part=part, pointer=f"slide {number}"))

    def remove_object_references(self, ed: PackageEditor, main: str, rel_ids: dict[str, set[str]]) -> None:
        for source, ids in rel_ids.items():
            if not ed.has(source) or not source.endswith(".xml"):
                continue
            for frame in list(ed.xml(source).iter(q(_P, "graphicFrame"))):
                if not references(frame, ids):
                    continue
                holder = frame
                for ancestor in frame.iterancestors():
                    if local_name(ancestor.tag) == "AlternateContent":
                        holder = ancestor
                remove_element(holder)
