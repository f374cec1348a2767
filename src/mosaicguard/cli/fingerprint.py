"""`mosaicguard register PATH...` and `mosaicguard registry list|remove|stats`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ..errors import ConfigError
from ..fingerprint.detector import FingerprintSettings
from ..fingerprint.keys import load_key, load_or_create_key
from ..fingerprint.register import RegisterOutcome, Registry, add_public_paths, register_paths
from ..fingerprint.store import SqliteStore
from ..model import sha256_bytes
from ..policy.load import load_policy
from .common import require_paths_exist, write_output


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("register", help="register confidential documents (keyed fingerprints, no text)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (recursive) or zip archives")
    p.add_argument("--registry", required=True, help="registry file (SQLite; created if missing)")
    p.add_argument("--key-file", required=True,
                   help="secret key file (created with a random key if missing); keep it apart from the registry")
    p.add_argument("--label", help="label of these documents, e.g. 机密, 秘密, 内部 (sets the severity)")
    p.add_argument("--public", action="append", default=[], metavar="DIR",
                   help="public documents (folder or file; repeatable): text that appears in them is boilerplate, "
                   "never reported as a registered document's (stored as keyed hashes only)")
    p.add_argument("--store-titles", action="store_true",
                   help="also store each file's path as its title (default: opaque ids only)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr")
    p.set_defaults(run=run_register)

    r = sub.add_parser("registry", help="list, remove or count registered documents")
    actions = r.add_subparsers(dest="action", required=True)
    for name, helptext in (("list", "list registered documents"), ("stats", "registry statistics"),
                           ("remove", "remove registered documents")):
        a = actions.add_parser(name, help=helptext)
        a.add_argument("--registry", required=True, help="registry file")
        a.add_argument("--format", choices=["text", "json"], default="text")
        if name == "remove":
            a.add_argument("ids", nargs="+", metavar="ID",
                           help="document ids (from `registry list`), or files with --key-file")
            a.add_argument("--key-file", help="key file, to remove registered files named by path")
        if name == "stats":
            a.add_argument("--policy", help="policy file (its fingerprint.boilerplate_docs)")
    r.set_defaults(run=run_registry)


def run_register(args: argparse.Namespace) -> int:
    require_paths_exist(args.paths + args.public)
    if not os.path.exists(args.key_file) and os.path.exists(args.registry):
        existing = SqliteStore(args.registry)
        try:
            built = existing.get_meta("key_check") is not None
        finally:
            existing.close()
        if built:
            raise ConfigError(f"key file {args.key_file!r} does not exist, and the registry {args.registry!r} "
                              "was built with a key: give that key file")
    key, created = load_or_create_key(args.key_file)
    if created and not args.quiet:
        print(f"mosaicguard: created key file {args.key_file} (mode 0600); keep it apart from the registry: "
              "without it the registry cannot be used", file=sys.stderr)
    store = SqliteStore(args.registry, create=True)
    try:
        registry = Registry(store, key)
        outcomes = register_paths(registry, args.paths, label=args.label, store_titles=args.store_titles)
        if args.public:
            outcomes += add_public_paths(registry, args.public)
    finally:
        store.close()
    write_output(_render_outcomes(outcomes, args.format), "-")
    failed = [o for o in outcomes if not o.ok]
    if not args.quiet:
        done = sum(o.status == "registered" for o in outcomes)
        same = sum(o.status == "unchanged" for o in outcomes)
        public = sum(o.status == "public" for o in outcomes)
        note = f", {public} public document(s) added as boilerplate" if args.public else ""
        print(f"mosaicguard: {done} registered, {same} already registered, {len(failed)} not registered{note}",
              file=sys.stderr)
    return 1 if failed else 0


def _render_outcomes(outcomes: list[RegisterOutcome], fmt: str) -> str:
    if fmt == "json":
        rows = [{"path": o.path, "status": o.status, "id": o.id or None, "fingerprints": o.fingerprints,
                 "message": o.message or None} for o in outcomes]
        return json.dumps({"documents": rows}, ensure_ascii=False, indent=2) + "\n"
    lines = []
    for o in outcomes:
        detail = f"{o.fingerprints} fingerprints" if o.status in ("registered", "public") else o.message
        lines.append(f"{o.status:<12} {o.id or '-':<16}  {o.path}  ({detail})")
    return "\n".join(lines) + ("\n" if lines else "")


def run_registry(args: argparse.Namespace) -> int:
    store = SqliteStore(args.registry)
    try:
        if args.action == "list":
            docs = [d.to_dict() for d in store.documents()]
            write_output(_render_list(docs, args.format), "-")
            return 0
        if args.action == "stats":
            settings = FingerprintSettings.from_policy(load_policy(getattr(args, "policy", None)))
            stats = store.stats(settings.boilerplate_docs)
            stats.update({"k": _int(store.get_meta("k")), "w": _int(store.get_meta("w")),
                          "created": store.get_meta("created")})
            if stats["k"] and stats["w"]:
                stats["guaranteed_units"] = stats["w"] + stats["k"] - 1
            write_output(_render_stats(stats, args.format), "-")
            return 0
        return _remove(store, args)
    finally:
        store.close()


def _remove(store: SqliteStore, args: argparse.Namespace) -> int:
    key = load_key(args.key_file) if args.key_file else None
    if key is not None:
        check = store.get_meta("key_check")
        if check is not None and check != key.check_value():
            raise ConfigError("the key file does not match this registry")
    results: list[dict[str, Any]] = []
    for ref in args.ids:
        doc_id = ref
        if os.path.isfile(ref):
            if key is None:
                raise ConfigError(f"{ref!r} is a file: give --key-file to remove a registered file by path")
            with open(ref, "rb") as fh:
                doc_id = key.doc_id(sha256_bytes(fh.read()))
        results.append({"ref": ref, "id": doc_id, "removed": store.remove_document(doc_id)})
    if args.format == "json":
        text = json.dumps({"removed": results}, ensure_ascii=False, indent=2) + "\n"
    else:
        text = "".join(f"{'removed' if r['removed'] else 'not found'}  {r['id']}"
                       + (f"  ({r['ref']})" if r["ref"] != r["id"] else "") + "\n" for r in results)
    write_output(text, "-")
    return 0 if all(r["removed"] for r in results) else 1


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _render_list(docs: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"documents": docs}, ensure_ascii=False, indent=2) + "\n"
    lines = [f"{'id':<16}  {'label':<8}  {'units':>8}  {'fprints':>7}  {'registered':<20}  title"]
    for d in docs:
        lines.append(f"{d['id']:<16}  {d['label'] or '-':<8}  {d['units']:>8}  {d['fingerprints']:>7}  "
                     f"{d['registered_at']:<20}  {d['title'] or '-'}")
    lines.append(f"{len(docs)} document(s)")
    return "\n".join(lines) + "\n"


def _render_stats(stats: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(stats, ensure_ascii=False, indent=2) + "\n"
    labels = ", ".join(f"{k or '(none)'}: {v}" for k, v in stats["labels"].items()) or "-"
    rows = [
        ("documents", stats["documents"]),
        ("fingerprints", stats["fingerprints"]),
        ("distinct fingerprints", stats["distinct_fingerprints"]),
        (f"boilerplate (in >= {stats['boilerplate_docs']} docs)", stats["boilerplate_fingerprints"]),
        ("registered text bytes", stats["registered_bytes"]),
        ("registry size bytes", stats["size_bytes"]),
        ("k / w", f"{stats['k']} / {stats['w']}"),
        ("guaranteed passage (units)", stats.get("guaranteed_units", "-")),
        ("labels", labels),
        ("public documents (boilerplate)", stats.get("public_documents", 0)),
        ("public fingerprints", stats.get("public_fingerprints", 0)),
    ]
    return "".join(f"{name:<32} {value}\n" for name, value in rows)
