"""The audit hash chain: `audit verify` passes on an untouched log and names the first bad row
after a row is edited, deleted or two rows are swapped (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from desk.deskutil import PASSWORD, Users, drop_audit_guard


def _fill(service: Any, users: Users) -> None:
    """A few real events: logins, a token, a failed login."""
    from mosaicguard.desk.service import AuthFailed

    with pytest.raises(AuthFailed):
        service.login("rita", "wrong password!", "10.1.1.1")
    for name in ("rita", "alan", "sam"):
        service.login(name, PASSWORD, "10.1.1.1")
    service.create_token("sam", "publishing platform")


def _exec(service: Any, sql: str, **params: Any) -> None:
    with service.engine.begin() as conn:
        drop_audit_guard(conn)
        conn.execute(text(sql), params)


@pytest.mark.parametrize("sql", ["UPDATE audit_events SET actor = 'mallory' WHERE id = 2",
                                 "DELETE FROM audit_events WHERE id = 2"])
def test_the_database_refuses_to_rewrite_audit_rows(sql: str, service: Any, users: Users) -> None:
    """Append-only in the database itself (migration 0002): an UPDATE or DELETE of an audit row
    fails and changes nothing, on both databases."""
    from sqlalchemy.exc import DBAPIError

    _fill(service, users)
    with pytest.raises(DBAPIError, match="append-only"), service.engine.begin() as conn:
        conn.execute(text(sql))
    assert service.verify_audit().ok


def test_intact_chain_verifies(service: Any, users: Users, run_cli: Callable[..., Any]) -> None:
    _fill(service, users)
    result = service.verify_audit()
    assert result.ok and result.rows >= 9 and result.bad_id is None
    out = run_cli("audit", "verify", "--db", service.settings.db_url)
    assert out.code == 0 and "intact" in out.out


def test_edited_row_is_named(service: Any, users: Users, run_cli: Callable[..., Any]) -> None:
    _fill(service, users)
    _exec(service, "UPDATE audit_events SET ip = '6.6.6.6' WHERE id = 4")
    result = service.verify_audit()
    assert not result.ok and result.bad_id == 4 and "changed" in result.message
    out = run_cli("audit", "verify", "--db", service.settings.db_url)
    assert out.code == 1 and "row 4" in out.out


def test_edited_row_with_recomputed_hash_breaks_the_next_link(service: Any, users: Users) -> None:
    from mosaicguard.desk.audit import row_hash

    _fill(service, users)
    with service.engine.begin() as conn:
        drop_audit_guard(conn)
        row = conn.execute(text("SELECT id, ts, actor, action, target, ip, before_json, after_json, prev_hash "
                                "FROM audit_events WHERE id = 3")).one()
        forged = row_hash(row[0], row[1], "mallory", *row[3:])
        conn.execute(text("UPDATE audit_events SET actor = 'mallory', hash = :h WHERE id = 3"), {"h": forged})
    result = service.verify_audit()
    assert not result.ok and result.bad_id == 4 and "does not follow" in result.message


@pytest.mark.parametrize("where", ["middle", "newest"])
def test_deleted_row_is_named(where: str, service: Any, users: Users) -> None:
    _fill(service, users)
    with service.engine.begin() as conn:
        last = conn.execute(text("SELECT max(id) FROM audit_events")).scalar_one()
    victim = 5 if where == "middle" else last
    _exec(service, "DELETE FROM audit_events WHERE id = :i", i=victim)
    result = service.verify_audit()
    assert not result.ok and result.bad_id == victim, result
    assert "removed" in result.message


def test_swapped_rows_are_named(service: Any, users: Users) -> None:
    _fill(service, users)
    cols = "ts, actor, action, target, ip, before_json, after_json, prev_hash, hash"
    with service.engine.begin() as conn:
        drop_audit_guard(conn)
        a = conn.execute(text(f"SELECT {cols} FROM audit_events WHERE id = 5")).one()
        b = conn.execute(text(f"SELECT {cols} FROM audit_events WHERE id = 6")).one()
        sets = ", ".join(f"{c.strip()} = :{c.strip()}" for c in cols.split(","))
        conn.execute(text(f"UPDATE audit_events SET {sets} WHERE id = 5"), dict(zip(cols.replace(" ", "").split(","), b,
                                                                                    strict=True)))
        conn.execute(text(f"UPDATE audit_events SET {sets} WHERE id = 6"), dict(zip(cols.replace(" ", "").split(","), a,
                                                                                    strict=True)))
    result = service.verify_audit()
    assert not result.ok and result.bad_id == 5


def test_every_change_is_recorded_with_who_where_and_states(service: Any, users: Users, tmp_path: Any) -> None:
    from desk.deskutil import realworld_docs
    from mosaicguard.desk import worker
    from mosaicguard.desk.service import Upload

    doc = realworld_docs()[0]
    (draft_id,) = service.submit(users.submitter, [Upload(doc.name, doc.read_bytes())], "press-release")
    assert worker.run_once(service)
    service.sanitise(users.reviewer, draft_id)
    service.verdict(users.approver, draft_id, "return", "names the site")
    events = service.events(users.reviewer, draft_id)
    actions = [e.action for e in events]
    assert actions == ["draft.submit", "job.start", "job.done", "draft.sanitise", "verdict.return"]
    submit = events[0]
    assert submit.actor == "sam" and submit.ip == "127.0.0.1" and submit.after is not None
    assert submit.after["filename"] == doc.name and submit.after["sha256"]
    assert events[-1].after == {"verdict": "return", "reasons": "names the site"}
    assert events[1].before == {"status": "queued"} and events[1].after is not None
    assert service.verify_audit().ok
