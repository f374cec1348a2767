"""HTML extractor: visible text, hidden elements, comments and meta tags, on pages the tests write."""

from __future__ import annotations

import itertools

import pytest

from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.extract.html import HtmlExtractor, hidden_reason
from mosaicguard.model import Document, Layer
from mosaicguard.pipeline import ScanOptions, scan_paths


def cn_id(body17: str = "11010119900307123") -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body17, weights, strict=True))
    return body17 + "10X98765432"[total % 11]


def extract(html: str | bytes, name: str = "page.html") -> Document:
    data = html.encode("utf-8") if isinstance(html, str) else html
    return HtmlExtractor().extract(data, name, ExtractContext())


def texts(doc: Document, layer: Layer) -> list[str]:
    return [s.text for s in doc.segments if s.layer == layer]


PAGE = """<!DOCTYPE html>
<html><head><title>某县采购公告</title>
<meta name="author" content="张三">
<meta name="generator" content="Publisher 2.1 C:\\Users\\zhangsan\\模板\\notice.dot">
<meta name="keywords" content="采购, 公告">
<style>.x { color: red }</style><script>var secret = "not page text";</script>
</head>
<body>
<h1>采购公告</h1>
<p>联系人：李四，电话 <b>138 1234</b> 5678。</p>
<!-- 内部备注：预算 300 万，勿公开 -->
<table><tr><th>品名</th><th>数量</th></tr><tr><td>天线罩</td><td>12</td></tr></table>
<div style="display: none">隐藏身份证 ID_HERE</div>
<footer>版权所有</footer>
</body></html>
"""


def test_visible_text_layers_and_pointers() -> None:
    doc = extract(PAGE.replace("ID_HERE", cn_id()))
    body = texts(doc, Layer.BODY)
    assert "采购公告" in body
    # Inline tags inside a paragraph join into one segment, so values split by <b> stay whole.
    assert "联系人：李四，电话 138 1234 5678。" in body
    assert not any("secret" in t for t in body), "script text is not page text"
    assert not any("隐藏" in t for t in body)
    cells = [s for s in doc.segments if s.layer == Layer.TABLE]
    assert [c.text for c in cells] == ["品名", "数量", "天线罩", "12"]
    assert cells[2].location.pointer is not None and "table 1, row 2, col 1" in cells[2].location.pointer
    assert texts(doc, Layer.FOOTER) == ["版权所有"]
    # Visible segments carry offsets into one visible-text stream, in order and without overlap.
    visible = [s for s in doc.segments if s.location.part is None]
    for a, b in itertools.pairwise(visible):
        assert a.location.end is not None and b.location.start is not None
        assert a.location.end < b.location.start
        assert a.location.end - (a.location.start or 0) == len(a.text)
    assert any(s.location.pointer and s.location.pointer.startswith("line ") for s in visible)


def test_hidden_comment_and_metadata_items() -> None:
    doc = extract(PAGE.replace("ID_HERE", cn_id()))
    hidden = {h.category: h for h in doc.hidden if h.category != "metadata"}
    assert hidden["hidden_text"].value == f"隐藏身份证 {cn_id()}"
    assert "display:none" in hidden["hidden_text"].description
    assert texts(doc, Layer.HIDDEN_TEXT) == [f"隐藏身份证 {cn_id()}"]
    assert hidden["comment"].value == "内部备注：预算 300 万，勿公开"
    assert texts(doc, Layer.COMMENT) == ["内部备注：预算 300 万，勿公开"]
    meta = {m.key: m.value for m in doc.metadata}
    assert meta["html:title"] == "某县采购公告"
    assert meta["meta:author"] == "张三"
    assert meta["meta:keywords"] == "采购, 公告"
    revealing = sorted(h.value for h in doc.hidden if h.category == "metadata")
    assert revealing == ["Publisher 2.1 C:\\Users\\zhangsan\\模板\\notice.dot", "张三"]
    metadata_segments = {s.field: s.text for s in doc.segments if s.layer == Layer.METADATA}
    assert metadata_segments["meta:author"] == "张三"


def test_plain_generator_is_metadata_but_not_a_hidden_item() -> None:
    doc = extract('<html><head><meta name="generator" content="WordPress 6.4"></head><body>x</body></html>')
    assert [m.value for m in doc.metadata] == ["WordPress 6.4"]
    assert doc.hidden == ()


@pytest.mark.parametrize(
    ("tag", "attrs", "hidden"),
    [
        ("div", {"style": "display:none"}, True),
        ("div", {"style": "DISPLAY : None !important"}, True),
        ("span", {"style": "visibility: hidden"}, True),
        ("p", {"hidden": ""}, True),
        ("span", {"style": "font-size:0px"}, True),
        ("span", {"style": "font-size:0"}, True),
        ("span", {"style": "color:#ffffff"}, True),
        ("span", {"style": "color:white;background-color:#fff"}, True),
        ("font", {"color": "white"}, True),
        ("input", {"type": "hidden"}, True),
        ("span", {"style": "opacity:0"}, True),
        ("span", {"style": "color:white;background:black"}, False),
        ("span", {"style": "font-size:10px"}, False),
        ("div", {"style": "display:block"}, False),
        ("span", {"style": "color:#333"}, False),
    ],
)
def test_hidden_reason_table(tag: str, attrs: dict[str, str], hidden: bool) -> None:
    assert (hidden_reason(tag, attrs) is not None) is hidden


