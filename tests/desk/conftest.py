"""Fixtures of the desk tests: the database URL runs every test against SQLite and a real
PostgreSQL (started here from Debian's binaries in a temporary folder; as root through
`runuser -u postgres`). In CI (CI=true) a missing PostgreSQL fails the run instead of skipping."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from desk.deskutil import PASSWORD, SAMPLES, Users, free_port


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@dataclass
class PostgresServer:
    """A throw-away PostgreSQL cluster listening on a Unix socket in a temporary folder."""

    root: Path
    port: int
    bin: Path
    as_postgres: bool
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def _run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        cmd = ["runuser", "-u", "postgres", "--", *argv] if self.as_postgres else list(argv)
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> PostgresServer:
        data = self.root / "data"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-sync")
        opts = f"-k {self.root} -p {self.port} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(self.root / "log"), "-w", "start")
        return self

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@/{name}?host={self.root}&port={self.port}"

    def new_database(self) -> str:
        """A fresh empty database; its SQLAlchemy URL."""
        import psycopg

        name = f"desk_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(f"host={self.root} port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    """A PostgreSQL server for the session (None: not installed, outside CI)."""
    pg_bin = _pg_bin()
    if pg_bin is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed (scripts/install-system-deps.sh installs it)")
        yield None
        return
    root = Path(tempfile.mkdtemp(prefix="mg-pg-", dir="/tmp"))
    as_postgres = os.geteuid() == 0
    if as_postgres:
        shutil.chown(root, "postgres", "postgres")
    server = PostgresServer(root, free_port(), pg_bin, as_postgres).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'desk.db'}"
    server: PostgresServer | None = request.getfixturevalue("postgres")
    if server is None:
        pytest.skip("PostgreSQL is not installed (scripts/install-system-deps.sh installs it)")
    return server.new_database()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> object:
    from mosaicguard.desk.settings import DeskSettings

    return DeskSettings(db_url=db_url, data_dir=tmp_path / "data", policy_path=SAMPLES / "policy.yaml",
                        max_upload_bytes=8 * 1024 * 1024, max_files_per_submit=5, lease_seconds=30.0,
                        callback_hosts=("127.0.0.1",),
                        # argon2id still, with light parameters: the tests hash many passwords on 2 cores
                        argon2_time_cost=1, argon2_memory_kib=8192)


@pytest.fixture
def service(settings: object) -> Iterator[object]:
    from mosaicguard.desk.db import migrate
    from mosaicguard.desk.service import DeskService
    from mosaicguard.desk.settings import DeskSettings

    assert isinstance(settings, DeskSettings)
    migrate(settings.db_url)
    svc = DeskService(settings)
    try:
        yield svc
    finally:
        svc.close()


@pytest.fixture
def users(service: object) -> Users:
    from mosaicguard.desk.service import Actor, DeskService

    assert isinstance(service, DeskService)
    made = {}
    for name, role in (("sam", "submitter"), ("sue", "submitter"), ("rita", "reviewer"), ("alan", "approver"),
                       ("ada", "admin")):
        u = service.add_user(name, PASSWORD, role)  # type: ignore[arg-type]
        made[name] = Actor(u.id, u.username, u.role, "127.0.0.1")
    return Users(made["sam"], made["sue"], made["rita"], made["alan"], made["ada"])


@pytest.fixture
def app(service: object) -> object:
    from mosaicguard.desk.app import create_app
    from mosaicguard.desk.service import DeskService

    assert isinstance(service, DeskService)
    return create_app(service.settings, service)


@pytest.fixture
def client_for(app: object, users: Users) -> Iterator[Callable[..., object]]:
    """`client_for("rita")`: a TestClient logged in as that user (CSRF token in `.csrf`)."""
    from fastapi.testclient import TestClient

    clients: list[TestClient] = []

    def make(username: str | None = None) -> TestClient:
        client = TestClient(app)  # type: ignore[arg-type]
        clients.append(client)
        if username is not None:
            r = client.post("/login", data={"username": username, "password": PASSWORD}, follow_redirects=False)
            assert r.status_code in (200, 302, 303), r.text
            assert "mg_session" in client.cookies
            from mosaicguard.desk.auth import SESSION_COOKIE

            info = app.state.service.session(client.cookies[SESSION_COOKIE])  # type: ignore[attr-defined]
            client.csrf = info.csrf_token  # type: ignore[attr-defined]
        return client

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def token_for(service: object) -> Callable[[str], dict[str, str]]:
    """`token_for("sam")`: Authorization headers with a fresh bearer token of that user."""

    def make(username: str) -> dict[str, str]:
        token = service.create_token(username)  # type: ignore[attr-defined]
        return {"Authorization": f"Bearer {token}"}

    return make
