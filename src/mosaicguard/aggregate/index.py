"""The corpus index: facts per document, link keys, coordinates and the computed entities.

`FactStore` is the interface the aggregation engine uses; `SQLiteFactStore` keeps it in one
SQLite file (or in memory when no `--index` is given). A document is keyed by its path, with
size + mtime to skip unchanged files without reading them, and sha256 to notice a changed file.
A PostgreSQL store implements the same interface later.
"""

from __future__ import annotations

import json
import math
import sqlite3
from abc import ABC, abstractmethod
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .facts import Fact
from .model import KINDS, NodeRecord, records_from_rows
from .normalize import distance_m, grid_cell, lon_span

SEP = "\x1f"
#: SQLite's page cache while documents are written (`bulk_writes`), KiB; SQLite's default is 2 MiB.
BULK_CACHE_KIB = 64 * 1024
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class DocRecord:
    path: str
    sha256: str
    mtime_ns: int
    size: int
    status: str = "ok"
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Posting:
    """A node (document scope) that holds a link key, and the entity it belongs to."""

    doc: str
    scope: int
    value: str
    entity: str | None


@dataclass(frozen=True, slots=True)
class StoredLink:
    """An accepted link of an entity: `by`/`value`/`df` name its strongest comparison, `weight`
    is the pair's match weight, `evidence` the JSON list of its comparisons with their weights."""

    entity: str
    from_doc: str
    to_doc: str
    by: str
    value: str
    weight: float
    df: int
    probability: float = 0.0
    evidence: str = "[]"

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.from_doc, "to": self.to_doc, "by": self.by, "value": self.value,
                "match_weight": round(self.weight, 3), "match_probability": round(self.probability, 4),
                "evidence": json.loads(self.evidence or "[]")}


