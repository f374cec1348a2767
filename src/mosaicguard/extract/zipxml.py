"""A bounded reader for zip-of-XML formats that are not OOXML (OFD, OpenDocument): member
reading with the archive limits, safe XML parsing (no DTDs, no entities, no network) and helpers
to find elements by local name whatever namespace prefix a producer chose."""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterator

from ..errors import ExtractionError, LimitExceeded
from .archive import read_member_bounded
from .base import Limits
from .ooxml import Element, local_name, parse_xml


class ZipParts:
    """An opened zip container; every read is bounded by size, ratio and the running total."""

    def __init__(self, data: bytes, limits: Limits, kind: str) -> None:
        self.limits = limits
        if not data.startswith(b"PK"):
            raise ExtractionError(f"not a {kind} file (no zip container)")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
            raise ExtractionError(f"damaged or truncated {kind} file ({exc})") from exc
        infos = [i for i in self._zip.infolist() if not i.is_dir()]
        if len(infos) > limits.max_archive_members:
            raise LimitExceeded(f"{len(infos)} parts, over the limit of {limits.max_archive_members}")
        self._infos = {i.filename.lstrip("/"): i for i in infos}
        self._total = 0

    @property
    def names(self) -> list[str]:
        return list(self._infos)

    def has(self, name: str) -> bool:
        return name.lstrip("/") in self._infos

    def read(self, name: str, max_bytes: int | None = None) -> bytes:
        info = self._infos.get(name.lstrip("/"))
        if info is None:
            raise ExtractionError(f"part {name} is missing from the file")
        cap = min(max_bytes or self.limits.max_file_bytes, self.limits.max_archive_total_bytes - self._total)
        if cap <= 0:
            raise LimitExceeded("file expands beyond the total size limit")
        try:
            content = read_member_bounded(self._zip, info, cap, self.limits.max_archive_ratio)
        except LimitExceeded as exc:
            raise LimitExceeded(f"part {name} {exc}") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as exc:
            raise ExtractionError(f"part {name} is damaged or truncated ({exc})") from exc
        self._total += len(content)
        return content

    def xml(self, name: str) -> Element:
        return parse_xml(self.read(name, self.limits.max_xml_part_bytes), name)


def resolve(base_part: str, target: str) -> str:
    """A location written inside `base_part` as a part name: absolute ("/Doc_0/x.xml") from the
    container root, otherwise relative to the folder of `base_part`."""
    target = target.strip().replace("\\", "/")
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target)).lstrip("/")


def children(elem: Element, name: str) -> Iterator[Element]:
    """Direct children with local name `name`, any namespace."""
    for child in elem:
        if local_name(child.tag) == name:
            yield child


def child(elem: Element, name: str) -> Element | None:
    return next(children(elem, name), None)


def descendants(elem: Element, name: str) -> Iterator[Element]:
    """All descendants with local name `name`, any namespace, in document order."""
    for node in elem.iter():
        if local_name(node.tag) == name:
            yield node


def text_of(elem: Element | None) -> str:
    return "".join(elem.itertext()).strip() if elem is not None else ""
