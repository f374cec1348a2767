"""Word: tracked changes accepted, comments and hidden runs removed, settings cleaned."""

from __future__ import annotations

import contextlib

from ...errors import ExtractionError
from ...extract.docx import LABEL_POINTER, LABEL_TAGS, DocxExtractor, hidden_reason, paragraph_chunks, story_parts
from ...extract.ooxml import (
    Element,
    Package,
    local_name,
    q,
)
from ...model import Finding, Location
from ...policy.schema import SanitizeSettings
from .editor import PackageEditor, remove_element, unwrap
from .redaction import TextStream
from .template import OoxmlSanitizer, references

_W = "w"
_COMMENT_MARKS = {q(_W, "commentRangeStart"), q(_W, "commentRangeEnd")}
_REVISION_MARKS = {q(_W, t) for t in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange",
                                       "tcPrChange", "tblGridChange", "numberingChange", "moveFromRangeStart",
                                       "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd", "cellIns",
                                       "cellDel", "cellMerge")}
_COMMENT_PART_KINDS = ("comments", "commentsExtended", "commentsIds", "commentsExtensible", "people")


class DocxSanitizer(OoxmlSanitizer):
    suffixes = (".docx", ".docm")
    extractor = DocxExtractor

    def _stories(self, ed: PackageEditor, main: str) -> list[str]:
        parts = [main]
        for rel in ed.rels(main):
            if rel.kind in ("header", "footer", "footnotes", "endnotes", "comments") and not rel.external \
                    and ed.has(rel.target) and rel.target not in parts:
                parts.append(rel.target)
        return parts

    def streams(self, ed: PackageEditor, main: str) -> dict[str, TextStream]:
        pkg_parts = self._stories(ed, main)
        # The extractor also reads unlinked story parts; keep the same list when they exist.
        with contextlib.suppress(ExtractionError):
            pkg_parts = [p for p in story_parts(Package(ed.data, self.limits)) if ed.has(p)]
        return {part: TextStream.of(c.pieces for c in paragraph_chunks(ed.xml(part), part)) for part in pkg_parts}

    def clean(self, ed: PackageEditor, main: str, settings: SanitizeSettings) -> None:
        stories = self._stories(ed, main)
        if settings.accept_revisions:
            count = sum(self._accept_revisions(ed.xml(part)) for part in stories)
            if count:
                ed.act("accept_revisions", f"accepted {count} tracked change(s); deleted text removed", "revision")
        if settings.remove_comments:
            self._remove_comments(ed, main, stories)
        if settings.remove_hidden:
            count = 0
            for part in self._stories(ed, main):
                for run in [r for r in ed.xml(part).iter(q(_W, "r")) if hidden_reason(r)]:
                    remove_element(run)
                    count += 1
            if count:
                ed.act("remove_hidden_text", f"removed {count} hidden run(s)", "hidden_text")
        if settings.remove_metadata:
            self._clean_settings(ed, main)
        self._remove_labels(ed, main)

    def redact_at(self, ed: PackageEditor, finding: Finding) -> bool:
        """A finding in a content-control or custom-XML label is resolved by `_remove_labels`."""
        return finding.location.pointer == LABEL_POINTER

    def _remove_labels(self, ed: PackageEditor, main: str) -> None:
        """Labels no reader sees (content-control names and tags, custom-XML and smart-tag
        attributes, bindings into customXml) go; the custom-XML and smart-tag wrappers give way
        to their content."""
        removed = 0
        for part in self._stories(ed, main):
            root = ed.xml(part)
            for el in list(root.iter(*LABEL_TAGS, q(_W, "customXmlPr"), q(_W, "smartTagPr"))):
                remove_element(el)
                removed += 1
            for wrapper in list(root.iter(q(_W, "customXml"), q(_W, "smartTag"))):
                unwrap(wrapper)
                removed += 1
        if removed:
            ed.act("remove_metadata", f"removed {removed} content-control label(s) and custom XML tag(s)",
                   "metadata")

    @staticmethod
    def _accept_revisions(root: Element) -> int:
        count = 0
        # A deleted table row: accepting removes the whole row with its text.
        for row_props in list(root.iter(q(_W, "trPr"))):
            row = row_props.getparent()
            if row_props.find(q(_W, "del")) is not None and row is not None:
                remove_element(row)
                count += 1
        for tag in ("del", "moveFrom"):
            for el in list(root.iter(q(_W, tag))):
                parent = el.getparent()
                # In run properties it only marks a deleted paragraph mark: the mark goes.
                if parent is None or local_name(parent.tag) != "rPr":
                    count += 1
                remove_element(el)
        for tag in ("ins", "moveTo"):
            for el in list(root.iter(q(_W, tag))):
                parent = el.getparent()
                if parent is not None and local_name(parent.tag) in ("rPr", "trPr"):
                    remove_element(el)
                else:
                    unwrap(el)
                count += 1
        for el in list(root.iter(*_REVISION_MARKS)):
            remove_element(el)
        return count

    def _remove_comments(self, ed: PackageEditor, main: str, stories: list[str]) -> None:
        removed = 0
        for part in stories:
            root = ed.xml(part)
            for el in list(root.iter(*_COMMENT_MARKS)):
                remove_element(el)
            for ref in list(root.iter(q(_W, "commentReference"))):
                run = ref.getparent()
                remove_element(run if run is not None and run.tag == q(_W, "r") else ref)
                removed += 1
        for rel in ed.parts_related(main, _COMMENT_PART_KINDS):
            if rel.kind == "comments":
                count = len(list(ed.xml(rel.target).iter(q(_W, "comment"))))
                ed.act("remove_comments", f"removed {count} comment(s)", "comment", Location(part=rel.target))
            ed.remove_part(rel.target)
        if removed and not any(a.kind == "remove_comments" for a in ed.actions):
            ed.act("remove_comments", f"removed {removed} comment reference(s)", "comment")

    @staticmethod
    def _clean_settings(ed: PackageEditor, main: str) -> None:
        for rel in ed.parts_related(main, ("settings",)):
            root = ed.xml(rel.target)
            for tag in ("docVars", "attachedTemplate", "rsids"):
                for el in list(root.iter(q(_W, tag))):
                    remove_element(el)
                    if tag == "docVars":
                        ed.act("remove_metadata", "removed document variables", "metadata",
                               Location(part=rel.target))
            for template in [r for r in ed.rels(rel.target) if r.kind == "attachedTemplate"]:
                ed.remove_relationship(rel.target, template.id)
                ed.act("remove_metadata", "removed the attached template path", "metadata", Location(part=rel.target))

    def remove_object_references(self, ed: PackageEditor, main: str, rel_ids: dict[str, set[str]]) -> None:
        for source, ids in rel_ids.items():
            if not source.endswith(".xml") or not ed.has(source):
                continue
            for obj in list(ed.xml(source).iter(q(_W, "object"))):
                if references(obj, ids):
                    remove_element(obj)
