"""The review desk's commands: `serve`, `worker`, `users add`, `tokens create`, `audit verify`,
`migrate`. Thin: each calls `mosaicguard.desk` library functions."""

from __future__ import annotations

import argparse
import getpass
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from ..desk.settings import DEFAULT_DB, DeskSettings
from ..errors import ConfigError


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=DEFAULT_DB, metavar="URL",
                   help=f"database URL: sqlite:///desk.db or postgresql+psycopg://user@host/db (default {DEFAULT_DB})")


def _desk_options(p: argparse.ArgumentParser) -> None:
    _db(p)
    p.add_argument("--data-dir", default="desk-data", metavar="DIR",
                   help="where uploads, sanitised copies and baselines are kept, by generated id (default desk-data)")
    p.add_argument("--policy", metavar="P", help="policy file (YAML); its profiles are offered on upload")
    p.add_argument("--corpus", action="append", default=[], metavar="DIR",
                   help="folder of public documents drafts are checked against (repeatable)")
    p.add_argument("--corpus-index", metavar="DB",
                   help="SQLite index of the public corpus (`check --index`); alone, it is used as it is")
    p.add_argument("--registry", metavar="DB", help="fingerprint registry of confidential documents")
    p.add_argument("--key-file", metavar="K", help="the registry's key file")
    p.add_argument("--max-upload-mb", type=float, default=50.0, help="largest file accepted (default 50 MB)")
    p.add_argument("--max-files", type=int, default=20, help="most files in one submission (default 20)")
    p.add_argument("--lease-seconds", type=float, default=120.0,
                   help="a job whose worker is silent this long is handed to another worker (default 120)")
    p.add_argument("--max-attempts", type=int, default=3,
                   help="a job whose worker died this many times is failed with the reason (default 3)")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = sub.add_parser("serve", help="run the review desk: web app, API and background worker(s)")
    _desk_options(s)
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    s.add_argument("--port", type=int, default=8700, help="port (default 8700)")
    s.add_argument("--workers", type=int, default=1,
                   help="background worker processes started with the server (default 1; 0: run them apart "
                        "with `mosaicguard worker`)")
    s.add_argument("--secure-cookies", action="store_true", help="mark cookies Secure (when served over https)")
    s.add_argument("--callback-host", action="append", default=[], metavar="HOST[:PORT]",
                   help="host a verdict callback may be sent to (repeatable; default none: callback URLs are refused)")
    s.set_defaults(run=run_serve)
    w = sub.add_parser("worker", help="run one review-desk worker process (scans the submitted drafts)")
    _desk_options(w)
    w.set_defaults(run=run_worker)
    u = sub.add_parser("users", help="review-desk accounts")
    usub = u.add_subparsers(dest="users_command", required=True)
    ua = usub.add_parser("add", help="add an account; the password is read from the terminal or stdin")
    ua.add_argument("username")
    ua.add_argument("--role", required=True, choices=["submitter", "reviewer", "approver", "admin"])
    _db(ua)
    ua.set_defaults(run=run_users_add)
    t = sub.add_parser("tokens", help="review-desk API tokens")
    tsub = t.add_subparsers(dest="tokens_command", required=True)
    tc = tsub.add_parser("create", help="create a bearer token for a user (printed once)")
    tc.add_argument("--user", required=True)
    tc.add_argument("--name", default="api", help="what the token is for (shown in the audit log)")
    _db(tc)
    tc.set_defaults(run=run_tokens_create)
    a = sub.add_parser("audit", help="the review desk's audit log")
    asub = a.add_subparsers(dest="audit_command", required=True)
    av = asub.add_parser("verify", help="check the hash chain: exit 0 intact, 1 tampered (the first bad row named)")
    _db(av)
    av.set_defaults(run=run_audit_verify)
    m = sub.add_parser("migrate", help="create or upgrade the review desk's database schema")
    _db(m)
    m.set_defaults(run=run_migrate)


def settings_from(args: argparse.Namespace) -> DeskSettings:
    """DeskSettings from the command-line options."""
    if getattr(args, "key_file", None) and not getattr(args, "registry", None):
        raise ConfigError("--key-file is only used with --registry DB")
    if getattr(args, "registry", None) and not getattr(args, "key_file", None):
        raise ConfigError("--registry needs --key-file")
    for opt in ("policy", "registry", "key_file", "corpus_index"):
        value = getattr(args, opt, None)
        if value and opt != "corpus_index" and not Path(value).is_file():
            raise ConfigError(f"--{opt.replace('_', '-')}: {value} does not exist")
    for folder in args.corpus:
        if not Path(folder).is_dir():
            raise ConfigError(f"--corpus: {folder} is not a folder")
    if args.policy:
        from ..policy.load import load_policy

        load_policy(args.policy)  # a bad policy fails now (exit 2), not in the first job
    return DeskSettings(
        db_url=args.db, data_dir=Path(args.data_dir), policy_path=Path(args.policy) if args.policy else None,
        corpus_dirs=tuple(Path(c) for c in args.corpus),
        corpus_index=Path(args.corpus_index) if args.corpus_index else None,
        registry_path=Path(args.registry) if args.registry else None,
        registry_key_file=Path(args.key_file) if args.key_file else None,
        host=getattr(args, "host", "127.0.0.1"), port=getattr(args, "port", 8700),
        workers=getattr(args, "workers", 1), max_upload_bytes=int(args.max_upload_mb * 1024 * 1024),
        max_files_per_submit=args.max_files, lease_seconds=args.lease_seconds, max_attempts=args.max_attempts,
        secure_cookies=getattr(args, "secure_cookies", False),
        callback_hosts=tuple(h.lower() for h in getattr(args, "callback_host", [])))


