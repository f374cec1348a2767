"""`mosaicguard aggregate CORPUS...` and `mosaicguard check DRAFT... --corpus CORPUS`."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from ..aggregate.corpus import flatten
from ..aggregate.engine import AggregateOptions, Aggregator
from ..aggregate.index import SQLiteFactStore
from ..aggregate.report import render
from ..aggregate.result import AggregationResult
from ..aggregate.settings import ignored_settings
from ..detect.base import Detector
from ..errors import ConfigError
from ..model import Document, Finding, Layer, Severity, mask
from ..pipeline import ScanOptions, collect_inputs, read_document
from ..policy.decide import Suppressor
from ..policy.load import load_policy
from ..policy.schema import Policy
from .common import Progress, add_output_options, add_policy_options, require_paths_exist, write_output


def _common(p: argparse.ArgumentParser) -> None:
    add_policy_options(p, required=True)
    add_output_options(p, ["json", "html"], "json")
    p.add_argument("--index", metavar="DB",
                   help="SQLite index of the corpus's facts, reused and updated incrementally "
                        "(default: an in-memory index, nothing written)")
    p.add_argument("--jobs", "-j", type=int, default=1, help="worker processes reading the corpus (0: one per core)")
    p.add_argument("--engine", choices=["local", "spark", "python"], default="local",
                   help="linking engine: local = splink on DuckDB (default); spark = extraction on Spark executors "
                        "and splink on Spark; python = the same model in pure Python")
    p.add_argument("--spark-master", metavar="URL", default=None,
                   help="Spark master for --engine spark (default local[2])")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    a = sub.add_parser("aggregate", help="what a corpus of public documents gives away together")
    a.add_argument("corpus", nargs="+", metavar="CORPUS", help="files or folders already public")
    _common(a)
    a.set_defaults(run=run_aggregate)
    c = sub.add_parser("check", help="what new exposure publishing a draft would create")
    c.add_argument("drafts", nargs="+", metavar="DRAFT", help="draft files or folders to publish")
    c.add_argument("--corpus", action="append", required=True, metavar="CORPUS",
                   help="files or folders already public (repeatable)")
    c.add_argument("--trust-index", action="store_true",
                   help="use --index as it is without looking for changed corpus files (fast CI checks)")
    c.add_argument("--registry", metavar="DB",
                   help="registry of confidential documents (`mosaicguard register`): also report the drafts' "
                        "passages of registered documents")
    c.add_argument("--key-file", metavar="K", help="the registry's key file (needed with --registry)")
    _common(c)
    c.set_defaults(run=run_check)


def _aggregator(args: argparse.Namespace, progress: Progress | None = None) -> tuple[Aggregator, SQLiteFactStore]:
    policy = load_policy(args.policy).with_profile(args.profile)
    if getattr(args, "trust_index", False) and not args.index:
        raise ConfigError("--trust-index needs --index DB")
    index = args.index or ":memory:"
    if index != ":memory:":
        parent = os.path.dirname(os.path.abspath(index))
        if not os.path.isdir(parent):
            raise ConfigError(f"--index: folder {parent} does not exist")
    try:
        store = SQLiteFactStore(index)
    except Exception as exc:  # noqa: BLE001 - sqlite3 raises several kinds for a bad file
        raise ConfigError(f"--index {index}: cannot open as an SQLite index: {exc}") from None
    for key in ignored_settings(policy):  # said even with --quiet: the policy asks for something not done
        print(f"mosaicguard: warning: policy {key} has no effect (a per-key link weight of version 0.1; "
              "linking is Fellegi-Sunter, docs/aggregation.md): remove it", file=sys.stderr)
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    options = AggregateOptions(policy=policy, policy_path=args.policy, jobs=jobs,
                               trust_index=getattr(args, "trust_index", False), on_progress=progress,
                               engine=args.engine, spark_master=args.spark_master)
    aggregator = Aggregator(store, options)
    problem = aggregator.trust_problem() if options.trust_index else None
    if problem:
        store.close()
        raise ConfigError(f"--trust-index: {index} {problem}")
    return aggregator, store


def _finish(args: argparse.Namespace, result: AggregationResult, policy_fail_on: str,
            fingerprints: Sequence[Finding] = ()) -> int:
    write_output(render(result, args.format, redact=args.redact), args.output)
    fail_on = Severity.parse(args.fail_on or policy_fail_on)
    gated = result.gated(fail_on)
    # Passages of registered confidential documents count toward the gate like new exposures.
    gated_fp = [f for f in fingerprints if f.severity.at_least(fail_on)]
    unread = [d for d in result.drafts if d.get("status") != "ok"]
    for d in unread:  # a draft that was not read was not checked: say so even with --quiet
        print(f"mosaicguard: warning: draft {d['path']} was not checked ({d['status']}: {d.get('error', '')})",
              file=sys.stderr)
    if not args.quiet:
        what = "new exposure(s)" if result.mode == "check" else "exposure(s)"
        n = sum(1 for e in result.exposures if e.new) if result.mode == "check" else len(result.exposures)
        fp = f", {len(fingerprints)} registered passage(s)" if getattr(args, "registry", None) else ""
        where = f"; report written to {args.output}" if args.output not in ("-", "") else ""
        print(f"mosaicguard {result.mode}: {result.corpus.get('documents', 0)} corpus document(s), {n} {what}{fp}, "
              f"{len(gated) + len(gated_fp)} at or above {fail_on.value}{where}", file=sys.stderr)
    return 1 if gated or gated_fp else 0


def run_aggregate(args: argparse.Namespace) -> int:
    require_paths_exist(args.corpus)
    progress = Progress(enabled=not args.quiet)
    aggregator, store = _aggregator(args, progress)
    try:
        result = aggregator.aggregate(args.corpus)
    finally:
        progress.close()
        store.close()
    return _finish(args, result, aggregator.policy.fail_on)


def run_check(args: argparse.Namespace) -> int:
    require_paths_exist(args.drafts)
    if not getattr(args, "trust_index", False):
        require_paths_exist(args.corpus)
    detector = _registry_detector(args)  # a bad registry or key fails (exit 2) before any reading
    progress = Progress(enabled=not args.quiet)
    aggregator, store = _aggregator(args, progress)
    try:
        result = aggregator.check(args.drafts, args.corpus)
    finally:
        progress.close()
        store.close()
    fingerprints: list[Finding] = []
    if detector is not None:
        by_path = registered_passages(args.drafts, detector, aggregator.policy, aggregator.scan_options)
        fingerprints = [f for found in by_path.values() for f in found]
        result = with_fingerprints(result, by_path, redact=args.redact)
    return _finish(args, result, aggregator.policy.fail_on, fingerprints)


def _registry_detector(args: argparse.Namespace) -> Detector | None:
    if not getattr(args, "registry", None):
        if getattr(args, "key_file", None):
            raise ConfigError("--key-file is only used with --registry DB")
        return None
    if not os.path.isfile(args.registry):
        raise ConfigError(f"--registry: {args.registry} does not exist (build it with `mosaicguard register`)")
    from ..fingerprint.detector import registry_detector  # only checks with a registry pay for it

    policy = load_policy(args.policy).with_profile(args.profile)
    return registry_detector(args.registry, args.key_file, policy)


def registered_passages(drafts: Sequence[str], detector: Detector, policy: Policy, options: ScanOptions
                        ) -> dict[str, list[Finding]]:
    """`fingerprint` findings of each draft (and of each archive member, under its own path), as
    `scan --registry` reports them: embedded parts count for their outer file, and the policy's
    allowlists and `min_confidence` apply."""
    suppressor = Suppressor(policy)
    out: dict[str, list[Finding]] = {}
    for item in collect_inputs(drafts):
        for doc in flatten(read_document(item, options)):
            if doc.status != "ok":
                continue
            found = [f.with_id(doc.path) for f in _detect(detector, doc, policy)]
            kept = [f for f in found if not suppressor.suppressed(doc.path, f)]
            out[doc.path] = sorted(kept, key=lambda f: (f.location.page or 0, f.location.part or "",
                                                        f.location.start or 0))
    return out


def _detect(detector: Detector, doc: Document, policy: Policy) -> Iterable[Finding]:
    yield from detector.detect_document(doc, policy)
    for part in doc.embedded:
        name = part.path.rsplit("!", 1)[-1]
        for f in _detect(detector, part, policy):
            inner = f.location.part
            layer = Layer.EMBEDDED if f.layer == Layer.BODY else f.layer
            yield dataclasses.replace(f, layer=layer,
                                      location=dataclasses.replace(f.location,
                                                                   part=f"{name}:{inner}" if inner else name))


def fingerprint_entry(f: Finding, redact: bool = False) -> dict[str, Any]:
    """One registered passage as it appears in a draft's `fingerprints` list."""
    extra = dict(f.extra)
    entry: dict[str, Any] = {
        "id": f.id,
        "registered_id": extra.get("registered_id", ""),
        "registered_label": extra.get("registered_label", ""),
        "severity": f.severity.value,
        "confidence": round(f.confidence, 3),
        "layer": f.layer.value,
        "location": f.location.to_dict(),
        "match": mask(f.match) if redact else f.match,
        "message": f.message,
    }
    if "registered_title" in extra:
        entry["registered_title"] = extra["registered_title"]
    for key in ("draft_share", "registered_share"):
        if key in extra:
            entry[key] = float(extra[key])
    for key in ("matched_units", "passage_units"):
        if key in extra:
            entry[key] = int(extra[key])
    return entry


def with_fingerprints(result: AggregationResult, by_path: dict[str, list[Finding]],
                      redact: bool = False) -> AggregationResult:
    """The check result with a `fingerprints` list on every draft that was read."""
    drafts = []
    for d in result.drafts:
        if d.get("status") == "ok":
            d = {**d, "fingerprints": [fingerprint_entry(f, redact) for f in by_path.get(d["path"], [])]}
        drafts.append(d)
    return dataclasses.replace(result, drafts=tuple(drafts))
