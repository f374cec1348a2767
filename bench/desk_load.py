"""Load on loopback through a real `mosaicguard serve` process (issue 11).

N concurrent API submissions of the real annotated documents (../shared/realworld/docs), then:
nothing lost or duplicated (the API lists exactly the ids it answered, each once, each done or
failed with a reason), the audit chain intact (`mosaicguard audit verify` exit 0), throughput in
submissions per minute (first submission to last job done), and the latency of the review page
(GET /drafts/{id} as a logged-in reviewer, every done draft, several rounds): p50 and p95.

    python bench/desk_load.py                       # SQLite in a temporary folder
    python bench/desk_load.py --db postgresql+psycopg://...   # an empty PostgreSQL database
    python bench/desk_load.py --submissions 20 --workers 1 --rounds 5 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
REALWORLD = REPO / ".." / "shared" / "realworld" / "docs"
PASSWORD = "bench password 2026"


def _cli(*args: str, stdin: str | None = None) -> str:
    cmd = [sys.executable, "-c", "import sys; from mosaicguard.cli import main; sys.exit(main(sys.argv[1:]))", *args]
    done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=True, timeout=300)
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="desk-load-"))
    db = args.db or f"sqlite:///{work / 'desk.db'}"
    _cli("users", "add", "poster", "--role", "submitter", "--db", db, stdin=PASSWORD + "\n")
    _cli("users", "add", "checker", "--role", "reviewer", "--db", db, stdin=PASSWORD + "\n")
    token = _cli("tokens", "create", "--db", db, "--user", "poster").strip()
    port = _free_port()
    serve = [sys.executable, "-c", "import sys; from mosaicguard.cli import main; sys.exit(main(sys.argv[1:]))",
             "serve", "--db", db, "--port", str(port), "--workers", str(args.workers), "--data-dir",
             str(work / "data"), "--policy", str(REPO / "samples" / "policy.yaml")]
    if args.corpus:
        serve += ["--corpus", args.corpus]
    log = (work / "serve.log").open("wb")
    server = subprocess.Popen(serve, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the server did not start; see {work / 'serve.log'}")
            time.sleep(0.2)
        every = sorted(REALWORLD.glob("*.txt"))
        docs = every[: args.submissions]
        if len(docs) < args.submissions:
            raise SystemExit(f"only {len(docs)} real documents under {REALWORLD}")
        headers = {"Authorization": f"Bearer {token}"}
        warm_ids: list[str] = []
        first_job_s = None
        if args.warm_up:
            # One draft first, timed alone: a fresh worker loads rules, gazetteers and date parsers
            # once; the N concurrent submissions then measure the steady state.
            t0 = time.perf_counter()
            r = httpx.post(f"{base}/api/v1/drafts", headers=headers, timeout=120,
                           files={"file": (every[-1].name, every[-1].read_bytes())})
            warm_ids.append(str(r.json()["id"]))
            while httpx.get(f"{base}/api/v1/drafts/{warm_ids[0]}", headers=headers,
                            timeout=60).json()["status"] not in ("done", "failed"):
                time.sleep(0.2)
            first_job_s = round(time.perf_counter() - t0, 2)

        def submit(path: Path) -> tuple[str, float]:
            t0 = time.perf_counter()
            r = httpx.post(f"{base}/api/v1/drafts", headers=headers, timeout=120,
                           files={"file": (path.name, path.read_bytes())}, data={"profile": "press-release"})
            r.raise_for_status()
            return str(r.json()["id"]), time.perf_counter() - t0

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.submissions) as pool:
            answers = list(pool.map(submit, docs))
        submitted = time.perf_counter() - start
        ids = [a[0] for a in answers]
        with httpx.Client(base_url=base, headers=headers, timeout=60) as api:
            while True:
                listed = [d for d in api.get("/api/v1/drafts").json() if d["id"] not in warm_ids]
                if all(d["status"] in ("done", "failed") for d in listed) and len(listed) >= len(ids):
                    break
                if time.monotonic() - start > args.timeout:
                    raise SystemExit("timed out waiting for the jobs")
                time.sleep(0.5)
        elapsed = time.perf_counter() - start
        listed_ids = [d["id"] for d in listed]
        failed = [d for d in listed if d["status"] == "failed"]
        lost = sorted(set(ids) - set(listed_ids))
        duplicated = len(listed_ids) - len(set(listed_ids))
        # the review page, as a reviewer in a browser would load it
        with httpx.Client(base_url=base, timeout=60) as browser:
            r = browser.post("/login", data={"username": "checker", "password": PASSWORD})
            if "mg_session" not in browser.cookies:
                raise SystemExit(f"reviewer login failed: {r.status_code}")
            latencies: list[float] = []
            for _ in range(args.rounds):
                for draft_id in ids:
                    t0 = time.perf_counter()
                    page = browser.get(f"/drafts/{draft_id}")
                    latencies.append(time.perf_counter() - t0)
                    if page.status_code != 200 or "<html" not in page.text.lower():
                        raise SystemExit(f"review page of {draft_id}: HTTP {page.status_code}")
        verify = subprocess.run([*serve[:3], "audit", "verify", "--db", db], capture_output=True, text=True,
                                timeout=120)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    return {
        "submissions": len(ids), "workers": args.workers, "db": db.split(":", 1)[0],
        "cpus": os.cpu_count(), "load_avg_1m_after": round(os.getloadavg()[0], 2),
        "first_job_after_start_s": first_job_s,
        "submit_wall_s": round(submitted, 2),
        "submit_p95_s": round(_p([a[1] for a in answers], 0.95), 3),
        "all_done_s": round(elapsed, 2), "submissions_per_min": round(len(ids) / elapsed * 60, 1),
        "lost": lost, "duplicated": duplicated, "failed": [(d["filename"], d["error"]) for d in failed],
        "audit_verify_exit": verify.returncode, "audit": verify.stdout.strip(),
        "review_page_requests": len(latencies),
        "review_page_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "review_page_p95_ms": round(_p(latencies, 0.95) * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary folder)")
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1, help="worker processes started by serve")
    parser.add_argument("--rounds", type=int, default=5, help="review-page loads per draft")
    parser.add_argument("--corpus", help="public corpus folder for the draft check (default: none)")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--no-warm-up", dest="warm_up", action="store_false",
                        help="submit the N drafts at once right after start (workers still warming up)")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    result = run(args)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    ok = not result["lost"] and not result["duplicated"] and result["audit_verify_exit"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
