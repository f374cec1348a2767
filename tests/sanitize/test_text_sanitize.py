"""Text and HTML sanitisers: matches are masked in place, encodings kept, hidden HTML removed.
Every test re-reads the cleaned bytes with the real extractor and engine."""

from __future__ import annotations

import pytest

from mosaicguard.detect.engine import Engine
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.model import Document, Finding, Layer, Severity
from mosaicguard.policy.schema import Policy, SanitizeSettings
from mosaicguard.sanitize.base import sanitizer_for
from mosaicguard.sanitize.text import HtmlSanitizer, PlainTextSanitizer, redact_spans

ENGINE = Engine(Policy(), engine="python")


def cn_id(body17: str = "11010119900307123") -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body17, weights, strict=True))
    return body17 + "10X98765432"[total % 11]


def scan(data: bytes, name: str) -> tuple[Document, list[Finding]]:
    doc = extract_bytes(data, name, ExtractContext())
    assert doc.status == "ok", doc.error
    return doc, ENGINE.scan(doc)


def content(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.category in ("phone", "cn_id", "email")]


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "utf-16", "utf-8-sig"])
def test_plain_text_masks_same_length_and_keeps_encoding(encoding: str) -> None:
    text = f"联系人：张三\n手机 13812345678，身份证 {cn_id()}。\n邮箱 zhangsan@example.cn\n"
    data = text.encode(encoding)
    doc, findings = scan(data, "notice.txt")
    redact = content(findings)
    assert {f.category for f in redact} == {"phone", "cn_id", "email"}
    result = PlainTextSanitizer().sanitize(data, doc, redact, SanitizeSettings())
    cleaned = result.data.decode(encoding)
    assert len(cleaned) == len(text)
    assert "13812345678" not in cleaned and cn_id() not in cleaned and "zhangsan@example.cn" not in cleaned
    assert "手机 ███████████，" in cleaned
    assert cleaned.startswith("联系人：张三\n")
    assert result.data.startswith(data[:2]), "a BOM (if any) and the encoding are kept"
    assert content(scan(result.data, "notice.txt")[1]) == []
    assert [a.kind for a in result.actions] == ["redact_text"] * 3


def test_value_found_elsewhere_when_offsets_do_not_match() -> None:
    f = Finding("phone", severity=Severity.MEDIUM, confidence=0.9, match="13812345678", layer=Layer.BODY,
                rule="r", message="m")
    cleaned, actions = redact_spans("a 13812345678 b 13812345678", [f], "#")
    assert cleaned == "a ########### b ###########"
    assert "2 occurrence" in actions[0].description


def test_csv_cells_and_geo_columns() -> None:
    text = "作者,正文,纬度,经度\n张三,电话13812345678,39.904210,116.407390\n"
    data = text.encode("gbk")
    doc, findings = scan(data, "posts.csv")
    redact = [f for f in findings if f.category in ("phone", "coordinates")]
    assert {f.category for f in redact} >= {"phone"}
    cleaned = PlainTextSanitizer().sanitize(data, doc, redact, SanitizeSettings()).data.decode("gbk")
    assert "13812345678" not in cleaned
    assert cleaned.splitlines()[0] == "作者,正文,纬度,经度"
    assert cleaned.count(",") == text.count(","), "delimiters survive, the table keeps its shape"
    if any(f.category == "coordinates" for f in redact):
        assert "39.904210" not in cleaned and "116.407390" not in cleaned


PAGE = """<html><head><meta charset="gbk"><title>公告</title>
<meta name="author" content="张三"><meta name="generator" content="X C:\\Users\\zs\\a.dot">
<meta name="viewport" content="width=device-width">
</head><body>
<p>联系电话 <b>138 1234</b> 5678，邮箱 li@example.cn</p>
<!-- 预算 300 万 -->
<div style="display:none">身份证 ID</div>
<ul><li hidden>隐藏项<li>可见项</ul>
<p title="li@example.cn">正文结束</p>
</body></html>
"""


def test_html_removes_hidden_parts_and_redacts_values() -> None:
    page = PAGE.replace("ID", cn_id())
    data = page.encode("gbk")
    doc, findings = scan(data, "page.html")
    redact = content(findings)
    result = HtmlSanitizer().sanitize(data, doc, redact, SanitizeSettings())
    cleaned = result.data.decode("gbk")
    for gone in ("张三", "C:\\Users", "预算", cn_id(), "隐藏项", "li@example.cn", "1234"):
        assert gone not in cleaned, gone
    for kept in ("可见项", "正文结束", "<title>公告</title>", 'name="viewport"', "<b>███ ████</b> ████"):
        assert kept in cleaned, kept
    kinds = sorted({a.kind for a in result.actions})
    assert kinds == ["redact_text", "remove_comment", "remove_hidden", "remove_metadata"]
    after_doc, after = scan(result.data, "page.html")
    assert after_doc.hidden == ()
    assert content(after) == []


