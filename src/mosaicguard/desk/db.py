"""Engine and session factory; schema migrations applied programmatically with Alembic.

SQLite: WAL (the web server and the worker processes read while one writes), foreign keys on,
a busy timeout, and every writing transaction opened with BEGIN IMMEDIATE so that two processes
never both read-then-write the same rows (the job claim and the audit chain rely on it).
PostgreSQL: row locks (`FOR UPDATE SKIP LOCKED`) and an advisory lock for the audit chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
WRITE_OPTION = "mosaicguard_write"  # execution option: this transaction will write
_MIGRATE_LOCK = 0x6D696772  # advisory lock key of schema migrations ("migr")


def is_sqlite(url: str) -> bool:
    """Whether an SQLAlchemy URL names an SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine for `url` with the desk's connection settings."""
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # pysqlite's own transaction handling is switched off so that BEGIN IMMEDIATE below
            # is the only BEGIN (the SQLAlchemy documented recipe).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # Writers take the write lock up front (no read-then-upgrade deadlock between
            # processes); readers take none (WAL gives them a snapshot).
            immediate = conn.get_execution_options().get(WRITE_OPTION, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def session_factory(engine: Engine, write: bool = False) -> sessionmaker[Session]:
    """Sessions that keep loaded attributes after commit (views are built after commits). With
    `write`, their transactions start with SQLite's BEGIN IMMEDIATE."""
    bind = engine.execution_options(**{WRITE_OPTION: True}) if write else engine
    return sessionmaker(bind, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any exception."""
    with factory() as session, session.begin():
        yield session


def alembic_config(url: str) -> Any:
    """The Alembic configuration of the desk's migrations (shipped in the package)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str) -> None:
    """Bring the database at `url` to the newest schema (creates it if empty)."""
    from alembic import command

    if is_sqlite(url):
        db_path = make_url(url).database
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    cfg = alembic_config(url)
    engine = make_engine(url)
    try:
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            if conn.dialect.name == "postgresql":
                # `serve` and a separately started `worker` may migrate at the same moment: one at a
                # time (SQLite gets the same from BEGIN IMMEDIATE).
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATE_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()
