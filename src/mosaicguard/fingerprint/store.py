"""Where fingerprints live: a small store interface and its SQLite implementation.

The store holds, per registered document, an opaque id, a label, optional title, sizes, and its
set of keyed 64-bit k-gram MACs; and one index from MAC to documents. Nothing in it is text of a
registered document. A draft is answered by one index lookup per draft fingerprint, each reading
at most `boilerplate_docs` rows, so the time per draft does not grow with the registry beyond the
B-tree lookup.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import ConfigError

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class DocRecord:
    """One registered document, as the registry knows it (no text)."""

    id: str
    label: str | None = None
    title: str | None = None  # only with --store-titles
    media_type: str = ""
    bytes: int = 0
    units: int = 0
    fingerprints: int = 0
    registered_at: str = ""
    num: int = 0  # internal row number

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "title": self.title,
            "media_type": self.media_type,
            "bytes": self.bytes,
            "units": self.units,
            "fingerprints": self.fingerprints,
            "registered_at": self.registered_at,
        }


class FingerprintStore(ABC):
    """Storage behind the registry; SQLite here, another database could implement the same."""

    @abstractmethod
    def get_meta(self, key: str) -> str | None: ...

    @abstractmethod
    def set_meta(self, key: str, value: str) -> None: ...

    @abstractmethod
    def has_document(self, doc_id: str) -> bool: ...

    @abstractmethod
    def add_document(self, record: DocRecord, macs: Sequence[int]) -> None:
        """Add a document with its (distinct) fingerprints. Callers check `has_document` first."""

    @abstractmethod
    def remove_document(self, doc_id: str) -> bool:
        """Remove a document and its fingerprints; False if it was not registered."""

    @abstractmethod
    def postings(self, macs: Iterable[int], limit: int) -> dict[int, list[int]]:
        """For each MAC present: up to `limit` document numbers holding it (`limit` rows means the
        MAC is boilerplate)."""

    @abstractmethod
    def document_macs(self, num: int) -> set[int]: ...

    @abstractmethod
    def documents(self, nums: Iterable[int] | None = None) -> list[DocRecord]:
        """Records by number (all, ordered by registration, when `nums` is None)."""

    @abstractmethod
    def stats(self, boilerplate_docs: int) -> dict[str, Any]: ...

    @abstractmethod
    def has_public(self, doc_id: str) -> bool:
        """Whether a public document with this (keyed) id was already added."""

    @abstractmethod
    def add_public(self, doc_id: str, macs: Iterable[int], units: int) -> int:
        """Mark every k-gram MAC of a public document as public text; returns how many were new."""

    @abstractmethod
    def public_subset(self, macs: Iterable[int]) -> set[int]:
        """The MACs among `macs` that occur in public documents (boilerplate by definition)."""

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group many writes into one transaction."""
        yield

    @abstractmethod
    def close(self) -> None:
        """Release resources."""


def _pack(macs: Sequence[int]) -> bytes:
    return struct.pack(f"<{len(macs)}q", *macs)


def _unpack(blob: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(blob) // 8}q", blob))


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    num INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, label TEXT, title TEXT, media_type TEXT,
    bytes INTEGER, units INTEGER, fingerprints INTEGER, registered_at TEXT);
