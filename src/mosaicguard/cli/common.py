"""Options and output helpers shared by subcommands."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from ..errors import ConfigError
from ..model import Severity

SEVERITIES = [s.value for s in Severity]


def add_policy_options(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument("--policy", required=required, help="policy file (YAML)")
    parser.add_argument("--profile", help="document profile from the policy (e.g. procurement-notice)")


def add_output_options(parser: argparse.ArgumentParser, formats: list[str], default: str) -> None:
    parser.add_argument("--format", choices=formats, default=default, help=f"report format (default {default})")
    parser.add_argument("-o", "--output", default="-", help="report file; '-' for standard output")
    parser.add_argument("--fail-on", choices=SEVERITIES, default=None,
                        help="exit 1 if anything at or above this severity (default: policy's, else high)")
    parser.add_argument("--redact", action="store_true", help="mask matched values in every format")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress or summary on stderr")


def write_output(text: str, destination: str) -> None:
    """Write atomically (a half-written report must never look complete). The file is created
    readable by its owner only (mkstemp): reports quote the very values they warn about."""
    if destination in ("-", ""):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(destination)
    if target.exists() and not target.is_file():
        # A device or a pipe (`-o /dev/null`, `-o /dev/stdout`, a FIFO): written to, never
        # replaced. Renaming a file over it replaced /dev/null itself when run as root (audit,
        # session 16: every later `> /dev/null` of the machine wrote a root-only file).
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(text)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".mosaicguard-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def require_paths_exist(paths: list[str]) -> None:
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise ConfigError("no such file or folder: " + ", ".join(missing))


class Progress:
    """A progress line on a terminal for long runs; silent when not a terminal or --quiet."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self._bar = None
        if self.enabled:
            try:
                from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
                from rich.progress import Progress as RichProgress

                self._bar = RichProgress(TextColumn("scanning"), BarColumn(), MofNCompleteColumn(),
                                         TextColumn("{task.description}"), transient=True)
                self._bar.start()
                self._task = self._bar.add_task("", total=None)
            except ImportError:
                self._bar = None

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total, description=path[-50:])
        else:
            print(f"\r[{done}/{total}] {path[-60:]:60}", end="", file=sys.stderr)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif self.enabled:
            print(file=sys.stderr)
