"""Audio and video: metadata removed, the recording itself untouched.

Video (QuickTime/MP4 family) is rewritten by ExifTool with `-all=`; ExifTool cannot write AVI,
WMV or Matroska, so those are refused with the command that would clean them. Audio tags (ID3,
Vorbis comments, FLAC blocks and pictures, MP4 atoms, ASF) are deleted with mutagen. Content
findings cannot be redacted from sound or pictures: a finding outside the metadata makes the
sanitiser refuse the file rather than vouch for it.
"""

from __future__ import annotations

import io
import posixpath
import struct

from ..errors import ExtractionError
from ..extract.base import ExtractContext
from ..extract.dispatch import extract_bytes
from ..model import Document, Finding, Layer, Location
from ..policy.schema import SanitizeSettings
from .base import Action, SanitizeError, Sanitizer, SanitizeResult

_EXIFTOOL_WRITES = (".mp4", ".m4v", ".mov", ".3gp")
#: chunks a WAV/AIFF keeps (format, sound, sample count); INFO/ID3/bext/iXML/XMP/NAME/AUTH/ANNO go
_SOUND_CHUNKS = {b"fmt ", b"data", b"fact", b"COMM", b"SSND", b"FVER"}


def keep_sound_chunks(data: bytes) -> tuple[bytes, list[str]]:
    """A RIFF/WAVE or FORM/AIFF file rebuilt from its sound chunks only (allowlist); returns the
    bytes and the ids of the chunks that were dropped. Other files come back unchanged."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        order = "<"
    elif data[:4] == b"FORM" and data[8:12] in (b"AIFF", b"AIFC"):
        order = ">"
    else:
        return data, []
    kept = b""
    dropped: list[str] = []
    pos = 12
    while pos + 8 <= len(data):
        cid = data[pos:pos + 4]
        size = struct.unpack(order + "I", data[pos + 4:pos + 8])[0]
        end = min(pos + 8 + size + (size & 1), len(data))
        if cid in _SOUND_CHUNKS:
            kept += data[pos:end]
        else:
            dropped.append(cid.decode("latin-1"))
        pos = end
    head = data[:4] + struct.pack(order + "I", 4 + len(kept)) + data[8:12]
    return head + kept, dropped


def _check_redactable(redact: list[Finding]) -> None:
    outside = [f for f in redact if f.layer is not Layer.METADATA]
    if outside:
        raise SanitizeError(f"{outside[0].category} found outside the metadata of a recording cannot be "
                            "redacted; edit the recording itself")


def _verify(data: bytes, path: str) -> None:
    doc = extract_bytes(data, path, ExtractContext())
    if doc.status != "ok":
        raise SanitizeError(f"sanitised file does not read back: {doc.error}")
    left = [h.description for h in doc.hidden if h.category in ("metadata", "gps", "comment", "embedded")]
    if left:
        raise SanitizeError("sanitised file still contains: " + "; ".join(sorted(set(left))[:5]))


def _actions(doc: Document) -> list[Action]:
    if not doc.hidden:
        return [Action("remove_metadata", "remove every metadata tag (none reported)", Location(), "metadata")]
    return [Action("remove_metadata", f"remove {h.description}", h.location, h.category) for h in doc.hidden]


class VideoSanitizer(Sanitizer):
    suffixes: tuple[str, ...] = _EXIFTOOL_WRITES

    def plan(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> list[Action]:
        self._writable(doc.path)
        _check_redactable(redact)
        return _actions(doc)

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        from ..extract.exiftool import strip_all

        actions = self.plan(data, doc, redact, settings)
        suffix = posixpath.splitext(doc.path.lower())[1]
        try:
            clean = strip_all(data, suffix)
        except ExtractionError as exc:
            raise SanitizeError(str(exc)) from None
        _verify(clean, doc.path)
        return SanitizeResult(clean, tuple(actions))

    @staticmethod
    def _writable(path: str) -> None:
        suffix = posixpath.splitext(path.lower())[1]
        if suffix not in _EXIFTOOL_WRITES:
            raise SanitizeError(f"{suffix} video cannot be rewritten without re-encoding; remove its metadata with "
                                "`ffmpeg -i IN -map_metadata -1 -c copy OUT` and check the result again")


class UnwritableVideoSanitizer(VideoSanitizer):
    """AVI, WMV, Matroska: refused with the command that cleans them."""

    suffixes: tuple[str, ...] = (".avi", ".wmv", ".asf", ".mkv", ".webm")


class AudioSanitizer(Sanitizer):
    suffixes = (".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".wav", ".aif", ".aiff", ".wma")

    def plan(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> list[Action]:
        _check_redactable(redact)
        return _actions(doc)

    def sanitize(self, data: bytes, doc: Document, redact: list[Finding], settings: SanitizeSettings) -> SanitizeResult:
        import mutagen

        actions = self.plan(data, doc, redact, settings)
        buf = io.BytesIO(data)
        try:
            audio = mutagen.File(buf)
            if audio is None:
                raise SanitizeError("not an audio file mutagen can rewrite")
            buf.seek(0)
            audio.delete(buf)
            clear = getattr(audio, "clear_pictures", None)
            if clear is not None:  # FLAC cover pictures are blocks of their own, not tags
                clear()
                buf.seek(0)
                audio.save(buf)
        except SanitizeError:
            raise
        except Exception as exc:  # noqa: BLE001 - mutagen raises many kinds on damaged files
            raise SanitizeError(f"audio tags could not be removed: {exc}") from None
        clean, dropped = keep_sound_chunks(buf.getvalue())
        if dropped:
            actions.append(Action("remove_metadata", f"removed chunk(s) {', '.join(dropped)} (only the sound "
                                  "format and data are kept)", Location(part="chunks"), "metadata"))
        _verify(clean, doc.path)
        return SanitizeResult(clean, tuple(actions))
