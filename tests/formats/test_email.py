"""E-mail: headers (internal relay hosts, client, originating IP, X-header paths), bodies (plain
and HTML with hidden content) and attachments scanned recursively as embedded parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from formats.factory_cn import build_eml, build_ofd
from mosaicguard.extract.base import ExtractContext
from mosaicguard.extract.dispatch import extract_bytes
from mosaicguard.extract.email_msg import is_internal_host, is_internal_ip
from mosaicguard.model import Layer
from mosaicguard.pipeline import ScanOptions, scan_paths

ID = "11010519491231002X"


def _mail() -> bytes:
    inner = build_eml(text=f"内层邮件：身份证 {ID}")
    ofd = build_ofd([[("现场负责人电话 13812345678", (10, 10, 100, 8))]])
    outer = build_eml(
        text="plain alternative 13700000000",
        html='<p>联系电话 13912345678</p><div style="display:none">机密★10年 内部备注</div>',
        attachment=("验收.ofd", ofd),
        extra_headers={"X-Attachment-Path": r"C:\Users\zhangwei\Desktop\7301\验收.ofd"},
    )
    # nest a forwarded message as a second attachment
    import email
    import email.policy

    msg = email.message_from_bytes(outer, policy=email.policy.default)
    msg.add_attachment(inner, maintype="application", subtype="octet-stream", filename="forwarded.eml")
    return bytes(msg)


def test_eml_headers_become_metadata_and_hidden_items() -> None:
    doc = extract_bytes(_mail(), "mail.eml", ExtractContext())
    assert doc.status == "ok", doc.error
    meta = {m.key: m.value for m in doc.metadata}
    assert meta["X-Mailer"] == "Foxmail 7.2.25"
    descriptions = " | ".join(h.description for h in doc.hidden)
    assert "Received" in descriptions and "X-Originating-IP" in descriptions and "mail client" in descriptions
    assert "X-Attachment-Path" in descriptions and "Message-ID" in descriptions
    relay = next(h for h in doc.hidden if "Received" in h.description)
    assert "10.12.3.45" in relay.value and "mail01.corp.local" in relay.value
    subject = next(s for s in doc.segments if s.field == "Subject")
    assert subject.layer is Layer.HEADER


def test_eml_html_body_and_attachments() -> None:
    doc = extract_bytes(_mail(), "mail.eml", ExtractContext())
    body_text = " ".join(s.text for s in doc.segments if s.location.part == "body.html")
    assert "13912345678" in body_text
    assert "13700000000" not in doc.text()  # the plain alternative duplicates the HTML body
    assert any(s.layer is Layer.HIDDEN_TEXT and "机密" in s.text for s in doc.segments)
    paths = sorted(e.path for e in doc.embedded)
    assert paths == ["mail.eml!forwarded.eml", "mail.eml!验收.ofd"]
    ofd = next(e for e in doc.embedded if e.path.endswith(".ofd"))
    assert ofd.status == "ok" and "13812345678" in ofd.text()
    fwd = next(e for e in doc.embedded if e.path.endswith("forwarded.eml"))
    assert ID in fwd.text()


def test_eml_scan_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "mail.eml"
    path.write_bytes(_mail())
    result = scan_paths([str(path)], ScanOptions(engine="python")).files[0]
    assert result.status == "ok"
    seen = {(f.category, f.layer.value) for f in result.findings}
    assert ("phone", "body") in seen
    assert ("email", "metadata") in seen
    assert ("internal_network", "metadata") in seen
    assert ("marking", "hidden_text") in seen
    assert ("cn_id", "embedded") in seen and ("phone", "embedded") in seen
    assert ("embedded", "embedded") in seen and ("metadata", "metadata") in seen


@pytest.mark.parametrize("host, internal", [("mail01.corp.local", True), ("pc-01", True),
                                            ("mx.example.com", False)])
def test_internal_host(host: str, internal: bool) -> None:
    assert is_internal_host(host) is internal


@pytest.mark.parametrize("ip, internal", [("10.1.2.3", True), ("192.168.0.1", True), ("8.8.8.8", False),
                                          ("999.1.1.1", False)])
def test_internal_ip(ip: str, internal: bool) -> None:
    assert is_internal_ip(ip) is internal


@pytest.mark.parametrize("name, data", [("x.eml", b""), ("x.msg", b"not an ole file"),
                                        ("x.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)])
def test_broken_mail_is_error(name: str, data: bytes) -> None:
    doc = extract_bytes(data, name, ExtractContext())
    assert doc.status == "error" and doc.error
