"""Sanitise a batch: read, scan, clean, re-scan the clean copy, write it. Pure orchestration that
returns data (`SanitizeReport`); the CLI formats it.

Fail closed: a file that cannot be read, is of a kind no sanitiser handles, or whose sanitiser
refuses it is reported and *not written*, so the output folder only ever holds cleaned files.
A zip is rebuilt from its cleaned members; if any member cannot be cleaned the whole zip is not
written (a half-clean archive looks clean and is not). The cleaned bytes are re-scanned before
they are written; what the re-scan still finds is the file's `residual` list.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..detect.engine import Engine
from ..errors import ConfigError, ExtractionError
from ..extract.archive import read_member_bounded
from ..extract.base import ExtractContext
from ..extract.dispatch import extract_bytes
from ..model import CONTENT_CATEGORIES, Document, FileResult, Finding, Severity, sha256_bytes
from ..pipeline import InputFile, ScanOptions, collect_inputs, scan_document
from ..policy.decide import Suppressor
from .base import Action, SanitizeError, sanitizer_for

# Zip members get a fixed timestamp: the real ones tell when and in which time zone files were made.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one input file."""

    path: str  # as reported by scan (relative to the folder given)
    output: str | None  # where the clean copy was (or, with --dry-run, would be) written
    status: str  # sanitized | planned | error | unsupported
    error: str | None = None
    actions: tuple[Action, ...] = ()
    findings: int = 0  # findings in the original
    redacted: int = 0  # content findings selected for redaction
    residual: tuple[tuple[str, Finding], ...] = ()  # (path, finding) still found in the clean copy
    sha256: str = ""
    output_sha256: str = ""

    @property
    def written(self) -> bool:
        return self.status == "sanitized"

    def to_dict(self, redact: bool = False) -> dict[str, Any]:
        return {
            "path": self.path,
            "output": self.output,
            "status": self.status,
            "error": self.error,
            "sha256": self.sha256,
            "output_sha256": self.output_sha256 or None,
            "findings_before": self.findings,
            "redacted": self.redacted,
            "actions": [
                {"kind": a.kind, "description": a.description, "category": a.category,
                 "location": a.location.to_dict()}
                for a in self.actions
            ],
            "residual": [dict(f.to_dict(redact=redact), path=p) for p, f in self.residual],
        }


@dataclass(frozen=True)
class SanitizeReport:
    files: tuple[FileOutcome, ...]
    out_dir: str
    dry_run: bool
    version: str = __version__
    policy: str | None = None
    profile: str | None = None

    def residual_max(self) -> Severity | None:
        worst: Severity | None = None
        for outcome in self.files:
            for _path, f in outcome.residual:
                if worst is None or f.severity.rank > worst.rank:
                    worst = f.severity
        return worst

    def to_dict(self, redact: bool = False) -> dict[str, Any]:
        return {
            "tool": "mosaicguard",
            "version": self.version,
            "report_version": 1,
            "command": "sanitize",
            "out_dir": self.out_dir,
            "dry_run": self.dry_run,
            "policy": self.policy,
            "profile": self.profile,
            "redacted": redact,
            "files": [o.to_dict(redact=redact) for o in self.files],
        }


@dataclass
class _Run:
    """Per-batch state: the engine is compiled once, not per file."""

    options: ScanOptions
    engine: Engine
    suppressor: Suppressor
    redact_at: Severity


