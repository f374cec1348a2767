"""An on-disk cache of compiled Hyperscan databases, so the CLI does not recompile the same rules
on every start (0.3-1 s for the content rules, more for a large lexicon).

Where: `$MOSAICGUARD_CACHE_DIR`, else `$XDG_CACHE_HOME/mosaicguard`, else `~/.cache/mosaicguard`;
files live in its `hyperscan/` folder (mode 0700, files 0600). `MOSAICGUARD_CACHE_DIR=off` turns
it off.

No plaintext at rest: a database holds its expressions (the policy's protected terms among them),
so every file is sealed (`mosaicguard.sealed`): named by a keyed hash and encrypted with AES-GCM
under a key derived from everything that shapes the database (library version, platform, mode,
every expression, id and flag). Only a process that already holds the same rules can find and open
the file; the key is never stored. A file that is truncated, corrupt, foreign, from another
platform or of the older plaintext format fails the GCM tag or `loadb` and is recompiled and
rewritten; files of the older plaintext format are deleted at the next write.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..sealed import EntryKey, digest, entry_key, seal, unseal

ENV_VAR = "MOSAICGUARD_CACHE_DIR"
_OFF = {"off", "0", "no", "none", "false", "disabled"}
_MAGIC = b"mosaicguard-hyperscan-db 2\n"
_LEGACY_MAGIC = b"mosaicguard-hyperscan-db 1\n"  # plaintext databases: deleted when seen
_FORMAT = "2"
_PURPOSE = "hyperscan/2"
#: Databases kept in the folder; the least recently written go first.
MAX_FILES = 64

#: Outcome counters for this process ("hit", "miss", "corrupt", "off", "write_error"): tests and
#: `--verbose` diagnostics read them; nothing else depends on them.
STATS: dict[str, int] = {}


def cache_dir() -> Path | None:
    """The folder for cached databases, or None when caching is off."""
    configured = os.environ.get(ENV_VAR)
    if configured is not None:
        if configured.strip().lower() in _OFF:
            return None
        base = Path(configured).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = Path(xdg) / "mosaicguard" if xdg else Path.home() / ".cache" / "mosaicguard"
    return base / "hyperscan"


def cache_key(hyperscan: Any, mode: int, expressions: Sequence[bytes], ids: Sequence[int], flags: Sequence[int]) -> str:
    """The file name (without suffix) of the database for these rules: a keyed hash."""
    return _entry(hyperscan, mode, expressions, ids, flags).name


def _entry(hyperscan: Any, mode: int, expressions: Sequence[bytes], ids: Sequence[int],
           flags: Sequence[int]) -> EntryKey:
    """Name and key of the cache entry, both from a digest of everything that determines the
    compiled database."""
    parts = [p.encode("utf-8") for p in (_FORMAT, getattr(hyperscan, "__version__", "?"), sys.platform,
                                         _machine(), str(mode), str(len(expressions)))]
    for expression, ident, flag in zip(expressions, ids, flags, strict=True):
        parts.append(f"{ident}:{flag}".encode("ascii"))
        parts.append(expression)
    return entry_key(digest(*parts), _PURPOSE)


def _machine() -> str:
    if hasattr(os, "uname"):
        return os.uname().machine
    import platform  # 4 ms of start-up: only where os.uname is missing

    return platform.machine()


def compile_cached(
    hyperscan: Any, expressions: list[bytes], ids: list[int], flags: list[int], mode: int | None = None
) -> Any:
    """A compiled block-mode database for these expressions, from the cache when a verified copy
    exists there, else compiled and stored. Compile errors propagate (`hyperscan.error`);
    cache problems never do."""
    mode = hyperscan.HS_MODE_BLOCK if mode is None else mode
    folder = cache_dir()
    if folder is None:
        _count("off")
        return _compile(hyperscan, expressions, ids, flags, mode)
    if not folder_is_trusted(folder):
        _count("untrusted")
        return _compile(hyperscan, expressions, ids, flags, mode)
    entry = _entry(hyperscan, mode, expressions, ids, flags)
    path = folder / f"{entry.name}.hsdb"
    db = _load(hyperscan, entry, path, mode)
    if db is not None:
        _count("hit")
        return db
    _count("miss")
    db = _compile(hyperscan, expressions, ids, flags, mode)
    _store(hyperscan, db, entry, folder, path)
    return db


def _compile(hyperscan: Any, expressions: list[bytes], ids: list[int], flags: list[int], mode: int) -> Any:
    db = hyperscan.Database(mode=mode)
    db.compile(expressions=expressions, ids=ids, elements=len(ids), flags=flags)
    return db


def folder_is_trusted(folder: Path) -> bool:
    """A folder someone else owns, or others may write to, could hold a planted file with a
    matching digest: use it neither for reading nor for writing. A missing folder is created
    private. (A loose folder of our own is tightened on the next write, see `_store`.)"""
    try:
        st = folder.stat()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    if not hasattr(os, "getuid"):
        return True
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def _load(hyperscan: Any, entry: EntryKey, path: Path, mode: int) -> Any:
    try:
        blob = path.read_bytes()
    except OSError:
        return None  # not cached yet (or unreadable: recompile, the write will say more)
    payload = unseal(entry, blob, _MAGIC)
    if payload is None:
        _count("corrupt")
        return None
    try:
        return hyperscan.loadb(payload, mode)
    except Exception:  # noqa: BLE001 - another platform or library version: recompile
        _count("corrupt")
        return None


def _store(hyperscan: Any, db: Any, entry: EntryKey, folder: Path, path: Path) -> None:
    """Write sealed and atomically (temporary file + rename) with mode 0600 in a 0700 folder."""
    try:
        payload = bytes(hyperscan.dumpb(db))
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
        if hasattr(os, "getuid") and st.st_uid == os.getuid() and st.st_mode & 0o077:
            folder.chmod(0o700)  # our own folder, created looser by someone's umask or by hand
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".hsdb")  # mkstemp: 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(seal(entry, payload, _MAGIC))
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(folder, keep=path)
    except Exception:  # noqa: BLE001 - a read-only home or full disk must not fail the scan
        _count("write_error")


def _prune(folder: Path, keep: Path) -> None:
    """Keep the newest `MAX_FILES` databases (every policy edit makes a new one); an older
    version's plaintext database goes at once."""
    prune_folder(folder, keep, ".hsdb", MAX_FILES, discard=_is_legacy)


