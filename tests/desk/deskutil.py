"""Helpers shared by the desk tests (imported as `desk.deskutil`)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
