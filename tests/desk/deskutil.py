"""Helpers shared by the desk tests (imported as `desk.deskutil`)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
REALWORLD = REPO / ".." / "shared" / "realworld"
PASSWORD = "correct horse battery staple"


@dataclass
class Users:
    """One actor per role, and a second submitter."""

    submitter: object
    submitter2: object
    reviewer: object
    approver: object
    admin: object


def realworld_docs() -> list[Path]:
    """The annotated real documents (text), sorted."""
    docs = sorted((REALWORLD / "docs").glob("*.txt"))
    assert docs, f"no real documents under {REALWORLD}"
    return docs


def wait_until(predicate: Callable[[], bool], timeout: float = 60.0, step: float = 0.2) -> bool:
    """Poll `predicate` until true or timeout; returns its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def drop_audit_guard(conn: Any) -> None:
    """What an attacker with the database owner's rights does first: drop the triggers that make
    audit_events append-only (migration 0002), so the chain is the remaining defence. `conn` is a
    SQLAlchemy connection or a sqlite3 connection."""
    from sqlalchemy import text

    is_sqlalchemy = hasattr(conn, "dialect")
    if is_sqlalchemy and conn.dialect.name == "postgresql":
        statements = ["DROP TRIGGER audit_events_append_only ON audit_events"]
    else:
        statements = ["DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"]
    for sql in statements:
        conn.execute(text(sql) if is_sqlalchemy else sql)