CREATE TABLE IF NOT EXISTS doc_macs (num INTEGER PRIMARY KEY, macs BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS fp (hash INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (hash, doc)) WITHOUT ROWID;
"""
# Text already public (`register --public`): keyed MACs of every k-gram, and the public files'
# keyed ids. Added to older registries when they are next opened for writing.
_PUBLIC_SCHEMA = """
CREATE TABLE IF NOT EXISTS public_fp (hash INTEGER PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS public_docs (id TEXT PRIMARY KEY, units INTEGER, fingerprints INTEGER,
    added_at TEXT) WITHOUT ROWID;
"""
_CHUNK = 500  # host parameters per IN (...) query

_DOC_COLUMNS = "id, label, title, media_type, bytes, units, fingerprints, registered_at, num"


class SqliteStore(FingerprintStore):
    """The default store: one SQLite file in WAL mode; `fp` is a clustered (hash, doc) index.

    Connections are opened lazily and never pickled, so a detector holding a store can be sent
    to worker processes; each process opens its own connection."""

    def __init__(self, path: str | os.PathLike[str], create: bool = False, readonly: bool = False) -> None:
        self.path = str(path)
        self.create = create
        self.readonly = readonly
        self._conn: sqlite3.Connection | None = None
        self._in_batch = False
        if not create and not Path(self.path).is_file():
            raise ConfigError(f"no registry at {self.path!r} (create one with `mosaicguard register`)")

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_conn"] = None
        state["_in_batch"] = False
        return state

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._open()
        return self._conn

    def _open(self) -> sqlite3.Connection:
        try:
            if self.create:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            else:
                uri = Path(self.path).resolve().as_uri()
                if not self.readonly and not os.access(self.path, os.W_OK):
                    self.readonly = True  # a registry shipped read-only can still be scanned against
                mode = "ro" if self.readonly else "rw"
                conn = sqlite3.connect(f"{uri}?mode={mode}", uri=True, isolation_level=None,
                                       check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 10000")
            if not self.readonly:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB page cache
            if self.create:
                conn.executescript(_SCHEMA)
                if conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() is None:
                    conn.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                    conn.execute("INSERT INTO meta VALUES ('created', ?)", (_now(),))
            else:
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                if row is None or int(row[0]) != SCHEMA_VERSION:
                    raise ConfigError(f"{self.path!r} is not a mosaicguard registry of schema {SCHEMA_VERSION}")
            if not self.readonly:
                conn.executescript(_PUBLIC_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"cannot open registry {self.path!r}: {exc}") from None
        return conn

    @contextmanager
    def batch(self) -> Iterator[None]:
        if self._in_batch:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._in_batch = True
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._in_batch = False

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM docs WHERE id = ?", (doc_id,)).fetchone() is not None

    def add_document(self, record: DocRecord, macs: Sequence[int]) -> None:
        with self.batch():
            cur = self.conn.execute(
                "INSERT INTO docs (id, label, title, media_type, bytes, units, fingerprints, registered_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record.id, record.label, record.title, record.media_type, record.bytes, record.units,
                 len(macs), record.registered_at or _now()),
            )
            num = cur.lastrowid
            self.conn.execute("INSERT INTO doc_macs VALUES (?, ?)", (num, _pack(macs)))
            self.conn.executemany("INSERT OR IGNORE INTO fp VALUES (?, ?)", ((h, num) for h in macs))

    def remove_document(self, doc_id: str) -> bool:
        with self.batch():
            row = self.conn.execute("SELECT num FROM docs WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                return False
            num = int(row[0])
            self.conn.executemany("DELETE FROM fp WHERE hash = ? AND doc = ?",
                                  ((h, num) for h in self.document_macs(num)))
            self.conn.execute("DELETE FROM doc_macs WHERE num = ?", (num,))
            self.conn.execute("DELETE FROM docs WHERE num = ?", (num,))
            return True

    def postings(self, macs: Iterable[int], limit: int) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        execute = self.conn.execute
        for h in macs:
            docs = [int(r[0]) for r in execute("SELECT doc FROM fp WHERE hash = ? LIMIT ?", (h, limit))]
            if docs:
                out[h] = docs
        return out

    def document_macs(self, num: int) -> set[int]:
        row = self.conn.execute("SELECT macs FROM doc_macs WHERE num = ?", (num,)).fetchone()
        return set(_unpack(row[0])) if row else set()

    def documents(self, nums: Iterable[int] | None = None) -> list[DocRecord]:
        if nums is None:
            rows = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM docs ORDER BY num").fetchall()
        else:
            rows = []
            for num in sorted(set(nums)):
                rows.extend(self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM docs WHERE num = ?", (num,)))
        return [DocRecord(*row) for row in rows]

    def stats(self, boilerplate_docs: int) -> dict[str, Any]:
        c = self.conn
        docs = int(c.execute("SELECT count(*) FROM docs").fetchone()[0])
        rows = int(c.execute("SELECT count(*) FROM fp").fetchone()[0])
        distinct, boilerplate = c.execute(
            "SELECT count(*), coalesce(sum(n >= ?), 0) FROM (SELECT count(*) AS n FROM fp GROUP BY hash)",
            (boilerplate_docs,),
        ).fetchone()
        labels = {str(label): int(n) for label, n in
                  c.execute("SELECT coalesce(label, ''), count(*) FROM docs GROUP BY 1 ORDER BY 1")}
        registered_bytes = int(c.execute("SELECT coalesce(sum(bytes), 0) FROM docs").fetchone()[0])
        size = sum(os.path.getsize(p) for p in (self.path, self.path + "-wal") if os.path.exists(p))
        public_docs = public_fp = 0
        if self._has_public_tables():
            public_docs = int(c.execute("SELECT count(*) FROM public_docs").fetchone()[0])
            public_fp = int(c.execute("SELECT count(*) FROM public_fp").fetchone()[0])
        return {
            "documents": docs,
            "fingerprints": rows,
            "distinct_fingerprints": int(distinct),
            "boilerplate_fingerprints": int(boilerplate),
            "boilerplate_docs": boilerplate_docs,
            "registered_bytes": registered_bytes,
            "size_bytes": size,
            "labels": labels,
            "public_documents": public_docs,
            "public_fingerprints": public_fp,
        }

    def _has_public_tables(self) -> bool:
        # A registry opened read-only that predates `--public` has no public tables: nothing public.
        row = self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'public_fp'").fetchone()
        return row is not None

    def has_public(self, doc_id: str) -> bool:
        if not self._has_public_tables():
            return False
        return self.conn.execute("SELECT 1 FROM public_docs WHERE id = ?", (doc_id,)).fetchone() is not None

    def add_public(self, doc_id: str, macs: Iterable[int], units: int) -> int:
        distinct = sorted(set(macs))
        with self.batch():
            before = self.conn.total_changes
            self.conn.executemany("INSERT OR IGNORE INTO public_fp VALUES (?)", ((h,) for h in distinct))
            added = self.conn.total_changes - before
            self.conn.execute("INSERT OR REPLACE INTO public_docs VALUES (?, ?, ?, ?)",
                              (doc_id, units, len(distinct), _now()))
        return added

    def public_subset(self, macs: Iterable[int]) -> set[int]:
        wanted = list(set(macs))
        if not wanted or not self._has_public_tables():
            return set()
        out: set[int] = set()
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT hash FROM public_fp WHERE hash IN ({marks})", chunk)
            out.update(int(r[0]) for r in rows)
        return out

    def close(self) -> None:
        if self._conn is not None:
            if not self.readonly:
                # Another process may hold the WAL; it is then checkpointed later.
                with suppress(sqlite3.DatabaseError):
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()
            self._conn = None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