def test_html_respects_settings() -> None:
    data = "<p>a</p><!-- 备注 --><div hidden>隐藏</div>".encode()
    doc, _ = scan(data, "p.html")
    settings = SanitizeSettings(remove_comments=False, remove_hidden=False)
    cleaned = HtmlSanitizer().sanitize(data, doc, [], settings).data.decode()
    assert cleaned == data.decode()
    plan = HtmlSanitizer().plan(data, doc, [], SanitizeSettings())
    assert sorted(a.kind for a in plan) == ["remove_comment", "remove_hidden"]


def test_html_broken_markup_unclosed_hidden_element() -> None:
    data = "<p>开头</p><div style='display:none'>未闭合的隐藏内容 <p>仍然隐藏".encode()
    doc, _ = scan(data, "b.html")
    cleaned = HtmlSanitizer().sanitize(data, doc, [], SanitizeSettings()).data.decode()
    assert cleaned == "<p>开头</p>"


def test_sanitizer_table_routes_text_formats() -> None:
    assert isinstance(sanitizer_for("a.HTML"), HtmlSanitizer)
    assert isinstance(sanitizer_for("dir/a.csv"), PlainTextSanitizer)
    assert isinstance(sanitizer_for("a.md"), PlainTextSanitizer)


def test_json_export_values_escapes_and_geo_are_cleaned() -> None:
    import json

    from mosaicguard.sanitize.text import JsonSanitizer

    posts = {"statuses": [{"text": "电话13812345678", "user": {"phone": 13812345678, "name": "张三"},
                           "geo": {"type": "Point", "coordinates": [39.90421, 116.40739]}}]}
    data = json.dumps(posts).encode("utf-8")  # ensure_ascii: Chinese is \u-escaped in the file
    doc, findings = scan(data, "posts.json")
    assert any(h.category == "gps" for h in doc.hidden)
    redact = content(findings)
    result = JsonSanitizer().sanitize(data, doc, redact, SanitizeSettings())
    cleaned = json.loads(result.data)
    post = cleaned["statuses"][0]
    assert post["text"] == "电话███████████"
    assert post["user"] == {"phone": "███████████", "name": "张三"}
    assert post["geo"]["coordinates"] is None
    assert sorted(a.kind for a in result.actions) == ["redact_text", "remove_gps"]
    after_doc, after = scan(result.data, "posts.json")
    assert after_doc.hidden == () and content(after) == []


def test_jsonl_lines_stay_lines() -> None:
    from mosaicguard.sanitize.text import JsonSanitizer

    data = b'{"text": "a 13812345678"}\n{"text": "b", "loc": {"lat": 30.5, "lng": 114.3}}\n'
    doc, findings = scan(data, "p.jsonl")
    result = JsonSanitizer().sanitize(data, doc, content(findings), SanitizeSettings())
    lines = result.data.decode().splitlines()
    assert lines == ['{"text": "a ███████████"}', '{"text": "b", "loc": null}']


def test_html_local_links_are_neutralised() -> None:
    data = '<p><a href="file:///C:/Users/zs/预算.xlsx">附件</a><a href="/ok.html">ok</a></p>'.encode()
    doc, _ = scan(data, "l.html")
    assert [h.category for h in doc.hidden] == ["metadata"]
    result = HtmlSanitizer().sanitize(data, doc, [], SanitizeSettings())
    assert result.data.decode() == '<p><a href="#">附件</a><a href="/ok.html">ok</a></p>'
    assert scan(result.data, "l.html")[0].hidden == ()


def test_html_json_ld_with_position_is_removed() -> None:
    data = (b'<head><script type="application/ld+json">{"geo": {"latitude": 39.90421, "longitude": 116.40739}}'
            b'</script><script type="application/ld+json">{"name": "ok"}</script></head><p>x</p>')
    doc, _ = scan(data, "ld.html")
    assert [h.category for h in doc.hidden] == ["gps"]
    result = HtmlSanitizer().sanitize(data, doc, [], SanitizeSettings())
    assert result.data.decode() == '<head><script type="application/ld+json">{"name": "ok"}</script></head><p>x</p>'
    assert [a.kind for a in result.actions] == ["remove_gps"]
