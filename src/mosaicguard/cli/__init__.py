"""Command line: thin. Each subcommand module adds its parser and runs; `main(argv) -> int`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import ConfigError

# subcommand -> module (each has add_parser(subparsers) and run(args) -> int)
SUBCOMMANDS: dict[str, str] = {
    "scan": "scan",
    "sanitize": "sanitize",
    "aggregate": "aggregate",
    "check": "aggregate",
    "register": "fingerprint",
    "registry": "fingerprint",
    # issue 11: the review desk
    "serve": "desk",
    "worker": "desk",
    "users": "desk",
    "tokens": "desk",
    "audit": "desk",
    "migrate": "desk",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `command`, only that subcommand's module is imported (start-up time: the
    aggregation and fingerprint modules need not load for a scan)."""
    parser = argparse.ArgumentParser(
        prog="mosaicguard",
        description="Find what a document would give away before it is published: alone, and "
        "combined with what is already public.",
    )
    parser.add_argument("--version", action="version", version=f"mosaicguard {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    wanted = [SUBCOMMANDS[command]] if command in SUBCOMMANDS else list(dict.fromkeys(SUBCOMMANDS.values()))
    for module_name in wanted:
        module = importlib.import_module(f"{__package__}.{module_name}")
        module.add_parser(sub)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand named in argv (the first word that is not an option), if any."""
    for word in argv:
        if not word.startswith("-"):
            return word
    return None


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_in(words))
    try:
        args = parser.parse_args(words)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        result: int = args.run(args)
        return result
    except ConfigError as exc:
        print(f"mosaicguard: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mosaicguard: interrupted", file=sys.stderr)
        return 130


def entry() -> None:
    sys.exit(main())
