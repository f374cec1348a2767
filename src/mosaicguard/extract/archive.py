"""Zip archives: every member becomes a document of its own (`bundle.zip!inner/notice.docx`),
read through the same registry, with limits against zip bombs (total size, ratio, depth, count).
"""

from __future__ import annotations

import io
import zipfile
import zlib

from ..errors import ExtractionError, LimitExceeded
from ..model import Document, sha256_bytes
from .base import ExtractContext, Extractor, Limits

_READ_CHUNK = 1024 * 1024


def read_member_bounded(zf: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int, max_ratio: float) -> bytes:
    """Read one member, stopping as soon as it outgrows its limits (the header's declared size
    can lie, so the real stream is counted)."""
    if info.flag_bits & 0x1:
        raise ExtractionError("member is encrypted")
    limit = min(max_bytes, int(max(info.compress_size, 1) * max_ratio) + 1024 * 1024)
    if info.file_size > limit:
        raise LimitExceeded(
            f"declares {info.file_size} bytes from {info.compress_size} compressed (zip bomb guard)"
        )
    out = io.BytesIO()
    with zf.open(info) as stream:
        while True:
            chunk = stream.read(_READ_CHUNK)
            if not chunk:
                break
            out.write(chunk)
            if out.tell() > limit:
                raise LimitExceeded("expands beyond its limit while reading (zip bomb guard)")
    return out.getvalue()


class BoundedZip:
    """A zip container of parts (OOXML, OpenDocument, OFD) whose every read is bounded by size,
    expansion ratio and the running total of the whole container. `kind` names the format in
    errors ("OFD"), `noun` the container ("file", "package")."""

    def __init__(self, data: bytes, limits: Limits, kind: str, noun: str = "file") -> None:
        self.data = data
        self.limits = limits
        self.noun = noun
        if not data.startswith(b"PK"):
            raise ExtractionError(f"not a {kind} file (no zip container)")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
            raise ExtractionError(f"damaged or truncated {kind} file (zip container unreadable: {exc})") from exc
        infos = [i for i in self._zip.infolist() if not i.is_dir()]
        if len(infos) > limits.max_archive_members:
            raise LimitExceeded(f"{len(infos)} parts, over the limit of {limits.max_archive_members}")
        self._infos = {i.filename.lstrip("/"): i for i in infos}
        self._read_total = 0

    @property
    def names(self) -> list[str]:
        """Every part name, in zip order (no leading slash)."""
        return list(self._infos)

    def has(self, name: str) -> bool:
        return name.lstrip("/") in self._infos

    def read(self, name: str, max_bytes: int | None = None) -> bytes:
        """The bytes of one part, bounded by size, expansion ratio and the container total."""
        info = self._infos.get(name.lstrip("/"))
        if info is None:
            raise ExtractionError(f"part {name} is missing from the {self.noun}")
        remaining = self.limits.max_archive_total_bytes - self._read_total
        cap = min(max_bytes or self.limits.max_file_bytes, remaining)
        if cap <= 0:
            raise LimitExceeded(f"{self.noun} expands beyond the total size limit")
        try:
            content = read_member_bounded(self._zip, info, cap, self.limits.max_archive_ratio)
        except LimitExceeded as exc:
            raise LimitExceeded(f"part {name} {exc}") from exc
        except ExtractionError as exc:
            raise ExtractionError(f"part {name}: {exc}") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as exc:
            raise ExtractionError(f"part {name} is damaged or truncated ({exc})") from exc
        self._read_total += len(content)
        return content


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it. Zips made on Chinese Windows store names in
    GBK without the UTF-8 flag; Python then decodes them as CP437 (mojibake)."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    if raw.isascii():
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


class ZipExtractor(Extractor):
    media_type = "application/zip"
    suffixes = (".zip",)

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        from .dispatch import extract_bytes  # the dispatcher reads members with this registry

        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise ExtractionError(f"not a readable zip archive: {exc}") from exc
        infos = [i for i in zf.infolist() if not i.is_dir()]
        limits = ctx.limits
        if len(infos) > limits.max_archive_members:
            raise LimitExceeded(f"{len(infos)} members, over the limit of {limits.max_archive_members}")
        # Members of nested archives count against one budget for the whole tree.
        seen = ctx.shared.get("archive_members", 0) + len(infos)
        if seen > limits.max_archive_members:
            raise LimitExceeded(
                f"nested archives hold more than {limits.max_archive_members} members in all (zip bomb guard)"
            )
        ctx.shared["archive_members"] = seen
        child_ctx = ctx.child()
        members: list[Document] = []
        for position, info in enumerate(infos):
            member_path = f"{path}!{member_name(info)}"
            try:
                ctx.check_time()
            except LimitExceeded as exc:
                # Out of time: one entry says what was not read (not one per remaining member).
                left = len(infos) - position
                members.append(Document(path=member_path, media_type="", sha256="", status="error",
                                        error=f"safety limit: {exc}; this and {left - 1} later member(s) not read"))
                break
            try:
                remaining = limits.max_archive_total_bytes - ctx.shared.get("archive_bytes", 0)
                if remaining <= 0:
                    raise LimitExceeded("archive expands beyond the total size limit; member not read")
                content = read_member_bounded(zf, info, remaining, limits.max_archive_ratio)
                ctx.shared["archive_bytes"] = ctx.shared.get("archive_bytes", 0) + len(content)
            except (ExtractionError, zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
                prefix = "safety limit: " if isinstance(exc, LimitExceeded) else ""
                members.append(Document(path=member_path, media_type="", sha256="",
                                        status="error", error=f"{prefix}{exc}"))
                continue
            except Exception as exc:  # noqa: BLE001 - zlib errors on hostile input
                members.append(Document(path=member_path, media_type="", sha256="",
                                        status="error", error=f"could not read member: {exc}"))
                continue
            members.append(extract_bytes(content, member_path, child_ctx))
        return Document(path=path, media_type=self.media_type, sha256=sha256_bytes(data),
                        members=tuple(members))