def test_white_text_on_dark_background_is_visible() -> None:
    doc = extract('<body><div style="background-color:#000"><span style="color:#fff">看得见</span></div></body>')
    assert texts(doc, Layer.BODY) == ["看得见"]
    assert doc.hidden == ()


def test_gbk_page_with_meta_charset() -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>' \
           "<body><p>机密文件 联系电话 13812345678</p></body></html>"
    doc = extract(page.encode("gbk"))
    assert texts(doc, Layer.BODY) == ["机密文件 联系电话 13812345678"]


def test_utf16_page_with_bom() -> None:
    doc = extract("<html><body><p>内部资料 注意保存</p></body></html>".encode("utf-16"))
    assert texts(doc, Layer.BODY) == ["内部资料 注意保存"]


def test_broken_html_is_read_and_hidden_item_does_not_swallow_siblings() -> None:
    broken = (
        "<html><body><div><p>第一段<p>第二段</span></b>"
        "<ul><li hidden>隐藏项<li>可见项</ul>"
        '<p style="display:none">隐藏段<div>块级元素结束段落</div>'
        "<table><tr><td>a<td>b<tr><td>c</table><p>未闭合 <b>粗体"
    )
    doc = extract(broken)
    body = texts(doc, Layer.BODY) + texts(doc, Layer.TABLE)
    assert body[:2] == ["第一段", "第二段"]
    assert "可见项" in body
    assert "块级元素结束段落" in body, "a <div> ends an open hidden <p> in HTML; its text is visible"
    assert texts(doc, Layer.TABLE) == ["a", "b", "c"]
    assert "未闭合 粗体" in body
    assert sorted(texts(doc, Layer.HIDDEN_TEXT)) == ["隐藏段", "隐藏项"]


def test_entities_are_decoded() -> None:
    doc = extract("<p>A&amp;B&nbsp;&#26426;&#23494;</p>")
    assert texts(doc, Layer.BODY) == ["A&B 机密"]


def test_dispatch_and_sniffing_route_html() -> None:
    data = b"<!DOCTYPE html><html><body><p>hello</p></body></html>"
    doc = extract_bytes(data, "page.htm", ExtractContext())
    assert doc.status == "ok" and doc.media_type == "text/html"
    assert HtmlExtractor().sniff(data)


def test_scan_end_to_end_reports_hidden_layers(tmp_path: object) -> None:
    from pathlib import Path

    page = Path(str(tmp_path)) / "notice.html"
    page.write_text(PAGE.replace("ID_HERE", cn_id()), encoding="utf-8")
    report = scan_paths([str(page)], ScanOptions())
    findings = report.files[0].findings
    by = {(f.category, f.layer.value) for f in findings}
    assert ("cn_id", "hidden_text") in by, "content inside the hidden element is found, with its layer"
    assert ("hidden_text", "hidden_text") in by
    assert ("comment", "comment") in by
    assert ("metadata", "metadata") in by
    assert ("phone", "body") in by, "a number split by <b> is still one value"


def test_links_to_local_paths_mail_and_phone() -> None:
    page = (
        '<p><a href="file:///C:/Users/zhangsan/内部/预算.xlsx">附件</a> <img src="\\\\fileserver\\photos\\a.jpg">'
        '<a href="mailto:li@example.cn">联系</a> <a href="tel:13812345678">电话</a>'
        ' <a href="/home/index.html">首页</a></p>'
    )
    doc = extract(page)
    links = [(s.field, s.text) for s in doc.segments if s.location.part == "html:links"]
    assert links == [
        ("a@href", "file:///C:/Users/zhangsan/内部/预算.xlsx"),
        ("img@src", "\\\\fileserver\\photos\\a.jpg"),
        ("a@href", "li@example.cn"),
        ("a@href", "13812345678"),
    ]
    local = sorted(h.value for h in doc.hidden)
    assert local == ["\\\\fileserver\\photos\\a.jpg", "file:///C:/Users/zhangsan/内部/预算.xlsx"]
    assert texts(doc, Layer.BODY) == ["附件 联系 电话 首页"]


LD_JSON = (
    '<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "Place", '
    '"name": "某营区", "geo": {"@type": "GeoCoordinates", "latitude": 39.90421, "longitude": 116.40739}, '
    '"author": {"name": "张三"}}</script></head><body><p>正文</p></body></html>'
)


def test_json_ld_structured_data() -> None:
    doc = extract(LD_JSON)
    ld = [(s.field, s.text) for s in doc.segments if s.location.part == "html:ld+json"]
    assert ld == [("ld+json:name", "某营区"), ("ld+json:geo", "39.904210, 116.407390"),
                  ("ld+json:author.name", "张三")]
    assert [(h.category, h.value) for h in doc.hidden] == [("gps", "39.904210, 116.407390")]
    assert texts(doc, Layer.BODY) == ["正文"]
    assert extract('<script type="application/ld+json">{broken</script><p>x</p>').hidden == ()
