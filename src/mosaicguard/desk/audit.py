"""The append-only, hash-chained audit log.

Each row holds id, ts, actor, action, target, ip, before and after (canonical JSON text),
prev_hash and hash = SHA-256 of the canonical JSON of all those fields (prev_hash included).
Rows are appended one at a time under a lock (PostgreSQL: a transaction-scoped advisory lock;
SQLite: the BEGIN IMMEDIATE every writing desk transaction takes), with consecutive ids from 1, so that
`verify` detects a changed row (its hash), a removed row (a gap in the ids and a broken link), a
reordered row (the link to its predecessor) and removed newest rows (the head record).

The head hash printed by `mosaicguard audit verify` can be kept elsewhere (a ticket, a
notebook): whoever can rewrite the whole database can rewrite the whole chain, and the copy
kept outside is what shows it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .models import AuditEvent, AuditHead

GENESIS = "0" * 64
_ADVISORY_KEY = 0x6D6F7361  # any constant shared by every desk process ("mosa")


def canonical(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 characters as they are."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_hash(event_id: int, ts: str, actor: str, action: str, target: str, ip: str | None,
             before_json: str | None, after_json: str | None, prev_hash: str) -> str:
    """The hash of one row (what `verify` recomputes)."""
    body = canonical({"id": event_id, "ts": ts, "actor": actor, "action": action, "target": target, "ip": ip,
                      "before": before_json, "after": after_json, "prev_hash": prev_hash})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(session: Session, actor: str, action: str, target: str, ip: str | None = None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event in the caller's transaction (it is committed or rolled back with the
    change it records)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_KEY})
    head = session.get(AuditHead, 1)
    last = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    prev_id, prev_hash = (int(last[0]), str(last[1])) if last is not None else (0, GENESIS)
    event_id = prev_id + 1
    ts = datetime.now(UTC).isoformat(timespec="microseconds")
    before_json = canonical(before) if before is not None else None
    after_json = canonical(after) if after is not None else None
    digest = row_hash(event_id, ts, actor, action, target, ip, before_json, after_json, prev_hash)
    event = AuditEvent(id=event_id, ts=ts, actor=actor, action=action, target=target, ip=ip,
                       before_json=before_json, after_json=after_json, prev_hash=prev_hash, hash=digest)
    session.add(event)
    if head is None:
        session.add(AuditHead(id=1, last_id=event_id, last_hash=digest))
    else:
        head.last_id = event_id
        head.last_hash = digest
    session.flush()
    return event


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of a chain check: `bad_id` is the first row found wrong (None: intact)."""

    ok: bool
    rows: int
    bad_id: int | None
    message: str
    head_hash: str


def verify(session: Session) -> VerifyResult:
    """Check the whole chain, oldest first; stop at the first bad row and say what is wrong."""
    prev_hash = GENESIS
    expected_id = 1
    rows = 0
    for ev in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        rows += 1
        if ev.id != expected_id:
            missing = f"row {expected_id}" if ev.id == expected_id + 1 else f"rows {expected_id}..{ev.id - 1}"
            return VerifyResult(False, rows, expected_id, f"row {expected_id}: {missing} missing (removed); the "
                                                          f"chain jumps from row {expected_id - 1} to row {ev.id}",
                                prev_hash)
        if ev.prev_hash != prev_hash:
            return VerifyResult(False, rows, ev.id, f"row {ev.id}: does not follow row {ev.id - 1} "
                                                    "(a row before it was changed, removed or reordered)", prev_hash)
        digest = row_hash(ev.id, ev.ts, ev.actor, ev.action, ev.target, ev.ip, ev.before_json, ev.after_json,
                          ev.prev_hash)
        if digest != ev.hash:
            return VerifyResult(False, rows, ev.id, f"row {ev.id}: its content does not match its hash (changed)",
                                prev_hash)
        prev_hash = ev.hash
        expected_id += 1
    head = session.get(AuditHead, 1)
    last_id = expected_id - 1
    if head is None:
        if rows:
            return VerifyResult(False, rows, None, "the chain's head record is missing", prev_hash)
        return VerifyResult(True, 0, None, "the audit log is empty", prev_hash)
    if head.last_id != last_id or head.last_hash != prev_hash:
        first_missing = last_id + 1
        return VerifyResult(False, rows, first_missing,
                            f"row {first_missing}: the chain ends at row {last_id} but the head says row "
                            f"{head.last_id} (the newest rows were removed or changed)", prev_hash)
    return VerifyResult(True, rows, None, f"{rows} row(s), chain intact; head {prev_hash}", prev_hash)


def events_for(session: Session, target: str) -> list[AuditEvent]:
    """Every event about one target (e.g. `draft:<id>`), oldest first."""
    stmt = select(AuditEvent).where(AuditEvent.target == target).order_by(AuditEvent.id)
    return list(session.execute(stmt).scalars())


def decode(value: str | None) -> dict[str, Any] | None:
    """A stored before/after JSON text back as a dict."""
    if value is None:
        return None
    data = json.loads(value)
    return data if isinstance(data, dict) else {"value": data}