def worker_argv(args: argparse.Namespace) -> list[str]:
    """The command line of a worker process with the same desk options as `serve`."""
    argv = [sys.executable, "-c", "import sys; from mosaicguard.cli import main; sys.exit(main(sys.argv[1:]))",
            "worker", "--db", args.db, "--data-dir", args.data_dir, "--max-upload-mb", str(args.max_upload_mb),
            "--max-files", str(args.max_files), "--lease-seconds", str(args.lease_seconds),
            "--max-attempts", str(args.max_attempts)]
    for opt in ("policy", "corpus_index", "registry", "key_file"):
        value = getattr(args, opt, None)
        if value:
            argv += [f"--{opt.replace('_', '-')}", value]
    for folder in args.corpus:
        argv += ["--corpus", folder]
    return argv


def _migrate(url: str) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from ..desk.db import migrate

    try:
        migrate(url)
    except SQLAlchemyError as exc:
        raise ConfigError(f"--db: cannot open or migrate the database: {exc.__class__.__name__}: "
                          f"{str(exc).splitlines()[0]}") from None


def run_migrate(args: argparse.Namespace) -> int:
    _migrate(args.db)
    print("mosaicguard: database schema is up to date", file=sys.stderr)
    return 0


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to send SIGTERM when the parent exits."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the server's own shutdown still stops its workers


class _Supervisor:
    """Keeps `n` worker processes running beside the web server (a dead one is restarted)."""

    def __init__(self, argv: list[str], n: int) -> None:
        self.argv = argv
        self.procs: list[subprocess.Popen[bytes]] = [self._start() for _ in range(n)]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _start(self) -> subprocess.Popen[bytes]:
        # Linux: the worker gets SIGTERM when the server dies, even by kill -9 (no orphans).
        return subprocess.Popen(self.argv, preexec_fn=_die_with_parent)

    def _watch(self) -> None:
        while not self.stop.wait(2.0):
            for i, p in enumerate(self.procs):
                if p.poll() is not None and not self.stop.is_set():
                    print(f"mosaicguard: worker {p.pid} exited ({p.returncode}); starting another", file=sys.stderr)
                    self.procs[i] = self._start()

    def close(self) -> None:
        self.stop.set()
        for p in self.procs:
            p.terminate()
        deadline = time.monotonic() + 10
        for p in self.procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()


def run_serve(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    _migrate(args.db)
    import uvicorn

    from ..desk.app import create_app

    app = create_app(settings)
    supervisor = _Supervisor(worker_argv(args), max(0, args.workers))

    def _stop(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    # uvicorn handles SIGTERM/SIGINT while it runs and raises them again when it stops: this
    # handler turns that into SystemExit so the workers are stopped below.
    signal.signal(signal.SIGTERM, _stop)
    print(f"mosaicguard: review desk on http://{settings.host}:{settings.port}/ "
          f"({args.workers} worker process(es))", file=sys.stderr)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False)
    finally:
        supervisor.close()
    return 0


def run_worker(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    _migrate(args.db)
    from ..desk.service import DeskService
    from ..desk.worker import run_forever

    service = DeskService(settings)
    try:
        run_forever(service)
    finally:
        service.close()
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise ConfigError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def run_users_add(args: argparse.Namespace) -> int:
    from ..desk.service import DeskService, ServiceError

    _migrate(args.db)
    password = _read_password()
    service = DeskService(DeskSettings(db_url=args.db))
    try:
        user = service.add_user(args.username, password, args.role)
    except ServiceError as exc:
        raise ConfigError(str(exc)) from None
    finally:
        service.close()
    print(f"mosaicguard: user {user.username} added with role {user.role}", file=sys.stderr)
    return 0


def run_tokens_create(args: argparse.Namespace) -> int:
    from ..desk.service import DeskService, ServiceError

    _migrate(args.db)
    service = DeskService(DeskSettings(db_url=args.db))
    try:
        token = service.create_token(args.user, args.name)
    except ServiceError as exc:
        raise ConfigError(str(exc)) from None
    finally:
        service.close()
    print(token)
    return 0


def run_audit_verify(args: argparse.Namespace) -> int:
    from ..desk.service import DeskService

    _migrate(args.db)
    service = DeskService(DeskSettings(db_url=args.db))
    try:
        result = service.verify_audit()
    finally:
        service.close()
    if result.ok:
        print(f"mosaicguard: audit log intact: {result.message}")
        return 0
    print(f"mosaicguard: audit log TAMPERED: {result.message}")
    return 1
