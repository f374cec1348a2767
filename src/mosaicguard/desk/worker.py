"""The job queue in the database, and the worker process that drains it.

A worker claims one queued job at a time with a lease (PostgreSQL: `SELECT ... FOR UPDATE SKIP
LOCKED`; SQLite: one atomic `UPDATE ... WHERE` under the BEGIN IMMEDIATE lock), renews the lease
from a heartbeat thread while it works, and records done or failed-with-reason. A worker killed
mid-job (kill -9, power cut) leaves its lease to run out: the next claim re-queues the job, and
after `max_attempts` expired leases marks it failed with the reason. Nothing is lost: the job and
the upload are in the database and the data folder before the submitter gets the id.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
import traceback
from datetime import UTC, datetime
from types import FrameType

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from . import audit
from .models import Draft, Job
from .service import DeskService


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:64]


def reap_expired(s: Session, max_attempts: int, now: float) -> None:
    """Re-queue jobs whose lease ran out (their worker died); fail those out of attempts."""
    stmt = select(Job).where(Job.status == "running", Job.lease_expires < now).order_by(Job.id)
    if s.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    for job in s.execute(stmt).scalars():
        draft = s.get(Draft, job.draft_id)
        owner = job.lease_owner
        if job.attempts >= max_attempts:
            reason = (f"the worker stopped while working on this draft {job.attempts} time(s) (killed or crashed "
                      f"while reading it; last worker {owner}); not retried automatically")
            job.status, job.error, job.lease_owner, job.finished_at = "failed", reason, None, datetime.now(UTC)
            if draft is not None:
                draft.status, draft.stage, draft.error, draft.updated_at = "failed", "failed", reason, datetime.now(UTC)
            audit.append(s, "worker", "job.failed", f"draft:{job.draft_id}", None, {"status": "running"},
                         {"status": "failed", "error": reason, "attempts": job.attempts})
        else:
            job.status, job.lease_owner, job.lease_expires = "queued", None, None
            if draft is not None:
                draft.status, draft.stage, draft.progress = "queued", "queued", 0
            audit.append(s, "worker", "job.requeued", f"draft:{job.draft_id}", None,
                         {"status": "running", "owner": owner}, {"status": "queued", "attempts": job.attempts})


def claim(service: DeskService, owner: str) -> str | None:
    """Claim the oldest queued job for `owner`; returns its draft id (None: nothing to do)."""
    st = service.settings
    with service.tx() as s:
        now = time.time()
        reap_expired(s, st.max_attempts, now)
        lease = now + st.lease_seconds
        if s.get_bind().dialect.name == "postgresql":
            job = s.execute(select(Job).where(Job.status == "queued").order_by(Job.id).limit(1)
                            .with_for_update(skip_locked=True)).scalar_one_or_none()
            if job is None:
                return None
            job.status, job.lease_owner, job.lease_expires = "running", owner, lease
            job.attempts += 1
            draft_id: str | None = job.draft_id
            attempts = job.attempts
        else:
            row = s.execute(text(
                "UPDATE jobs SET status='running', lease_owner=:owner, lease_expires=:lease, attempts=attempts+1 "
                "WHERE id = (SELECT id FROM jobs WHERE status='queued' ORDER BY id LIMIT 1) AND status='queued' "
                "RETURNING draft_id, attempts"), {"owner": owner, "lease": lease}).first()
            if row is None:
                return None
            draft_id, attempts = str(row[0]), int(row[1])
        draft = s.get(Draft, draft_id)
        if draft is not None:
            draft.status, draft.stage, draft.progress, draft.updated_at = "running", "scan", 5, datetime.now(UTC)
        audit.append(s, "worker", "job.start", f"draft:{draft_id}", None, {"status": "queued"},
                     {"status": "running", "attempt": attempts, "worker": owner})
        return draft_id


def _renew(service: DeskService, draft_id: str, owner: str) -> bool:
    """Extend the lease; False when the job is no longer ours (re-queued after a stall)."""
    with service.tx() as s:
        result = s.execute(update(Job).where(Job.draft_id == draft_id, Job.lease_owner == owner,
                                             Job.status == "running")
                           .values(lease_expires=time.time() + service.settings.lease_seconds))
        return bool(getattr(result, "rowcount", 0))


def finish(service: DeskService, draft_id: str, owner: str, error: str | None) -> None:
    """Record the end of a job (only if the lease is still ours)."""
    with service.tx() as s:
        job = s.execute(select(Job).where(Job.draft_id == draft_id)).scalar_one_or_none()
        draft = s.get(Draft, draft_id)
        if job is None or draft is None or job.lease_owner != owner or job.status != "running":
            return
        now = datetime.now(UTC)
        job.status = "failed" if error else "done"
        job.error, job.lease_owner, job.lease_expires, job.finished_at = error, None, None, now
        draft.status = job.status
        draft.stage = "failed" if error else "done"
        draft.progress = 100
        draft.error = error
        draft.updated_at = now
        after: dict[str, object] = {"status": job.status}
        if error:
            after["error"] = error
        else:
            data = json.loads(draft.report_masked_json or "{}")
            after["findings"] = sum(len(f.get("findings", [])) for f in data.get("files", []))
        audit.append(s, "worker", "job.done" if not error else "job.failed", f"draft:{draft_id}", None,
                     {"status": "running"}, after)


def process(service: DeskService, draft_id: str, owner: str) -> None:
    """Run one claimed job with a heartbeat renewing its lease; record the outcome."""
    stop = threading.Event()

    def beat() -> None:
        interval = max(0.5, service.settings.lease_seconds / 3)
        while not stop.wait(interval):
            try:
                if not _renew(service, draft_id, owner):
                    return
            except Exception:  # noqa: BLE001 - a failed renewal is retried at the next beat
                continue

    heart = threading.Thread(target=beat, name=f"lease-{draft_id}", daemon=True)
    heart.start()
    error: str | None = None
    try:
        service.run_job(draft_id)
    except Exception as exc:  # noqa: BLE001 - any failure of one job is recorded, never ends the worker
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f" at {os.path.basename(frame.filename)}:{frame.lineno}" if frame else ""
        error = f"{type(exc).__name__}: {exc}{where}"[:2000]
    finally:
        stop.set()
        heart.join(timeout=5)
    finish(service, draft_id, owner, error)


def run_once(service: DeskService, owner: str | None = None) -> bool:
    """Claim and run one job; False when the queue was empty."""
    owner = owner or _owner()
    draft_id = claim(service, owner)
    if draft_id is None:
        return False
    process(service, draft_id, owner)
    return True


def run_forever(service: DeskService, poll_seconds: float = 0.5, stop: threading.Event | None = None) -> None:
    """Drain the queue until SIGTERM/SIGINT (or `stop` is set)."""
    stop = stop or threading.Event()

    def _term(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _term)
        signal.signal(signal.SIGINT, _term)
    owner = _owner()
    try:
        service.warm_up()
    except Exception:  # noqa: BLE001 - a failed warm-up only means a slower first job
        traceback.print_exc()
    while not stop.is_set():
        try:
            worked = run_once(service, owner)
        except Exception:  # noqa: BLE001 - the database may be briefly unavailable; try again
            traceback.print_exc()
            worked = False
        if not worked:
            stop.wait(poll_seconds)
