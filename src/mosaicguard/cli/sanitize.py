"""`mosaicguard sanitize PATH... --out DIR`: write cleaned copies and prove them clean by re-scanning."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import ConfigError
from ..model import Severity, mask
from ..pipeline import ScanOptions
from ..policy.load import load_policy
from ..report.labels import category_label, severity_label
from ..sanitize.run import SanitizeReport, sanitize_paths
from .common import SEVERITIES, require_paths_exist, write_output

_STATUS_LABELS = {
    "sanitized": "已清理 sanitised",
    "planned": "计划 planned (dry run, nothing written)",
    "error": "未写出 NOT WRITTEN",
    "unsupported": "未写出 NOT WRITTEN (unsupported file type)",
}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("sanitize", help="write cleaned copies of files (metadata, hidden parts and leaks removed)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (recursive) or zip archives")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="folder for the cleaned copies (same relative paths as under the folders given)")
    p.add_argument("--policy", help="policy file (YAML)")
    p.add_argument("--profile", help="document profile from the policy")
    p.add_argument("--dry-run", action="store_true", help="list what would be done; write nothing")
    p.add_argument("--format", choices=["text", "json"], default="text", help="report format (default text)")
    p.add_argument("-o", "--output", default="-", help="report file; '-' for standard output")
    p.add_argument("--fail-on", choices=SEVERITIES, default=None,
                   help="exit 1 if a cleaned copy still has findings at or above this severity "
                        "(default: policy's fail_on, else high)")
    p.add_argument("--redact", action="store_true", help="mask matched values in the JSON report too")
    p.add_argument("--engine", choices=["auto", "hyperscan", "python"], default="auto", help="pattern engine")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    require_paths_exist(args.paths)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {args.out} exists and is not a folder")
    policy = load_policy(args.policy).with_profile(args.profile)
    options = ScanOptions(policy=policy, engine=args.engine, profile=args.profile, policy_path=args.policy)
    report = sanitize_paths(list(args.paths), args.out, options, dry_run=args.dry_run)
    if args.format == "json":
        text = json.dumps(report.to_dict(redact=args.redact), ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_text(report)
    write_output(text, args.output)
    fail_on = Severity.parse(args.fail_on or policy.fail_on)
    worst = report.residual_max()
    if not args.quiet and args.output not in ("-", ""):
        written = sum(1 for f in report.files if f.written)
        print(f"mosaicguard: {len(report.files)} file(s), {written} written to {args.out}; "
              f"report written to {args.output}", file=sys.stderr)
    return 1 if worst is not None and worst.at_least(fail_on) else 0


def render_text(report: SanitizeReport) -> str:
    """Human summary in Chinese and English; values are always masked."""
    lines: list[str] = []
    head = "清理计划 sanitise plan (dry run)" if report.dry_run else "清理结果 sanitise result"
    lines.append(f"{head} -> {report.out_dir}")
    for o in report.files:
        label = _STATUS_LABELS.get(o.status, o.status)
        target = f" -> {o.output}" if o.output else ""
        lines.append(f"{o.path}{target}: {label}")
        if o.error:
            lines.append(f"    原因 reason: {o.error}")
        if o.status in ("sanitized", "planned"):
            lines.append(f"    发现 findings: {o.findings}; 删除/遮盖 to redact: {o.redacted}; "
                         f"操作 actions: {len(o.actions)}")
        for a in o.actions:
            what = f" [{category_label(a.category, 'zh')} {category_label(a.category, 'en')}]" if a.category else ""
            where = a.location.pointer or ""
            lines.append(f"    - {a.kind}{what}: {a.description}{' @ ' + where if where else ''}")
        if o.status == "sanitized":
            if o.residual:
                lines.append(f"    残留 residual findings in the cleaned copy: {len(o.residual)}")
                for path, f in o.residual:
                    member = f" {path}" if path != o.path else ""
                    lines.append(f"    ! [{severity_label(f.severity.value, 'zh')} {f.severity.value}] "
                                 f"{category_label(f.category, 'zh')} {f.category} {mask(f.match)!r} "
                                 f"layer={f.layer.value}{member}")
            else:
                lines.append("    复扫无残留 re-scan: nothing left")
    written = sum(1 for o in report.files if o.written)
    not_written = sum(1 for o in report.files if o.status in ("error", "unsupported"))
    residual = sum(len(o.residual) for o in report.files)
    lines.append(f"汇总 summary: {len(report.files)} file(s); 已写出 written {written}; "
                 f"未写出 not written {not_written}; 残留 residual findings {residual}")
    return "\n".join(lines) + "\n"