def prune_folder(folder: Path, keep: Path, suffix: str, max_files: int,
                 discard: Callable[[Path], bool] | None = None) -> None:
    """Keep `keep` and the newest `max_files - 1` other entries ending in `suffix` in a cache
    folder; delete at once the entries `discard` names and temporary files a killed process left
    behind (older than an hour). Shared by the sealed caches (Hyperscan databases, parsed policies)."""
    entries: list[tuple[float, Path]] = []
    now = time.time()
    for p in folder.iterdir():
        try:
            mtime = p.stat().st_mtime
            if p.name.startswith(".tmp-") and now - mtime > 3600:
                p.unlink()
            elif p.suffix == suffix and p != keep:
                if discard is not None and discard(p):
                    p.unlink()  # e.g. an older version's plaintext database: the terms must not stay
                    continue
                entries.append((mtime, p))
        except OSError:
            continue  # another process pruned it first
    entries.sort(reverse=True)
    for _, p in entries[max_files - 1 :]:
        with contextlib.suppress(OSError):
            p.unlink()


def _is_legacy(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(_LEGACY_MAGIC)) == _LEGACY_MAGIC


def _count(what: str) -> None:
    STATS[what] = STATS.get(what, 0) + 1


__all__ = ["ENV_VAR", "STATS", "cache_dir", "cache_key", "compile_cached", "folder_is_trusted", "prune_folder"]
