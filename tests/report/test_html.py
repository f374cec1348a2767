"""HTML report: one self-contained, XSS-safe file; matches masked; unread files prominent."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from mosaicguard.model import Severity, mask
from mosaicguard.report.base import get_reporter


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_document_markup_is_escaped_not_executed(scanned) -> None:
    html = get_reporter("html").render(scanned.report, redact=False)
    parsed = _parse(html)
    # Exactly one script: the report's own; no element came from the document.
    assert [t for t, _ in parsed.tags].count("script") == 1
    assert not any(t == "img" for t, _ in parsed.tags)
    assert not any(k.startswith("on") for _, attrs in parsed.tags for k in attrs)
    assert "alert(&#39;pwned&#39;)" in html or "alert(&#x27;pwned&#x27;)" in html
    assert "pwned" not in "".join(parsed.scripts)


def test_self_contained_with_a_strict_csp(scanned) -> None:
    html = get_reporter("html").render(scanned.report, redact=False)
    parsed = _parse(html)
    for tag, attrs in parsed.tags:
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            assert not value or value.startswith("#"), f"external reference in <{tag} {key}={value!r}>"
    assert not any(t == "link" for t, _ in parsed.tags)
    csp = next(a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp
    assert not re.search(r"https?://", html)


def test_matches_are_masked_by_default_and_context_highlighted(scanned) -> None:
    html = get_reporter("html").render(scanned.report, redact=False)
    assert scanned.person_id not in html
    assert scanned.mobile not in html  # also masked where it sits in another finding's context
    assert f"<mark>{mask(scanned.person_id)}</mark>" in html


def test_verdicts_labels_and_unchecked_files(scanned) -> None:
    html = get_reporter("html", fail_on=Severity.HIGH).render(scanned.report, redact=False)
    for label in ("可以发布", "may be published", "需修改", "must change", "未检查", "not checked"):
        assert label in html
    section = html.split('id="not-checked"', 1)[1].split("</div>", 1)[0]
    assert "drawing.dwgx" in section and "broken.pdf" in section
    assert "身份证号" in html and "PRC resident ID" in html  # both languages present
    assert '<body class="lang-zh">' in html


def test_english_first_when_asked(scanned) -> None:
    html = get_reporter("html", lang="en").render(scanned.report, redact=True)
    assert '<body class="lang-en">' in html and '<html lang="en">' in html


def test_csp_hash_matches_the_inline_script(scanned) -> None:
    # A mismatch would make browsers block the language switch and the filter.
    import base64
    import hashlib

    html = get_reporter("html").render(scanned.report, redact=False)
    script = html.split("<script>", 1)[1].split("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in html
    assert "lang-toggle" in script and 'id="lang-toggle"' in html and 'id="only-problems"' in html
