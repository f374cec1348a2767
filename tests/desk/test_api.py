"""The REST API end to end on SQLite and PostgreSQL: submit real documents, poll, read findings
and exposures, decide, sanitise and download, verdict with callback, publish to the corpus,
tokens, OpenAPI; and the desk's CLI commands."""

from __future__ import annotations

import http.server
import io
import json
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import pytest

from desk.deskutil import PASSWORD, Users, realworld_docs
from mosaicguard.desk import worker
from office_factory import ID_NUMBER, PHONE, all_member_bytes, contains_text, make_docx
from pdf_factory import build_leaky_pdf


@pytest.fixture
def api(client_for: Callable[..., Any]) -> Any:
    return client_for(None)


def _submit(api: Any, headers: dict[str, str], name: str, data: bytes, **form: str) -> str:
    r = api.post("/api/v1/drafts", files={"file": (name, data)}, data=form, headers=headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _drain(service: Any) -> int:
    n = 0
    while worker.run_once(service):
        n += 1
    return n


def test_submit_poll_findings_and_exposures(api: Any, service: Any, users: Users, token_for: Any,
                                            tmp_path: Path) -> None:
    sam = token_for("sam")
    docx = make_docx(tmp_path / "notice.docx").read_bytes()
    pdf = build_leaky_pdf(tmp_path / "progress.pdf")
    ids = [_submit(api, sam, "notice.docx", docx, profile="procurement-notice"),
           _submit(api, sam, "progress.pdf", pdf)]
    queued = api.get(f"/api/v1/drafts/{ids[0]}", headers=sam).json()
    assert queued["status"] == "queued" and queued["findings"] is None
    assert _drain(service) == 2
    for draft_id in ids:
        body = api.get(f"/api/v1/drafts/{draft_id}", headers=sam).json()
        assert body["status"] == "done" and body["progress"] == 100
        assert body["findings"], body["filename"]
        for f in body["findings"]:  # the scan report's finding shape (docs/contracts.md)
            assert {"id", "category", "severity", "confidence", "match", "layer", "rule", "location"} <= set(f)
        assert isinstance(body["exposures"], list)
        assert body["report"]["files"][0]["path"] == body["filename"]
    docx_body = api.get(f"/api/v1/drafts/{ids[0]}", headers=sam).json()
    layers = {f["layer"] for f in docx_body["findings"]}
    assert {"metadata", "revision"} <= layers or len(layers) >= 3  # hidden data, not only the body
    masked = json.dumps(docx_body["findings"], ensure_ascii=False)
    assert PHONE not in masked and ID_NUMBER not in masked  # matches masked by default
    revealed = api.get(f"/api/v1/drafts/{ids[0]}?reveal=true", headers=sam).json()
    assert PHONE in json.dumps(revealed["findings"], ensure_ascii=False)


def test_decisions_baseline_sanitise_and_download(api: Any, service: Any, users: Users, token_for: Any,
                                                  tmp_path: Path) -> None:
    sam, rita = token_for("sam"), token_for("rita")
    docx = make_docx(tmp_path / "notice.docx").read_bytes()
    draft_id = _submit(api, sam, "notice.docx", docx, profile="procurement-notice")
    _drain(service)
    findings = api.get(f"/api/v1/drafts/{draft_id}", headers=rita).json()["findings"]
    phone = next(f for f in findings if f["category"] == "phone")
    other = next(f for f in findings if f["category"] != "phone")
    url = f"/api/v1/drafts/{draft_id}/findings"
    # a submitter does not decide; an accepted risk needs a reason
    assert api.post(f"{url}/{phone['id']}/decision", json={"decision": "must_fix"}, headers=sam).status_code == 403
    r = api.post(f"{url}/{other['id']}/decision", json={"decision": "accepted_risk"}, headers=rita)
    assert r.status_code == 400 and "reason" in r.json()["detail"]
    assert api.post(f"{url}/{other['id']}/decision", json={"decision": "accepted_risk", "reason": "public anyway"},
                    headers=rita).status_code == 200
    assert api.post(f"{url}/nope/decision", json={"decision": "must_fix"}, headers=rita).status_code == 404
    r = api.post(f"{url}/{phone['id']}/decision", json={"decision": "false_positive"}, headers=rita)
    assert r.status_code == 200 and r.json()["decision"] == "false_positive"
    decisions = api.get(f"/api/v1/drafts/{draft_id}", headers=rita).json()["decisions"]
    assert decisions[other["id"]]["reason"] == "public anyway" and decisions[phone["id"]]["by"] == "rita"
    # the false positive went to the profile's baseline: a later scan of that profile hides it
    again = _submit(api, sam, "notice.docx", docx, profile="procurement-notice")
    _drain(service)
    later = api.get(f"/api/v1/drafts/{again}", headers=rita).json()
    assert phone["id"] not in {f["id"] for f in later["findings"]}
    assert later["report"]["summary"]["suppressed"]["baseline"] == 1
    # sanitise: the package's sanitiser, re-scanned; the accepted/false-positive findings are kept
    r = api.post(f"/api/v1/drafts/{draft_id}/sanitise", headers=rita)
    assert r.status_code == 200, r.text
    san = r.json()
    assert san["status"] == "sanitized" and san["actions"] and san["sha256"]
    clean = api.get(f"/api/v1/drafts/{draft_id}/sanitised", headers=sam)
    assert clean.status_code == 200 and clean.content[:2] == b"PK"
    assert clean.headers["content-disposition"].startswith("attachment;")
    assert not contains_text(all_member_bytes(clean.content), ID_NUMBER)  # must-fix content gone
    assert contains_text(all_member_bytes(clean.content), PHONE)  # the false positive is left alone


class _Hook(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        _Hook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[str]:
    _Hook.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/verdict"
    finally:
        server.shutdown()
        server.server_close()


def test_verdict_callback_and_publish(api: Any, service: Any, users: Users, token_for: Any, hook: str) -> None:
    sam, alan = token_for("sam"), token_for("alan")
    docs = realworld_docs()
    first = _submit(api, sam, docs[3].name, docs[3].read_bytes(), callback_url=hook)
    _drain(service)
    assert api.get(f"/api/v1/drafts/{first}", headers=sam).json()["check"] is None  # no corpus yet
    r = api.post(f"/api/v1/drafts/{first}/verdict", json={"verdict": "return"}, headers=alan)
    assert r.status_code == 400 and "reasons" in r.json()["detail"]
    assert api.post(f"/api/v1/drafts/{first}/publish", headers=alan).status_code == 409  # not approved
    r = api.post(f"/api/v1/drafts/{first}/verdict", json={"verdict": "approve"}, headers=alan)
    assert r.status_code == 200 and r.json()["by"] == "alan"
    assert _Hook.received == [{**_Hook.received[0], "id": first, "verdict": "approve", "by": "alan"}]
    assert api.post(f"/api/v1/drafts/{first}/verdict", json={"verdict": "approve"}, headers=alan).status_code == 409
    r = api.post(f"/api/v1/drafts/{first}/publish", headers=alan)
    assert r.status_code == 200 and r.json()["published"] is True
    # later checks know the published document
    second = _submit(api, sam, docs[4].name, docs[4].read_bytes())
    _drain(service)
    check = api.get(f"/api/v1/drafts/{second}", headers=sam).json()["check"]
    assert check is not None and check["corpus"]["documents"] == 1
    assert [d["path"] for d in check["drafts"]] == [docs[4].name]  # named as uploaded, not by its path on disk
    events = [e["action"] for e in api.get(f"/api/v1/drafts/{first}/events", headers=alan).json()]
    assert events[-3:] == ["verdict.approve", "verdict.callback", "draft.publish"]
    assert service.verify_audit().ok


def test_callback_only_to_allowed_hosts(api: Any, service: Any, users: Users, token_for: Any, hook: str) -> None:
    """A submitter cannot make the desk POST to an address of their choosing (SSRF): only hosts the
    operator allowed (here 127.0.0.1) are accepted, and nothing is stored for a refused one."""
    sam = token_for("sam")
    data = realworld_docs()[3].read_bytes()
    before = len(api.get("/api/v1/drafts", headers=sam).json())
    for url in ("http://169.254.169.254/latest/meta-data", "http://localhost:5432/", "file:///etc/passwd",
                "gopher://127.0.0.1/"):
        r = api.post("/api/v1/drafts", files={"file": ("a.txt", data)}, data={"callback_url": url}, headers=sam)
        assert r.status_code == 400, (url, r.text)
        assert "callback" in r.json()["detail"]
    assert len(api.get("/api/v1/drafts", headers=sam).json()) == before
    service.settings = replace(service.settings, callback_hosts=())
    r = api.post("/api/v1/drafts", files={"file": ("a.txt", data)}, data={"callback_url": hook}, headers=sam)
    assert r.status_code == 400 and "--callback-host" in r.json()["detail"]


def test_retry_tokens_and_openapi(api: Any, service: Any, users: Users, token_for: Any) -> None:
    sam, ada = token_for("sam"), token_for("ada")
    doc = realworld_docs()[5]
    draft_id = _submit(api, sam, doc.name, doc.read_bytes())
    _drain(service)
    r = api.post(f"/api/v1/drafts/{draft_id}/retry", headers=sam)
    assert r.status_code == 409 and "only a failed draft" in r.json()["detail"]
    assert api.post("/api/v1/tokens", json={"user": "sue"}, headers=sam).status_code == 403
    r = api.post("/api/v1/tokens", json={"user": "sue", "name": "platform"}, headers=ada)
    assert r.status_code == 201
    sue = {"Authorization": f"Bearer {r.json()['token']}"}
    assert api.get("/api/v1/drafts", headers=sue).json() == []
    spec = api.get("/api/v1/openapi.json", headers=sam).json()
    post = spec["paths"]["/api/v1/drafts"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert {"/api/v1/drafts/{draft_id}", "/api/v1/drafts/{draft_id}/verdict", "/api/v1/tokens"} <= set(spec["paths"])


def test_cli_users_tokens_and_audit(run_cli: Callable[..., Any], service: Any, monkeypatch: Any) -> None:
    url = service.settings.db_url
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    out = run_cli("users", "add", "li.ming", "--role", "reviewer", "--db", url)
    assert out.code == 0, out.err
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    out = run_cli("users", "add", "wang", "--role", "reviewer", "--db", url)
    assert out.code == 2 and "at least 10" in out.err
    out = run_cli("tokens", "create", "--db", url, "--user", "li.ming")
    assert out.code == 0
    actor = service.actor_for_token(out.out.strip(), None)
    assert actor is not None and actor.username == "li.ming" and actor.role == "reviewer"
    assert run_cli("tokens", "create", "--db", url, "--user", "nobody").code == 2
    assert run_cli("audit", "verify", "--db", url).code == 0
    assert run_cli("migrate", "--db", url).code == 0


def test_registry_check_in_the_job(api: Any, service: Any, users: Users, token_for: Any, tmp_path: Path,
                                   run_cli: Callable[..., Any]) -> None:
    """With a fingerprint registry configured, the job reports the draft's passages of a
    registered confidential document (the package's registry detector, as `scan --registry`)."""
    import dataclasses

    from mosaicguard.desk.service import DeskService

    docs = realworld_docs()
    confidential = tmp_path / "conf" / "internal-plan.txt"
    confidential.parent.mkdir()
    confidential.write_bytes(docs[6].read_bytes())
    registry, key = tmp_path / "registry.db", tmp_path / "registry.key"
    out = run_cli("register", str(confidential.parent), "--registry", str(registry), "--key-file", str(key),
                  "--label", "internal", "-q")
    assert out.code == 0, out.err
    with_registry = DeskService(dataclasses.replace(service.settings, registry_path=registry,
                                                    registry_key_file=key))
    try:
        sam = token_for("sam")
        leaked = _submit(api, sam, "draft.txt", b"Draft for the website.\n\n" + docs[6].read_bytes())
        clean = _submit(api, sam, "other.txt", docs[7].read_bytes())
        assert _drain(with_registry) == 2
        leaked_body = api.get(f"/api/v1/drafts/{leaked}", headers=sam).json()
        clean_body = api.get(f"/api/v1/drafts/{clean}", headers=sam).json()
    finally:
        with_registry.close()
    assert any(f["category"] == "fingerprint" for f in leaked_body["findings"])
    assert not any(f["category"] == "fingerprint" for f in clean_body["findings"])


def test_publish_into_a_trusted_corpus_index(api: Any, service: Any, users: Users, token_for: Any,
                                             tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """`serve --corpus-index DB` alone (the issue's command): the index is used as it is, and a
    published draft is added to it with the corpus reader's code, so the next check counts it."""
    import dataclasses

    from desk.deskutil import SAMPLES
    from mosaicguard.desk.service import DeskService

    index = tmp_path / "public.db"
    out = run_cli("aggregate", str(SAMPLES / "corpus"), "--policy", str(SAMPLES / "policy.yaml"), "--index",
                  str(index), "-o", str(tmp_path / "agg.json"), "-q")
    assert out.code in (0, 1), out.err
    desk = DeskService(dataclasses.replace(service.settings, corpus_index=index, corpus_dirs=()))
    try:
        sam, alan = token_for("sam"), token_for("alan")
        docs = realworld_docs()
        first = _submit(api, sam, docs[9].name, docs[9].read_bytes())
        _drain(desk)
        before = api.get(f"/api/v1/drafts/{first}", headers=sam).json()["check"]["corpus"]
        assert before["trusted_index"] is True and before["documents"] >= 5
        assert api.post(f"/api/v1/drafts/{first}/verdict", json={"verdict": "approve"}, headers=alan).status_code == 200
        app_publish = desk.publish(users.approver, first)
        assert app_publish.published
        second = _submit(api, sam, docs[10].name, docs[10].read_bytes())
        _drain(desk)
        after = api.get(f"/api/v1/drafts/{second}", headers=sam).json()["check"]["corpus"]
    finally:
        desk.close()
    assert after["documents"] == before["documents"] + 1
