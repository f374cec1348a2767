"""Read any bytes into a Document, turning every failure into a Document with a status, so that
a batch never loses a file and never stops because of one."""

from __future__ import annotations

import zipfile
from xml.parsers.expat import ExpatError

from ..errors import ExtractionError, LimitExceeded
from ..model import Document, sha256_bytes
from .base import ExtractContext
from .registry import SNIFF_BYTES, extractor_for, unsupported_advice


def extract_bytes(data: bytes, path: str, ctx: ExtractContext) -> Document:
    """Extract `data` named `path`; never raises for bad input."""
    digest = sha256_bytes(data)
    if len(data) > ctx.limits.max_file_bytes:
        return _failed(path, digest, f"file is {len(data)} bytes, over the {ctx.limits.max_file_bytes}-byte limit")
    try:
        extractor = extractor_for(path, data[:SNIFF_BYTES])
    except Exception as exc:  # noqa: BLE001 - a reader that fails to load must not end the batch
        kind = type(exc).__name__
        return _failed(path, digest, f"the reader for this kind of file could not be loaded ({kind}: {exc})")
    if extractor is None:
        return Document(path=path, media_type="", sha256=digest, status="unsupported",
                        error=unsupported_advice(path)
                        or "this kind of file is not read by mosaicguard; review it by hand")
    try:
        ctx.check_time()
        return extractor.extract(data, path, ctx)
    except LimitExceeded as exc:
        return _failed(path, digest, f"safety limit: {exc}", extractor.media_type)
    except ExtractionError as exc:
        return _failed(path, digest, str(exc), extractor.media_type)
    except RecursionError:
        return _failed(path, digest, "structure nested too deeply to read safely", extractor.media_type)
    except MemoryError:
        return _failed(path, digest, "file needs too much memory to read safely", extractor.media_type)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        return _failed(path, digest, f"damaged or unreadable container: {exc}", extractor.media_type)
    except ExpatError as exc:
        return _failed(path, digest, f"malformed XML inside the file: {exc}", extractor.media_type)
    except Exception as exc:  # noqa: BLE001 - a parser bug on hostile input must not end the batch
        kind = type(exc).__name__
        return _failed(path, digest, f"could not read file ({kind}: {exc})", extractor.media_type)


def _failed(path: str, digest: str, message: str, media_type: str = "") -> Document:
    return Document(path=path, media_type=media_type, sha256=digest, status="error", error=message)
