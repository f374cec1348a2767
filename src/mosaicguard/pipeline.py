"""Extract -> detect -> decide for a batch of paths. No formatting and no printing here: results
are data, so the CLI, the web app, the store and Dask workers all use the same functions."""

from __future__ import annotations

import os
import signal
import stat
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import FrameType

from . import __version__
from .detect.engine import Engine
from .errors import LimitExceeded
from .extract.base import ExtractContext, Limits
from .extract.dispatch import extract_bytes
from .model import Document, FileResult, Finding, ScanReport
from .policy.decide import Suppressor
from .policy.schema import Policy


@dataclass(frozen=True)
class ScanOptions:
    policy: Policy = field(default_factory=Policy)
    limits: Limits = field(default_factory=Limits)
    engine: str = "auto"  # auto | hyperscan | python
    jobs: int = 1
    baseline_ids: frozenset[str] = frozenset()
    ocr: str = "auto"
    profile: str | None = None
    policy_path: str | None = None
    # Extra whole-document detectors (fingerprint registry) added by the caller.
    extra_detectors: tuple[object, ...] = ()


@dataclass(frozen=True)
class InputFile:
    """A file to scan: where it is on disk and how the report names it."""

    disk_path: str
    report_path: str


def collect_inputs(paths: Sequence[str]) -> list[InputFile]:
    """Files named, and files under folders named (recursively, sorted). A folder's files are
    reported relative to the folder as given (`notices/a.txt`)."""
    out: list[InputFile] = []
    seen: set[str] = set()

    def add(disk: Path, report: str, key: str) -> None:
        # The same file named twice (a folder and a file in it) is scanned and listed once.
        if key not in seen:
            seen.add(key)
            out.append(InputFile(str(disk), report))

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                # Linked folders are not followed (loops), but they are listed: nothing that was
                # found may vanish from the report silently.
                entries = sorted(files) + [d for d in dirs if os.path.islink(os.path.join(root, d))]
                # The folder's real path once: an entry that is no link is that plus its name,
                # what `realpath` of the entry gives with one lstat per path component (a
                # million-file corpus: ~40 s of the listing, before any file is read).
                real_root = os.path.realpath(root)
                for name in sorted(entries):
                    full = Path(root) / name
                    linked = os.path.islink(full)
                    add(full, str(full), os.path.realpath(full) if linked else os.path.join(real_root, name))
        else:
            add(p, raw, os.path.realpath(p))
    return out


