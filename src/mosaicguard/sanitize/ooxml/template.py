"""The steps every Office sanitiser shares, and the re-read that proves the output clean."""

from __future__ import annotations

import posixpath

from ...errors import ExtractionError
from ...extract.base import ExtractContext, Limits
from ...extract.docx import DocxExtractor
from ...extract.ooxml import (
    CONTENT_TYPES,
    NS,
    Element,
    is_macro_part,
    local_name,
    q,
    source_of_rels,
)
from ...extract.ooxml_parts import (
    content_type,
    content_type_map,
    declares_foreign_namespace,
    foreign_name,
    is_media_or_object,
    unknown_parts,
)
from ...extract.pptx import PptxExtractor
from ...extract.xlsx import XlsxExtractor
from ...model import Document, Finding, Location
from ...policy.schema import SanitizeSettings
from ..base import Action, SanitizeError, Sanitizer, SanitizeResult, removal_requested
from .editor import PackageEditor, remove_element, settle_removed
from .images import strip_image
from .redaction import TextStream, ValueIndex, finding_part

_THUMBNAIL_KIND = "thumbnail"
_CORE_KIND = "core-properties"
APP_KIND = "extended-properties"
_CUSTOM_KIND = "custom-properties"


class OoxmlSanitizer(Sanitizer):
    """Shared steps; subclasses add the format's own hidden data and its text walk."""

    extractor: type[DocxExtractor] | type[XlsxExtractor] | type[PptxExtractor]
    limits = Limits()

    def plan(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> list[Action]:
        return list(self._run(data, redact, settings, verify=False).actions)

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        return self._run(data, redact, settings, verify=True)

    def _run(self, data: bytes, redact: list[Finding], settings: SanitizeSettings, verify: bool) -> SanitizeResult:
        ed = PackageEditor(data, self.limits)
        main = ed.main_part()
        # Redact first: the offsets refer to the file as it was extracted.
        self.redact(ed, main, redact)
        self.clean(ed, main, settings)
        if settings.remove_embedded:
            self._remove_embedded(ed, main)
        if settings.remove_metadata:
            self._remove_properties(ed)
        self._remove_thumbnail(ed)
        self._strip_images(ed)
        self._drop_unknown(ed, main)
        self._drop_fallbacks(ed)
        self._drop_foreign_markup(ed)
        self.before_build(ed, main)
        ed.sweep_orphans()
        ed.drop_dangling_references()
        settle_removed(ed)
        result = SanitizeResult(ed.build(), tuple(ed.actions))
        if verify:
            self._verify(result.data, settings)
        return result

    # hooks -------------------------------------------------------------------------------------
    def streams(self, ed: PackageEditor, main: str) -> dict[str, TextStream]:
        """Text streams by part, built exactly as the extractor built them."""
        raise NotImplementedError

    def clean(self, ed: PackageEditor, main: str, settings: SanitizeSettings) -> None:
        """Remove the format's own hidden data."""
        raise NotImplementedError

    def remove_object_references(self, ed: PackageEditor, main: str, rel_ids: dict[str, set[str]]) -> None:
        """Remove the XML that shows an embedded object (its relationships are being removed)."""

    # shared steps ------------------------------------------------------------------------------
    def redact(self, ed: PackageEditor, main: str, findings: list[Finding]) -> None:
        if not findings:
            return
        streams = self.streams(ed, main)
        located: list[bool] = []
        for finding in findings:
            part = finding_part(finding)
            hit = self.redact_at(ed, finding)
            if not hit and part is not None and part in streams:
                hit = streams[part].redact(finding)
            located.append(hit)
        # Then every other copy of each value anywhere in the package (text-box fallbacks, shared
        # strings, properties), once per distinct value, after the located pass has run.
        copies = ValueIndex(ed)
        elsewhere = {value: copies.mask(value) for value in dict.fromkeys(f.match for f in findings)}
        for finding, hit in zip(findings, located, strict=True):
            where = finding.location.pointer or finding.location.part or "document"
            if hit or elsewhere[finding.match]:
                ed.act("redact_text", f"redacted {finding.category} ({len(finding.match)} characters) in {where}",
                       finding.category, finding.location)
            else:
                ed.act("not_redacted", f"could not find {finding.category} text to redact in {where}; "
                       "review by hand", finding.category, finding.location)

    def redact_at(self, ed: PackageEditor, finding: Finding) -> bool:
        """Format-specific redaction by pointer (cells); False when it does not apply."""
        return False

    def before_build(self, ed: PackageEditor, main: str) -> None:
        """Last changes after every removal, before orphans are swept."""

    def _remove_properties(self, ed: PackageEditor) -> None:
        for rel in ed.rels(""):
            if rel.external or not ed.has(rel.target):
                continue
            if rel.kind == _CUSTOM_KIND:
                ed.remove_part(rel.target)
                ed.act("remove_metadata", "removed custom document properties", "metadata",
                       Location(part=rel.target))
            elif rel.kind in (_CORE_KIND, APP_KIND):
                root = ed.xml(rel.target)
                if len(root):
                    for child in list(root):
                        root.remove(child)
                    ed.act("remove_metadata", f"cleared document properties in {rel.target}", "metadata",
                           Location(part=rel.target))

    def _remove_thumbnail(self, ed: PackageEditor) -> None:
        # The thumbnail is a picture of the first page as it was, before any redaction.
        for rel in ed.rels(""):
            if rel.kind == _THUMBNAIL_KIND and not rel.external:
                ed.remove_part(rel.target)
                ed.remove_relationship("", rel.id)
                ed.act("remove_thumbnail", "removed the preview thumbnail", "metadata", Location(part=rel.target))

    def _remove_embedded(self, ed: PackageEditor, main: str) -> None:
        folder = posixpath.dirname(main)
        objects = [n for n in ed.members if n.startswith(f"{folder}/embeddings/") or is_macro_part(n)]
        if not objects:
            return
        rel_ids: dict[str, set[str]] = {}
        for rels_part in [n for n in ed.members if n.endswith(".rels")]:
            source = source_of_rels(rels_part)
            for rel in ed.rels(source):
                if not rel.external and rel.target in objects:
                    rel_ids.setdefault(source, set()).add(rel.id)
        self.remove_object_references(ed, main, rel_ids)
        # Charts keep their data as an embedded workbook; the chart stays (with its cached
        # values) and loses the link to the workbook.
        for source, ids in rel_ids.items():
            if ed.has(source) and source.endswith(".xml"):
                for el in list(ed.xml(source).iter()):
                    if local_name(el.tag) == "externalData" and references(el, ids):
                        remove_element(el)
        for name in objects:
            ed.remove_part(name)
            ed.act("remove_embedded", f"removed embedded object {posixpath.basename(name)}", "embedded",
                   Location(part=name))

    def _strip_images(self, ed: PackageEditor) -> None:
        for name in list(ed.members):
            if "/media/" not in name:
                continue
            before = ed.members[name]
            try:
                after = strip_image(name, before)
            except Exception as exc:  # Pillow and the parsers raise many kinds on bad images
                raise SanitizeError(f"cannot strip metadata from image {name}: {exc}") from exc
            if after != before:
                ed.members[name] = after
                ed.act("strip_image_metadata", f"removed metadata (EXIF/XMP/text) from {name}", "metadata",
                       Location(part=name))

    @staticmethod
    def _drop_unknown(ed: PackageEditor, main: str) -> None:
        """Allowlist: every part the tool does not understand (customXml data, a glossary, printer
        settings, unknown content types) and every picture outside the media folder is dropped,
        never copied; its relationships and content-type entry go with it (`sweep_orphans`)."""
        types = content_type_map(ed.xml(CONTENT_TYPES))
        drop = dict(unknown_parts(list(ed.members), types))
        if main in drop:
            raise SanitizeError(f"cannot sanitise: the main part {main} has a content type mosaicguard does not "
                                f"understand ({drop[main] or 'none'})")
        for name in ed.members:
            ctype = content_type(name, types)
            if ctype.startswith("image/") and not is_media_or_object(name):
                drop[name] = ctype
        for name, ctype in sorted(drop.items()):
            ed.remove_part(name)
            ed.act("remove_unknown_part", f"removed part {name} ({ctype or 'no content type'}): not a part "
                   "mosaicguard reads and rewrites", "metadata", Location(part=name))

    @staticmethod
    def _drop_foreign_markup(ed: PackageEditor) -> None:
        """Elements and attributes in a namespace Office does not write (a vendor's or a user's
        own markup inside a kept part) are removed: the format readers do not read them."""
        for name in sorted(ed.members):
            if not name.endswith(".xml") or name == CONTENT_TYPES or is_media_or_object(name):
                continue
            if name not in ed.trees and not declares_foreign_namespace(ed.members[name]):
                continue
            root = ed.xml(name)
            removed = 0
            for el in list(root.iter()):
                if not isinstance(el.tag, str):
                    continue
                if foreign_name(el.tag) and el is not root:
                    remove_element(el)
                    removed += 1
                    continue
                for key in [k for k in el.attrib if foreign_name(k)]:
                    del el.attrib[key]
                    removed += 1
            if removed:
                ed.act("remove_unknown_markup", f"removed {removed} element(s)/attribute(s) of another program "
                       f"from {name}", "metadata", Location(part=name))

    @staticmethod
    def _drop_fallbacks(ed: PackageEditor) -> None:
        """mc:Fallback is a second copy of a drawing or text box for old readers; the extractor reads
        the mc:Choice, so the fallback goes rather than travel unread."""
        fallback = q("mc", "Fallback")
        removed = 0
        for name in list(ed.members):
            if not name.endswith(".xml") or b"AlternateContent" not in ed.members[name]:
                continue
            for el in list(ed.xml(name).iter(fallback)):
                parent = el.getparent()
                if parent is not None and parent.find(q("mc", "Choice")) is not None:
                    remove_element(el)
                    removed += 1
        if removed:
            ed.act("remove_alternate_content", f"removed {removed} mc:Fallback cop(ies) of drawings and text boxes")

    def _verify(self, data: bytes, settings: SanitizeSettings) -> None:
        """Read the output back; refuse it if it does not read or still hides what was removed."""
        try:
            doc = self.extractor().extract(data, "sanitized", ExtractContext(limits=self.limits))
        except ExtractionError as exc:
            raise SanitizeError(f"sanitised file does not read back: {exc}") from exc
        left: list[str] = []
        for item in doc.hidden:
            if item.description.startswith("field code"):
                continue  # reported as a not_redacted/manual action by the scan, not removed here
            in_properties = (item.location.part or "").startswith("docProps/")
            if "sanitize drops it" in item.description or "sanitize removes it" in item.description:
                left.append(item.description)  # the allowlist must have removed it: never vouch for it
            elif removal_requested(item.category, settings) and (item.category != "metadata" or in_properties):
                left.append(item.description)
        if left:
            raise SanitizeError("sanitised file still contains: " + "; ".join(sorted(set(left))[:5]))


def drop_part_titles(ed: PackageEditor) -> None:
    """app.xml lists sheet and slide titles, hidden ones included."""
    for rel in ed.rels(""):
        if rel.kind == APP_KIND and ed.has(rel.target):
            root = ed.xml(rel.target)
            for tag in ("HeadingPairs", "TitlesOfParts"):
                for el in list(root.iter(q("ep", tag))):
                    remove_element(el)


def references(el: Element, ids: set[str]) -> bool:
    r_ns = f"{{{NS['r']}}}"
    return any(k.startswith(r_ns) and v in ids for node in el.iter() for k, v in node.attrib.items())
