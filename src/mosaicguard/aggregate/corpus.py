"""Keep the index in step with a corpus on disk: read only new or changed files.

A file is unchanged when its size and mtime match the index (no read at all); a file whose
size or mtime changed is read and hashed, and re-extracted only if its sha256 changed. Files
gone from disk are removed from the index. Any change marks the entities for re-linking.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from ..model import Document
from ..pipeline import InputFile, ScanOptions, collect_inputs, read_document
from ..policy.schema import Policy
from .facts import EXTRACTOR_VERSION, Fact, FactExtractor
from .index import DocRecord, FactStore
from .settings import AggregationSettings


@dataclass
class SyncStats:
    files: int = 0
    read: int = 0
    reused: int = 0
    rehashed: int = 0  # mtime changed, content did not: hashed, not re-extracted
    removed: int = 0
    facts: int = 0
    rebuilt: bool = False
    errors: list[dict[str, str]] = field(default_factory=list)


def store_fingerprint(policy: Policy, settings: AggregationSettings) -> str:
    """What the stored facts depend on: extractor version, subjects, purposes, grid size."""
    basis = {
        "extractor": EXTRACTOR_VERSION,
        "subjects": [s.model_dump() for s in policy.protected_subjects],
        "purposes": list(policy.sensitive_purposes),
        "radius": settings.coordinate_radius_m,
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def flatten(doc: Document) -> list[Document]:
    """A document and, as documents of their own, its archive members (recursively)."""
    out = [doc]
    for member in doc.members:
        out.extend(flatten(member))
    return out


def sync_corpus(
    store: FactStore,
    paths: Sequence[str],
    policy: Policy,
    settings: AggregationSettings,
    options: ScanOptions,
    exclude: frozenset[str] = frozenset(),
    jobs: int = 1,
    on_progress: Callable[[int, int, str], None] | None = None,
    extract: Extractor | None = None,
) -> SyncStats:
    """Bring the store in step with the files under `paths`. `extract` reads and extracts the
    new or changed files (default: processes on this machine; spark.py passes executors)."""
    stats = SyncStats()
    fingerprint = store_fingerprint(policy, settings)
    if store.get_meta("fingerprint") != fingerprint:
        if store.documents():
            stats.rebuilt = True
        store.clear()
        store.set_meta("fingerprint", fingerprint)
    known = store.documents()
    # Archive members that were not read (`error`, `unsupported`), by their archive's path: an
    # unchanged archive is not read again, and its members must still be listed.
    unread_members: dict[str, list[DocRecord]] = {}
    for path, record in known.items():
        if "!" in path and record.status != "ok":
            unread_members.setdefault(path.split("!", 1)[0], []).append(record)
    todo: list[tuple[InputFile, int, int]] = []
    seen: set[str] = set()
    exclude_names = {os.path.basename(p) for p in exclude}
    for item in collect_inputs(paths):
        # realpath only for a name that could be a draft (it costs a syscall per path component).
        if os.path.basename(item.disk_path) in exclude_names and os.path.realpath(item.disk_path) in exclude:
            continue
        stats.files += 1
        try:
            st = os.stat(item.disk_path)
        except OSError as exc:
            # A dangling link or a file gone while listing: listed (never skipped silently) and,
            # if it was indexed, removed from the index with its facts.
            stats.errors.append({"path": item.report_path, "status": "error",
                                 "error": f"cannot open file: {exc.strerror or exc}"})
            continue
        seen.add(item.report_path)
        rec = known.get(item.report_path)
        # A file that could not be read is read again (a timeout or a permission may have passed);
        # one of a kind the tool does not read is listed again, as on its first reading.
        if (rec is not None and rec.status != "error" and rec.size == st.st_size
                and rec.mtime_ns == st.st_mtime_ns):
            stats.reused += 1
            for unread in (rec, *unread_members.get(item.report_path, ())):
                if unread.status != "ok":
                    stats.errors.append({"path": unread.path, "status": unread.status, "error": unread.error or ""})
            continue
        if (rec is not None and rec.status == "ok" and rec.size == st.st_size and rec.sha256
                and _sha256_file(item.disk_path) == rec.sha256):
            store.touch_document(item.report_path, st.st_mtime_ns, st.st_size)
            stats.rehashed += 1
            continue
        todo.append((item, st.st_mtime_ns, st.st_size))
    gone = [p for p in known if p.split("!", 1)[0] not in seen]
    if gone:
        store.remove_documents(gone)
        stats.removed = len(gone)
    if todo or gone or stats.rebuilt:
        # Before any write: an interrupted run leaves the index marked for re-linking.
        store.set_meta("dirty", "1")
    members: dict[str, list[str]] = {}
    for p in known:
        if "!" in p:
            members.setdefault(p.split("!", 1)[0], []).append(p)
    store.bulk_writes(True)
    try:
        for done, results in enumerate((extract or _extract_all)(todo, policy, options, jobs), 1):
            for record, facts in results:
                # Members of a container that changed may have vanished: drop them first.
                store.remove_documents(members.pop(record.path, []))
                # A path the index does not hold has no rows to replace (a first read: every one).
                store.put_document(record, facts, settings.coordinate_radius_m, replace=record.path in known)
                stats.facts += len(facts)
                if record.status != "ok":
                    stats.errors.append({"path": record.path, "status": record.status, "error": record.error or ""})
            stats.read += 1
            if done % COMMIT_EVERY == 0:
                store.commit()
            if on_progress is not None:
                on_progress(done, len(todo), todo[done - 1][0].report_path)
    finally:
        store.bulk_writes(False)
    if todo or gone or stats.rebuilt:
        store.set_meta("dirty", "1")
    store.commit()
    return stats


def _sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


_Extracted = list[tuple[DocRecord, list[Fact]]]
Todo = tuple[InputFile, int, int]
#: (files to read with their mtime and size, policy, scan options, jobs) -> results in input order.
Extractor = Callable[[list[Todo], Policy, ScanOptions, int], Iterable[_Extracted]]
# Commit in batches: one transaction per document is slow, one for a million grows the WAL to
# the size of the index.
COMMIT_EVERY = 5000
_WORKER: tuple[FactExtractor, ScanOptions] | None = None


def _init(policy: Policy, options: ScanOptions) -> None:
    global _WORKER
    _WORKER = (FactExtractor(policy), options)


def _extract_one(job: tuple[InputFile, int, int]) -> _Extracted:
    assert _WORKER is not None
    extractor, options = _WORKER
    return extract_file(extractor, options, job)


def extract_file(extractor: FactExtractor, options: ScanOptions, job: Todo) -> _Extracted:
    """Read one file (and its archive members) and extract their facts: the one code path used by
    local processes and Spark executors alike."""
    item, mtime_ns, size = job
    doc = read_document(item, options)
    out: _Extracted = []
    for d in flatten(doc):
        facts = extractor.extract(d) if d.status == "ok" else []
        out.append((DocRecord(d.path, d.sha256, mtime_ns, size, d.status, d.error), facts))
    return out


def _extract_all(todo: list[tuple[InputFile, int, int]], policy: Policy, options: ScanOptions, jobs: int
                 ) -> Iterator[_Extracted]:
    """Results in input order, streamed (never the whole corpus's facts in memory at once)."""
    if jobs <= 1 or len(todo) < 50:
        _init(policy, options)
        yield from map(_extract_one, todo)
        return
    from concurrent.futures import ProcessPoolExecutor  # here: a check never pays for the import

    with ProcessPoolExecutor(max_workers=jobs, initializer=_init, initargs=(policy, options)) as pool:
        yield from pool.map(_extract_one, todo, chunksize=64)


def _extract_text_job(item: tuple[str, str]) -> tuple[str, str, list[Fact]]:
    assert _WORKER is not None
    path, text = item
    return path, text, _WORKER[0].extract_text(path, text)


def index_texts(
    store: FactStore,
    texts: Iterable[tuple[str, str]],
    policy: Policy,
    settings: AggregationSettings,
    jobs: int = 1,
) -> int:
    """Index documents given as (path, text) - from a crawler, a database or the benchmark -
    without files on disk. Returns the number of facts stored."""
    fingerprint = store_fingerprint(policy, settings)
    if store.get_meta("fingerprint") != fingerprint:
        store.clear()
        store.set_meta("fingerprint", fingerprint)
    known = set(store.documents())
    n = 0
    if jobs <= 1:
        _init(policy, ScanOptions(policy=policy))
        results: Iterable[tuple[str, str, list[Fact]]] = map(_extract_text_job, texts)
        for i, (path, text, facts) in enumerate(results, 1):
            n += _put_text(store, path, text, facts, settings, path in known)
            if i % COMMIT_EVERY == 0:
                store.commit()
    else:
        from concurrent.futures import ProcessPoolExecutor  # here: a check never pays for the import

        with ProcessPoolExecutor(max_workers=jobs, initializer=_init,
                                 initargs=(policy, ScanOptions(policy=policy))) as pool:
            for i, (path, text, facts) in enumerate(pool.map(_extract_text_job, texts, chunksize=256), 1):
                n += _put_text(store, path, text, facts, settings, path in known)
                if i % COMMIT_EVERY == 0:
                    store.commit()
    store.set_meta("dirty", "1")
    store.commit()
    return n


def _put_text(store: FactStore, path: str, text: str, facts: list[Fact], settings: AggregationSettings,
              replace: bool) -> int:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    store.put_document(DocRecord(path, digest, 0, len(text)), facts, settings.coordinate_radius_m, replace)
    return len(facts)
