"""`register --public DIR`: text that appears in public documents is boilerplate, so a draft that
shares only template sentences with a registered document gets nothing at medium or above, and
severity follows how much of the registered document (its own, non-public text) appears.

The registered document is a confidential notice built from a public template and secret
paragraphs, as an organisation's real notices are; the public template is an HTML page."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from fingerprint.fp_data import SECRET_ZH, chinese_text
from mosaicguard.model import Severity

TEMPLATE = [
    "本公告依据中华人民共和国政府采购法及其实施条例的有关规定发布，供应商应当如实提交全部响应材料。",
    "凡有意参加本项目的供应商，请于公告期内登录电子交易平台下载采购文件，逾期不再受理任何形式的申请。",
    "供应商对采购文件有疑问的，应当在规定期限内以书面形式提出，采购人将统一答复并在平台发布澄清公告。",
    "本项目不接受联合体投标，不允许转包或者违法分包，中标供应商须按合同约定的时间和质量要求完成全部工作。",
]
SECRETS = [SECRET_ZH[:90], chinese_text(11, 100), chinese_text(12, 100)]
LABEL = "秘密"  # high


def _notice(parts: list[str]) -> str:
    return "\n".join(parts) + "\n"


@pytest.fixture
def workspace(tmp_path: Path, run_cli: Any) -> dict[str, Path]:
    conf, public, drafts = tmp_path / "confidential", tmp_path / "public", tmp_path / "drafts"
    for d in (conf, public, drafts):
        d.mkdir()
    t, s = TEMPLATE, SECRETS
    (conf / "notice.txt").write_text(_notice([t[0], s[0], t[1], s[1], t[2], s[2], t[3]]), encoding="utf-8")
    (public / "template.html").write_text(
        "<html><body><h1>采购公告范本</h1>" + "".join(f"<p>{x}</p>" for x in TEMPLATE)
        + "<p>联系方式见采购人信息。</p></body></html>", encoding="utf-8")
    own = chinese_text(99, 120)  # the draft's own new text
    (drafts / "template-only.txt").write_text(_notice([t[0], own, t[1], t[2], t[3]]), encoding="utf-8")
    # The template's sentences in another order: k-grams across their joins are in no public file.
    (drafts / "template-reordered.txt").write_text(_notice([t[2], t[0], t[3], t[1], own]), encoding="utf-8")
    (drafts / "one-secret.txt").write_text(_notice([t[0], own, t[1], s[1], t[2]]), encoding="utf-8")
    (drafts / "most.txt").write_text(_notice([t[0], s[0], t[1], s[1], t[2], s[2], own]), encoding="utf-8")
    return {"root": tmp_path, "conf": conf, "public": public, "drafts": drafts}


def _register(run_cli: Any, ws: dict[str, Path], name: str, *extra: str) -> tuple[Path, Path]:
    db, key = ws["root"] / f"{name}.db", ws["root"] / f"{name}.key"
    r = run_cli("register", ws["conf"], "--registry", db, "--key-file", key, "--label", LABEL, "-q", *extra)
    assert r.code == 0, r.err
    return db, key


def _scan(run_cli: Any, ws: dict[str, Path], db: Path, key: Path) -> dict[str, list[dict[str, Any]]]:
    r = run_cli("scan", ws["drafts"], "--registry", db, "--key-file", key, "--format", "json", "--fail-on", "critical")
    data = json.loads(r.out)
    return {Path(f["path"]).name: [x for x in f["findings"] if x["category"] == "fingerprint"] for f in data["files"]}


def _worst(findings: list[dict[str, Any]]) -> Severity | None:
    sevs = [Severity(f["severity"]) for f in findings]
    return max(sevs, key=lambda s: s.rank) if sevs else None


def test_without_public_text_the_template_alone_is_flagged(run_cli: Any, workspace: dict[str, Path]) -> None:
    """The control: the registry cannot tell template from secret without `--public`."""
    found = _scan(run_cli, workspace, *_register(run_cli, workspace, "plain"))
    worst = _worst(found["template-only.txt"])
    assert worst is not None and worst.at_least(Severity.MEDIUM)


def test_public_template_is_boilerplate_and_severity_follows_coverage(run_cli: Any,
                                                                       workspace: dict[str, Path]) -> None:
    db, key = _register(run_cli, workspace, "pub", "--public", str(workspace["public"]))
    found = _scan(run_cli, workspace, db, key)
    for name in ("template-only.txt", "template-reordered.txt"):
        worst = _worst(found[name])
        assert worst is None or not worst.at_least(Severity.MEDIUM), (name, found[name])

    one = found["one-secret.txt"]
    assert one and {f["severity"] for f in one} == {"high"}  # the label's severity
    # The reported passage is the secret paragraph, not the template around it.
    text = "".join(f["match"] for f in one)
    assert TEMPLATE[1][:12] not in text and TEMPLATE[2][-12:] not in text
    assert SECRETS[1][30:60] in text
    share = float(one[0]["extra"]["registered_share"])
    assert 0.1 < share < 0.5

    most = found["most.txt"]
    assert most and {f["severity"] for f in most} == {"critical"}  # most of the document: highest
    assert float(most[0]["extra"]["registered_share"]) >= 0.5


def test_public_text_is_stored_as_keyed_hashes_only(run_cli: Any, workspace: dict[str, Path]) -> None:
    db, key = _register(run_cli, workspace, "pub", "--public", str(workspace["public"]))
    again = run_cli("register", workspace["conf"], "--registry", db, "--key-file", key,
                    "--public", workspace["public"], "--format", "json")
    rows = json.loads(again.out)["documents"]
    assert {r["status"] for r in rows} == {"unchanged"}  # adding the same public file is a no-op
    blob = b"".join(p.read_bytes() for p in workspace["root"].glob("pub.db*"))
    dump = "\n".join(sqlite3.connect(db).iterdump())
    for sentence in TEMPLATE:
        for i in range(0, len(sentence) - 8, 4):
            piece = sentence[i : i + 8]
            assert piece not in dump
            for enc in ("utf-8", "utf-16-le", "utf-16-be", "gb18030"):
                assert piece.encode(enc) not in blob
    stats = json.loads(run_cli("registry", "stats", "--registry", db, "--format", "json").out)
    assert stats["public_documents"] == 1 and stats["public_fingerprints"] > 0
