"""Extract -> detect -> decide for a batch of paths. No formatting and no printing here: results
are data, so the CLI, the web app, the store and Dask workers all use the same functions."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
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
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for name in sorted(files):
                    full = Path(root) / name
                    out.append(InputFile(str(full), str(full)))
        else:
            out.append(InputFile(str(p), raw))
    return out


def read_document(item: InputFile, options: ScanOptions) -> Document:
    """Read one input file from disk into a Document, never raising for bad input."""
    try:
        size = os.path.getsize(item.disk_path)
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
    if doc.status == "ok":
        findings = sorted(
            (f.with_id(doc.path) for f in engine.scan(doc)),
            key=lambda f: (f.location.page or 0, f.location.part or "", f.location.start or 0, f.category, f.rule),
        )
        findings = _dedupe(findings)
        result = FileResult(doc.path, doc.sha256, "ok", None, tuple(findings), doc.media_type)
    else:
        result = FileResult(doc.path, doc.sha256, doc.status, doc.error, (), doc.media_type)
    results.append(suppressor.apply(result))
    for member in doc.members:
        results.extend(scan_document(member, engine, suppressor))
    return results


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[str] = set()
    out = []
    for f in findings:
        if f.id not in seen:
            seen.add(f.id)
            out.append(f)
    return out


# Per-process state for pool workers (the engine is compiled once per worker, not per file).
_WORKER: tuple[Engine, Suppressor, ScanOptions] | None = None


def _init_worker(options: ScanOptions) -> None:
    global _WORKER
    _WORKER = (_build_engine(options), Suppressor(options.policy, options.baseline_ids), options)


def _build_engine(options: ScanOptions) -> Engine:
    engine = Engine(options.policy, options.engine)
    if options.extra_detectors:
        engine.detectors.extend(options.extra_detectors)  # type: ignore[arg-type]
    return engine


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
        engine = _build_engine(options)
        suppressor = Suppressor(options.policy, options.baseline_ids)
        for index, item in enumerate(items):
            yield from scan_one(item, engine, suppressor, options)
            if on_progress:
                on_progress(index + 1, total, item.report_path)
        return
    with ProcessPoolExecutor(max_workers=options.jobs, initializer=_init_worker, initargs=(options,)) as pool:
        for index, results in enumerate(pool.map(_worker_scan, items, chunksize=1)):
            yield from results
            if on_progress:
                on_progress(index + 1, total, items[index].report_path)


def scan_paths(
    paths: Sequence[str], options: ScanOptions, on_progress: Callable[[int, int, str], None] | None = None
) -> ScanReport:
    results = tuple(iter_scan(paths, options, on_progress))
    return ScanReport(files=results, version=__version__, policy=options.policy_path, profile=options.profile)


def rescan_bytes(data: bytes, path: str, options: ScanOptions) -> FileResult:
    """Scan in-memory bytes (sanitiser verification, web uploads)."""
    engine = _build_engine(options)
    ctx = ExtractContext(limits=options.limits, ocr=options.ocr)
    doc = extract_bytes(data, path, ctx)
    results = scan_document(doc, engine, Suppressor(options.policy, options.baseline_ids))
    first = results[0]
    extra = [f for r in results[1:] for f in r.findings]
    return replace(first, findings=first.findings + tuple(extra)) if extra else first
