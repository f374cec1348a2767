"""A sealed on-disk cache of parsed policy files, so a `check` does not parse the same YAML again in
every process.

A policy listing 1,400 protected subjects is 130 KB of YAML: PyYAML (libyaml's parser, but the
constructor in Python) takes ~0.09 s of CPU to read it, a tenth of a one-draft `check`. The parsed
data (plain dicts, lists, strings, numbers) is kept as `marshal` data and read back in ~1 ms; it is
then validated into a `Policy` exactly as freshly parsed YAML is.

The parsed policy holds the protected terms, so every entry is sealed (`mosaicguard.sealed`): its
file name and its AES-GCM key are derived from a digest of the policy file's bytes (and of this
format and PyYAML's version), and the key is never written. Only a process that already holds the
very same policy file can find and open its entry; a changed byte of the policy gives another
entry (nothing stale is ever read), and a damaged, truncated or foreign file fails the GCM tag and
is parsed again and rewritten. Files live in `policy/` beside the Hyperscan cache
(`MOSAICGUARD_CACHE_DIR`, `off` turns caching off), 0600 in a 0700 folder; the newest
`MAX_FILES` are kept.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..detect.hs_cache import cache_dir, folder_is_trusted, prune_folder
from ..sealed import digest, entry_key, seal, unseal

_MAGIC = b"mosaicguard-policy 1\n"
_PURPOSE = "policy/1"
_SUFFIX = ".policy"
#: Parsed policies kept; the least recently written go first.
MAX_FILES = 16

#: Outcome counters for this process ("hit", "miss", "corrupt", "off", "untrusted", "uncacheable",
#: "write_error"): tests read them; nothing else depends on them.
STATS: dict[str, int] = {}


def policy_folder() -> Path | None:
    """The folder of cached policies, or None when caching is off."""
    folder = cache_dir()
    return None if folder is None else folder.parent / "policy"


def parsed(source: bytes, parse: Callable[[], Any], version: str) -> Any:
    """The data `parse()` makes of the policy file whose bytes are `source`: from the cache when a
    sealed entry for these very bytes exists, else parsed (errors propagate) and stored.
    `version` names the parser (its library version): another parser gives another entry."""
    folder = policy_folder()
    if folder is None:
        _count("off")
        return parse()
    if not folder_is_trusted(folder):
        _count("untrusted")
        return parse()
    entry = entry_key(digest(_MAGIC, version.encode("utf-8"), source), _PURPOSE)
    path = folder / f"{entry.name}{_SUFFIX}"
    with contextlib.suppress(OSError):
        payload = unseal(entry, path.read_bytes(), _MAGIC)
        if payload is None:
            _count("corrupt")
        else:
            try:
                data = marshal.loads(payload)
            except (ValueError, EOFError, TypeError):
                _count("corrupt")
            else:
                _count("hit")
                return data
    _count("miss")
    data = parse()
    try:
        payload = marshal.dumps(data)
    except ValueError:  # a value marshal cannot hold (a YAML timestamp): parsed every time
        _count("uncacheable")
        return data
    _store(folder, path, seal(entry, payload, _MAGIC))
    return data


def _store(folder: Path, path: Path, blob: bytes) -> None:
    """Write atomically (temporary file + rename), 0600 in a 0700 folder; never fails the load."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
        if hasattr(os, "getuid") and st.st_uid == os.getuid() and st.st_mode & 0o077:
            folder.chmod(0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=_SUFFIX)  # mkstemp: 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(folder, keep=path)
    except OSError:
        _count("write_error")


def _prune(folder: Path, keep: Path) -> None:
    """Keep the newest `MAX_FILES` entries (every policy edit makes a new one)."""
    prune_folder(folder, keep, _SUFFIX, MAX_FILES)


def _count(what: str) -> None:
    STATS[what] = STATS.get(what, 0) + 1


__all__ = ["MAX_FILES", "STATS", "parsed", "policy_folder"]
