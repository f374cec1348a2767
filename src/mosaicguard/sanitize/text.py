"""Text formats: plain text, Markdown and CSV (redact matches in place) and HTML (also remove
comments, hidden elements and revealing meta tags).

Redacted text is replaced by a same-length mask, so offsets and table layouts stay intact and the
value is gone from the file. The HTML sanitiser edits the page's source by character ranges that
the parser reports; everything it does not touch is kept byte for byte.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from ..extract.encoding import decode_text
from ..extract.html import (
    CLOSES_P,
    IMPLICIT_CLOSE,
    LINK_ATTRS,
    LOCAL_LINK,
    PERSON_META,
    VOID,
    decode_html,
    hidden_reason,
    sets_background,
    structured_values,
)
from ..model import Document, Finding, Location
from ..policy.schema import SanitizeSettings
from .base import Action, SanitizeError, Sanitizer, SanitizeResult

MASK = "█"
_FALLBACK_MASK = "X"
_KEEP_IN_SPAN = frozenset(',;\t|"\r\n ')
_REVEALING_META = PERSON_META | frozenset({"generator", "progid", "originator", "company", "application-name"})


def mask_char(encoding: str) -> str:
    """The mask character, unless the file's encoding cannot write it."""
    try:
        MASK.encode(encoding)
        return MASK
    except (UnicodeEncodeError, LookupError):
        return _FALLBACK_MASK


