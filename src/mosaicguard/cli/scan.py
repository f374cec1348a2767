"""`mosaicguard scan PATH...`"""

from __future__ import annotations

import argparse
import os
import sys

from ..model import Severity
from ..pipeline import ScanOptions, scan_paths
from ..policy.decide import exit_code, load_baseline
from ..policy.load import load_policy
from ..report.base import REPORTERS, get_reporter
from .common import Progress, add_output_options, add_policy_options, require_paths_exist, write_output


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("scan", help="scan files, folders and archives for leaks")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (recursive) or zip archives")
    add_policy_options(p)
    add_output_options(p, sorted(REPORTERS), "text")
    p.add_argument("--baseline", help="earlier JSON report whose findings are accepted")
    p.add_argument("--show-suppressed", action="store_true",
                   help="also list the findings hidden by confidence, allowlist or baseline, with the reason "
                   "(they are always counted)")
    p.add_argument("--fail-on-unchecked", action="store_true",
                   help="also exit 1 when a file could not be read or is of an unsupported kind")
    p.add_argument("--jobs", "-j", type=_jobs, default=1, help="parallel worker processes (0: one per core)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh",
                   help="language of the text and HTML reports (both are shown; this one first)")
    p.add_argument("--engine", choices=["auto", "hyperscan", "python"], default="auto",
                   help="pattern engine (default: Hyperscan when available)")
    p.add_argument("--ocr", choices=["auto", "always", "never"], default="auto")
    p.add_argument("--registry", help="registry of confidential documents (fingerprints)")
    p.add_argument("--key-file", help="the registry's key file")
    p.set_defaults(run=run)


def _jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError("must be 0 (one per core) or more")
    return n


def build_options(args: argparse.Namespace) -> ScanOptions:
    policy = load_policy(args.policy).with_profile(args.profile)
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    extra: tuple[object, ...] = ()
    if getattr(args, "registry", None):
        from ..fingerprint.detector import registry_detector

        extra = (registry_detector(args.registry, args.key_file, policy),)
    return ScanOptions(
        policy=policy,
        engine=args.engine,
        jobs=jobs,
        baseline_ids=load_baseline(args.baseline),
        ocr=args.ocr,
        profile=args.profile,
        policy_path=args.policy,
        extra_detectors=extra,
    )


def run(args: argparse.Namespace) -> int:
    require_paths_exist(args.paths)
    options = build_options(args)
    progress = Progress(enabled=not args.quiet)
    try:
        report = scan_paths(args.paths, options, on_progress=progress)
    finally:
        progress.close()
    fail_on = Severity.parse(args.fail_on or options.policy.fail_on)
    reporter = get_reporter(args.format, fail_on=fail_on, lang=args.lang, show_suppressed=args.show_suppressed)
    text = reporter.render(report, redact=args.redact)
    write_output(text, args.output)
    code = exit_code(report, fail_on)
    if args.fail_on_unchecked and any(f.status != "ok" for f in report.files):
        code = 1
    if not args.quiet and args.output not in ("-", ""):
        n = sum(len(f.findings) for f in report.files)
        unchecked = sum(1 for f in report.files if f.status != "ok")
        hidden = sum(f.suppressed for f in report.files)
        note = (f", {hidden} suppressed" if hidden else "") + (f", {unchecked} not checked" if unchecked else "")
        print(f"mosaicguard: {len(report.files)} file(s), {n} finding(s){note}; report written to {args.output}",
              file=sys.stderr)
    return code
