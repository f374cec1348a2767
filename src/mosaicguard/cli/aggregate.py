"""`mosaicguard aggregate CORPUS...` and `mosaicguard check DRAFT... --corpus CORPUS`."""

from __future__ import annotations

import argparse
import os
import sys

from ..aggregate.engine import AggregateOptions, Aggregator
from ..aggregate.index import SQLiteFactStore
from ..aggregate.report import render
from ..aggregate.result import AggregationResult
from ..errors import ConfigError
from ..model import Severity
from ..policy.load import load_policy
from .common import Progress, add_output_options, add_policy_options, require_paths_exist, write_output


def _common(p: argparse.ArgumentParser) -> None:
    add_policy_options(p, required=True)
    add_output_options(p, ["json", "html"], "json")
    p.add_argument("--index", metavar="DB",
                   help="SQLite index of the corpus's facts, reused and updated incrementally "
                        "(default: an in-memory index, nothing written)")
    p.add_argument("--jobs", "-j", type=int, default=1, help="worker processes reading the corpus (0: one per core)")


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
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    options = AggregateOptions(policy=policy, policy_path=args.policy, jobs=jobs,
                               trust_index=getattr(args, "trust_index", False), on_progress=progress)
    return Aggregator(store, options), store


def _finish(args: argparse.Namespace, result: AggregationResult, policy_fail_on: str) -> int:
    write_output(render(result, args.format, redact=args.redact), args.output)
    fail_on = Severity.parse(args.fail_on or policy_fail_on)
    gated = result.gated(fail_on)
    unread = [d for d in result.drafts if d.get("status") != "ok"]
    for d in unread:  # a draft that was not read was not checked: say so even with --quiet
        print(f"mosaicguard: warning: draft {d['path']} was not checked ({d['status']}: {d.get('error', '')})",
              file=sys.stderr)
    if not args.quiet:
        what = "new exposure(s)" if result.mode == "check" else "exposure(s)"
        n = sum(1 for e in result.exposures if e.new) if result.mode == "check" else len(result.exposures)
        where = f"; report written to {args.output}" if args.output not in ("-", "") else ""
        print(f"mosaicguard {result.mode}: {result.corpus.get('documents', 0)} corpus document(s), {n} {what}, "
              f"{len(gated)} at or above {fail_on.value}{where}", file=sys.stderr)
    return 1 if gated else 0


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
    progress = Progress(enabled=not args.quiet)
    aggregator, store = _aggregator(args, progress)
    try:
        result = aggregator.check(args.drafts, args.corpus)
    finally:
        progress.close()
        store.close()
    return _finish(args, result, aggregator.policy.fail_on)
