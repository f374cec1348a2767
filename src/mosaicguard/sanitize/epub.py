"""EPUB sanitiser, by allowlist: the book is rebuilt from the members its manifest lists and a
sanitiser can clean (chapters by the HTML sanitiser, style sheets, SVG and pictures by theirs,
the NCX table of contents here); the package document keeps only the metadata a reader needs
(identifier, title, language, modification time, which is reset). Members outside the manifest,
fonts and anything without a sanitiser are dropped and taken off the manifest, never copied.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import ExtractionError
from ..extract.base import ExtractContext, Limits
from ..extract.dispatch import extract_bytes
from ..extract.epub import CHAPTER_TYPES, NCX_TYPE, EpubExtractor, manifest_items, opf_path
from ..extract.ooxml import Element, local_name, serialize_xml
from ..extract.zipxml import ZipParts, descendants, resolve
from ..model import Document, Finding, Location
from ..policy.schema import SanitizeSettings
from .base import Action, SanitizeError, Sanitizer, SanitizeResult, sanitizer_for
from .ooxml.redaction import mask_text_nodes

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_KEEP_META = {"identifier", "title", "language"}
_FIXED_MODIFIED = "2000-01-01T00:00:00Z"
_CONTAINER = "META-INF/container.xml"


def _mask_tree(root: Element, redact: list[Finding]) -> int:
    return sum(mask_text_nodes(root, finding.match) for finding in redact)


class EpubSanitizer(Sanitizer):
    suffixes = (".epub",)
    limits = Limits()

    def plan(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> list[Action]:
        return self._run(data, doc, redact, settings)[1]

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        clean, actions = self._run(data, doc, redact, settings)
        try:
            again = EpubExtractor().extract(clean, doc.path, ExtractContext(limits=self.limits))
        except ExtractionError as exc:
            raise SanitizeError(f"sanitised book does not read back: {exc}") from None
        left = [h.description for h in again.hidden if h.category in ("metadata", "embedded", "comment")]
        if left:
            raise SanitizeError("sanitised book still contains: " + "; ".join(sorted(set(left))[:5]))
        return SanitizeResult(clean, tuple(actions))

    def _run(self, data: bytes, doc: Document, redact: list[Finding],
             settings: SanitizeSettings) -> tuple[bytes, list[Action]]:
        try:
            parts = ZipParts(data, self.limits, "EPUB")
            opf_part = opf_path(parts)
            opf = parts.xml(opf_part)
        except ExtractionError as exc:
            raise SanitizeError(f"cannot sanitise: {exc}") from None
        items = manifest_items(opf, opf_part)
        actions: list[Action] = []
        members: dict[str, bytes] = {_CONTAINER: parts.read(_CONTAINER)}
        for name in parts.names:
            if name.endswith("/") or name in ("mimetype", _CONTAINER, opf_part):
                continue
            mine = [f for f in redact if (f.location.part or "").split(":", 1)[0] == name]
            cleaned = self._member(parts, name, items.get(name), doc.path, mine, settings, actions)
            if cleaned is not None:
                members[name] = cleaned
        self._clean_opf(opf, opf_part, set(members), redact, actions)
        members[opf_part] = serialize_xml(opf)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(zipfile.ZipInfo("mimetype", _ZIP_DATE), b"application/epub+zip", zipfile.ZIP_STORED)
            for name in sorted(members):
                zf.writestr(zipfile.ZipInfo(name, _ZIP_DATE), members[name], zipfile.ZIP_DEFLATED)
        return out.getvalue(), actions

    def _member(self, parts: ZipParts, name: str, media: str | None, book: str, redact: list[Finding],
                settings: SanitizeSettings, actions: list[Action]) -> bytes | None:
        """Cleaned bytes of a member that stays; None (with an action) for one that goes."""
        where = Location(part=name)
        if media is None:
            actions.append(Action("remove_unknown_part", f"removed {name}: not part of the book's manifest", where,
                                  "embedded"))
            return None
        data = parts.read(name)
        if media == NCX_TYPE:
            root = parts.xml(name)
            for author in list(descendants(root, "docAuthor")):
                parent = author.getparent()
                if parent is not None:
                    parent.remove(author)
                    actions.append(Action("remove_metadata", "removed the author from the table of contents",
                                          where, "metadata"))
            _mask_tree(root, redact)
            return serialize_xml(root)
        path = name if media not in CHAPTER_TYPES or name.lower().endswith((".xhtml", ".html", ".htm")) \
            else name + ".xhtml"
        sanitizer = sanitizer_for(path)
        if sanitizer is None:
            actions.append(Action("remove_unknown_part", f"removed {name} ({media}): no sanitiser for it", where,
                                  "embedded"))
            return None
        inner = extract_bytes(data, f"{book}!{name}", ExtractContext(limits=self.limits))
        if inner.status != "ok":
            raise SanitizeError(f"member {name} could not be read: {inner.error}")
        result = sanitizer.sanitize(data, inner, redact, settings)
        actions.extend(Action(a.kind, f"{name}: {a.description}", a.location, a.category) for a in result.actions)
        return result.data

    @staticmethod
    def _clean_opf(opf: Element, opf_part: str, kept: set[str], redact: list[Finding], actions: list[Action]) -> None:
        for block in descendants(opf, "metadata"):
            for el in list(block):
                if not isinstance(el.tag, str):
                    block.remove(el)
                    continue
                name = local_name(el.tag)
                if name in _KEEP_META:
                    continue
                if name == "meta" and el.get("property") == "dcterms:modified":
                    el.text = _FIXED_MODIFIED
                    continue
                block.remove(el)
                label = el.get("property") or el.get("name") or name
                actions.append(Action("remove_metadata", f"removed book metadata {label}", Location(part=opf_part),
                                      "metadata"))
        for item in list(descendants(opf, "item")):
            href = item.get("href", "")
            if href and "://" not in href and resolve(opf_part, href) not in kept:
                parent = item.getparent()
                if parent is not None:
                    parent.remove(item)
                for ref in list(descendants(opf, "itemref")):
                    if ref.get("idref") == item.get("id") and ref.getparent() is not None:
                        ref.getparent().remove(ref)
        _mask_tree(opf, redact)
