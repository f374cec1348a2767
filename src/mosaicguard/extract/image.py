"""Images (JPEG, PNG, TIFF, WebP, GIF, BMP): what a photo tells besides its pixels.

EXIF (camera, serial numbers, owner, time, free-text descriptions), the GPS IFD (where the photo
was taken), XMP packets, PNG text chunks and JPEG/GIF comments. Only the header and metadata are
read; pixels are never decoded here, so a decompression bomb costs nothing (and is refused by the
pixel limit before anything else). OCR of the pixels is another stage (`ctx.ocr`, see `ocr_segments`).
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..errors import ExtractionError, LimitExceeded
from ..model import Document, HiddenItem, Layer, Location, MetadataField, Segment, Severity, sha256_bytes
from .base import ExtractContext, Extractor

if TYPE_CHECKING:
    from .ocr import OcrPage

# EXIF tags read from the main IFD (0th) and the Exif sub-IFD, with how revealing each one is.
# None: recorded as metadata but not reported on its own.
BASE_TAGS: dict[int, tuple[str, Severity | None]] = {
    0x010E: ("ImageDescription", Severity.MEDIUM),
    0x010F: ("Make", None),
    0x0110: ("Model", None),
    0x0131: ("Software", None),
    0x0132: ("DateTime", None),
    0x013B: ("Artist", Severity.MEDIUM),
    0x013C: ("HostComputer", Severity.MEDIUM),
    0x8298: ("Copyright", Severity.LOW),
    0x9C9B: ("XPTitle", Severity.LOW),
    0x9C9C: ("XPComment", Severity.MEDIUM),
    0x9C9D: ("XPAuthor", Severity.MEDIUM),
    0x9C9E: ("XPKeywords", Severity.LOW),
    0x9C9F: ("XPSubject", Severity.LOW),
}
EXIF_TAGS: dict[int, tuple[str, Severity | None]] = {
    0x9003: ("DateTimeOriginal", Severity.LOW),
    0x9286: ("UserComment", Severity.MEDIUM),
    0xA420: ("ImageUniqueID", None),
    0xA430: ("CameraOwnerName", Severity.MEDIUM),
    0xA431: ("BodySerialNumber", Severity.MEDIUM),
    0xA434: ("LensModel", None),
    0xA435: ("LensSerialNumber", Severity.MEDIUM),
}
# IPTC-IIM datasets (record 2) that news and agency photos carry.
IPTC_FIELDS: dict[tuple[int, int], tuple[str, Severity | None]] = {
    (2, 5): ("ObjectName", None),
    (2, 25): ("Keywords", Severity.LOW),
    (2, 80): ("By-line", Severity.MEDIUM),
    (2, 85): ("By-lineTitle", Severity.LOW),
    (2, 90): ("City", Severity.MEDIUM),
    (2, 92): ("Sub-location", Severity.MEDIUM),
    (2, 95): ("Province-State", Severity.LOW),
    (2, 101): ("Country", None),
    (2, 105): ("Headline", None),
    (2, 110): ("Credit", Severity.LOW),
    (2, 115): ("Source", Severity.LOW),
    (2, 116): ("CopyrightNotice", Severity.LOW),
    (2, 120): ("Caption-Abstract", Severity.MEDIUM),
    (2, 122): ("Writer-Editor", Severity.MEDIUM),
}
# Free-text fields a person types (captions, comments, keywords): a `comment` layer, scanned by
# every content detector; what they hold decides their severity (detect/hidden.py).
FREE_TEXT = frozenset({"imagedescription", "xpcomment", "xpsubject", "xpkeywords", "usercomment",
                       "caption-abstract", "keywords", "description", "subject", "comment"})
_IFD_EXIF, _IFD_GPS, _IFD1 = 0x8769, 0x8825, 1
_XMP_TIFF_TAG = 700
# XMP properties (local names, lower-case) that name a person or a device.
_XMP_REVEALING = ("creator", "artist", "author", "owner", "serialnumber", "cameraownername", "lensserialnumber",
                  "by-line", "captionwriter", "lastmodifiedby")
_MAX_XMP_FIELDS = 200
_MAX_CHUNK_TEXT = 1 << 20
_PNG_SIG = b"\x89PNG\r\n\x1a\n"
#: Frames (TIFF pages, animation frames) read by OCR per image; later ones become a note.
MAX_OCR_FRAMES = 100
MAX_OCR_ANIMATION_FRAMES = 20  # GIF, WebP, APNG animations
_FRAME_BATCH = 8  # frames decoded and OCR'd together (in parallel), bounding memory


@dataclass
class _Found:
    """What has been read so far, in the order it was found."""

    segments: list[Segment] = field(default_factory=list)
    metadata: list[MetadataField] = field(default_factory=list)
    hidden: list[HiddenItem] = field(default_factory=list)
    offset: int = 0

    def add(self, key: str, value: str, part: str, severity: Severity | None = None, what: str = "") -> Location:
        value = value.strip().strip("\x00").strip()
        loc = Location(start=self.offset, end=self.offset + len(value), part=part, pointer=key)
        if not value:
            return loc
        self.metadata.append(MetadataField(key, value, part))
        free_text = key.rsplit(":", 1)[-1].lower() in FREE_TEXT
        layer = Layer.COMMENT if free_text else Layer.METADATA
        self.segments.append(Segment(value, layer=layer, location=loc, field=key))
        self.offset += len(value) + 1
        if free_text:
            # Low by itself; raised to what the content detectors find in it.
            self.hidden.append(HiddenItem("comment", what or f"free-text image field {key}", value=value,
                                          location=loc, severity=Severity.LOW))
        elif severity is not None:
            self.hidden.append(HiddenItem("metadata", what or f"image metadata {key}", value=value,
                                          location=loc, severity=severity))
        return loc

    def gps(self, lat: float, lon: float, source: str, part: str) -> None:
        text = f"GPS {lat:.6f}, {lon:.6f}"
        if any(h.category == "gps" and h.value == text[4:] for h in self.hidden):
            return  # XMP often repeats the EXIF position; one finding per place
        loc = Location(start=self.offset, end=self.offset + len(text), part=part, pointer=source)
        self.segments.append(Segment(text, layer=Layer.METADATA, location=loc, field=source))
        self.metadata.append(MetadataField(source, f"{lat:.6f}, {lon:.6f}", part))
        self.offset += len(text) + 1
        self.hidden.append(HiddenItem("gps", f"photo records where it was taken ({source})",
                                      value=f"{lat:.6f}, {lon:.6f}", location=loc, severity=Severity.HIGH))


def text_of(value: object, tag_name: str = "") -> str:
    """An EXIF value as text: XP* tags are UTF-16LE, UserComment has an 8-byte charset prefix."""
    if isinstance(value, bytes):
        if tag_name.startswith("XP"):
            return value.decode("utf-16-le", "replace").rstrip("\x00")
        if tag_name == "UserComment" and len(value) >= 8:
            prefix, body = value[:8], value[8:]
            if prefix.startswith(b"UNICODE"):
                encoding = "utf-16-be" if body[:1] == b"\x00" else "utf-16-le"
                return body.decode(encoding, "replace").rstrip("\x00")
            return body.decode("utf-8", "replace").rstrip("\x00")
        for encoding in ("utf-8", "gb18030"):
            try:
                return value.decode(encoding).rstrip("\x00")
            except UnicodeDecodeError:
                continue
        return value.decode("latin-1").rstrip("\x00")
    if isinstance(value, tuple) and value and all(isinstance(v, int) for v in value) and tag_name.startswith("XP"):
        return bytes(value).decode("utf-16-le", "replace").rstrip("\x00")
    return str(value)


def dms_to_decimal(value: object, ref: object) -> float | None:
    """EXIF (deg, min, sec) rationals and an N/S/E/W reference -> signed decimal degrees."""
    try:
        parts = [float(v) for v in value]  # type: ignore[attr-defined]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not parts:
        return None
    parts += [0.0] * (3 - len(parts))
    degrees = parts[0] + parts[1] / 60 + parts[2] / 3600
    ref_text = text_of(ref).strip().upper()[:1]
    return -degrees if ref_text in ("S", "W") else degrees


_XMP_COORD = re.compile(r"^\s*(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?(?:,(\d+(?:\.\d+)?))?\s*([NSEW])\s*$", re.I)


def xmp_coordinate(text: str) -> float | None:
    """XMP writes GPS as "39,54.2526N" (degrees, decimal minutes) or "39,54,15.16N"."""
    m = _XMP_COORD.match(text)
    if not m:
        try:
            return float(text)
        except ValueError:
            return None
    deg, minutes, seconds, ref = m.groups()
    value = float(deg) + float(minutes or 0) / 60 + float(seconds or 0) / 3600
    return -value if ref.upper() in ("S", "W") else value


def _plausible(lat: float | None, lon: float | None) -> bool:
    return lat is not None and lon is not None and abs(lat) <= 90 and abs(lon) <= 180 and (lat, lon) != (0.0, 0.0)


def png_text_chunks(data: bytes) -> Iterable[tuple[str, str]]:
    """(keyword, text) of every tEXt, zTXt and iTXt chunk, wherever it is in the file (Pillow only
    sees chunks before the image data without decoding the pixels)."""
    pos = len(_PNG_SIG)
    n = len(data)
    while pos + 8 <= n:
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if ctype == b"IEND":
            break
        if ctype not in (b"tEXt", b"zTXt", b"iTXt"):
            continue
        keyword, _, rest = body.partition(b"\x00")
        key = keyword.decode("latin-1", "replace")
        try:
            if ctype == b"tEXt":
                yield key, rest.decode("latin-1", "replace")
            elif ctype == b"zTXt":
                yield key, _inflate(rest[1:]).decode("latin-1", "replace")
            else:
                compressed = rest[:1] == b"\x01"
                _lang, _, rest2 = rest[2:].partition(b"\x00")
                _translated, _, text = rest2.partition(b"\x00")
                yield key, (_inflate(text) if compressed else text).decode("utf-8", "replace")
        except zlib.error:
            yield key, "(unreadable compressed text)"


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, _MAX_CHUNK_TEXT)  # bounded: a text chunk can be a zip bomb too
    return out


def xmp_fields(packet: bytes) -> list[tuple[str, str]]:
    """(prefix:name, value) for each leaf value and attribute of an XMP packet."""
    from defusedxml import ElementTree

    start = packet.find(b"<x:xmpmeta")
    if start < 0:
        start = packet.find(b"<rdf:RDF")
    end_tag = b"</x:xmpmeta>" if packet.find(b"</x:xmpmeta>") >= 0 else b"</rdf:RDF>"
    end = packet.find(end_tag)
    if start < 0 or end < 0:
        return []
    try:
        root = ElementTree.fromstring(packet[start : end + len(end_tag)])
    except Exception:  # noqa: BLE001 - defusedxml raises several types for hostile or broken XML
        return [("XMP", "(unreadable XMP packet)")]
    out: list[tuple[str, str]] = []

    def local(name: str) -> str:
        return name.rsplit("}", 1)[-1]

    def visit(elem: object, prop: str) -> None:
        tag = local(elem.tag)  # type: ignore[attr-defined]
        name = prop if tag in ("li", "Seq", "Bag", "Alt", "Description", "RDF", "xmpmeta") else tag
        for attr, value in elem.attrib.items():  # type: ignore[attr-defined]
            attr_name = local(attr)
            if attr_name not in ("about", "parseType", "lang", "resource") and value.strip():
                out.append((attr_name, value))
        text = (elem.text or "").strip()  # type: ignore[attr-defined]
        children = list(elem)  # type: ignore[call-overload]
        if text and not children:
            out.append((name, text))
        for child in children:
            visit(child, name)

    visit(root, "")
    return out[:_MAX_XMP_FIELDS]


class ImageExtractor(Extractor):
    media_type = "image/*"
    suffixes = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".gif", ".bmp")

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        from PIL import Image, UnidentifiedImageError

        # Pillow's own bomb guard (a process-wide setting) stays as shipped; the per-scan limit is
        # checked right after the header is read, before any pixel is decoded.
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                im = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:
            raise LimitExceeded(f"image is too large to open safely (decompression bomb guard): {exc}") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ExtractionError(f"not a readable image: {exc}") from None
        with im:
            width, height = im.size
            if width * height > ctx.limits.max_image_pixels:
                raise LimitExceeded(
                    f"image declares {width}x{height} pixels, over the limit of {ctx.limits.max_image_pixels}"
                    " (decompression bomb guard)")
            found = _Found()
            exif = exif_of(im, data)
            self._exif(exif, found)
            self._xmp(im, exif, found)
            self._iptc(im, found)
            self._comments(im, data, found)
            media_type = Image.MIME.get(im.format or "", "image/*")
            n_frames = int(getattr(im, "n_frames", 1) or 1)
            ocr_segments, notes = self.ocr_pages(im, ctx)  # last: it moves `im` to other frames
        return Document(path=path, media_type=media_type, sha256=sha256_bytes(data),
                        segments=tuple(found.segments) + ocr_segments, metadata=tuple(found.metadata),
                        hidden=tuple(found.hidden), page_count=n_frames, notes=notes)

    def ocr_segments(self, im: object, ctx: ExtractContext) -> tuple[Segment, ...]:
        """The OCR text of every frame (see `ocr_pages`), without the notes."""
        segments, _notes = self.ocr_pages(im, ctx)
        return segments

    def ocr_pages(self, im: object, ctx: ExtractContext) -> tuple[tuple[Segment, ...], tuple[str, ...]]:
        """Text in the pixels (scanned notices, photos of screens) and notes for a human.

        Every frame is read (the pages of a multi-page TIFF, the frames of an animation), each as
        its own page number (1, 2, ...), up to `MAX_OCR_FRAMES` (`MAX_OCR_ANIMATION_FRAMES` for
        animations). Frames are upright (`exif_transpose`), as the image sanitiser blacks out on
        the upright image, so boxes are pixels of that image. Low-confidence pages and frames left
        unread become notes, so that a weak reading is flagged rather than passed silently.
        """
        from .ocr import OcrUnavailable

        if ctx.ocr == "never":
            return (), ()  # do not decode the pixels at all
        n_frames = int(getattr(im, "n_frames", 1) or 1)
        notes: list[str] = []
        # Scanned pages (TIFF) each matter; animation frames mostly repeat each other.
        limit = MAX_OCR_FRAMES if getattr(im, "format", "") == "TIFF" else MAX_OCR_ANIMATION_FRAMES
        if n_frames > limit:
            skipped = f"frame {n_frames}" if n_frames == limit + 1 else f"frames {limit + 1}-{n_frames}"
            notes.append(f"{skipped} of {n_frames} were not read by OCR (limit of {limit} frames); check by hand")
        segments: list[Segment] = []
        seen: set[str] = set()  # pixel digests of frames already read
        try:
            for start in range(0, min(n_frames, limit), _FRAME_BATCH):
                stop = min(start + _FRAME_BATCH, n_frames, limit)
                for page in self._ocr_frames(im, ctx, range(start, stop), n_frames > 1, seen):
                    segments.extend(page.segments)
                    note = page.note()
                    if note:
                        notes.append(note)
        except OcrUnavailable as exc:
            notes.append(f"text in the picture was not read: OCR unavailable ({exc}); check by hand")
        except LimitExceeded as exc:
            # Keep what was read (and the metadata findings) rather than lose the file; say what is missing.
            read = sorted({s.location.page for s in segments if s.location.page is not None})
            done = f" (text read from page(s) {', '.join(map(str, read))})" if read and n_frames > 1 else ""
            notes.append(f"OCR stopped: {exc}{done}; the rest of the picture was not read, check by hand")
        return tuple(segments), tuple(notes)

    @staticmethod
    def _ocr_frames(im: Any, ctx: ExtractContext, frames: range, multi: bool, seen: set[str]) -> list[OcrPage]:
        """OCR the frames `frames` (0-based) of `im`; pages are numbered frame + 1. Frames are
        decoded a batch at a time so that a long TIFF does not hold every page in memory."""
        from PIL import ImageOps

        from .ocr import ocr_images, should_ocr_image

        wanted: list[tuple[int, object]] = []
        photo = is_camera_photo(im)
        for index in frames:
            ctx.check_time()
            if multi:
                im.seek(index)
                width, height = im.size
                if width * height > ctx.limits.max_image_pixels:  # frame 1 was checked on open
                    raise LimitExceeded(f"frame {index + 1} declares {width}x{height} pixels, over the limit of "
                                        f"{ctx.limits.max_image_pixels} (decompression bomb guard)")
            upright = ImageOps.exif_transpose(im)
            if upright is im:
                upright = im.copy()  # seek() would change it under us
            if photo:
                # A camera writes 72 dpi by convention; the photo's pixels are its resolution. Scaling
                # it "to 300 dpi" tripled each side and the OCR time, and read the same text
                # (docs/benchmarks-hidden.md), so a photo is read at its own size.
                upright.info.pop("dpi", None)
            elif "dpi" in im.info and "dpi" not in upright.info:
                upright.info["dpi"] = im.info["dpi"]
            if not should_ocr_image(ctx, upright):
                continue
            if multi:
                # Animations repeat frames; one reading per distinct picture is enough.
                digest = sha256_bytes(upright.tobytes())
                if digest in seen:
                    continue
                seen.add(digest)
            wanted.append((index + 1, upright))
        if not wanted:
            return []
        pages = ocr_images([img for _, img in wanted], ctx, first_page=1)
        return [replace(page, page=number) for (number, _), page in zip(wanted, pages, strict=True)]

    @staticmethod
    def _exif(exif: Any, found: _Found) -> None:
        if not exif:
            return
        make_model: list[str] = []
        for tag, (name, severity) in BASE_TAGS.items():
            if tag in exif:
                value = text_of(exif[tag], name)
                found.add(f"EXIF:{name}", value, "exif", severity)
                if name in ("Make", "Model") and value.strip():
                    make_model.append(value.strip().strip("\x00"))
        sub = exif.get_ifd(_IFD_EXIF)
        for tag, (name, severity) in EXIF_TAGS.items():
            if tag in sub:
                what = "time the photo was taken" if name == "DateTimeOriginal" else ""
                found.add(f"EXIF:{name}", text_of(sub[tag], name), "exif", severity, what)
        if make_model:
            found.hidden.append(HiddenItem("metadata", "camera make and model", value=" ".join(make_model),
                                           location=Location(part="exif", pointer="EXIF:Make/Model"),
                                           severity=Severity.LOW))
        gps = exif.get_ifd(_IFD_GPS)
        if gps:
            lat = dms_to_decimal(gps.get(2), gps.get(1, "N")) if 2 in gps else None
            lon = dms_to_decimal(gps.get(4), gps.get(3, "E")) if 4 in gps else None
            if _plausible(lat, lon):
                assert lat is not None and lon is not None
                found.gps(lat, lon, "EXIF:GPS", "exif")
            elif lat is not None or lon is not None:
                found.hidden.append(HiddenItem("gps", "photo carries a partial GPS position",
                                               value=f"{lat}, {lon}", location=Location(part="exif",
                                                                                        pointer="EXIF:GPS")))
        try:
            thumb = exif.get_ifd(_IFD1)
        except (KeyError, ValueError, struct.error):
            thumb = {}
        if thumb and (0x0201 in thumb or 0x0111 in thumb):
            found.hidden.append(HiddenItem("embedded", "EXIF thumbnail: a small copy of the original image "
                                           "(it is not changed when the picture is edited or cropped)",
                                           location=Location(part="exif", pointer="EXIF:IFD1"),
                                           severity=Severity.LOW))

    @staticmethod
    def _xmp(im: object, exif: Any, found: _Found) -> None:
        info = im.info  # type: ignore[attr-defined]
        packet = info.get("xmp") or info.get("XML:com.adobe.xmp")
        if packet is None:
            try:
                packet = exif.get(_XMP_TIFF_TAG)
            except Exception:  # noqa: BLE001 - a broken TIFF tag must not hide the other metadata
                packet = None
        if not packet:
            return
        raw = packet.encode("utf-8") if isinstance(packet, str) else bytes(packet)
        fields = xmp_fields(raw)
        lat = lon = None
        for name, value in fields:
            low = name.lower()
            if low == "gpslatitude":
                lat = xmp_coordinate(value)
            elif low == "gpslongitude":
                lon = xmp_coordinate(value)
            severity = Severity.MEDIUM if any(k in low for k in _XMP_REVEALING) else None
            found.add(f"XMP:{name}", value, "xmp", severity)
        if _plausible(lat, lon):
            assert lat is not None and lon is not None
            found.gps(lat, lon, "XMP:GPS", "xmp")
        found.hidden.append(HiddenItem("metadata", f"XMP metadata packet ({len(fields)} values)",
                                       location=Location(part="xmp", pointer="XMP"), severity=Severity.LOW))

    @staticmethod
    def _iptc(im: object, found: _Found) -> None:
        from PIL import IptcImagePlugin

        try:
            info = IptcImagePlugin.getiptcinfo(im)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - a broken IPTC block must not hide the other metadata
            found.hidden.append(HiddenItem("metadata", "unreadable IPTC block", location=Location(part="iptc")))
            return
        for key, (name, severity) in IPTC_FIELDS.items():
            raw = (info or {}).get(key)
            if raw is None:
                continue
            values = raw if isinstance(raw, list) else [raw]
            text = "; ".join(text_of(v) for v in values)
            found.add(f"IPTC:{name}", text, "iptc", severity, f"IPTC {name}")

    @staticmethod
    def _comments(im: object, data: bytes, found: _Found) -> None:
        comment = im.info.get("comment")  # type: ignore[attr-defined]
        if comment:
            found.add("Comment", text_of(comment), "comment", Severity.LOW, "comment stored in the image file")
        if data.startswith(_PNG_SIG):
            for key, text in png_text_chunks(data):
                if key == "XML:com.adobe.xmp":
                    continue  # read as XMP above
                severity = Severity.MEDIUM if key.lower() in ("author", "comment", "description", "disclaimer",
                                                              "warning", "source") else Severity.LOW
                found.add(f"PNG:{key}", text, "png", severity, f"PNG text chunk '{key}'")


def exif_of(im: Any, data: bytes) -> Any:
    """The image's EXIF. For a PNG, Pillow's getexif() decodes every pixel to look for an eXIf
    chunk after the image data (5 ms for a 1000x700 chart, most of a metadata audit's time);
    when the bytes hold no eXIf chunk nor raw EXIF text chunk anywhere, there is nothing to find."""
    if data.startswith(_PNG_SIG) and b"eXIf" not in data and b"Raw profile type exif" not in data:
        from PIL import Image

        return Image.Exif()
    return im.getexif()


# Exposure time, f-number, ISO, focal length: written by cameras, not by scanners or editors.
_CAMERA_TAGS = (0x829A, 0x829D, 0x8827, 0x920A)


def is_camera_photo(im: Any) -> bool:
    """True for a photo from a camera or phone: EXIF exposure settings, or a camera make/model
    with the conventional 72-96 dpi (a scanner that names itself writes its real resolution)."""
    try:
        exif = im.getexif()
    except Exception:  # noqa: BLE001 - a damaged EXIF block is no reason to fail the OCR stage
        return False
    if not exif:
        return False
    if any(tag in exif.get_ifd(_IFD_EXIF) for tag in _CAMERA_TAGS):
        return True
    if not any(str(exif.get(tag, "")).strip("\x00 ") for tag in (0x010F, 0x0110)):
        return False
    dpi = getattr(im, "info", {}).get("dpi")
    try:
        return not dpi or float(dpi[0]) <= 96
    except (TypeError, ValueError, IndexError):
        return True
