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
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mosaicguard",
        description="Find what a document would give away before it is published: alone, and "
        "combined with what is already public.",
    )
    parser.add_argument("--version", action="version", version=f"mosaicguard {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    seen: set[str] = set()
    for module_name in SUBCOMMANDS.values():
        if module_name in seen:
            continue
        seen.add(module_name)
        try:
            module = importlib.import_module(f"{__package__}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__package__}.{module_name}":
                continue  # subcommand not part of this build
            raise
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
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