def read_document(item: InputFile, options: ScanOptions) -> Document:
    """Read one input file from disk into a Document, never raising for bad input."""
    try:
        st = os.stat(item.disk_path)
        if stat.S_ISDIR(st.st_mode):
            return Document(path=item.report_path, media_type="", sha256="", status="unsupported",
                            error="a folder reached through a symbolic link; not followed (scan it directly)")
        if not stat.S_ISREG(st.st_mode):
            # A FIFO or device would block or never end; it is listed, not read.
            return Document(path=item.report_path, media_type="", sha256="", status="unsupported",
                            error="not a regular file (pipe, socket or device); not read")
        size = st.st_size
        if size > options.limits.max_file_bytes:
            return Document(path=item.report_path, media_type="", sha256="", status="error",
                            error=f"file is {size} bytes, over the {options.limits.max_file_bytes}-byte limit")
        with open(item.disk_path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return Document(path=item.report_path, media_type="", sha256="", status="error",
                        error=f"cannot open file: {exc.strerror or exc}")
    ctx = ExtractContext(limits=options.limits, deadline=time.monotonic() + options.limits.max_seconds_per_file,
                         ocr=options.ocr)
    return extract_bytes(data, item.report_path, ctx)


def scan_document(doc: Document, engine: Engine, suppressor: Suppressor) -> list[FileResult]:
    """Findings for a document and, as results of their own, each of its archive members."""
    results: list[FileResult] = []
    low_confidence: list[tuple[Finding, float]] = []
    if doc.status == "ok":
        found, dropped = engine.scan_with_dropped(doc)
        findings = _dedupe(sorted((f.with_id(doc.path) for f in found), key=_order))
        # Held back below their confidence threshold: kept apart, counted and listable.
        low = _dedupe(sorted((f.with_id(doc.path) for f in dropped), key=_order))
        low_confidence = [(f, engine.threshold(f.category)) for f in low]
        result = FileResult(doc.path, doc.sha256, "ok", None, tuple(findings), doc.media_type,
                            notes=_notes(doc))
    else:
        result = FileResult(doc.path, doc.sha256, doc.status, doc.error, (), doc.media_type)
    results.append(suppressor.apply(result, low_confidence))
    for member in doc.members:
        results.extend(scan_document(member, engine, suppressor))
    return results


def _order(f: Finding) -> tuple[int, str, int, str, str]:
    """Report order: page, part, offset, category, rule."""
    return (f.location.page or 0, f.location.part or "", f.location.start or 0, f.category, f.rule)


def _notes(doc: Document, prefix: str = "") -> tuple[str, ...]:
    """The document's notes and those of its embedded parts (named by their path)."""
    own = tuple(f"{prefix}{n}" for n in doc.notes)
    return own + tuple(n for part in doc.embedded for n in _notes(part, f"{part.path}: "))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop the same finding reported twice (same id at the same place) and keep repeated
    occurrences of one value apart: the second identical occurrence gets id `<id>-2`, which is
    still stable across unrelated edits (it counts only identical earlier occurrences)."""
    seen_at: set[tuple[str, int | None, int | None, int | None, str | None]] = set()
    occurrences: dict[str, int] = {}
    out = []
    for f in findings:
        loc = f.location
        key = (f.id, loc.page, loc.start, loc.end, loc.part)
        if key in seen_at:
            continue
        seen_at.add(key)
        n = occurrences.get(f.id, 0) + 1
        occurrences[f.id] = n
        out.append(f if n == 1 else replace(f, id=f"{f.id}-{n}"))
    return out


# Per-process state for pool workers (the engine is compiled once per worker, not per file).
_WORKER: tuple[Engine, Suppressor, ScanOptions] | None = None


def _init_worker(options: ScanOptions) -> None:
    global _WORKER
    _WORKER = (build_engine(options), Suppressor(options.policy, options.baseline_ids), options)


def build_engine(options: ScanOptions) -> Engine:
    if not options.extra_detectors:
        return _cached_engine(options.policy.model_dump_json(), options.engine)
    engine = Engine(options.policy, options.engine)
    engine.detectors.extend(options.extra_detectors)  # type: ignore[arg-type]
    return engine


@lru_cache(maxsize=4)
def _cached_engine(policy_json: str, kind: str) -> Engine:
    # Compiling every rule (Hyperscan) takes about a second; a long-lived process (web app,
    # sanitiser re-scans, tests) scanning again with the same policy reuses the compiled engine.
    # Engine.scan keeps no state between documents, so sharing it is safe.
    return Engine(Policy.model_validate_json(policy_json), kind)


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise LimitExceeded("per-file time limit reached")


def scan_one(item: InputFile, engine: Engine, suppressor: Suppressor, options: ScanOptions) -> list[FileResult]:
    """Scan one input file with a hard time limit (SIGALRM where available)."""
    use_alarm = hasattr(signal, "SIGALRM") and _in_main_thread()
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, options.limits.max_seconds_per_file + 5)
    try:
        doc = read_document(item, options)
        return scan_document(doc, engine, suppressor)
    except LimitExceeded as exc:
        return [FileResult(item.report_path, "", "error", f"safety limit: {exc}")]
    except (RecursionError, MemoryError) as exc:
        return [FileResult(item.report_path, "", "error", f"file too complex to scan safely ({type(exc).__name__})")]
    except Exception as exc:  # noqa: BLE001 - one file's failure must never end the batch
        return [FileResult(item.report_path, "", "error",
                           f"internal error while scanning this file ({type(exc).__name__}: {exc}); "
                           "it was not checked")]
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _worker_scan(item: InputFile) -> list[FileResult]:
    assert _WORKER is not None
    engine, suppressor, options = _WORKER
    return scan_one(item, engine, suppressor, options)


def iter_scan(
    paths: Sequence[str], options: ScanOptions, on_progress: Callable[[int, int, str], None] | None = None
) -> Iterator[FileResult]:
    """Scan paths, yielding results in input order."""
    items = collect_inputs(paths)
    total = len(items)
    if options.jobs <= 1 or total <= 1:
        engine = build_engine(options)
        suppressor = Suppressor(options.policy, options.baseline_ids)
        for index, item in enumerate(items):
            yield from scan_one(item, engine, suppressor, options)
            if on_progress:
                on_progress(index + 1, total, item.report_path)
        return
    done = 0
    pending = list(items)
    while pending:
        # A parser that crashes its process (a C library on hostile input) breaks the pool:
        # the files not finished are retried, the first of them alone in a fresh process, so
        # that only the culprit is reported as an error and the batch goes on.
        pending = yield from _run_pool(pending, options, done, total, on_progress)
        done = total - len(pending)
        if pending:
            culprit = pending.pop(0)
            yield from _isolated(culprit, options)
            done += 1
            if on_progress:
                on_progress(done, total, culprit.report_path)


def _run_pool(
    items: list[InputFile],
    options: ScanOptions,
    done: int,
    total: int,
    on_progress: Callable[[int, int, str], None] | None,
) -> Generator[FileResult, None, list[InputFile]]:
    """Scan `items` in a pool, yielding results in input order; returns the files left
    unfinished when the pool broke (empty when all went well)."""
    workers = max(1, min(options.jobs, len(items)))
    # here, not at the top: a check or a one-file scan never pays for the import
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(options,)) as pool:
        futures = [pool.submit(_worker_scan, item) for item in items]
        for index, future in enumerate(futures):
            try:
                results = future.result()
            except BrokenProcessPool:
                for rest in futures[index:]:
                    rest.cancel()
                return items[index:]
            yield from results
            if on_progress:
                on_progress(done + index + 1, total, items[index].report_path)
    return []


def _isolated(item: InputFile, options: ScanOptions) -> list[FileResult]:
    """Scan one file alone in a fresh process; if that process dies too, the file is an error."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=1, initializer=_init_worker, initargs=(options,)) as pool:
            return pool.submit(_worker_scan, item).result()
    except BrokenProcessPool:
        return [FileResult(item.report_path, "", "error",
                           "the reader crashed on this file (malformed or hostile content); it was not checked")]


def scan_paths(
    paths: Sequence[str], options: ScanOptions, on_progress: Callable[[int, int, str], None] | None = None
) -> ScanReport:
    results = tuple(iter_scan(paths, options, on_progress))
    return ScanReport(files=results, version=__version__, policy=options.policy_path, profile=options.profile)


def rescan_bytes(data: bytes, path: str, options: ScanOptions) -> FileResult:
    """Scan in-memory bytes (sanitiser verification, web uploads)."""
    engine = build_engine(options)
    ctx = ExtractContext(limits=options.limits, ocr=options.ocr)
    doc = extract_bytes(data, path, ctx)
    results = scan_document(doc, engine, Suppressor(options.policy, options.baseline_ids))
    first = results[0]
    extra = [f for r in results[1:] for f in r.findings]
    hidden = [s for r in results[1:] for s in r.suppressed_findings]
    return replace(first, findings=first.findings + tuple(extra),
                   suppressed_findings=first.suppressed_findings + tuple(hidden))
