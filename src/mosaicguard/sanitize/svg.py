"""SVG sanitiser: the drawing is rewritten without comments, `<metadata>`, scripts and event
handlers, editor-private elements and attributes (Inkscape, Sodipodi, Illustrator, Sketch), the
top-level title and description, and links to local files; embedded pictures lose their
metadata; the text of content findings is masked in text and attribute values. The output is
read back by the extractor and refused if anything of those kinds is left."""

from __future__ import annotations

import base64

from lxml import etree  # type: ignore[import-untyped]

from ..errors import ExtractionError
from ..extract.base import ExtractContext
from ..extract.ooxml import Element, local_name, looks_like_path
from ..extract.svg import SvgExtractor, data_uri_bytes, event_handlers, is_editor_name, is_script, parse_svg
from ..model import Document, Finding, Location
from ..policy.schema import SanitizeSettings
from .base import Action, SanitizeError, Sanitizer, SanitizeResult
from .ooxml.images import strip_image
from .ooxml.redaction import MASK, mask_text_nodes


def _remove(el: Element) -> None:
    """Remove an element (or comment) keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


class SvgSanitizer(Sanitizer):
    suffixes = (".svg",)

    def plan(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> list[Action]:
        return self._run(data, redact, settings)[1]

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        clean, actions = self._run(data, redact, settings)
        try:
            again = SvgExtractor().extract(clean, "sanitized.svg", ExtractContext())
        except ExtractionError as exc:
            raise SanitizeError(f"sanitised drawing does not read back: {exc}") from None
        # Title and description stay when the policy keeps metadata; everything else always goes.
        kept = ("SVG title", "SVG desc") if not settings.remove_metadata else ()
        left = [h.description for h in again.hidden if h.category in ("metadata", "comment", "embedded")
                and h.description not in kept]
        if left:
            raise SanitizeError("sanitised drawing still contains: " + "; ".join(sorted(set(left))[:5]))
        return SanitizeResult(clean, tuple(actions))

    def _run(self, data: bytes, redact: list[Finding], settings: SanitizeSettings) -> tuple[bytes, list[Action]]:
        try:
            root = parse_svg(data)
        except ExtractionError as exc:
            raise SanitizeError(f"cannot sanitise: {exc}") from None
        actions: list[Action] = []

        def act(kind: str, what: str, category: str) -> None:
            actions.append(Action(kind, what, Location(part="svg"), category))

        for el in list(root.iter()):
            if not isinstance(el.tag, str):
                _remove(el)
                act("remove_comments", "removed a comment or processing instruction", "comment")
                continue
            name = local_name(el.tag)
            if is_script(el) or is_editor_name(el.tag) or name == "metadata" or (
                    name in ("title", "desc") and el.getparent() is root and settings.remove_metadata):
                kind = "remove_embedded" if is_script(el) else "remove_metadata"
                _remove(el)
                act(kind, f"removed <{name}>", "embedded" if is_script(el) else "metadata")
                continue
            for key in list(el.attrib):
                value = str(el.get(key))
                if is_editor_name(key):
                    del el.attrib[key]
                    act("remove_metadata", f"removed editor attribute {local_name(key)}", "metadata")
                elif key in set(event_handlers(el)):
                    del el.attrib[key]
                    act("remove_embedded", f"removed script attribute {local_name(key)}", "embedded")
                elif local_name(key) == "href" and data_uri_bytes(value) is not None:
                    self._clean_picture(el, key, value, actions)
                elif local_name(key) == "href" and looks_like_path(value):
                    del el.attrib[key]
                    act("remove_metadata", "removed a link to a local file", "metadata")
        self._redact(root, redact, actions)
        etree.cleanup_namespaces(root)  # the editors' namespace declarations go with their attributes
        clean: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        return clean, actions

    @staticmethod
    def _clean_picture(el: Element, key: str, href: str, actions: list[Action]) -> None:
        picture = data_uri_bytes(href) or b""
        name = "image.jpg" if picture[:3] == b"\xff\xd8\xff" else "image.png"
        try:
            clean = strip_image(name, picture)
        except Exception as exc:  # Pillow and the parsers raise many kinds on bad images
            raise SanitizeError(f"cannot strip metadata from an embedded picture: {exc}") from exc
        if clean != picture:
            head = href.split(",", 1)[0]
            el.set(key, f"{head},{base64.b64encode(clean).decode('ascii')}")
            actions.append(Action("strip_image_metadata", "removed metadata from an embedded picture",
                                  Location(part="svg"), "metadata"))

    @staticmethod
    def _redact(root: Element, redact: list[Finding], actions: list[Action]) -> None:
        for finding in redact:
            value = finding.match
            hit = mask_text_nodes(root, value) > 0
            for el in root.iter():
                if not isinstance(el.tag, str) or len(value) < 2:
                    continue
                for key, attr_value in el.attrib.items():
                    if value in attr_value and not str(attr_value).startswith("data:"):
                        el.set(key, attr_value.replace(value, MASK * len(value)))
                        hit = True
            kind = "redact_text" if hit else "not_redacted"
            what = f"redacted {finding.category}" if hit else f"could not find {finding.category} text; review by hand"
            actions.append(Action(kind, what, finding.location, finding.category))