def plan_targets(paths: list[str], out_dir: str) -> list[tuple[InputFile, Path]]:
    """Each input with its output path: the same relative path under `out_dir` as under the folder
    given; a file named directly goes straight into `out_dir`. Raises ConfigError when the output
    would overwrite an input or two inputs would land on the same output."""
    out = Path(out_dir)
    out_resolved = out.resolve()
    targets: list[tuple[InputFile, Path]] = []
    seen: dict[Path, str] = {}
    for raw in paths:
        base = Path(raw)
        if base.is_dir():
            if base.resolve() == out_resolved:
                raise ConfigError(f"--out {out_dir} is the input folder itself; choose another folder")
            items = collect_inputs([raw])
        else:
            items = collect_inputs([raw])
        for item in items:
            disk = Path(item.disk_path).resolve()
            if out_resolved in disk.parents:
                continue  # an earlier run's output inside the input folder is not an input
            rel = Path(item.disk_path).relative_to(base) if base.is_dir() else Path(base.name)
            target = out / rel
            if target.resolve() == disk:
                raise ConfigError(f"output {target} would overwrite its input")
            if target.resolve() in seen:
                raise ConfigError(f"{item.report_path} and {seen[target.resolve()]} would both be written to {target}")
            seen[target.resolve()] = item.report_path
            targets.append((item, target))
    return targets


def sanitize_paths(paths: list[str], out_dir: str, options: ScanOptions, dry_run: bool = False) -> SanitizeReport:
    """Sanitise every file under `paths` into `out_dir` (nothing is written with `dry_run`)."""
    engine = Engine(options.policy, options.engine)
    if options.extra_detectors:
        engine.detectors.extend(options.extra_detectors)  # type: ignore[arg-type]
    run = _Run(options, engine, Suppressor(options.policy, options.baseline_ids),
               Severity.parse(options.policy.sanitize.redact_at))
    outcomes = [sanitize_one(item, target, run, dry_run) for item, target in plan_targets(paths, out_dir)]
    return SanitizeReport(tuple(outcomes), out_dir, dry_run, policy=options.policy_path, profile=options.profile)


