"""Style sheets: comments (author notes, build paths, "© internal" banners) are hidden data; the
text a page shows through `content: "..."` and the addresses in `url(...)` are read too.
Tokenised with tinycss2 (the CSS Syntax Level 3 tokenizer), so a `/*` inside a string is not a
comment and nothing is guessed with regular expressions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import Document, HiddenItem, Layer, Severity, sha256_bytes
from .base import ExtractContext, Extractor
from .encoding import decode_text
from .ooxml import Extracted, PartText, check_text_budget, finish, looks_like_path, preview


def parse_css(text: str) -> list[Any]:
    """Component values of a style sheet with comments kept."""
    import tinycss2

    nodes: list[Any] = tinycss2.parse_component_value_list(text, skip_comments=False)
    return nodes


def walk(nodes: list[Any], in_url: bool = False) -> Iterator[tuple[Any, bool]]:
    """Every token with whether it is an address (`url(...)` token or inside a `url(` function),
    depth first, blocks and functions included."""
    for node in nodes:
        yield node, in_url or node.type == "url"
        inner = getattr(node, "content", None)
        if inner is None:
            inner = getattr(node, "arguments", None)
        if isinstance(inner, list):
            yield from walk(inner, in_url or getattr(node, "lower_name", "") == "url")


def without_comments(nodes: list[Any]) -> list[Any]:
    """The same tokens, every comment removed at every depth."""
    kept = []
    for node in nodes:
        if node.type == "comment":
            continue
        if isinstance(getattr(node, "content", None), list):
            node.content = without_comments(node.content)
        if isinstance(getattr(node, "arguments", None), list):
            node.arguments = without_comments(node.arguments)
        kept.append(node)
    return kept


class CssExtractor(Extractor):
    media_type = "text/css"
    suffixes = (".css",)

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        text, _encoding = decode_text(data)
        ctx.limits.check_text(text, "file")
        out = Extracted()
        stream = PartText("css")
        for node, address in walk(parse_css(text)):
            kind = "url" if address and node.type in ("url", "string") else node.type
            if kind == "comment" and node.value.strip():
                location = stream.add(node.value.strip(), Layer.COMMENT, f"line {node.source_line}")
                # A comment is low by itself; content detectors grade what it holds.
                out.hidden.append(HiddenItem("comment", f"comment in the style sheet (line {node.source_line})",
                                             preview(node.value), location, Severity.LOW))
            elif kind == "string" and node.value.strip():
                stream.add(node.value, Layer.BODY, f"line {node.source_line}")
            elif kind == "url" and node.value.strip():
                location = stream.add(node.value, Layer.METADATA, f"line {node.source_line}")
                if looks_like_path(node.value):
                    out.hidden.append(HiddenItem("metadata", "style sheet refers to a local file", preview(node.value),
                                                 location))
        out.add_stream(stream)
        check_text_budget(out, ctx.limits)
        return finish(out, path, self.media_type, sha256_bytes(data))
