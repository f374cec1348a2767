"""The job queue: a crash fails the job with its reason and it can be retried; an expired lease
(a dead worker) re-queues the job, then fails it with the reason after max attempts; kill -9 of a
real worker process mid-job, then a new worker: every job ends done or failed-with-reason."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from desk.deskutil import SAMPLES, Users, realworld_docs, wait_until
from mosaicguard.desk import worker
from mosaicguard.desk.models import Job
from mosaicguard.desk.service import DeskService, Upload
from office_factory import make_docx
from pdf_factory import build_leaky_pdf


def test_crash_fails_with_reason_then_retry(service: Any, users: Users, tmp_path: Path) -> None:
    bad_index = tmp_path / "not-an-index.db"
    bad_index.write_bytes(b"this is not an SQLite database" * 100)
    broken = DeskService(dataclasses.replace(service.settings, corpus_index=bad_index))
    try:
        doc = realworld_docs()[1]
        (draft_id,) = broken.submit(users.submitter, [Upload(doc.name, doc.read_bytes())])
        assert worker.run_once(broken)
        summary = broken.draft(users.submitter, draft_id).summary
        assert summary.status == "failed"
        assert summary.error and "DatabaseError" in summary.error  # the reason, not just "failed"
        bad_index.unlink()  # the cause is fixed; the submitter retries
        assert broken.retry(users.submitter, draft_id).status == "queued"
        assert worker.run_once(broken)
        assert broken.draft(users.submitter, draft_id).summary.status == "done"
    finally:
        broken.close()


def test_expired_leases_requeue_then_fail_with_reason(service: Any, users: Users) -> None:
    doc = realworld_docs()[2]
    (draft_id,) = service.submit(users.submitter, [Upload(doc.name, doc.read_bytes())])
    attempts = service.settings.max_attempts
    for n in range(1, attempts + 1):
        assert worker.claim(service, f"ghost-{n}") == draft_id  # a worker that then dies
        with service.tx() as s:
            job = s.execute(select(Job).where(Job.draft_id == draft_id)).scalar_one()
            assert job.attempts == n and job.status == "running"
            s.execute(update(Job).where(Job.id == job.id).values(lease_expires=time.time() - 1))
    assert worker.claim(service, "next") is None  # out of attempts: failed, not handed out again
    summary = service.draft(users.submitter, draft_id).summary
    assert summary.status == "failed"
    assert summary.error and f"{attempts} time(s)" in summary.error and "ghost-3" in summary.error
    actions = [e.action for e in service.events(users.reviewer, draft_id)]
    assert actions.count("job.requeued") == attempts - 1 and actions[-1] == "job.failed"
    assert service.verify_audit().ok


def _worker_process(service: Any, log: Path) -> subprocess.Popen[bytes]:
    st = service.settings
    argv = [sys.executable, "-c", "import sys; from mosaicguard.cli import main; sys.exit(main(sys.argv[1:]))",
            "worker", "--db", st.db_url, "--data-dir", str(st.data_dir), "--policy", str(st.policy_path),
            "--corpus", str(SAMPLES / "corpus"), "--lease-seconds", "3", "--max-attempts", "3"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.Popen(argv, stdout=log.open("ab"), stderr=subprocess.STDOUT, env=env)


def test_kill_9_mid_job_then_restart(service: Any, users: Users, tmp_path: Path) -> None:
    uploads = [Upload(p.name, p.read_bytes()) for p in realworld_docs()[:3]]
    uploads.append(Upload("planted.docx", make_docx(tmp_path / "planted.docx").read_bytes()))
    uploads.append(Upload("leaky.pdf", build_leaky_pdf(tmp_path / "leaky.pdf")))
    ids = service.submit(users.submitter, uploads, "procurement-notice")
    log = tmp_path / "worker.log"
    first = _worker_process(service, log)
    try:
        def running() -> bool:
            return any(d.status == "running" for d in service.list_drafts(users.reviewer))

        assert wait_until(running, timeout=90), log.read_text()
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    statuses = {d.id: d.status for d in service.list_drafts(users.reviewer)}
    assert "running" in statuses.values()  # the killed worker left a job mid-way
    second = _worker_process(service, log)
    try:
        def settled() -> bool:
            return all(d.status in ("done", "failed") for d in service.list_drafts(users.reviewer))

        assert wait_until(settled, timeout=180), log.read_text()
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            second.kill()
    drafts = service.list_drafts(users.reviewer)
    assert sorted(d.id for d in drafts) == sorted(ids)  # nothing lost, nothing duplicated
    for d in drafts:
        assert d.status == "done" or (d.status == "failed" and d.error), d
    # the interrupted job was taken up again (a second attempt) and finished
    assert max(d.attempts for d in drafts) >= 2
    assert all(d.status == "done" for d in drafts), [(d.filename, d.error) for d in drafts]
    with service.tx() as s:
        assert s.execute(select(Job).where(Job.status.in_(("queued", "running")))).first() is None
    assert service.verify_audit().ok


def test_serve_runs_a_worker_and_stops_it(tmp_path: Path) -> None:
    """`mosaicguard serve` starts the web server and one worker process; a submission made through
    the API is done; SIGTERM to the server stops its worker too."""
    import httpx

    from desk.deskutil import PASSWORD, free_port

    db = f"sqlite:///{tmp_path / 'desk.db'}"
    cli = [sys.executable, "-c", "import sys; from mosaicguard.cli import main; sys.exit(main(sys.argv[1:]))"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    subprocess.run([*cli, "users", "add", "poster", "--role", "submitter", "--db", db], input=PASSWORD + "\n",
                   text=True, check=True, env=env, capture_output=True)
    token = subprocess.run([*cli, "tokens", "create", "--db", db, "--user", "poster"], text=True, check=True,
                           env=env, capture_output=True).stdout.strip()
    port = free_port()
    server = subprocess.Popen([*cli, "serve", "--db", db, "--port", str(port), "--data-dir", str(tmp_path / "data")],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        def up() -> bool:
            try:
                return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        assert wait_until(up, timeout=60)
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True,
                                  text=True).stdout.split()
        assert len(children) == 1  # the worker process
        headers = {"Authorization": f"Bearer {token}"}
        doc = realworld_docs()[8]
        r = httpx.post(f"{base}/api/v1/drafts", headers=headers, files={"file": (doc.name, doc.read_bytes())})
        draft_id = r.json()["id"]

        def done() -> bool:
            return bool(httpx.get(f"{base}/api/v1/drafts/{draft_id}", headers=headers).json()["status"] == "done")

        assert wait_until(done, timeout=120)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    worker_pid = int(children[0])
    assert wait_until(lambda: not Path(f"/proc/{worker_pid}").exists() or
                      Path(f"/proc/{worker_pid}/stat").read_text().split()[2] == "Z", timeout=20)


def test_a_trusted_index_of_another_policy_fails_the_check_with_the_reason(
        service: Any, users: Users, tmp_path: Path) -> None:
    """`serve --corpus-index DB` alone answers from the index as it is: an index whose facts were
    extracted for another policy (here, without the desk policy's protected subjects) would
    report an exposure already public as new. The job fails with the reason, as `check
    --trust-index` refuses it (one rule: `Aggregator.trust_problem`); rebuilt, the retry is done."""
    from mosaicguard.aggregate.engine import AggregateOptions, Aggregator
    from mosaicguard.aggregate.index import SQLiteFactStore
    from mosaicguard.policy.load import load_policy
    from mosaicguard.policy.schema import Policy

    index = tmp_path / "public.db"

    def build(policy: Policy) -> None:
        store = SQLiteFactStore(str(index))
        try:
            Aggregator(store, AggregateOptions(policy=policy)).aggregate([str(SAMPLES / "corpus")])
        finally:
            store.close()

    build(Policy.model_validate({"version": 1}))
    desk = DeskService(dataclasses.replace(service.settings, corpus_index=index, corpus_dirs=()))
    try:
        doc = realworld_docs()[1]
        (draft_id,) = desk.submit(users.submitter, [Upload(doc.name, doc.read_bytes())])
        assert worker.run_once(desk)
        summary = desk.draft(users.submitter, draft_id).summary
        assert summary.status == "failed"
        assert summary.error and "built for another policy" in summary.error
        assert service.settings.policy_path is not None
        build(load_policy(str(service.settings.policy_path)))  # rebuilt for the desk's policy
        assert desk.retry(users.submitter, draft_id).status == "queued"
        assert worker.run_once(desk)
        assert desk.draft(users.submitter, draft_id).summary.status == "done"
    finally:
        desk.close()