def _read(item: InputFile, run: _Run) -> bytes | str:
    """The file's bytes, or an error message."""
    try:
        size = os.path.getsize(item.disk_path)
        if size > run.options.limits.max_file_bytes:
            return f"file is {size} bytes, over the {run.options.limits.max_file_bytes}-byte limit"
        with open(item.disk_path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        return f"cannot open file: {exc.strerror or exc}"


def _extract(data: bytes, path: str, run: _Run) -> Document:
    limits = run.options.limits
    ctx = ExtractContext(limits=limits, deadline=time.monotonic() + limits.max_seconds_per_file, ocr=run.options.ocr)
    return extract_bytes(data, path, ctx)


def _scan(doc: Document, run: _Run) -> list[FileResult]:
    return scan_document(doc, run.engine, run.suppressor)


def sanitize_one(item: InputFile, target: Path, run: _Run, dry_run: bool) -> FileOutcome:
    """Read, scan, clean, re-scan and (unless `dry_run`) write one file. Never raises for bad input."""
    data = _read(item, run)
    if isinstance(data, str):
        return FileOutcome(item.report_path, None, "error", data)
    digest = sha256_bytes(data)
    doc = _extract(data, item.report_path, run)
    if doc.status != "ok":
        return FileOutcome(item.report_path, None, doc.status, doc.error, sha256=digest)
    results = _scan(doc, run)
    found = {r.path: r.findings for r in results}
    total = sum(len(v) for v in found.values())
    redact_count = sum(len(_to_redact(v, run.redact_at)) for v in found.values())
    try:
        cleaned, actions = _clean(data, doc, found, run, dry_run)
    except SanitizeError as exc:
        return FileOutcome(item.report_path, None, "error", f"not sanitised: {exc}", findings=total,
                           redacted=redact_count, sha256=digest)
    except Exception as exc:  # noqa: BLE001 - a sanitiser bug on one file must not end the batch
        return FileOutcome(item.report_path, None, "error",
                           f"not sanitised (internal error {type(exc).__name__}: {exc})", findings=total,
                           redacted=redact_count, sha256=digest)
    if cleaned is None:
        return FileOutcome(item.report_path, str(target), "planned", None, tuple(actions), total, redact_count,
                           sha256=digest)
    # Re-scan the clean bytes under the original's name (same extractor; baseline ids still match).
    clean_doc = _extract(cleaned, item.report_path, run)
    if clean_doc.status != "ok":
        return FileOutcome(item.report_path, None, "error",
                           f"not written: the sanitised copy could not be re-read ({clean_doc.error})",
                           tuple(actions), total, redact_count, sha256=digest)
    residual = tuple((r.path, f) for r in _scan(clean_doc, run) for f in r.findings)
    residual_errors = [m for m in _all_members(clean_doc) if m.status != "ok"]
    if residual_errors:
        return FileOutcome(item.report_path, None, "error",
                           f"not written: member {residual_errors[0].path} of the sanitised copy could not be re-read",
                           tuple(actions), total, redact_count, residual, sha256=digest)
    write_atomic(target, cleaned)
    return FileOutcome(item.report_path, str(target), "sanitized", None, tuple(actions), total, redact_count,
                       residual, digest, sha256_bytes(cleaned))


def _all_members(doc: Document) -> list[Document]:
    out: list[Document] = []
    for m in doc.members:
        out.append(m)
        out.extend(_all_members(m))
    return out


def _to_redact(findings: tuple[Finding, ...], redact_at: Severity) -> list[Finding]:
    """Content findings (and fragments of registered documents) at or above the policy's level."""
    return [f for f in findings
            if (f.category in CONTENT_CATEGORIES or f.category == "fingerprint") and f.severity.at_least(redact_at)]


def _clean(data: bytes, doc: Document, found: dict[str, tuple[Finding, ...]], run: _Run,
           dry_run: bool) -> tuple[bytes | None, list[Action]]:
    """Clean bytes and actions (bytes None with `dry_run`). Raises SanitizeError when the file
    cannot be cleaned safely."""
    if doc.media_type == "application/zip" or (doc.members and not doc.segments):
        return _clean_zip(data, doc, found, run, dry_run)
    sanitizer = sanitizer_for(doc.path)
    if sanitizer is None:
        suffix = Path(doc.path.rsplit("!", 1)[-1]).suffix or "(no suffix)"
        raise SanitizeError(f"no sanitiser for {suffix} files; remove it or clean it by hand")
    redact = _to_redact(found.get(doc.path, ()), run.redact_at)
    settings = run.options.policy.sanitize
    if dry_run:
        return None, sanitizer.plan(data, doc, redact, settings)
    result = sanitizer.sanitize(data, doc, redact, settings)
    return result.data, list(result.actions)


def _clean_zip(data: bytes, doc: Document, found: dict[str, tuple[Finding, ...]], run: _Run,
               dry_run: bool) -> tuple[bytes | None, list[Action]]:
    """Rebuild a zip from cleaned members; fail closed if any member cannot be cleaned."""
    limits = run.options.limits
    members = {m.path: m for m in doc.members}
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise SanitizeError(f"not a readable zip archive: {exc}") from None
    out = io.BytesIO()
    actions: list[Action] = [Action("rebuild_archive", "rebuild the zip without comments, extra fields and "
                                                       "timestamps")]
    problems: list[str] = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in zf.infolist():
            if info.is_dir():
                continue
            member_path = f"{doc.path}!{info.filename}"
            member = members.get(member_path)
            if member is None or member.status != "ok":
                reason = member.error if member is not None else "not read"
                problems.append(f"{info.filename}: {member.status if member else 'error'} ({reason})")
                continue
            try:
                content = read_member_bounded(zf, info, limits.max_archive_total_bytes, limits.max_archive_ratio)
                cleaned, member_actions = _clean(content, member, found, run, dry_run)
            except (SanitizeError, ExtractionError) as exc:
                problems.append(f"{info.filename}: {exc}")
                continue
            actions.extend(Action(a.kind, f"{info.filename}: {a.description}", a.location, a.category)
                           for a in member_actions)
            if cleaned is not None:
                new.writestr(zipfile.ZipInfo(info.filename, _ZIP_EPOCH), cleaned, zipfile.ZIP_DEFLATED)
    if problems:
        raise SanitizeError("archive not written because some members cannot be sanitised: " + "; ".join(problems))
    return (None if dry_run else out.getvalue()), actions


def write_atomic(target: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so an interrupted run never leaves a partial file
    that looks clean."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".mosaicguard-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