def encode_like(text: str, encoding: str) -> bytes:
    """Encode with the encoding the file came in (a GBK notice stays GBK)."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise SanitizeError(f"cannot write the cleaned text back as {encoding}: {exc}") from None


def redact_spans(text: str, redact: list[Finding], mask: str, use_offsets: bool = True) -> tuple[str, list[Action]]:
    """Mask each finding at its offsets when they still point at the value; otherwise (or with
    `use_offsets=False`) mask every occurrence of the value: offsets from a structured extractor
    (JSON records, HTML visible text) are not offsets into the raw file."""
    chars = list(text)
    actions: list[Action] = []
    by_value: set[str] = set()
    for f in redact:
        loc = f.location
        if not f.match:
            continue
        start, end = loc.start if loc.start is not None else -1, loc.end if loc.end is not None else -1
        usable = use_offsets and loc.part is None and 0 <= start <= end <= len(text)
        if usable and text[start:end] == f.match:
            chars[start:end] = mask * (end - start)
            actions.append(Action("redact_text", f"redact {f.category} ({f.rule})", loc, f.category))
        elif usable and f.match not in text and 0 < end - start <= 2 * len(f.match) + 16:
            # A value assembled from several cells (latitude and longitude columns): mask the
            # cells' characters and keep the delimiters, so the table keeps its shape.
            for i in range(start, end):
                if chars[i] not in _KEEP_IN_SPAN:
                    chars[i] = mask
            actions.append(Action("redact_text", f"redact {f.category} ({f.rule})", loc, f.category))
        else:
            by_value.add(f.match)
    joined = "".join(chars)
    for value in sorted(by_value, key=len, reverse=True):
        count = joined.count(value)
        if count:
            joined = joined.replace(value, mask * len(value))
            actions.append(Action("redact_text", f"redact {count} occurrence(s) of a matched value"))
    return joined, actions


class _CopySanitizer(Sanitizer):
    """A text sanitiser whose plan is a real run on the bytes in memory: cleaning text is cheap,
    and the plan is then exactly what `sanitize` does."""

    def plan(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> list[Action]:
        return list(self.sanitize(data, doc, redact, settings).actions)


def _decode(data: bytes, decoder: Callable[[bytes], tuple[str, str]], what: str) -> tuple[str, str]:
    """(text, encoding), or a SanitizeError: undecodable input cannot be cleaned safely."""
    try:
        return decoder(data)
    except Exception as exc:  # noqa: BLE001 - any decoder failure means the same here
        raise SanitizeError(f"{what} could not be decoded: {exc}") from None


class PlainTextSanitizer(_CopySanitizer):
    """txt, md, csv, tsv, log (and JSON text): mask matches, keep everything else."""

    suffixes = (".txt", ".md", ".csv", ".tsv", ".log")

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        text, encoding = _decode(data, decode_text, "text")
        cleaned, actions = redact_spans(text, redact, mask_char(encoding))
        return SanitizeResult(encode_like(cleaned, encoding), tuple(actions))


# -- HTML ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cut:
    start: int
    end: int
    action: Action
    replacement: str = ""


class _SourceMap(HTMLParser):
    """Records the character range of every construct that must go, by parser positions."""

    def __init__(self, text: str, settings: SanitizeSettings) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.settings = settings
        self.line_starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.line_starts.append(i + 1)
        self.cuts: list[_Cut] = []
        # (tag, start offset, hidden reason or None, background white)
        self.stack: list[tuple[str, int, str | None, bool]] = []
        self.pending: list[tuple[int, str, str]] = []  # hidden elements closed implicitly: (start, reason, tag)
        self.data_ranges: list[tuple[int, int]] = []
        self.ld_json: tuple[int, list[str]] | None = None  # open JSON-LD block: start offset, text

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _hidden_here(self) -> bool:
        return any(reason for _t, _s, reason, _b in self.stack)

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        start = self._pos()
        end = start + len(self.get_starttag_text() or "")
        attrs = {k.lower(): (v or "") for k, v in attrs_list}
        if tag == "meta":
            name = (attrs.get("name") or attrs.get("property") or "").lower()
            if self.settings.remove_metadata and name in _REVEALING_META:
                self.cuts.append(_Cut(start, end, Action("remove_metadata", f"remove <meta name={name}>",
                                                         Location(pointer=f"<meta name={name}>"), "metadata")))
            return
        self._implicit_close(tag, start)
        if self.settings.remove_metadata:
            self._local_links(tag, attrs, start)
            if tag == "script" and attrs.get("type", "").strip().lower() == "application/ld+json":
                self.ld_json = (start, [])
        bg = sets_background(attrs)
        parent_bg = self.stack[-1][3] if self.stack else True
        background_white = parent_bg if bg is None else bg
        reason = None if self._hidden_here() else hidden_reason(tag, attrs, background_white)
        if reason and self.settings.remove_hidden and tag in VOID:
            self.cuts.append(_Cut(start, end, Action("remove_hidden", f"remove hidden <{tag}> ({reason})",
                                                     Location(pointer=f"<{tag}>"), "hidden_text")))
            return
        if tag not in VOID:
            self.stack.append((tag, start, reason if self.settings.remove_hidden else None, background_white))

    def _local_links(self, tag: str, attrs: dict[str, str], start: int) -> None:
        """Point links to the author's disk or file share at "#" (the path names people and machines)."""
        raw = self.get_starttag_text() or ""
        for attr in LINK_ATTRS:
            value = attrs.get(attr, "")
            if value and LOCAL_LINK.match(value):
                at = raw.find(value)
                if at > 0:
                    self.cuts.append(_Cut(start + at, start + at + len(value),
                                          Action("remove_metadata", f"neutralise <{tag} {attr}> to a local path",
                                                 Location(pointer=f"<{tag} {attr}>"), "metadata"), "#"))

    def _implicit_close(self, tag: str, at: int) -> None:
        """HTML's optional end tags, as the extractor applies them (a new <li> ends the open one)."""
        closes = IMPLICIT_CLOSE.get(tag)
        if tag in CLOSES_P and self.stack and self.stack[-1][0] == "p":
            self._pop_top(at)
        elif closes and self.stack and self.stack[-1][0] in closes:
            self._pop_top(at)
            if tag == "tr" and self.stack and self.stack[-1][0] == "tr":
                self._pop_top(at)

    def _pop_top(self, at: int) -> None:
        tag, start, reason, _bg = self.stack.pop()
        if reason:
            self._cut_hidden(start, at, tag, reason)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            _tag, start, reason, _bg = self.stack.pop()
            if reason:
                end = start + len(self.get_starttag_text() or "")
                self._cut_hidden(start, end, tag, reason)

    def handle_data(self, data: str) -> None:
        if self.ld_json is not None:
            self.ld_json[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        start = self._pos()
        raw_end = self.text.find(">", start)
        end = len(self.text) if raw_end < 0 else raw_end + 1
        if tag == "script" and self.ld_json is not None:
            block_start, pieces = self.ld_json
            self.ld_json = None
            if any(isinstance(v, tuple) for _p, v in structured_values("".join(pieces))):
                self.cuts.append(_Cut(block_start, end, Action("remove_gps", "remove JSON-LD block with a position",
                                                               Location(pointer="ld+json"), "gps")))
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                for inner_tag, inner_start, inner_reason, _bg in self.stack[index + 1 :]:
                    if inner_reason:  # closed implicitly by this end tag: cut up to here
                        self._cut_hidden(inner_start, start, inner_tag, inner_reason)
                t, s, reason, _bg = self.stack[index]
                del self.stack[index:]
                if reason:
                    self._cut_hidden(s, end, t, reason)
                return

    def _cut_hidden(self, start: int, end: int, tag: str, reason: str) -> None:
        self.cuts.append(_Cut(start, end, Action("remove_hidden", f"remove hidden <{tag}> ({reason})",
                                                 Location(pointer=f"<{tag}>"), "hidden_text")))

    def handle_comment(self, data: str) -> None:
        if not self.settings.remove_comments or data.strip().startswith(("[if", "<![endif", "[endif")):
            return
        start = self._pos()
        end = self.text.find("-->", start)
        end = len(self.text) if end < 0 else end + 3
        self.cuts.append(_Cut(start, end, Action("remove_comment", "remove HTML comment", Location(), "comment")))

    def finish(self) -> None:
        self.close()
        for tag, start, reason, _bg in self.stack:
            if reason:
                self._cut_hidden(start, len(self.text), tag, reason)
                break  # the outermost unclosed hidden element covers the rest


def _merge(cuts: list[_Cut]) -> list[_Cut]:
    """Drop cuts inside earlier cuts (a comment inside a hidden div goes with the div)."""
    kept: list[_Cut] = []
    for cut in sorted(cuts, key=lambda c: (c.start, -c.end)):
        if kept and cut.start < kept[-1].end:
            if cut.end > kept[-1].end:
                last = kept[-1]
                kept[-1] = _Cut(last.start, cut.end, last.action, last.replacement)
            continue
        kept.append(cut)
    return kept


class HtmlSanitizer(_CopySanitizer):
    suffixes = (".html", ".htm")

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        text, encoding = _decode(data, decode_html, "page")
        parser = _SourceMap(text, settings)
        parser.feed(text)
        parser.finish()
        cuts = _merge(parser.cuts)
        pieces: list[str] = []
        pos = 0
        for cut in cuts:
            pieces.append(text[pos : cut.start])
            pieces.append(cut.replacement)
            pos = max(pos, cut.end)
        pieces.append(text[pos:])
        kept = "".join(pieces)
        # Values are masked wherever they remain (text, title, attributes): extractor offsets are
        # offsets of visible text, not of the source, so values are found by content here.
        mask = mask_char(encoding)
        cleaned, redactions = redact_spans(kept, redact, mask, use_offsets=False)
        cleaned, more = redact_across_markup(cleaned, [f for f in redact if f.match and f.match not in kept], mask)
        redactions += more
        actions = [c.action for c in cuts] + redactions
        return SanitizeResult(encode_like(cleaned, encoding), tuple(actions))


# Between two characters of a value the page source may hold tags, whitespace or a no-break space.
_MARKUP_GAP = r"(?:<[^<>]{0,200}>|\s|&nbsp;|&#160;|&#xa0;)*"
_MAX_VALUE_FOR_GAPS = 200


def redact_across_markup(source: str, redact: list[Finding], mask: str) -> tuple[str, list[Action]]:
    """Mask values that the page splits with markup (`<b>138 1234</b> 5678`): every character of
    the value is masked, the tags between them are kept so the page structure survives."""
    chars = list(source)
    actions: list[Action] = []
    for value in sorted({f.match for f in redact}, key=len, reverse=True):
        letters = [c for c in value if not c.isspace()]
        if not letters or len(value) > _MAX_VALUE_FOR_GAPS:
            continue
        pattern = re.compile(_MARKUP_GAP.join(re.escape(c) for c in letters))
        hits = 0
        for m in pattern.finditer(source):
            in_tag = False
            for i in range(m.start(), m.end()):
                ch = source[i]
                if ch == "<":
                    in_tag = True
                elif ch == ">" and in_tag:
                    in_tag = False
                elif not in_tag and not ch.isspace() and ch != ";" and not _in_entity(source, i):
                    chars[i] = mask
            hits += 1
        if hits:
            actions.append(Action("redact_text", f"redact {hits} occurrence(s) of a value split by markup"))
    return "".join(chars), actions


def _in_entity(source: str, i: int) -> bool:
    """True if position i is inside an `&...;` entity written between the value's characters."""
    amp = source.rfind("&", max(0, i - 7), i + 1)
    return amp >= 0 and source.find(";", amp) >= i and source[amp:].startswith(("&nbsp;", "&#160;", "&#xa0;"))


# -- JSON ------------------------------------------------------------------------------------


class JsonSanitizer(_CopySanitizer):
    """JSON and JSON Lines exports: mask matched values inside strings (escaped or not), and
    remove geo positions (the same pairs the extractor reports as `gps`). The file is re-written
    from the parsed data, so `\\u` escapes cannot hide a value from the redaction."""

    suffixes = (".json", ".jsonl", ".ndjson")

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        import json

        text, encoding = _decode(data, decode_text, "text")
        mask = mask_char(encoding)
        values = sorted({f.match for f in redact if f.match}, key=len, reverse=True)
        counts = {"redacted": 0, "gps": 0}
        remove_gps = settings.remove_metadata  # a post's position is metadata of the post
        lines_mode = doc.path.lower().endswith((".jsonl", ".ndjson"))
        try:
            if lines_mode:
                out_lines = []
                for line in text.splitlines():
                    if not line.strip():
                        out_lines.append(line)
                        continue
                    cleaned = _clean_json(json.loads(line), "", None, values, mask, remove_gps, counts, 0)
                    out_lines.append(json.dumps(cleaned, ensure_ascii=False))
                result = "\n".join(out_lines) + ("\n" if text.endswith("\n") else "")
            else:
                cleaned = _clean_json(json.loads(text), "", None, values, mask, remove_gps, counts, 0)
                result = json.dumps(cleaned, ensure_ascii=False, indent=2) + "\n"
        except (ValueError, RecursionError) as exc:
            raise SanitizeError(f"JSON could not be parsed for cleaning: {exc}") from None
        actions = []
        if counts["redacted"]:
            actions.append(Action("redact_text", f"redact {counts['redacted']} matched value(s) in string fields"))
        if counts["gps"]:
            actions.append(Action("remove_gps", f"remove {counts['gps']} geo position(s)", category="gps"))
        return SanitizeResult(encode_like(result, encoding), tuple(actions))


_MAX_JSON_DEPTH = 64


def _clean_json(value: object, key: str, parent: dict[str, object] | None, values: list[str], mask: str,
                remove_gps: bool, counts: dict[str, int], depth: int) -> object:
    from ..extract.social_json import geo_pair

    if depth > _MAX_JSON_DEPTH:
        raise SanitizeError(f"JSON nested deeper than {_MAX_JSON_DEPTH} levels")
    if remove_gps and isinstance(value, dict | list) and geo_pair(key, value, parent) is not None:
        counts["gps"] += 1
        return None
    if isinstance(value, str):
        for v in values:
            if v in value:
                counts["redacted"] += value.count(v)
                value = value.replace(v, mask * len(v))
        return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        as_text = str(value)
        if as_text in values:  # a phone number or ID stored as a number
            counts["redacted"] += 1
            return mask * len(as_text)
        return value
    if isinstance(value, dict):
        return {k: _clean_json(v, str(k), value, values, mask, remove_gps, counts, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_json(v, key, parent, values, mask, remove_gps, counts, depth + 1) for v in value]
    return value
