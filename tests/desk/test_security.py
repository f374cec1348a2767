"""Security of the desk: login everywhere, CSRF, lockout, isolation, upload refusals, headers,
nothing secret or user-named on disk or in the database. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desk.deskutil import PASSWORD, Users, realworld_docs
from mosaicguard.desk import worker
from mosaicguard.desk.app import is_public
from office_factory import make_docx
from pdf_factory import build_leaky_pdf


def _concrete(path: str) -> str:
    """A route path with its parameters filled in (`{draft_id}` -> a plausible id)."""
    return re.sub(r"\{[^}]+\}", "0123456789abcdef0123456789abcdef", path).replace(".{fmt}", ".html")


def _all_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every route the app serves, found by walking the app (not hand-listed)."""
    from starlette.routing import Mount, Route

    out: list[tuple[str, str]] = []

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if isinstance(route, Route):
                for method in sorted(route.methods or {"GET"}):
                    out.append((method, prefix + route.path))
            elif isinstance(route, Mount):
                out.append(("GET", prefix + route.path.rstrip("/") + "/app.css"))
            elif hasattr(route, "original_router"):  # FastAPI >= 0.16x keeps included routers whole
                walk(route.original_router.routes, prefix + getattr(route.include_context, "prefix", ""))

    walk(app.routes, "")
    return out


def test_every_route_refuses_anonymous_access(app: Any, client_for: Callable[..., Any]) -> None:
    client = client_for(None)
    routes = _all_routes(app)
    assert any(p.startswith("/api/v1/drafts") for _, p in routes) and len(routes) > 15
    checked = 0
    for method, path in routes:
        if is_public(method, path) or path == "/healthz":
            continue
        r = client.request(method, _concrete(path), follow_redirects=False)
        checked += 1
        assert r.status_code in (401, 303), (method, path, r.status_code)
        if r.status_code == 303:
            assert r.headers["location"] == "/login", (method, path)
        assert "Content-Security-Policy" in r.headers
    assert checked > 15
    assert client.get("/healthz").status_code == 200
    assert client.get("/login").status_code == 200


