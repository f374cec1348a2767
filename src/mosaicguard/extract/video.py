"""Video containers (mp4, mov, m4v, 3gp, avi, wmv/asf, mkv/webm) through ExifTool: GPS of where
it was filmed (QuickTime `©xyz`, Apple `Keys:GPSCoordinates`), the camera, the creation tool and
encoder, authors, titles and comments.

Every tag is kept as a MetadataField; tags that name a person, device, place or tool are
metadata-layer segments (content detectors see a phone number in a comment) and HiddenItems.
"""

from __future__ import annotations

import posixpath
from typing import Any

from ..model import Document, HiddenItem, Layer, MetadataField, sha256_bytes
from .base import ExtractContext, Extractor
from .exiftool import read_tags
from .ooxml import PartText, preview

#: groups that describe the file on disk or ExifTool itself, not the video
_SKIP_GROUPS = ("ExifTool", "System", "File", "Composite")
#: tag names (lower case, any part) that identify a person, device, place, organisation or tool
_REVEALING = ("author", "artist", "comment", "description", "title", "software", "encoder", "encodedby", "make",
              "model", "location", "gps", "copyright", "creator", "producer", "album", "keyword", "writingapp",
              "muxingapp", "tool", "owner", "serial", "user", "publisher", "director", "performer", "subtitle",
              "xyz", "address", "contentcreate", "information")
_GPS_PAIRS = (("Composite:GPSLatitude", "Composite:GPSLongitude"),)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={_text(v)}" for k, v in value.items())
    return str(value).strip()


def media_fields(tags: dict[str, Any], part: str) -> tuple[list[MetadataField], PartText, list[HiddenItem]]:
    """Metadata fields, metadata segments and hidden items of ExifTool tags (shared by the video
    and audio readers so that one tag is read the same way in both)."""
    fields: list[MetadataField] = []
    stream = PartText(part)
    hidden: list[HiddenItem] = []
    for key, value in tags.items():
        group, _, name = key.partition(":")
        if not name or group in _SKIP_GROUPS:
            continue
        text = _text(value)
        if not text:
            continue
        fields.append(MetadataField(key, text, part))
        lower = name.lower()
        if any(word in lower for word in _REVEALING) and not lower.startswith("gpsversion"):
            location = stream.add(text, Layer.METADATA, key, key)
            category = "gps" if "gps" in lower or "xyz" in lower or "location" in lower else "metadata"
            if category == "gps" and not any(ch.isdigit() for ch in text):
                category = "metadata"
            hidden.append(HiddenItem(category, f"media tag {key}", preview(text), location))
    for lat_key, lon_key in _GPS_PAIRS:
        if lat_key in tags and lon_key in tags and not any(h.category == "gps" for h in hidden):
            value = f"{tags[lat_key]}, {tags[lon_key]}"
            location = stream.add(value, Layer.METADATA, "GPS", "GPS")
            hidden.append(HiddenItem("gps", "GPS position of where the recording was made", value, location))
    return fields, stream, hidden


class VideoExtractor(Extractor):
    media_type = "video/*"
    suffixes = (".mp4", ".m4v", ".mov", ".3gp", ".avi", ".wmv", ".asf", ".mkv", ".webm")

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        suffix = posixpath.splitext(path.lower())[1] or ".mp4"
        tags = read_tags(data, suffix)
        fields, stream, hidden = media_fields(tags, "metadata")
        media_type = str(tags.get("File:MIMEType") or self.media_type)
        return Document(path=path, media_type=media_type, sha256=sha256_bytes(data), segments=tuple(stream.segments),
                        metadata=tuple(fields), hidden=tuple(hidden))
