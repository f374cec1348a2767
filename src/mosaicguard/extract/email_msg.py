"""E-mail: `.eml` (RFC 5322/MIME, stdlib `email`) and Outlook `.msg` (via `extract-msg`).

Headers are where e-mail leaks hide: the relay path (`Received`) names internal hosts and
addresses, `X-Originating-IP` the sender's machine, `X-Mailer` the client, vendor X-headers
client paths, `Message-ID` the internal mail domain. They become metadata-layer segments (so the
network and e-mail detectors see them) and HiddenItems. Bodies are body text (HTML bodies go
through the HTML extractor, so hidden HTML is caught too); attachments are scanned recursively
as embedded parts (`mail.eml!report.docx`).
"""

from __future__ import annotations

import email
import email.policy
import ipaddress
import re
from dataclasses import dataclass, field, replace
from email.message import EmailMessage, Message
from typing import Any

from ..errors import ExtractionError
from ..model import Document, HiddenItem, Layer, Location, MetadataField, Segment, sha256_bytes
from .base import ExtractContext, Extractor
from .encoding import decode_text
from .ooxml import PartText, preview

_ADDRESS_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Return-Path", "Delivered-To")
_CLIENT_HEADERS = ("X-Mailer", "User-Agent", "X-MimeOLE", "X-Newsreader")
_IP_HEADERS = ("X-Originating-IP", "X-Sender-IP", "X-Client-IP", "X-Forwarded-For", "X-Real-IP")
_IP = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")
_HOST = re.compile(r"\b(?:from|by)\s+([A-Za-z0-9][A-Za-z0-9.\-]*)", re.IGNORECASE)
_PATH = re.compile(r"[A-Za-z]:\\|\\\\[\w.$-]+\\|/(?:home|Users)/")
_INTERNAL_TLDS = (".local", ".lan", ".corp", ".internal", ".intranet", ".localdomain", ".home", ".ad")
_MAX_PARTS = 2000