class FactStore(ABC):
    """Where corpus facts and entities live between runs."""

    # -- documents --
    @abstractmethod
    def documents(self) -> dict[str, DocRecord]: ...
    @abstractmethod
    def put_document(self, record: DocRecord, facts: Sequence[Fact], radius_m: float, replace: bool = True) -> None:
        """Store a document's facts; `replace=False` when the caller knows the path is new."""
    @abstractmethod
    def touch_document(self, path: str, mtime_ns: int, size: int) -> None:
        """Record a new mtime for a file whose content (sha256) did not change."""
    @abstractmethod
    def remove_documents(self, paths: Iterable[str]) -> None: ...
    @abstractmethod
    def doc_count(self) -> int: ...
    @abstractmethod
    def linked_doc_count(self) -> int: ...
    @abstractmethod
    def commit(self) -> None: ...
    def bulk_writes(self, on: bool) -> None:  # noqa: B027 - an optional hint, not every store needs it
        """A hint around a run of `put_document`s (the read stage): a store may spend memory on
        them while `on` and gives it back when called with False. Default: nothing."""

    # -- settings and bookkeeping --
    @abstractmethod
    def get_meta(self, key: str) -> str | None: ...
    @abstractmethod
    def set_meta(self, key: str, value: str) -> None: ...
    @abstractmethod
    def clear(self) -> None: ...

    # -- linking inputs --
    @abstractmethod
    def shared_keys(self) -> Iterator[tuple[str, list[tuple[str, int, str]]]]:
        """Every key held by two or more nodes: (key, [(doc, scope, value)])."""
    @abstractmethod
    def all_coords(self) -> list[tuple[str, int, float, float, str]]: ...
    @abstractmethod
    def anchor_keys(self) -> Iterator[tuple[str, str, int]]: ...
    @abstractmethod
    def key_doc_freqs(self) -> list[tuple[str, int]]:
        """(key, documents holding it) for every key held by two or more documents."""
    @abstractmethod
    def node_key_rows(self) -> Iterator[tuple[str, int, str, str]]:
        """(doc, scope, key, value) of every stored key."""
    @abstractmethod
    def node_records(self, nodes: Sequence[tuple[str, int]]) -> list[NodeRecord]:
        """The model's records of the given nodes (keys with their stored df, first coordinate)."""

    # -- streamed linking (bounded memory: nodes as integers, records built a few at a time) --
    @abstractmethod
    def node_ids(self) -> tuple[array[int], array[int]]:
        """(doc ids, scopes) of every node holding a known key or a coordinate, in node order
        (path, then scope: the order of `records_from_rows`)."""
    @abstractmethod
    def node_coords(self) -> dict[tuple[int, int], tuple[float, float]]:
        """The first coordinate of every (doc id, scope) node that has one."""
    @abstractmethod
    def records_by_id(self, nodes: Iterable[tuple[int, int]], df: Mapping[str, int]
                      ) -> dict[tuple[int, int], NodeRecord]:
        """The records of the given (doc id, scope) nodes, with `df` as document frequencies."""
    @abstractmethod
    def stream_records(self, df: Mapping[str, int], batch_docs: int = 2000
                       ) -> Iterator[tuple[tuple[int, int], NodeRecord]]:
        """Every node's record, a batch of documents at a time (never the corpus in memory)."""

    # -- entities --
    @abstractmethod
    def save_entities(self, node_entity: Iterable[tuple[str, int, str]], links: Iterable[StoredLink],
                      key_dfs: Iterable[tuple[str, int]] = (), entities: Iterable[dict[str, Any]] = ()) -> None:
        """Replace the entities; `key_dfs` are the document frequencies of shared keys (kept
        so that a draft check never counts a switchboard's hundred thousand postings). Nodes not
        listed are entities of their own, `doc:<path>#<scope>` (most documents of a big corpus
        link to nothing: they are never held in memory)."""
    @abstractmethod
    def entity_summaries(self) -> list[dict[str, Any]]:
        """The summaries of multi-document entities saved by the last linking."""
    @abstractmethod
    def candidate_entities(self) -> list[str]:
        """Entities holding a purpose or a protected subject (the only ones rules can fire on)."""
    @abstractmethod
    def entity_facts(self, entities: Sequence[str]) -> dict[str, list[Fact]]: ...
    @abstractmethod
    def entity_links(self, entities: Sequence[str]) -> dict[str, list[StoredLink]]: ...

    # -- incremental relink (the link state and the change log since the last linking) --
    @abstractmethod
    def link_changes(self) -> LinkChanges:
        """Keys, added documents and removed coordinates logged since the last `save_link_pairs`."""
    @abstractmethod
    def save_link_pairs(self, pairs: Iterable[tuple[tuple[str, int], tuple[str, int]]]) -> None:
        """Replace the stored candidate pairs (nodes as (path, scope)) and empty the change log."""
    @abstractmethod
    def stored_pairs(self) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """The stored candidate pairs whose nodes are all still indexed, as (doc id, scope)."""
    @abstractmethod
    def stored_key_dfs(self) -> dict[str, int]:
        """The document frequencies saved by the last linking (keys held by two or more)."""
    @abstractmethod
    def key_holders(self, keys: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
        """The (doc id, scope) nodes holding each key."""
    @abstractmethod
    def doc_keys(self, doc_ids: Iterable[int]) -> list[tuple[int, int, str]]:
        """(doc id, scope, key) of every key of the given documents."""

    # -- draft check look-ups --
    @abstractmethod
    def key_df(self, keys: Sequence[str]) -> dict[str, int]: ...
    @abstractmethod
    def postings(self, key: str) -> list[Posting]: ...
    @abstractmethod
    def coords_near(self, lat: float, lon: float, radius_m: float, cell_m: float | None = None
                    ) -> list[tuple[Posting, float]]:
        """Stored points within `radius_m`; `cell_m` is the grid the points were stored with
        (`put_document`'s radius) when it differs from the search radius."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS docs(doc_id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, sha256 TEXT,
    mtime_ns INTEGER, size INTEGER, status TEXT, error TEXT);
CREATE TABLE IF NOT EXISTS facts(doc_id INTEGER, scope INTEGER, kind TEXT, value TEXT, attr TEXT,
    keys TEXT, extra TEXT, start INTEGER, snippet TEXT);
CREATE INDEX IF NOT EXISTS facts_doc ON facts(doc_id, scope);
CREATE TABLE IF NOT EXISTS keys(key TEXT, doc_id INTEGER, scope INTEGER, value TEXT);
CREATE INDEX IF NOT EXISTS keys_key ON keys(key, doc_id);
CREATE INDEX IF NOT EXISTS keys_doc ON keys(doc_id);
CREATE TABLE IF NOT EXISTS coords(doc_id INTEGER, scope INTEGER, lat REAL, lon REAL, cx INTEGER, cy INTEGER,
    value TEXT);
CREATE INDEX IF NOT EXISTS coords_cell ON coords(cx, cy);
CREATE INDEX IF NOT EXISTS coords_doc ON coords(doc_id);
CREATE TABLE IF NOT EXISTS node_entity(doc_id INTEGER, scope INTEGER, entity TEXT, PRIMARY KEY(doc_id, scope));
CREATE INDEX IF NOT EXISTS node_entity_e ON node_entity(entity);
CREATE TABLE IF NOT EXISTS links(entity TEXT, from_doc INTEGER, to_doc INTEGER, by TEXT, value TEXT,
    weight REAL, df INTEGER, probability REAL, evidence TEXT);
CREATE INDEX IF NOT EXISTS links_entity ON links(entity);
CREATE TABLE IF NOT EXISTS key_stats(key TEXT PRIMARY KEY, df INTEGER) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entities(entity TEXT PRIMARY KEY, summary TEXT);
CREATE TABLE IF NOT EXISTS link_pairs(a_doc INTEGER, a_scope INTEGER, b_doc INTEGER, b_scope INTEGER);
CREATE INDEX IF NOT EXISTS link_pairs_a ON link_pairs(a_doc);
CREATE INDEX IF NOT EXISTS link_pairs_b ON link_pairs(b_doc);
CREATE TABLE IF NOT EXISTS link_changed_keys(key TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_new_docs(doc_id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS link_removed_coords(lat REAL, lon REAL);
"""

#: The secondary indexes of the fact tables. While a first read fills an empty index they are
#: dropped, and built once, sorted, when the read ends (`SQLiteFactStore.bulk_writes`): each of a
#: document's keys went into `keys_key` and `keys_doc` at a random place, and at 1M documents the
#: writer spent most of its time there, half a core taken from the two extracting workers (1M
#: writes replayed: docs/benchmarks-aggregate.md, "Session 15 - lead"). An index left without
#: them (a first read interrupted) gets them back at its next opening (`_SCHEMA`).
_FACT_INDEXES = ("facts_doc", "keys_key", "keys_doc", "coords_cell", "coords_doc")

#: Version of the index layout. An index written with another version keeps its facts but is
#: re-linked in full (its link state is never read): version 2 added the stored candidate pairs
#: and the change log of the incremental relink (link_pairs, link_changed_keys, link_new_docs,
#: link_removed_coords).
INDEX_SCHEMA = "2"
#: The tables of the link state an incremental relink starts from (see `LinkChanges`).
_LINK_STATE_TABLES = ("link_pairs", "link_changed_keys", "link_new_docs", "link_removed_coords")


@dataclass(frozen=True, slots=True)
class LinkChanges:
    """What changed since the last linking, as the index logged it while documents were put and
    removed: every key of a removed or added document, the added documents (their ids), and the
    first coordinate of each node of a removed document."""

    keys: frozenset[str]
    new_docs: frozenset[int]
    removed_coords: tuple[tuple[float, float], ...]



class SQLiteFactStore(FactStore):
    """One SQLite file (WAL, one writer). `path=":memory:"` for a throw-away index."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.db = sqlite3.connect(path, timeout=60)  # a second run waits for the writer
        self.db.execute("PRAGMA journal_mode=WAL" if path != ":memory:" else "PRAGMA journal_mode=MEMORY")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA temp_store=MEMORY")
        self._default_cache = int(self.db.execute("PRAGMA cache_size").fetchone()[0])
        self.db.executescript(_SCHEMA)
        if "evidence" not in {r[1] for r in self.db.execute("PRAGMA table_info(links)")}:
            # An index written before links carried evidence: the next run re-links it.
            self.db.execute("DROP TABLE links")
            self.db.executescript(_SCHEMA)
            self.set_meta("dirty", "1")
        if self.get_meta("schema") != INDEX_SCHEMA:
            # Another layout (or none recorded): its link state is not trusted, the next run
            # re-links in full and saves a link state of this version.
            self.forget_link_state(relink=self.get_meta("fingerprint") is not None)
            self.set_meta("schema", INDEX_SCHEMA)
            self.db.commit()
        self._ids: dict[int, str] | None = None
        self._indexes_deferred = False

    def forget_link_state(self, relink: bool = True) -> None:
        """Drop the stored pairs, the change log and the slack of the incremental relink: the
        next `aggregate` relinks in full (with `relink`, even when no document changed). Not
        committed here."""
        for table in _LINK_STATE_TABLES:
            self.db.execute(f"DELETE FROM {table}")
        self.db.execute("DELETE FROM meta WHERE key='link_state'")
        if relink:
            self.set_meta("dirty", "1")

    def close(self) -> None:
        self.db.close()

    # -- documents ---------------------------------------------------------------------

    def documents(self) -> dict[str, DocRecord]:
        rows = self.db.execute("SELECT path, sha256, mtime_ns, size, status, error FROM docs")
        return {r[0]: DocRecord(*r) for r in rows}

    def put_document(self, record: DocRecord, facts: Sequence[Fact], radius_m: float, replace: bool = True) -> None:
        self._ids = None
        if replace:
            self.remove_documents([record.path])
        cur = self.db.execute(
            "INSERT INTO docs(path, sha256, mtime_ns, size, status, error) VALUES (?,?,?,?,?,?)",
            (record.path, record.sha256, record.mtime_ns, record.size, record.status, record.error),
        )
        doc_id = cur.lastrowid
        if self._logs_changes():
            # The change log of the incremental relink (link_incremental.py): the document is new
            # and every one of its keys may have moved in document frequency.
            self.db.execute("INSERT OR IGNORE INTO link_new_docs VALUES (?)", (doc_id,))
            self.db.executemany("INSERT OR IGNORE INTO link_changed_keys VALUES (?)",
                                [(k,) for k in {k for f in facts for k in f.keys}])
        self.db.executemany(
            "INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?)",
            [(doc_id, f.scope, f.kind, f.value, f.attr, SEP.join(f.keys), f.extra, f.start, f.snippet) for f in facts],
        )
        key_rows = {(k, doc_id, f.scope): f.value for f in facts for k in f.keys}
        self.db.executemany("INSERT INTO keys VALUES (?,?,?,?)", [(*k, v) for k, v in key_rows.items()])
        coord_rows = []
        for f in facts:
            if f.kind == "coord" and f.extra:
                lat, lon = (float(x) for x in f.extra.split(","))
                cy, cx = grid_cell(lat, lon, radius_m)
                coord_rows.append((doc_id, f.scope, lat, lon, cx, cy, f.value))
        self.db.executemany("INSERT INTO coords VALUES (?,?,?,?,?,?,?)", coord_rows)

    def _logs_changes(self) -> bool:
        """Whether documents put now go into the change log. The log serves the incremental
        relink, which starts from a stored link state; an index without one (a first read, an
        index cleared for a new fingerprint, a forgotten state) is linked in full, and the full
        link empties the log unread (`save_link_pairs`). A first read of a corpus put every key
        of every document into it: a random insert into a B-tree of all the corpus's keys, like
        the `keys_key` index, for nothing. Asked of the index at every document, in the write's
        own transaction (a state another process saved meanwhile is seen)."""
        return self.db.execute("SELECT 1 FROM meta WHERE key='link_state'").fetchone() is not None

    def bulk_writes(self, on: bool) -> None:
        # An empty index (a first read): its secondary indexes are built at the end (_FACT_INDEXES).
        # Nothing the read asks of the index needs them: a first read replaces no document.
        if on and not self._indexes_deferred and self.db.execute("SELECT 1 FROM docs LIMIT 1").fetchone() is None:
            for name in _FACT_INDEXES:
                self.db.execute(f"DROP INDEX IF EXISTS {name}")
            self._indexes_deferred = True
        elif not on and self._indexes_deferred:
            self.db.commit()
            self.db.executescript(_SCHEMA)  # CREATE INDEX IF NOT EXISTS: one sorted build each
            self._indexes_deferred = False
        # 64 MiB of page cache while documents go in: every document's keys go into two B-tree
        # indexes at random places, and the 2 MiB default missed on most of them (100k documents
        # replayed: 24.9 -> 19.7 s CPU, docs/benchmarks-aggregate.md "Session 11"). Given back
        # before linking, which reads the tables in order and would only raise the peak with it.
        self.db.execute(f"PRAGMA cache_size={-BULK_CACHE_KIB if on else self._default_cache}")
        if not on:
            self.db.execute("PRAGMA shrink_memory")

    def touch_document(self, path: str, mtime_ns: int, size: int) -> None:
        self.db.execute("UPDATE docs SET mtime_ns=?, size=? WHERE path=?", (mtime_ns, size, path))

    def remove_documents(self, paths: Iterable[str]) -> None:
        self._ids = None
        for path in paths:
            row = self.db.execute("SELECT doc_id FROM docs WHERE path=?", (path,)).fetchone()
            if row is None:
                continue
            # Logged for the incremental relink: its keys move in document frequency, its first
            # point per node leaves the grid cells' counts, its candidate pairs are gone.
            self.db.execute("INSERT OR IGNORE INTO link_changed_keys SELECT DISTINCT key FROM keys WHERE doc_id=?", row)
            self.db.execute("INSERT INTO link_removed_coords SELECT lat, lon FROM coords WHERE rowid IN "
                            "(SELECT MIN(rowid) FROM coords WHERE doc_id=? GROUP BY scope)", row)
            self.db.execute("DELETE FROM link_pairs WHERE a_doc=? OR b_doc=?", (row[0], row[0]))
            self.db.execute("DELETE FROM link_new_docs WHERE doc_id=?", row)
            for table in ("facts", "keys", "coords", "node_entity"):
                self.db.execute(f"DELETE FROM {table} WHERE doc_id=?", row)
            self.db.execute("DELETE FROM docs WHERE doc_id=?", row)

    def doc_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM docs WHERE status='ok'").fetchone()[0])

    def linked_doc_count(self) -> int:
        """Documents at the last linking (cheap; falls back to counting)."""
        value = self.get_meta("doc_count")
        return int(value) if value is not None else self.doc_count()

    def commit(self) -> None:
        self.db.commit()

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, value))

    def clear(self) -> None:
        self._ids = None
        for table in ("docs", "facts", "keys", "coords", "node_entity", "links", "meta", "key_stats", "entities",
                      *_LINK_STATE_TABLES):
            self.db.execute(f"DELETE FROM {table}")
        self.set_meta("schema", INDEX_SCHEMA)

    def _paths(self) -> dict[int, str]:
        if self._ids is None:
            self._ids = dict(self.db.execute("SELECT doc_id, path FROM docs"))
        return self._ids

    # -- linking inputs ------------------------------------------------------------------

    def shared_keys(self) -> Iterator[tuple[str, list[tuple[str, int, str]]]]:
        paths = self._paths()
        rows = self.db.execute(
            "SELECT key, doc_id, scope, value FROM keys WHERE key IN "
            "(SELECT key FROM keys GROUP BY key HAVING COUNT(*) > 1) ORDER BY key, doc_id, scope"
        )
        current: str | None = None
        group: list[tuple[str, int, str]] = []
        for key, doc_id, scope, value in rows:
            if key != current:
                if current is not None:
                    yield current, group
                current, group = key, []
            group.append((paths[doc_id], scope, value))
        if current is not None:
            yield current, group

    def all_coords(self) -> list[tuple[str, int, float, float, str]]:
        paths = self._paths()
        return [(paths[d], s, lat, lon, v) for d, s, lat, lon, v in
                self.db.execute("SELECT doc_id, scope, lat, lon, value FROM coords")]

    def anchor_keys(self) -> Iterator[tuple[str, str, int]]:
        paths = self._paths()
        rows = self.db.execute(
            "SELECT key, doc_id, scope FROM keys WHERE key >= 'code:' AND key < 'code;' OR key >= 'name:' "
            "AND key < 'name;' OR key >= 'subject:' AND key < 'subject;' OR key >= 'unit:' AND key < 'unit;'"
        )
        for key, doc_id, scope in rows:
            yield key, paths[doc_id], scope

    def key_doc_freqs(self) -> list[tuple[str, int]]:
        rows = self.db.execute(
            "SELECT key, COUNT(DISTINCT doc_id) FROM keys GROUP BY key HAVING COUNT(DISTINCT doc_id) > 1")
        return [(k, int(n)) for k, n in rows]

    def node_key_rows(self) -> Iterator[tuple[str, int, str, str]]:
        paths = self._paths()
        for key, doc_id, scope, value in self.db.execute("SELECT key, doc_id, scope, value FROM keys"):
            yield paths[doc_id], scope, key, value

    def node_records(self, nodes: Sequence[tuple[str, int]]) -> list[NodeRecord]:
        wanted = set(nodes)
        docs = sorted({d for d, _ in wanted})
        rows: list[tuple[str, int, str, str]] = []
        coords: list[tuple[str, int, float, float, str]] = []
        for chunk in _chunks(docs, 500):
            marks = ",".join("?" * len(chunk))
            rows.extend(r for r in self.db.execute(
                f"SELECT d.path, k.scope, k.key, k.value FROM keys k JOIN docs d ON d.doc_id=k.doc_id "
                f"WHERE d.path IN ({marks})", chunk) if (r[0], r[1]) in wanted)
            coords.extend(r for r in self.db.execute(
                f"SELECT d.path, c.scope, c.lat, c.lon, c.value FROM coords c JOIN docs d ON d.doc_id=c.doc_id "
                f"WHERE d.path IN ({marks}) ORDER BY c.rowid", chunk) if (r[0], r[1]) in wanted)
        known = tuple(k + ":" for k in KINDS)
        df = self.key_df(sorted({r[2] for r in rows if r[2].startswith(known)}))
        return records_from_rows(rows, coords, df)

    def node_ids(self) -> tuple[array[int], array[int]]:
        docs, scopes = array("q"), array("q")
        known = ",".join(f"'{k}'" for k in KINDS)
        rows = self.db.execute(
            "SELECT n.doc_id, n.scope FROM (SELECT doc_id, scope FROM keys WHERE substr(key, 1, instr(key, ':') - 1) "
            f"IN ({known}) UNION SELECT doc_id, scope FROM coords) n JOIN docs d ON d.doc_id=n.doc_id "
            "ORDER BY d.path, n.scope")
        for doc_id, scope in rows:
            docs.append(doc_id)
            scopes.append(scope)
        return docs, scopes

    def node_coords(self) -> dict[tuple[int, int], tuple[float, float]]:
        out: dict[tuple[int, int], tuple[float, float]] = {}
        for doc_id, scope, lat, lon in self.db.execute("SELECT doc_id, scope, lat, lon FROM coords ORDER BY rowid"):
            out.setdefault((doc_id, scope), (lat, lon))
        return out

    def records_by_id(self, nodes: Iterable[tuple[int, int]], df: Mapping[str, int]
                      ) -> dict[tuple[int, int], NodeRecord]:
        wanted = set(nodes)
        out: dict[tuple[int, int], NodeRecord] = {}
        for chunk in _chunks(sorted({d for d, _ in wanted}), 500):
            where = f"IN ({','.join('?' * len(chunk))})"
            out.update((n, r) for n, r in self._records_of_docs(where, chunk, df) if n in wanted)
        return out

    def stream_records(self, df: Mapping[str, int], batch_docs: int = 2000
                       ) -> Iterator[tuple[tuple[int, int], NodeRecord]]:
        last = -1
        while True:
            ids = [r[0] for r in self.db.execute(
                "SELECT doc_id FROM docs WHERE doc_id > ? ORDER BY doc_id LIMIT ?", (last, batch_docs))]
            if not ids:
                return
            yield from self._records_of_docs("BETWEEN ? AND ?", [ids[0], ids[-1]], df)
            last = ids[-1]

    def _records_of_docs(self, where: str, args: Sequence[int], df: Mapping[str, int]
                         ) -> list[tuple[tuple[int, int], NodeRecord]]:
        """Records of every node of the documents whose doc_id matches `where` (a few thousand)."""
        paths = dict(self.db.execute(f"SELECT doc_id, path FROM docs WHERE doc_id {where}", args))
        ids = {p: i for i, p in paths.items()}
        rows = [(paths[d], s, k, v) for d, s, k, v in self.db.execute(
            f"SELECT doc_id, scope, key, value FROM keys WHERE doc_id {where}", args)]
        coords = [(paths[d], s, lat, lon, v) for d, s, lat, lon, v in self.db.execute(
            f"SELECT doc_id, scope, lat, lon, value FROM coords WHERE doc_id {where} ORDER BY rowid", args)]
        return [((ids[r.node[0]], r.node[1]), r) for r in records_from_rows(rows, coords, df)]

    # -- entities ----------------------------------------------------------------------

    def save_entities(self, node_entity: Iterable[tuple[str, int, str]], links: Iterable[StoredLink],
                      key_dfs: Iterable[tuple[str, int]] = (), entities: Iterable[dict[str, Any]] = ()) -> None:
        node_entity = list(node_entity)
        links = list(links)
        # ids of the linked documents only: never a map of the whole corpus
        wanted = sorted({d for d, _, _ in node_entity} | {lk.from_doc for lk in links} | {lk.to_doc for lk in links})
        ids: dict[str, int] = {}
        for chunk in _chunks(wanted, 500):
            ids.update((p, i) for i, p in self.db.execute(
                f"SELECT doc_id, path FROM docs WHERE path IN ({','.join('?' * len(chunk))})", chunk))
        self.db.execute("DELETE FROM node_entity")
        self.db.execute("DELETE FROM links")
        self.db.execute("DELETE FROM key_stats")
        self.db.execute("DELETE FROM entities")
        self.db.executemany("INSERT INTO key_stats VALUES (?,?)", key_dfs)
        self.db.executemany("INSERT INTO entities VALUES (?,?)",
                            ((e["id"], json.dumps(e, ensure_ascii=False)) for e in entities))
        self.set_meta("doc_count", str(self.doc_count()))
        self.db.execute(
            "INSERT INTO node_entity SELECT DISTINCT f.doc_id, f.scope, 'doc:' || d.path || '#' || f.scope "
            "FROM facts f JOIN docs d ON d.doc_id=f.doc_id"
        )
        self.db.executemany("INSERT OR REPLACE INTO node_entity VALUES (?,?,?)",
                            ((ids[doc], scope, ent) for doc, scope, ent in node_entity))
        self.db.executemany(
            "INSERT INTO links VALUES (?,?,?,?,?,?,?,?,?)",
            ((lk.entity, ids[lk.from_doc], ids[lk.to_doc], lk.by, lk.value, lk.weight, lk.df, lk.probability,
              lk.evidence) for lk in links),
        )

    def entity_summaries(self) -> list[dict[str, Any]]:
        return [json.loads(r[0]) for r in self.db.execute("SELECT summary FROM entities ORDER BY entity")]

    def candidate_entities(self) -> list[str]:
        rows = self.db.execute(
            "SELECT DISTINCT ne.entity FROM facts f JOIN node_entity ne ON ne.doc_id=f.doc_id AND ne.scope=f.scope "
            "WHERE f.kind IN ('purpose', 'subject') OR (f.kind='code' AND f.keys LIKE '%subject:%')"
        )
        return sorted(r[0] for r in rows)

    def entity_facts(self, entities: Sequence[str]) -> dict[str, list[Fact]]:
        # Paths by join, not from the id->path map: a check must not load a million paths.
        # In path order, not doc_id order: an edited document gets a new doc_id, and a report must
        # not depend on the order the index saw the files in (an index updated over time and one
        # built anew give the same evidence lists).
        out: dict[str, list[Fact]] = {e: [] for e in entities}
        rows = self._rows_of_entities(
            entities,
            "SELECT ne.entity, d.path, f.scope, f.kind, f.value, f.attr, f.keys, f.extra, f.start, f.snippet "
            "FROM node_entity ne JOIN facts f ON f.doc_id=ne.doc_id AND f.scope=ne.scope "
            "JOIN docs d ON d.doc_id=f.doc_id WHERE ne.entity IN ({marks}) ORDER BY d.path, f.start, f.rowid",
        )
        for ent, path, scope, kind, value, attr, keys, extra, start, snippet in rows:
            out[ent].append(Fact(path, scope, kind, value, attr,
                                 tuple(keys.split(SEP)) if keys else (), extra, start, snippet))
        return out

    def entity_links(self, entities: Sequence[str]) -> dict[str, list[StoredLink]]:
        out: dict[str, list[StoredLink]] = {e: [] for e in entities}
        rows = self._rows_of_entities(
            entities,
            "SELECT l.entity, a.path, b.path, l.by, l.value, l.weight, l.df, l.probability, l.evidence FROM links l "
            "JOIN docs a ON a.doc_id=l.from_doc JOIN docs b ON b.doc_id=l.to_doc "
            "WHERE l.entity IN ({marks})",
        )
        for ent, a, b, by, value, weight, df, prob, evidence in rows:
            out[ent].append(StoredLink(ent, a, b, by, value, weight, df, prob or 0.0, evidence or "[]"))
        return out

    def _rows_of_entities(self, entities: Sequence[str], sql: str) -> Iterator[tuple[Any, ...]]:
        """Rows of `sql`, whose `{marks}` stands for the entity list, asked in chunks that keep
        under SQLite's limit on bound variables."""
        for chunk in _chunks(list(entities), 500):
            yield from self.db.execute(sql.replace("{marks}", ",".join("?" * len(chunk))), chunk)

    # -- incremental relink -------------------------------------------------------------

    def link_changes(self) -> LinkChanges:
        return LinkChanges(frozenset(r[0] for r in self.db.execute("SELECT key FROM link_changed_keys")),
                           frozenset(r[0] for r in self.db.execute("SELECT doc_id FROM link_new_docs")),
                           tuple((float(a), float(b)) for a, b in
                                 self.db.execute("SELECT lat, lon FROM link_removed_coords")))

    def save_link_pairs(self, pairs: Iterable[tuple[tuple[str, int], tuple[str, int]]]) -> None:
        pairs = list(pairs)
        ids: dict[str, int] = {}
        for chunk in _chunks(sorted({n[0] for p in pairs for n in p}), 500):
            ids.update((p, i) for i, p in self.db.execute(
                f"SELECT doc_id, path FROM docs WHERE path IN ({','.join('?' * len(chunk))})", chunk))
        for table in _LINK_STATE_TABLES:
            self.db.execute(f"DELETE FROM {table}")
        self.db.executemany("INSERT INTO link_pairs VALUES (?,?,?,?)",
                            ((ids[a[0]], a[1], ids[b[0]], b[1]) for a, b in pairs))

    def stored_pairs(self) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        # Pairs of removed documents are deleted with them (remove_documents).
        return [((a, sa), (b, sb)) for a, sa, b, sb in
                self.db.execute("SELECT a_doc, a_scope, b_doc, b_scope FROM link_pairs")]

    def stored_key_dfs(self) -> dict[str, int]:
        return {k: int(n) for k, n in self.db.execute("SELECT key, df FROM key_stats")}

    def key_holders(self, keys: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
        out: dict[str, list[tuple[int, int]]] = {}
        for key in keys:
            out[key] = [(d, s) for d, s in self.db.execute("SELECT DISTINCT doc_id, scope FROM keys WHERE key=?",
                                                           (key,))]
        return out

    def doc_keys(self, doc_ids: Iterable[int]) -> list[tuple[int, int, str]]:
        out: list[tuple[int, int, str]] = []
        for chunk in _chunks(sorted(set(doc_ids)), 500):
            out.extend((d, s, k) for d, s, k in self.db.execute(
                f"SELECT doc_id, scope, key FROM keys WHERE doc_id IN ({','.join('?' * len(chunk))})", chunk))
        return out

    # -- draft look-ups --------------------------------------------------------------------

    def key_df(self, keys: Sequence[str]) -> dict[str, int]:
        out = {}
        for key in set(keys):
            row = self.db.execute("SELECT df FROM key_stats WHERE key=?", (key,)).fetchone()
            if row is None:  # held by at most one document (or the index was never linked)
                row = self.db.execute(
                    "SELECT COUNT(DISTINCT doc_id) FROM (SELECT doc_id FROM keys WHERE key=? LIMIT 1000)", (key,)
                ).fetchone()
            out[key] = int(row[0])
        return out

    def postings(self, key: str) -> list[Posting]:
        rows = self.db.execute(
            "SELECT d.path, k.scope, k.value, ne.entity FROM keys k JOIN docs d ON d.doc_id=k.doc_id "
            "LEFT JOIN node_entity ne ON ne.doc_id=k.doc_id AND ne.scope=k.scope WHERE k.key=?",
            (key,),
        )
        return [Posting(p, s, v, e) for p, s, v, e in rows]

    def coords_near(self, lat: float, lon: float, radius_m: float, cell_m: float | None = None
                    ) -> list[tuple[Posting, float]]:
        cell = cell_m or radius_m
        cy, cx = grid_cell(lat, lon, cell)
        # a search wider than the stored cells looks that many cells further out
        reach = max(1, math.ceil(radius_m / cell))
        span = lon_span(lat) * reach
        rows = self.db.execute(
            "SELECT d.path, c.scope, c.value, ne.entity, c.lat, c.lon FROM coords c JOIN docs d ON d.doc_id=c.doc_id "
            "LEFT JOIN node_entity ne ON ne.doc_id=c.doc_id AND ne.scope=c.scope "
            "WHERE c.cy BETWEEN ? AND ? AND c.cx BETWEEN ? AND ?",
            (cy - reach, cy + reach, cx - span, cx + span),
        )
        out = []
        for path, scope, value, entity, plat, plon in rows:
            d = distance_m(lat, lon, plat, plon)
            if d <= radius_m:
                out.append((Posting(path, scope, value, entity), d))
        return out


def _chunks(items: list[_T], size: int) -> Iterator[list[_T]]:
    for i in range(0, len(items), size):
        yield items[i: i + size]
