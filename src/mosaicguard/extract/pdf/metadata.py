"""Document metadata: the Info dictionary (custom keys included) and the XMP packet (edit
history, document ids, internal paths)."""

from __future__ import annotations

import re
from typing import Any

import pymupdf
from defusedxml import ElementTree as SafeET

from ...model import HiddenItem, Layer, Location, MetadataField, Segment, Severity
from .common import MAX_VALUE_CHARS

# Info keys that say who made the file or what it is about; the rest (dates, producer) still go
# to the content detectors as metadata segments.
_REVEALING_INFO = {"Author": None, "Title": Severity.LOW, "Subject": None, "Keywords": None}
_STANDARD_INFO = {"Author", "Title", "Subject", "Keywords", "Creator", "Producer", "CreationDate", "ModDate",
                  "Trapped"}
_PATH_RE = re.compile(r"(?:\b[A-Za-z]:\\|\\\\[\w.$-]+\\|(?:^|[\s(\"'])/(?:Users|home|mnt|media|srv|net|Volumes)/"
                      r"|file:/{2,3}\w|smb://)")

_XMP_PREFIX = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#": "stEvt",
    "http://ns.adobe.com/xap/1.0/sType/ResourceRef#": "stRef",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.adobe.com/pdfx/1.3/": "pdfx",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "adobe:ns:meta/": "x",
    "http://www.aiim.org/pdfa/ns/id/": "pdfaid",
}
_XMP_REVEALING = ("dc:creator", "dc:description", "dc:title", "dc:subject", "pdf:Keywords", "pdfx:",
                  "photoshop:AuthorsPosition", "photoshop:CaptionWriter", "xmpMM:DerivedFrom", "xmpRights:Owner")
_XMP_IDS = ("xmpMM:DocumentID", "xmpMM:InstanceID", "xmpMM:OriginalDocumentID")


def read_metadata(pdf: pymupdf.Document) -> tuple[list[MetadataField], list[Segment], list[HiddenItem]]:
    """Info dictionary (standard and custom keys) and XMP packet."""
    fields: list[MetadataField] = []
    hidden: list[HiddenItem] = []
    for key, value in info_items(pdf):
        fields.append(MetadataField(key, value, "Info"))
        if key not in _STANDARD_INFO:
            hidden.append(HiddenItem("metadata", f"custom document property '{key}'", value, Location(part="Info",
                                                                                                       pointer=key)))
        elif key in _REVEALING_INFO:
            hidden.append(HiddenItem("metadata", f"document property {key}", value,
                                     Location(part="Info", pointer=key), _REVEALING_INFO[key]))
        elif _PATH_RE.search(value):
            hidden.append(HiddenItem("metadata", f"internal file path in document property {key}", value,
                                     Location(part="Info", pointer=key), Severity.MEDIUM))
    xmp = pdf.get_xml_metadata() or ""
    if xmp.strip():
        xmp_fields = xmp_items(xmp)
        fields.extend(MetadataField(k, v, "XMP") for k, v in xmp_fields)
        hidden.extend(_xmp_hidden(xmp_fields))
    segments: list[Segment] = []
    offsets = {"Info": 0, "XMP": 0}
    for f in fields:
        part = f.part or "Info"
        start = offsets[part]
        segments.append(Segment(f.value, Layer.METADATA, Location(start=start, end=start + len(f.value), part=part,
                                                                  pointer=f.key), field=f.key))
        offsets[part] = start + len(f.value) + 1
    return fields, segments, hidden


def info_items(pdf: pymupdf.Document) -> list[tuple[str, str]]:
    """Every text value of the Info dictionary, custom keys included (`pdf.metadata` drops those)."""
    kind, ref = pdf.xref_get_key(-1, "Info")
    if kind != "xref":
        return []
    xref = int(ref.split()[0])
    out = []
    for key in pdf.xref_get_keys(xref):
        kind, value = pdf.xref_get_key(xref, key)
        if kind in ("string", "name", "int", "float") and value.strip():
            out.append((key, value.strip().lstrip("/") if kind == "name" else value.strip()))
    return out


def xmp_items(xmp: str) -> list[tuple[str, str]]:
    """Leaf values of an XMP packet as (path, value); history events become one line each."""
    try:
        root = SafeET.fromstring(xmp.strip().encode("utf-8"))
    except Exception:  # noqa: BLE001 - broken XMP is reported as such, not fatal
        return [("XMP", "unreadable XMP packet")]
    out: list[tuple[str, str]] = []
    _walk_xmp(root, [], out)
    return out


def _qname(tag: str) -> str:
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        prefix = _XMP_PREFIX.get(uri)
        return f"{prefix}:{local}" if prefix else local
    return tag


def _walk_xmp(element: Any, trail: list[str], out: list[tuple[str, str]]) -> None:
    name = _qname(element.tag)
    is_container = name.startswith("rdf:") or name.startswith("x:")
    here = trail if is_container else [*trail, name]
    if name == "rdf:li" and trail and trail[-1] == "xmpMM:History":
        event = [f"{_qname(k).split(':')[-1]}={v}" for k, v in element.attrib.items()]
        event += [f"{_qname(c.tag).split(':')[-1]}={(c.text or '').strip()}" for c in element if (c.text or "").strip()]
        for desc in element:  # <rdf:li rdf:parseType="Resource"> or nested rdf:Description
            event += [f"{_qname(k).split(':')[-1]}={v}" for k, v in desc.attrib.items()]
        if event:
            out.append(("xmpMM:History", "; ".join(event)))
        return
    for key, value in element.attrib.items():
        qkey = _qname(key)
        if not qkey.startswith(("rdf:", "x:", "xml")) and value.strip():
            out.append(("/".join([*here, qkey]), value.strip()))
    text = (element.text or "").strip()
    if text and len(element) == 0 and here:
        out.append(("/".join(here), text))
    for child in element:
        _walk_xmp(child, here, out)


def _xmp_hidden(fields: list[tuple[str, str]]) -> list[HiddenItem]:
    hidden: list[HiddenItem] = []
    history = [v for k, v in fields if k == "xmpMM:History"]
    if history:
        joined = " | ".join(history)
        if len(joined) > MAX_VALUE_CHARS:
            joined = joined[:MAX_VALUE_CHARS] + "…"
        hidden.append(HiddenItem("metadata", f"editing history in XMP metadata ({len(history)} events)",
                                 joined, Location(part="XMP", pointer="xmpMM:History"), Severity.MEDIUM))
    for key, value in fields:
        leaf = key.rsplit("/", 1)[-1]
        location = Location(part="XMP", pointer=key)
        if key == "xmpMM:History":
            continue
        if _PATH_RE.search(value):
            hidden.append(HiddenItem("metadata", f"internal file path in XMP {leaf}", value, location, Severity.MEDIUM))
        elif any(leaf.startswith(p) or key.startswith(p) for p in _XMP_REVEALING):
            hidden.append(HiddenItem("metadata", f"XMP {leaf}", value, location))
        elif leaf in _XMP_IDS:
            hidden.append(HiddenItem("metadata", f"XMP {leaf} (links this file to its source and other versions)",
                                     value, location, Severity.LOW))
    return hidden