@dataclass
class MailParts:
    """A message reduced to what the Document needs; shared by the .eml and .msg readers."""

    headers: list[tuple[str, str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    htmls: list[bytes] = field(default_factory=list)
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def is_internal_ip(value: str) -> bool:
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local


def is_internal_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return "." not in host or host.endswith(_INTERNAL_TLDS)


def build_document(mail: MailParts, data: bytes, path: str, media_type: str, ctx: ExtractContext) -> Document:
    """Headers, bodies and attachments as one Document."""
    from .dispatch import extract_bytes

    segments: list[Segment] = []
    metadata: list[MetadataField] = []
    hidden: list[HiddenItem] = []
    stream = PartText("headers")
    for name, value in mail.headers:
        value = " ".join(value.split())
        if not value:
            continue
        metadata.append(MetadataField(name, value, "headers"))
        layer = Layer.HEADER if name.lower() == "subject" else Layer.METADATA
        loc = stream.add(value, layer, name, name)
        hidden.extend(_header_items(name, value, loc))
    segments.extend(stream.segments)
    for index, text in enumerate(mail.texts):
        body = PartText(f"body-{index + 1}" if index else "body")
        for line_no, line in enumerate(text.splitlines()):
            body.add(line, Layer.BODY, f"line {line_no + 1}")
        segments.extend(body.segments)
    child_ctx = ctx.child()
    embedded: list[Document] = []
    for index, html in enumerate(mail.htmls):
        part = f"body-{index + 1}.html" if index else "body.html"
        try:
            inner = extract_bytes(html, f"{path}!{part}", child_ctx)
        except ImportError:
            inner = Document(path=part, media_type="", sha256="", status="error")
        if inner.status != "ok":
            text, _ = decode_text(html)
            inner = Document(path=part, media_type="text/html", sha256="",
                             segments=(Segment(re.sub(r"<[^>]+>", " ", text), location=Location(part=part)),))
        segments.extend(replace(s, location=replace(s.location, part=part)) for s in inner.segments)
        hidden.extend(replace(h, location=replace(h.location, part=part)) for h in inner.hidden)
        embedded.extend(inner.embedded)
    for name, content in mail.attachments:
        ctx.check_time()
        hidden.append(HiddenItem("embedded", f"e-mail attachment '{name}'", name, Location(part=name)))
        embedded.append(extract_bytes(content, f"{path}!{name}", child_ctx))
    return Document(path=path, media_type=media_type, sha256=sha256_bytes(data), segments=tuple(segments),
                    metadata=tuple(metadata), hidden=tuple(hidden), embedded=tuple(embedded))


def _header_items(name: str, value: str, loc: Location) -> list[HiddenItem]:
    lower = name.lower()
    items: list[HiddenItem] = []
    if lower == "received":
        internal = [h for h in _HOST.findall(value) if is_internal_host(h)]
        internal += [ip for ip in _IP.findall(value) if is_internal_ip(ip)]
        if internal:
            items.append(HiddenItem("metadata", "mail relay path (Received) names internal hosts or addresses",
                                    preview(", ".join(dict.fromkeys(internal))), loc))
    elif name in _IP_HEADERS or lower in (h.lower() for h in _IP_HEADERS):
        items.append(HiddenItem("metadata", f"sender's machine address ({name})", preview(value), loc))
    elif lower in (h.lower() for h in _CLIENT_HEADERS):
        items.append(HiddenItem("metadata", f"mail client ({name})", preview(value), loc))
    elif lower == "message-id":
        domain = value.rsplit("@", 1)[-1].strip("<> ")
        if "@" in value and is_internal_host(domain):
            items.append(HiddenItem("metadata", "Message-ID names an internal mail host", domain, loc))
    elif lower.startswith("x-") and _PATH.search(value):
        items.append(HiddenItem("metadata", f"header {name} holds a file path of the sender's machine",
                                preview(value), loc))
    return items


def _safe_name(raw: str | None, index: int, content_type: str) -> str:
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name:
        return name
    ext = {"message/rfc822": ".eml", "text/html": ".html", "application/pdf": ".pdf"}.get(content_type, ".bin")
    return f"attachment-{index}{ext}"


def parse_eml(data: bytes) -> MailParts:
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(msg, EmailMessage) or not msg.keys():
        raise ExtractionError("not an e-mail message (no headers)")
    mail = MailParts(headers=[(k, str(v)) for k, v in msg.items()])
    # A plain-text alternative repeats its HTML sibling; the HTML (which may hide more) is read.
    skip: set[int] = set()
    for part in msg.walk():
        if part.get_content_type() == "multipart/alternative":
            kids = [k for k in part.get_payload() if isinstance(k, Message)]
            if any(k.get_content_type() == "text/html" for k in kids):
                skip.update(id(k) for k in kids if k.get_content_type() == "text/plain")
    for index, part in enumerate(msg.walk()):
        if id(part) in skip:
            continue
        if index > _MAX_PARTS:
            raise ExtractionError(f"more than {_MAX_PARTS} MIME parts")
        if part.is_multipart() and part.get_content_type() != "message/rfc822":
            continue
        ctype = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if ctype == "message/rfc822":
            inner: Any = part.get_payload()
            payload = inner[0].as_bytes() if isinstance(inner, list) and inner else part.as_bytes()
            mail.attachments.append((_safe_name(filename, index, ctype), payload))
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        if disposition == "attachment" or (filename and ctype not in ("text/plain", "text/html")):
            mail.attachments.append((_safe_name(filename, index, ctype), payload))
        elif ctype == "text/html":
            mail.htmls.append(payload)
        elif ctype.startswith("text/"):
            mail.texts.append(_decode(part, payload))
        else:  # inline images and other parts are scanned as embedded files
            mail.attachments.append((_safe_name(filename, index, ctype), payload))
    return mail


def _decode(part: Message, payload: bytes) -> str:
    charset = part.get_content_charset()
    if charset:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(payload)[0]


class EmlExtractor(Extractor):
    media_type = "message/rfc822"
    suffixes = (".eml",)

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        return build_document(parse_eml(data), data, path, self.media_type, ctx)


class MsgExtractor(Extractor):
    """Outlook .msg (an OLE container) read with `extract-msg`."""

    media_type = "application/vnd.ms-outlook"
    suffixes = (".msg",)

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        try:
            import extract_msg
        except ImportError as exc:
            raise ExtractionError("reading .msg needs the extract-msg package, which is not installed") from exc
        if not data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ExtractionError("not an Outlook .msg file (no OLE container)")
        try:
            msg: Any = extract_msg.openMsg(data)
        except Exception as exc:
            raise ExtractionError(f"not a readable Outlook message ({type(exc).__name__}: {exc})") from exc
        try:
            mail = MailParts()
            header = msg.header
            if header is not None and header.keys():
                mail.headers = [(k, str(v)) for k, v in header.items()]
            else:
                mail.headers = [(k, str(v)) for k, v in (("From", msg.sender), ("To", msg.to), ("Cc", msg.cc),
                                                         ("Subject", msg.subject), ("Date", msg.date)) if v]
            html = msg.htmlBody
            if html:  # the HTML body is the fuller one (the plain body is derived from it)
                mail.htmls.append(bytes(html))
            elif msg.body:
                mail.texts.append(str(msg.body))
            for index, att in enumerate(msg.attachments):
                content = getattr(att, "data", None)
                name = _safe_name(getattr(att, "longFilename", None) or getattr(att, "shortFilename", None),
                                  index, "")
                if isinstance(content, bytes):
                    mail.attachments.append((name, content))
                elif content is not None and hasattr(content, "exportBytes"):  # an attached message
                    mail.attachments.append((f"{name.rsplit('.', 1)[0]}.msg", content.exportBytes()))
        finally:
            msg.close()
        return build_document(mail, data, path, self.media_type, ctx)
