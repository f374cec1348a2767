"""The HTML pages through the real app (SQLite, the worker's job code run in-process): language
switch, login errors, progress JSON, per-user visibility, pages and downloads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mosaicguard.desk import db, worker
from mosaicguard.desk.app import create_app
from mosaicguard.desk.service import DeskService
from mosaicguard.desk.settings import DeskSettings
from office_factory import make_docx

USERS = {"wang": "submitter", "chen": "submitter", "li": "reviewer"}


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("desk")
    url = f"sqlite:///{root / 'desk.db'}"
    db.migrate(url)
    service = DeskService(DeskSettings(db_url=url, data_dir=root / "data"))
    for name, role in USERS.items():
        service.add_user(name, f"{name}-password-123", role)  # type: ignore[arg-type]
    yield {"service": service, "app": create_app(service.settings, service), "root": root}


def _client(desk: dict[str, Any], name: str) -> TestClient:
    client = TestClient(desk["app"], base_url="http://127.0.0.1")
    response = client.post("/login", data={"username": name, "password": f"{name}-password-123"},
                           follow_redirects=False)
    assert response.status_code == 303
    return client


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _submit(client: TestClient, path: Path, service: DeskService) -> str:
    token = _csrf(client.get("/upload").text)
    response = client.post("/upload", data={"csrf_token": token}, follow_redirects=False,
                           files=[("files", (path.name, path.read_bytes(), "application/octet-stream"))])
    assert response.status_code == 303, response.text
    (draft_id,) = response.headers["location"].split("ids=")[1].split("%2C")
    while worker.run_once(service):
        pass
    return draft_id


def test_login_page_language_and_wrong_password(desk: dict[str, Any]) -> None:
    client = TestClient(desk["app"], base_url="http://127.0.0.1")
    assert "登录" in client.get("/login").text
    response = client.get("/login?lang=en", follow_redirects=False)
    assert response.status_code == 303 and "mg_lang=en" in response.headers["set-cookie"]
    client.cookies.set("mg_lang", "en")
    page = client.post("/login", data={"username": "wang", "password": "wrong-password-1"})
    assert page.status_code == 401 and "Wrong user name or password." in page.text


def test_language_switch_stays_on_this_site(desk: dict[str, Any]) -> None:
    client = _client(desk, "li")
    token = _csrf(client.get("/drafts").text)
    for target, expected in (("/upload", "/upload"), ("//evil.example/x", "/drafts"),
                             ("https://evil.example/", "/drafts"), ("/\\evil.example", "/drafts")):
        response = client.post("/lang", data={"csrf_token": token, "lang": "en", "next": target},
                               follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == expected
    client.cookies.set("mg_lang", "en")
    assert "<h1>All drafts</h1>" in client.get("/drafts").text


def test_submitters_see_only_their_own_drafts(desk: dict[str, Any], tmp_path: Path) -> None:
    wang, chen, li = (_client(desk, n) for n in ("wang", "chen", "li"))
    draft_id = _submit(wang, make_docx(tmp_path / "notice.docx"), desk["service"])
    status = wang.get(f"/progress.json?ids={draft_id}").json()["drafts"]
    assert [d["status"] for d in status] == ["done"] and status[0]["findings"] > 0
    assert chen.get(f"/progress.json?ids={draft_id}").json()["drafts"] == []
    assert chen.get(f"/drafts/{draft_id}").status_code == 404
    assert draft_id not in chen.get("/drafts").text
    assert draft_id in li.get("/drafts").text
    review = li.get(f"/drafts/{draft_id}")
    assert review.status_code == 200 and 'class="hl' in review.text
    assert li.get(f"/drafts/{draft_id}/pages/1.png").status_code == 404  # a docx has no drawn pages
    record = li.get(f"/drafts/{draft_id}/record.html")
    assert record.status_code == 200 and record.headers["content-disposition"].startswith("attachment;")
    assert li.get(f"/drafts/{draft_id}/record.txt").status_code == 404


def test_upload_without_a_file_is_refused_with_a_message(desk: dict[str, Any]) -> None:
    client = _client(desk, "wang")
    token = _csrf(client.get("/upload").text)
    response = client.post("/upload", data={"csrf_token": token}, files=[("files", ("", b"", "text/plain"))])
    assert response.status_code == 400 and "请选择至少一个文件" in response.text


def test_refusals_are_explained_in_the_users_language(desk: dict[str, Any]) -> None:
    client = _client(desk, "chen")
    page = client.get("/drafts/no-such-draft")
    assert page.status_code == 404 and "未找到该稿件" in page.text


def test_login_form_is_refused_from_another_site(desk: dict[str, Any]) -> None:
    client = TestClient(desk["app"], base_url="http://127.0.0.1")
    form = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token and client.cookies.get("mg_login") == token.group(1)
    good = {"username": "wang", "password": "wang-password-123"}
    for headers, data in (({"Origin": "http://evil.example"}, {**good, "login_token": token.group(1)}),
                          ({"Origin": "null"}, good),
                          ({"Origin": "http://127.0.0.1"}, good),
                          ({"Sec-Fetch-Site": "cross-site"}, good),
                          ({"Origin": "null"}, {**good, "login_token": "forged-token-of-another-browser"})):
        refused = client.post("/login", data=data, headers=headers, follow_redirects=False)
        assert refused.status_code == 403 and "mg_session" not in refused.headers.get("set-cookie", "")
        assert "表单已过期或来源不明" in refused.text
    fresh = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text)
    assert fresh
    # What the desk's own page sends: Origin null (its no-referrer policy) and the matching token.
    ok = client.post("/login", data={**good, "login_token": fresh.group(1)},
                     headers={"Origin": "null"}, follow_redirects=False)
    assert ok.status_code == 303 and "mg_session=" in ok.headers["set-cookie"]
