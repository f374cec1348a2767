"""BitTorrent metainfo files: who made it (`created by`, the client and version), when, the
`comment`, the trackers (internal hosts) and the list of files it shares (names and folders can
name projects and people). Decoded with fastbencode."""

from __future__ import annotations

from typing import Any

from ..errors import ExtractionError
from ..model import Document, HiddenItem, Layer, MetadataField, sha256_bytes
from .base import ExtractContext, Extractor
from .ooxml import Extracted, PartText, check_text_budget, finish, preview

#: top-level keys a sanitised torrent keeps: what a client needs to fetch the files
KEEP_KEYS = (b"announce", b"announce-list", b"info", b"url-list")
_REVEALING = {b"created by": "creating client", b"comment": "comment", b"publisher": "publisher",
              b"publisher-url": "publisher address", b"creation date": "creation date"}


def decode_torrent(data: bytes) -> dict[bytes, Any]:
    """The metainfo dictionary; ExtractionError for anything that is not one."""
    from fastbencode import bdecode  # type: ignore[attr-defined]

    try:
        meta = bdecode(data)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ExtractionError(f"not a readable torrent file: {exc}") from None
    if not isinstance(meta, dict) or not isinstance(meta.get(b"info"), dict):
        raise ExtractionError("not a torrent file (no info dictionary)")
    return meta


def _s(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list):
        return ", ".join(_s(v) for v in value)
    return str(value)


def file_list(info: dict[bytes, Any]) -> list[str]:
    """Paths of the shared files (single-file torrents: the name)."""
    name = _s(info.get(b"name", b""))
    files = info.get(b"files")
    if not isinstance(files, list):
        return [name] if name else []
    out = []
    for entry in files:
        if isinstance(entry, dict) and isinstance(entry.get(b"path"), list):
            out.append("/".join([name, *(_s(p) for p in entry[b"path"])]))
    return out


class TorrentExtractor(Extractor):
    media_type = "application/x-bittorrent"
    suffixes = (".torrent",)

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        meta = decode_torrent(data)
        out = Extracted()
        stream = PartText("metainfo")
        for key, value in meta.items():
            if key == b"info":
                continue
            text = _s(value).strip()
            if not text:
                continue
            label = _s(key)
            out.metadata.append(MetadataField(label, text, "metainfo"))
            location = stream.add(text, Layer.METADATA, label, label)
            if key in _REVEALING or key.startswith(b"announce"):
                what = _REVEALING.get(key, "tracker address")
                out.hidden.append(HiddenItem("comment" if key == b"comment" else "metadata",
                                             f"torrent {what} ({label})", preview(text), location))
        files = file_list(meta[b"info"])
        for name in files:
            stream.add(name, Layer.BODY, "file list")
        if files:
            out.metadata.append(MetadataField("files", "; ".join(files), "info"))
        out.add_stream(stream)
        check_text_budget(out, ctx.limits)
        return finish(out, path, self.media_type, sha256_bytes(data))
