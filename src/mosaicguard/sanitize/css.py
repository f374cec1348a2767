"""Style sheets: every comment removed (re-serialised from tinycss2's tokens, the same tokens the
extractor read) and the text of content findings masked."""

from __future__ import annotations

from ..extract.css import parse_css, without_comments
from ..extract.encoding import decode_text
from ..model import Document, Finding, Location
from ..policy.schema import SanitizeSettings
from .base import Action, Sanitizer, SanitizeResult
from .ooxml.redaction import MASK


class CssSanitizer(Sanitizer):
    suffixes = (".css",)

    def plan(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> list[Action]:
        return self._run(data, doc, redact)[1]

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        clean, actions = self._run(data, doc, redact)
        return SanitizeResult(clean, tuple(actions))

    @staticmethod
    def _run(data: bytes, doc: Document, redact: list[Finding]) -> tuple[bytes, list[Action]]:
        import tinycss2

        text, _ = decode_text(data)
        comments = sum(1 for h in doc.hidden if h.category == "comment")
        out = tinycss2.serialize(without_comments(parse_css(text)))
        actions = [Action("remove_comments", f"removed {comments} comment(s)", Location(part="css"), "comment")] \
            if comments else []
        for finding in redact:
            if len(finding.match) >= 2 and finding.match in out:
                out = out.replace(finding.match, MASK * len(finding.match))
                actions.append(Action("redact_text", f"redacted {finding.category}", finding.location,
                                      finding.category))
            elif finding.match not in out:  # it was in a comment, and went with it
                actions.append(Action("redact_text", f"removed {finding.category} with the comment that held it",
                                      finding.location, finding.category))
            else:
                actions.append(Action("not_redacted", f"could not redact {finding.category}; review by hand",
                                      finding.location, finding.category))
        return out.encode("utf-8"), actions
