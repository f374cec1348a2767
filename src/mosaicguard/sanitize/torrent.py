"""Torrent files: only what a client needs to fetch the files is kept (trackers, the info
dictionary, web seeds); `created by`, `creation date`, `comment`, publisher and every other key
go. The info dictionary is the torrent's identity (its hash): it is kept byte for byte, so a
content finding in a file name cannot be redacted and makes the sanitiser refuse the file."""

from __future__ import annotations

from ..extract.torrent import KEEP_KEYS, decode_torrent
from ..model import Document, Finding, Location
from ..policy.schema import SanitizeSettings
from .base import Action, SanitizeError, Sanitizer, SanitizeResult


class TorrentSanitizer(Sanitizer):
    suffixes = (".torrent",)

    def plan(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> list[Action]:
        meta = decode_torrent(data)
        in_files = [f for f in redact if f.location.pointer == "file list"]
        if in_files:
            raise SanitizeError(f"{in_files[0].category} in a shared file name cannot be removed without changing "
                                "the torrent's identity; rename the files and create the torrent again")
        return [Action("remove_metadata", f"removed torrent key '{key.decode('utf-8', 'replace')}'",
                       Location(part="metainfo"), "comment" if key == b"comment" else "metadata")
                for key in meta if key not in KEEP_KEYS]

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        from fastbencode import bencode  # type: ignore[attr-defined]

        actions = self.plan(data, doc, redact, settings)
        meta = decode_torrent(data)
        clean: bytes = bencode({k: v for k, v in meta.items() if k in KEEP_KEYS})
        return SanitizeResult(clean, tuple(actions))
