"""Audio files through mutagen: ID3 (mp3, wav, aiff), Vorbis comments (ogg, opus, flac), FLAC
blocks and cover pictures, MP4 atoms (m4a), ASF (wma). WAV and AIFF also keep text in RIFF INFO
and AIFF chunks that mutagen does not read; ExifTool reads those.

Every tag is a MetadataField, a metadata-layer segment (content detectors see a phone number in a
comment) and a HiddenItem; cover pictures go through the registry (a cover photo's EXIF GPS is
found by the image reader).
"""

from __future__ import annotations

import io
import posixpath
from collections.abc import Iterator
from typing import Any

from ..errors import ExtractionError
from ..model import Document, HiddenItem, Layer, MetadataField, sha256_bytes
from .base import ExtractContext, Extractor
from .ooxml import Extracted, PartText, finish, preview

_WITH_CHUNKS = (".wav", ".aif", ".aiff")


def _tag_items(tags: Any) -> Iterator[tuple[str, Any]]:
    """(key, value) pairs whatever the tag flavour (ID3 frames, Vorbis pairs, MP4/ASF lists)."""
    if tags is None:
        return
    items = tags.items() if hasattr(tags, "items") else tags
    for key, value in items:
        if isinstance(value, list):
            for item in value:
                yield str(key), item
        else:
            yield str(key), value


def _picture(value: Any) -> bytes | None:
    """The bytes of a cover picture (ID3 APIC, MP4 covr), else None."""
    data = getattr(value, "data", None)
    if isinstance(data, bytes):
        return data
    if isinstance(value, bytes) and type(value).__name__ == "MP4Cover":
        return bytes(value)
    return None


class AudioExtractor(Extractor):
    media_type = "audio/*"
    suffixes = (".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".wav", ".aif", ".aiff", ".wma")

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        import mutagen

        try:
            audio = mutagen.File(io.BytesIO(data))
        except mutagen.MutagenError as exc:
            raise ExtractionError(f"not a readable audio file: {exc}") from None
        if audio is None:
            raise ExtractionError("not an audio file of a kind mutagen reads")
        out = Extracted()
        stream = PartText("tags")
        pictures: list[tuple[str, bytes]] = []
        for key, value in _tag_items(audio.tags):
            picture = _picture(value)
            if picture is not None:
                pictures.append((key, picture))
                continue
            text = str(value).strip()
            if not text:
                continue
            out.metadata.append(MetadataField(key, text, "tags"))
            location = stream.add(text, Layer.METADATA, key, key)
            category = "comment" if key.upper().startswith(("COMM", "COMMENT", "DESCRIPTION", "©CMT")) else "metadata"
            out.hidden.append(HiddenItem(category, f"audio tag {key}", preview(text), location))
        out.add_stream(stream)
        for index, flac_picture in enumerate(getattr(audio, "pictures", []) or []):
            pictures.append((f"picture{index + 1}", bytes(flac_picture.data)))
        if pictures:
            child = ctx.child()
            for key, picture in pictures:
                out.hidden.append(HiddenItem("embedded", f"cover picture in tag {key}", key))
                suffix = ".jpg" if picture[:3] == b"\xff\xd8\xff" else ".png"
                out.add_embedded(picture, f"{path}!{key}{suffix}", child)
        suffix = posixpath.splitext(path.lower())[1]
        if suffix in _WITH_CHUNKS:
            self._chunks(data, suffix, out)
        mime = (getattr(audio, "mime", None) or [self.media_type])[0]
        return finish(out, path, str(mime), sha256_bytes(data))

    @staticmethod
    def _chunks(data: bytes, suffix: str, out: Extracted) -> None:
        """RIFF INFO (IART, ICMT, ISFT...) and AIFF text chunks (NAME, AUTH, ANNO), via ExifTool."""
        from .exiftool import read_tags
        from .video import media_fields

        tags = {k: v for k, v in read_tags(data, suffix).items() if not k.startswith(("ID3", "RIFF:Encoding"))}
        fields, stream, hidden = media_fields(tags, "chunks")
        out.metadata.extend(fields)
        out.add_stream(stream)
        out.hidden.extend(hidden)
