"""OpenDocument sanitiser (odt, ods, odp, odg), by allowlist.

Only the members the extractor reads and this module rewrites are kept: `mimetype`,
`content.xml`, `styles.xml`, `meta.xml` (emptied unless metadata is to stay), the manifest, and
pictures (their metadata stripped). Everything else — `settings.xml` (printer names, view state),
thumbnails, `Configurations2/`, RDF metadata, scripts, unknown members — is dropped and removed
from the manifest, never copied. Embedded objects go unless the policy keeps them.

Inside the XML, tracked changes are accepted (the deleted text goes), annotations, hidden
paragraphs, sections, sheets, rows and slides and speaker notes are removed as the settings say,
and the text of content findings is masked in every text node that holds it. The output is read
back by the extractor; a file that still hides what was to be removed is refused.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from ..errors import ExtractionError
from ..extract.base import ExtractContext, Limits
from ..extract.odf import OdfExtractor, hidden_styles, odf_attr
from ..extract.ooxml import Element, local_name, serialize_xml
from ..extract.zipxml import ZipParts, descendants
from ..model import Document, Finding, Location
from ..policy.schema import SanitizeSettings
from .base import Action, SanitizeError, Sanitizer, SanitizeResult, removal_requested
from .ooxml.images import strip_image
from .ooxml.redaction import mask_text_nodes

_XML_PARTS = ("content.xml", "styles.xml", "meta.xml")
_MANIFEST = "META-INF/manifest.xml"
_PICTURE_FOLDERS = ("Pictures/", "media/")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # member timestamps would tell when the file was edited


def _remove(el: Element) -> None:
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


class OdfSanitizer(Sanitizer):
    suffixes = (".odt", ".ods", ".odp", ".odg")
    limits = Limits()

    def plan(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> list[Action]:
        return self._run(data, redact, settings)[1]

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        out, actions = self._run(data, redact, settings)
        self._verify(out, settings)
        return SanitizeResult(out, tuple(actions))

    def _verify(self, data: bytes, settings: SanitizeSettings) -> None:
        """Read the output back; refuse it if it does not read or still hides what was removed."""
        _check(data, settings, self.limits)

    def _run(self, data: bytes, redact: list[Finding], settings: SanitizeSettings) -> tuple[bytes, list[Action]]:
        try:
            parts = ZipParts(data, self.limits, "OpenDocument")
            trees = {name: parts.xml(name) for name in _XML_PARTS if parts.has(name)}
            manifest = parts.xml(_MANIFEST) if parts.has(_MANIFEST) else None
        except ExtractionError as exc:
            raise SanitizeError(f"cannot sanitise: {exc}") from None
        if "content.xml" not in trees:
            raise SanitizeError("cannot sanitise: not an OpenDocument file (no content.xml)")
        actions: list[Action] = []
        self._redact(trees, redact, actions)
        self._clean(trees, settings, actions)
        if settings.remove_metadata and "meta.xml" in trees:
            for meta in descendants(trees["meta.xml"], "meta"):
                if len(meta):
                    for item in list(meta):
                        meta.remove(item)
                    actions.append(Action("remove_metadata", "cleared document properties (meta.xml)",
                                          Location(part="meta.xml"), "metadata"))
        members: dict[str, bytes] = {}
        for name in parts.names:
            if name.endswith("/") or name == "mimetype" or name in trees or name == _MANIFEST:
                continue
            kept = self._member(parts, name, settings, actions)
            if kept is not None:
                members[name] = kept
        dropped = [n for n in parts.names if not n.endswith("/") and n not in members and n not in trees
                   and n not in ("mimetype", _MANIFEST)]
        self._drop_references(trees, dropped)
        for name, root in trees.items():
            members[name] = serialize_xml(root)
        if manifest is not None:
            self._fix_manifest(manifest, set(members))
            members[_MANIFEST] = serialize_xml(manifest)
        mimetype = parts.read("mimetype", 200) if parts.has("mimetype") else None
        return _zip(mimetype, members), actions

    # members -----------------------------------------------------------------------------------
    @staticmethod
    def _member(parts: ZipParts, name: str, settings: SanitizeSettings, actions: list[Action]) -> bytes | None:
        """The cleaned bytes of a member that stays, None for one that goes (with its action)."""
        where = Location(part=name)
        if name.startswith(_PICTURE_FOLDERS):
            before = parts.read(name)
            try:
                after = strip_image(name, before)
            except Exception as exc:  # Pillow and the parsers raise many kinds on bad images
                raise SanitizeError(f"cannot strip metadata from image {name}: {exc}") from exc
            if after != before:
                actions.append(Action("strip_image_metadata", f"removed metadata (EXIF/XMP/text) from {name}", where,
                                      "metadata"))
            return after
        top = name.split("/", 1)[0]
        if top.startswith(("Object ", "ObjectReplacements")):
            # Kept only when the policy keeps embedded objects, and only the XML the extractor
            # reads; binary objects (OLE) and their preview pictures are never copied unread.
            if settings.remove_embedded or not name.endswith(".xml") or not name.startswith("Object "):
                actions.append(Action("remove_embedded", f"removed embedded object member {name}", where, "embedded"))
                return None
            return parts.read(name)
        if top == "Thumbnails":
            actions.append(Action("remove_thumbnail", "removed the preview thumbnail", where, "metadata"))
            return None
        actions.append(Action("remove_unknown_part", f"removed {name}: not a part mosaicguard reads and rewrites",
                              where, "metadata"))
        return None

    @staticmethod
    def _drop_references(trees: dict[str, Element], dropped: list[str]) -> None:
        """Frames and images that point at a dropped member (an embedded object, its replacement
        picture) go with it: a link to nothing makes the office suite repair the file."""
        gone = {posixpath.normpath(n) for n in dropped} | {posixpath.normpath(n).split("/", 1)[0] for n in dropped}
        for root in trees.values():
            for el in list(root.iter()):
                href = odf_attr(el, "href")
                if not href or "://" in href:
                    continue
                target = posixpath.normpath(href.lstrip("./").rstrip("/")) if href.startswith("./") else href
                if target in gone and local_name(el.tag) in ("object", "object-ole", "image"):
                    frame = el.getparent()
                    _remove(frame if frame is not None and local_name(frame.tag) == "frame" else el)

    @staticmethod
    def _fix_manifest(manifest: Element, kept: set[str]) -> None:
        for entry in list(manifest):
            path = odf_attr(entry, "full-path")
            if path in ("/", "") or path in kept or (path.endswith("/") and any(k.startswith(path) for k in kept)):
                continue
            _remove(entry)

    # XML ---------------------------------------------------------------------------------------
    @staticmethod
    def _redact(trees: dict[str, Element], redact: list[Finding], actions: list[Action]) -> None:
        """Mask each value in every text node (element text and tails) of the kept XML parts."""
        for finding in redact:
            value = finding.match
            hit = any([mask_text_nodes(root, value) for root in trees.values()])
            where = finding.location.pointer or finding.location.part or "document"
            if hit:
                actions.append(Action("redact_text", f"redacted {finding.category} ({len(value)} characters) "
                                      f"in {where}", finding.location, finding.category))
            else:
                actions.append(Action("not_redacted", f"could not find {finding.category} text to redact in {where}; "
                                      "review by hand", finding.location, finding.category))

    @staticmethod
    def _clean(trees: dict[str, Element], settings: SanitizeSettings, actions: list[Action]) -> None:
        roots = list(trees.values())
        hidden = hidden_styles(roots)
        counts: dict[str, int] = {}

        def drop(el: Element, kind: str) -> None:
            _remove(el)
            counts[kind] = counts.get(kind, 0) + 1

        for root in roots:
            for el in list(root.iter()):
                if not isinstance(el.tag, str) or (el.getparent() is None and el is not root):
                    continue
                name = local_name(el.tag)
                if settings.accept_revisions and name == "tracked-changes":
                    drop(el, "accept_revisions")
                elif settings.accept_revisions and name in ("change", "change-start", "change-end"):
                    _keep_tail(el)
                    drop(el, "accept_revisions_mark")
                elif settings.remove_comments and name in ("annotation", "annotation-end"):
                    _keep_tail(el)
                    drop(el, "remove_comments")
                elif settings.remove_notes and name == "notes":
                    drop(el, "remove_notes")
                elif settings.remove_hidden and _is_hidden(el, name, hidden):
                    _keep_tail(el)
                    drop(el, "remove_hidden")
        labels = {"accept_revisions": ("accept_revisions", "accepted {n} tracked change region(s); deleted text "
                                       "removed", "revision"),
                  "remove_comments": ("remove_comments", "removed {n} annotation element(s)", "comment"),
                  "remove_notes": ("remove_notes", "removed speaker notes of {n} slide(s)", "notes"),
                  "remove_hidden": ("remove_hidden_text", "removed {n} hidden paragraph(s), section(s), sheet(s), "
                                    "row(s) or slide(s)", "hidden_text")}
        for key, (kind, text, category) in labels.items():
            if counts.get(key):
                actions.append(Action(kind, text.format(n=counts[key]), Location(part="content.xml"), category))


def _keep_tail(el: Element) -> None:
    """Text after a removed inline element belongs to its parent: move it to the previous sibling
    (or the parent's text) before the element goes."""
    if not el.tail:
        return
    prev = el.getprevious()
    parent = el.getparent()
    if prev is not None:
        prev.tail = (prev.tail or "") + el.tail
    elif parent is not None:
        parent.text = (parent.text or "") + el.tail
    el.tail = None


def _is_hidden(el: Element, name: str, hidden: set[str]) -> bool:
    if name in ("hidden-text", "hidden-paragraph"):
        return odf_attr(el, "is-hidden") != "false"
    if name == "section" and odf_attr(el, "display") == "none":
        return True
    if name == "page" and odf_attr(el, "visibility") == "hidden":
        return True
    if name == "table-row" and odf_attr(el, "visibility") in ("collapse", "filter"):
        return True
    style = odf_attr(el, "style-name")
    return bool(style) and style in hidden and name in ("p", "h", "span", "section", "table", "page", "frame")


def _zip(mimetype: bytes | None, members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        if mimetype is not None:  # first and stored, as the format requires
            zf.writestr(zipfile.ZipInfo("mimetype", _ZIP_DATE), mimetype, zipfile.ZIP_STORED)
        for name in sorted(members):
            zf.writestr(zipfile.ZipInfo(name, _ZIP_DATE), members[name], zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _verify_doc(data: bytes, limits: Limits) -> Document:
    try:
        return OdfExtractor().extract(data, "sanitized", ExtractContext(limits=limits))
    except ExtractionError as exc:
        raise SanitizeError(f"sanitised file does not read back: {exc}") from exc


def _left(doc: Document, settings: SanitizeSettings) -> list[str]:
    left: list[str] = []
    for item in doc.hidden:
        if removal_requested(item.category, settings):
            left.append(item.description)
    return left


def _check(data: bytes, settings: SanitizeSettings, limits: Limits) -> None:
    left = _left(_verify_doc(data, limits), settings)
    if left:
        raise SanitizeError("sanitised file still contains: " + "; ".join(sorted(set(left))[:5]))
