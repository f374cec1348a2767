"""The cheap byte-level tests that decide which Office parts are parsed again: `has_element_text`
(structural parts such as styles are parsed only when it says so) and
`declares_foreign_namespace` (parts searched for another program's markup). A wrong False
leaves text unscanned that the sanitiser keeps, so each is checked against lxml's reading."""

from __future__ import annotations

import random
from pathlib import Path

import docx
import pytest
from lxml import etree  # type: ignore[import-untyped]

from mosaicguard.extract.ooxml import has_element_text
from mosaicguard.extract.ooxml_parts import declares_foreign_namespace
from mosaicguard.pipeline import ScanOptions, scan_paths
from office_factory import edit_package

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _packed_count(data: bytes) -> bool:
    """The previous definition (whitespace stripped, `>` not followed by `<`), for comparison."""
    packed = data.translate(None, b" \t\r\n")
    return packed.count(b">") > packed.count(b"><") + (1 if packed.endswith(b">") else 0)


def _lxml_has_text(data: bytes) -> bool:
    root = etree.fromstring(data)
    return any((el.text and el.text.strip() and isinstance(el.tag, str)) or (el.tail and el.tail.strip())
               for el in root.iter())


def _random_part(rng: random.Random, cdata: bool) -> bytes:
    """A styles-like part: nested elements with attributes, whitespace and comments, sometimes
    element text, a tail after a child, an entity or (when `cdata`) a CDATA section."""
    def element(depth: int) -> str:
        attrs = "".join(f' w:a{i}="{rng.choice(["1", "x y", "&lt;b&gt;"])}"' for i in range(rng.randint(0, 3)))
        gap = rng.choice(["", "\n", "\r\n  ", "\t"])
        if depth > 2 or rng.random() < 0.3:
            return f"<w:e{attrs}/>{gap}"
        inner = "".join(element(depth + 1) for _ in range(rng.randint(1, 3)))
        r = rng.random()
        if r < 0.04:
            inner += "机密"
        elif r < 0.06:
            inner = "&#x4e2d;" + inner
        elif r < 0.08:
            inner += "<!-- a comment -->"
        elif cdata and r < 0.10:
            inner += "<![CDATA[13912345678]]>"
        return f"<w:e{attrs}>{gap}{inner}</w:e>{gap}"

    body = "".join(element(0) for _ in range(rng.randint(1, 4)))
    return f"<?xml version='1.0' encoding='UTF-8'?>\n<w:styles xmlns:w=\"{W}\">{body}</w:styles>".encode()


@pytest.mark.parametrize("seed", range(300))
def test_element_text_test_never_misses_what_lxml_reads(seed: int) -> None:
    data = _random_part(random.Random(seed), cdata=seed % 2 == 0)
    if _lxml_has_text(data):
        assert has_element_text(data)
    if b"CDATA" not in data and b"<!--" not in data:
        assert has_element_text(data) == _packed_count(data) == _lxml_has_text(data)


@pytest.mark.parametrize(("data", "expected"), [
    (f'<w:styles xmlns:w="{W}"><w:style w:id="1"/>\n  <w:style/></w:styles>'.encode(), False),
    (f'<w:styles xmlns:w="{W}"><w:style><![CDATA[13912345678]]></w:style></w:styles>'.encode(), True),
    (f'<w:styles xmlns:w="{W}"><w:style>\n <![CDATA[x]]></w:style></w:styles>'.encode(), True),
    (f'<w:styles xmlns:w="{W}"><w:style/>tail</w:styles>'.encode(), True),
    (f'<w:styles xmlns:w="{W}"><!-- c --><w:style/></w:styles>\n'.encode(), False),
])
def test_element_text_cases(data: bytes, expected: bool) -> None:
    assert has_element_text(data) is expected


@pytest.mark.parametrize(("data", "expected"), [
    (f'<w:styles xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"/>', False),
    (f'<w:styles xmlns:w="{W}"><w:style><v:x xmlns:v="urn:vendor"/></w:style></w:styles>', True),
    (f'<w:styles xmlns:w="{W}"><w:style xmlns=\'http://evil.example/\'/></w:styles>', True),
    (f'<w:styles xmlns:w="{W}"><w:style w:val="xmlns"/><w:b xmlns:b="urn:b"/></w:styles>', True),
    (f'<w:styles xmlns:w="{W}"><w:style w:val="xmlns"/></w:styles>', False),
])
def test_foreign_namespace_cases(data: str, expected: bool) -> None:
    assert declares_foreign_namespace(data.encode()) is expected


def test_text_hidden_in_a_style_part_is_scanned(tmp_path: Path) -> None:
    """A mobile in a CDATA section and a marking as text after a child, inside word/styles.xml
    (a part the sanitiser keeps): both reach the detectors."""
    path = tmp_path / "styled.docx"
    d = docx.Document()
    d.add_paragraph("公开正文")
    d.save(path)
    planted = "</w:style><w:x><![CDATA[13912345678]]></w:x>机密★10年"
    edit_package(path, {"word/styles.xml": lambda old: (old or b"").replace(b"</w:style>", planted.encode(), 1)})
    found = scan_paths([str(path)], ScanOptions(engine="python")).files[0].findings
    in_styles = {(f.category, f.match) for f in found if f.location.part == "word/styles.xml"}
    assert ("phone", "13912345678") in in_styles
    assert any(category == "marking" for category, _ in in_styles), in_styles
