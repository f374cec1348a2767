"""The package being cleaned: members, parsed parts, relationships, orphan sweep, zip output."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from ...errors import ExtractionError
from ...extract.base import Limits
from ...extract.ooxml import (
    CONTENT_TYPES,
    NS,
    ROOT_RELS,
    Element,
    Package,
    Relationship,
    parse_xml,
    rels_from_tree,
    rels_name,
    serialize_xml,
    source_of_rels,
)
from ...model import Location
from ..base import Action, SanitizeError

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed: member timestamps would tell when the file was edited
CT_NS = NS["ct"]


@dataclass
class PackageEditor:
    """The members of a package while it is being cleaned; XML parts are parsed on first use
    and serialised once at the end."""

    data: bytes
    limits: Limits
    members: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, Element] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    #: (source part, relationship id) of every relationship removed, for `drop_dangling_references`
    removed_rels: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        try:
            pkg = Package(self.data, self.limits)
            self.members = {name: pkg.read(name) for name in pkg.names}
        except ExtractionError as exc:
            raise SanitizeError(f"cannot sanitise: {exc}") from exc

    def has(self, name: str) -> bool:
        return name in self.members

    def xml(self, name: str) -> Element:
        if name not in self.trees:
            try:
                self.trees[name] = parse_xml(self.members[name], name)
            except ExtractionError as exc:
                raise SanitizeError(f"cannot sanitise: {exc}") from exc
        return self.trees[name]

    def act(self, kind: str, description: str, category: str | None = None, location: Location | None = None) -> None:
        self.actions.append(Action(kind, description, location or Location(), category))

    # relationships -------------------------------------------------------------------------
    def rels(self, source: str) -> list[Relationship]:
        name = ROOT_RELS if source == "" else rels_name(source)
        if not self.has(name):
            return []
        return rels_from_tree(self.xml(name), name)

    def main_part(self) -> str:
        for rel in self.rels(""):
            if rel.kind == "officeDocument" and not rel.external:
                return rel.target
        raise SanitizeError("cannot sanitise: the package has no main document part")

    def remove_relationship(self, source: str, rel_id: str) -> None:
        name = ROOT_RELS if source == "" else rels_name(source)
        if not self.has(name):
            return
        for rel in list(self.xml(name)):
            if rel.get("Id") == rel_id:
                self.xml(name).remove(rel)
                self.removed_rels.append((source, rel_id))

    def remove_part(self, name: str) -> None:
        """Remove a part and its own relationships. Relationships that point to it are dropped
        by `sweep_orphans` (one pass for all removals instead of a scan per part)."""
        for store in (self.members, self.trees):
            store.pop(name, None)
            store.pop(rels_name(name), None)

    def parts_related(self, source: str, kinds: Iterable[str]) -> list[Relationship]:
        wanted = set(kinds)
        return [r for r in self.rels(source) if r.kind in wanted and not r.external and self.has(r.target)]

    # finishing -----------------------------------------------------------------------------
    def sweep_orphans(self) -> None:
        """Drop parts no relationship reaches from the package root (left-overs of removed
        sheets, slides, comments), then relationships and content types of missing parts."""
        reachable: set[str] = set()
        queue = [""]
        while queue:
            source = queue.pop()
            for rel in self.rels(source):
                if not rel.external and rel.target not in reachable and self.has(rel.target):
                    reachable.add(rel.target)
                    queue.append(rel.target)
        for name in list(self.members):
            if name == CONTENT_TYPES or name.endswith(".rels") or name in reachable:
                continue
            self.members.pop(name, None)
            self.trees.pop(name, None)
        for name in [n for n in self.members if n.endswith(".rels")]:
            source = source_of_rels(name)
            if source and not self.has(source):
                self.members.pop(name, None)
                self.trees.pop(name, None)
                continue
            for rel in self.rels(source):
                if not rel.external and not self.has(rel.target):
                    self.remove_relationship(source, rel.id)
        types = self.xml(CONTENT_TYPES)
        for override in list(types.iter(f"{{{CT_NS}}}Override")):
            if not self.has(override.get("PartName", "").lstrip("/")):
                types.remove(override)

    def drop_dangling_references(self) -> None:
        """Remove the elements of kept parts that point (r:id, r:embed, ...) at a relationship
        that was removed: a reference to nothing makes Office repair the file."""
        by_source: dict[str, set[str]] = {}
        for source, rel_id in self.removed_rels:
            by_source.setdefault(source, set()).add(rel_id)
        r_ns = f"{{{NS['r']}}}"
        for source, ids in by_source.items():
            if not source.endswith(".xml") or not self.has(source):
                continue
            root = self.xml(source)
            for el in list(root.iter()):
                if el is not root and any(k.startswith(r_ns) and v in ids for k, v in el.attrib.items()):
                    remove_element(el)

    def build(self) -> bytes:
        out = io.BytesIO()
        order = [CONTENT_TYPES, *sorted(n for n in self.members if n != CONTENT_TYPES)]
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in order:
                content = serialize_xml(self.trees[name]) if name in self.trees else self.members[name]
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, content)
        return out.getvalue()


def settle_removed(ed: PackageEditor) -> None:
    """A finding that could not be redacted in place is resolved when its whole part (an
    embedded workbook, a hidden sheet, a notes slide) has been removed."""
    for index, action in enumerate(ed.actions):
        part = (action.location.part or "").split(":", 1)[0]
        if action.kind == "not_redacted" and part and not ed.has(part):
            ed.actions[index] = Action("redact_text", f"removed {action.category} together with {part}",
                                       action.location, action.category)


def remove_element(el: Element) -> None:
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def unwrap(el: Element) -> None:
    """Replace an element by its children (accepting a tracked insertion keeps its content)."""
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    for offset, child in enumerate(list(el)):
        parent.insert(index + offset, child)
    parent.remove(el)