def test_bearer_token_and_bad_tokens(app: Any, client_for: Callable[..., Any], token_for: Any,
                                     users: Users) -> None:
    client = client_for(None)
    assert client.get("/api/v1/drafts", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/v1/drafts", headers=token_for("sam")).status_code == 200


def test_csrf_refused_without_token(client_for: Callable[..., Any], service: Any, users: Users) -> None:
    rita = client_for("rita")
    data = realworld_docs()[0].read_bytes()
    files = {"file": ("notice.txt", data, "text/plain")}
    r = rita.post("/api/v1/drafts", files=files)
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    r = rita.post("/api/v1/drafts", files=files, headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403
    assert service.list_drafts(users.reviewer) == []  # nothing was stored
    r = rita.post("/api/v1/drafts", files=files, headers={"X-CSRF-Token": rita.csrf})
    assert r.status_code == 201, r.text
    # a form POST of the web pages: the hidden field is the token
    r = rita.post("/logout", data={}, follow_redirects=False)
    assert r.status_code == 403
    r = rita.post("/logout", data={"csrf_token": rita.csrf}, follow_redirects=False)
    assert r.status_code in (302, 303)
    assert rita.get("/api/v1/drafts").status_code == 401  # the session is gone


def test_bearer_with_a_session_cookie_still_needs_csrf(client_for: Callable[..., Any], token_for: Any) -> None:
    rita = client_for("rita")
    r = rita.post("/api/v1/tokens", json={"user": "sam"}, headers=token_for("ada"))
    assert r.status_code == 403  # a cookie came along: the browser could be acting on its own


def test_lockout_after_five_failures(client_for: Callable[..., Any], service: Any, users: Users) -> None:
    from mosaicguard.desk.service import AuthFailed, LockedOut

    for _ in range(5):
        with pytest.raises(AuthFailed) as exc:
            service.login("rita", "wrong password!", "10.0.0.1")
        assert not isinstance(exc.value, LockedOut)
    with pytest.raises(LockedOut):
        service.login("rita", PASSWORD, "10.0.0.1")  # even the right password, for 15 minutes
    from sqlalchemy import select

    from mosaicguard.desk.models import AuditEvent

    with service.factory() as s:
        actions = list(s.execute(select(AuditEvent.action).where(AuditEvent.target == "user:rita")).scalars())
    assert actions.count("login.failed") == 5 and actions[-1] == "login.locked"
    client = client_for(None)
    r = client.post("/login", data={"username": "rita", "password": PASSWORD}, follow_redirects=False)
    assert "mg_session" not in client.cookies and r.status_code >= 400
    assert service.login("alan", PASSWORD, "10.0.0.1").user.username == "alan"  # others are not locked


def test_submitter_isolation_and_self_approval(service: Any, users: Users, token_for: Any,
                                               client_for: Callable[..., Any], tmp_path: Path) -> None:
    client = client_for(None)
    sam, sue, alan = token_for("sam"), token_for("sue"), token_for("alan")
    docx = make_docx(tmp_path / "planted.docx")
    r = client.post("/api/v1/drafts", files={"file": ("planted.docx", docx.read_bytes())}, headers=sam)
    draft_id = r.json()["id"]
    assert worker.run_once(service)
    assert client.get(f"/api/v1/drafts/{draft_id}", headers=sam).json()["status"] == "done"
    assert client.get(f"/api/v1/drafts/{draft_id}", headers=sue).status_code == 404
    assert client.get("/api/v1/drafts", headers=sue).json() == []
    assert client.get(f"/api/v1/drafts/{draft_id}/events", headers=sue).status_code == 404
    assert client.post(f"/api/v1/drafts/{draft_id}/sanitise", headers=sue).status_code == 404
    # an approver may not approve their own draft
    r = client.post("/api/v1/drafts", files={"file": ("own.docx", docx.read_bytes())}, headers=alan)
    own = r.json()["id"]
    assert worker.run_once(service)
    r = client.post(f"/api/v1/drafts/{own}/verdict", json={"verdict": "approve"}, headers=alan)
    assert r.status_code == 403 and "own" in r.json()["detail"]
    r = client.post(f"/api/v1/drafts/{draft_id}/verdict", json={"verdict": "approve"}, headers=sam)
    assert r.status_code == 403
    assert client.post(f"/api/v1/drafts/{draft_id}/verdict", json={"verdict": "approve"},
                       headers=alan).status_code == 200


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (40 * 1024 * 1024))
    return buf.getvalue()


@pytest.mark.parametrize("case", ["oversize", "zip_bomb", "lying_extension", "too_many", "unknown_content"])
def test_refused_uploads(case: str, service: Any, users: Users, client_for: Callable[..., Any], token_for: Any,
                         tmp_path: Path) -> None:
    client = client_for(None)
    pdf = build_leaky_pdf(tmp_path / "leaky.pdf")
    files: list[tuple[str, tuple[str, bytes]]]
    if case == "oversize":
        files = [("file", ("big.txt", b"a" * (service.settings.max_upload_bytes + 1)))]
        message = "over the upload limit"
    elif case == "zip_bomb":
        bomb = _zip_bomb()
        assert len(bomb) < service.settings.max_upload_bytes
        files = [("file", ("report.docx", bomb))]
        message = "zip bomb"
    elif case == "lying_extension":
        files = [("file", ("harmless.txt", pdf))]
        message = "the extension lies"
    elif case == "too_many":
        files = [("file", (f"n{i}.txt", b"notice text")) for i in range(service.settings.max_files_per_submit + 1)]
        message = "over the limit"
    else:
        files = [("file", ("blob.bin", bytes(range(256)) * 4))]
        message = "not a kind of file"
    r = client.post("/api/v1/drafts", files=files, headers=token_for("sam"))
    assert r.status_code in (400, 413), r.text
    assert message in r.json()["detail"]
    assert service.list_drafts(users.reviewer) == []
    uploads = service.settings.uploads_dir
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_file_names_never_reach_the_filesystem(service: Any, users: Users, client_for: Callable[..., Any],
                                               token_for: Any, tmp_path: Path) -> None:
    client = client_for(None)
    evil = "../../../tmp/evil\x00name;rm -rf.pdf"
    pdf = build_leaky_pdf(tmp_path / "leaky.pdf")
    r = client.post("/api/v1/drafts", files={"file": (evil, pdf)}, headers=token_for("sam"))
    assert r.status_code == 201, r.text
    draft_id = r.json()["id"]
    names = [p.name for p in service.settings.data_dir.rglob("*")]
    assert f"{draft_id}.pdf" in names
    assert all(re.fullmatch(r"[0-9a-f]{32}\.\w+|uploads|sanitised|baselines|published", n) for n in names), names
    listed = client.get(f"/api/v1/drafts/{draft_id}", headers=token_for("sam")).json()
    assert "/" not in listed["filename"] and "\x00" not in listed["filename"]


def test_secrets_not_stored_in_clear(service: Any, users: Users, client_for: Callable[..., Any]) -> None:
    from sqlalchemy import select

    from mosaicguard.desk.models import Base, User

    token = service.create_token("sam")
    rita = client_for("rita")
    cookie = rita.cookies["mg_session"]
    with service.factory() as s:
        stored = "\n".join(str(tuple(row)) for table in Base.metadata.sorted_tables
                           for row in s.execute(select(table)))
        hashes = list(s.execute(select(User.password_hash)).scalars())
    assert "rita" in stored  # the dump is real
    for secret in (token, cookie, PASSWORD):
        assert secret not in stored
    assert all(h.startswith("$argon2id$") for h in hashes)
    url = service.settings.db_url
    if url.startswith("sqlite:///"):  # and not in the file's bytes either (WAL included)
        db = Path(url.removeprefix("sqlite:///"))
        blob = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
        assert all(secret.encode() not in blob for secret in (token, cookie, PASSWORD))


def test_security_headers(client_for: Callable[..., Any], token_for: Any) -> None:
    client = client_for("rita")
    for path in ("/login", "/drafts", "/api/v1/drafts", "/api/v1/openapi.json"):
        r = client.get(path)
        assert r.status_code == 200, path
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    cookie = next(c for c in client.cookies.jar if c.name == "mg_session")
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert str(cookie.get_nonstandard_attr("SameSite")).lower() == "strict"
