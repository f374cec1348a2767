"""`mosaicguard register`, `registry list|remove|stats` and `scan --registry`, end to end."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import docx
import pytest

from fingerprint.fp_data import SECRET_EN, SECRET_ZH, chinese_text
from mosaicguard.cli import main


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    conf = tmp_path / "confidential"
    conf.mkdir()
    d = docx.Document()
    for para in SECRET_ZH.split("。"):
        d.add_paragraph(para + "。")
    d.save(str(conf / "plan.docx"))
    (conf / "ops.txt").write_text(SECRET_EN, encoding="utf-8")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "tender.html").write_text(
        "<html><body><h1>招标公告</h1><p>项目概况：" + SECRET_ZH[30:120] + "</p><p>联系人：办公室</p></body></html>",
        encoding="utf-8")
    (drafts / "clean.txt").write_text(chinese_text(5, 400), encoding="utf-8")
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "news.txt").write_text(chinese_text(6, 400), encoding="utf-8")
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _register(ws: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    return _run(capsys, "register", str(ws / "confidential"), "--registry", str(ws / "reg.db"),
                "--key-file", str(ws / "reg.key"), "--label", "机密", *extra)


def test_register_then_scan_finds_the_passage(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = workspace
    code, out, err = _register(ws, capsys, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)["documents"]
    assert sorted(r["status"] for r in rows) == ["registered", "registered"]
    assert "created key file" in err
    key = ws / "reg.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 64

    code, out, _ = _run(capsys, "registry", "list", "--registry", str(ws / "reg.db"), "--format", "json")
    assert code == 0
    listed = json.loads(out)["documents"]
    assert {d["label"] for d in listed} == {"机密"} and all(d["title"] is None for d in listed)
    docx_id = next(r["id"] for r in rows if r["path"].endswith("plan.docx"))

    for jobs in ("1", "2"):
        code, out, err = _run(capsys, "scan", str(ws / "drafts"), "--registry", str(ws / "reg.db"),
                              "--key-file", str(key), "--format", "json", "-j", jobs)
        assert code == 1, err
        files = {f["path"]: f for f in json.loads(out)["files"]}
        hits = [x for x in files[str(ws / "drafts" / "tender.html")]["findings"] if x["category"] == "fingerprint"]
        assert len(hits) == 1
        assert hits[0]["extra"]["registered_id"] == docx_id
        assert hits[0]["severity"] == "critical" and hits[0]["rule"] == "fingerprint.passage"
        assert hits[0]["match"] in SECRET_ZH
        assert not [x for x in files[str(ws / "drafts" / "clean.txt")]["findings"] if x["category"] == "fingerprint"]

    code, out, _ = _run(capsys, "scan", str(ws / "clean"), "--registry", str(ws / "reg.db"), "--key-file", str(key),
                        "--format", "json")
    assert code == 0


def test_register_again_is_a_noop(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _register(workspace, capsys)[0] == 0
    code, out, err = _register(workspace, capsys)
    assert code == 0
    assert out.count("unchanged") == 2 and "2 already registered" in err


def test_store_titles(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _register(workspace, capsys, "--store-titles")[0] == 0
    code, out, _ = _run(capsys, "registry", "list", "--registry", str(workspace / "reg.db"))
    assert code == 0 and "plan.docx" in out and "2 document(s)" in out


def test_stats_and_remove(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = workspace
    _register(ws, capsys)
    db = str(ws / "reg.db")
    code, out, _ = _run(capsys, "registry", "stats", "--registry", db, "--format", "json")
    stats = json.loads(out)
    assert code == 0 and stats["documents"] == 2 and stats["fingerprints"] > 20
    assert stats["guaranteed_units"] == 24 and stats["labels"] == {"机密": 2} and stats["size_bytes"] > 0
    code, out, _ = _run(capsys, "registry", "stats", "--registry", db)
    assert "boilerplate (in >= 10 docs)" in out

    # Remove the docx by path (needs the key to compute its id), the other by id.
    code, out, _ = _run(capsys, "registry", "remove", str(ws / "confidential" / "plan.docx"), "--registry", db,
                        "--key-file", str(ws / "reg.key"))
    assert code == 0 and out.startswith("removed")
    code, out, _ = _run(capsys, "scan", str(ws / "drafts"), "--registry", db, "--key-file", str(ws / "reg.key"),
                        "--format", "json")
    assert not [x for f in json.loads(out)["files"] for x in f["findings"] if x["category"] == "fingerprint"]
    code, out, _ = _run(capsys, "registry", "list", "--registry", db, "--format", "json")
    (remaining,) = json.loads(out)["documents"]
    assert _run(capsys, "registry", "remove", remaining["id"], "--registry", db)[0] == 0
    code, out, _ = _run(capsys, "registry", "remove", remaining["id"], "--registry", db)
    assert code == 1 and "not found" in out
    code, _, err = _run(capsys, "registry", "remove", str(ws / "confidential" / "ops.txt"), "--registry", db)
    assert code == 2 and "--key-file" in err


def test_configuration_errors_exit_2(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = workspace
    _register(ws, capsys)
    db, drafts = str(ws / "reg.db"), str(ws / "drafts")
    code, _, err = _run(capsys, "scan", drafts, "--registry", db, "--key-file", str(ws / "missing.key"))
    assert code == 2 and "missing.key" in err and "does not exist" in err
    code, _, err = _run(capsys, "scan", drafts, "--registry", db)
    assert code == 2 and "--key-file" in err
    (ws / "other.key").write_text("a different secret key", encoding="utf-8")
    code, _, err = _run(capsys, "scan", drafts, "--registry", db, "--key-file", str(ws / "other.key"))
    assert code == 2 and "does not match" in err
    code, _, err = _run(capsys, "scan", drafts, "--registry", str(ws / "nope.db"), "--key-file", str(ws / "reg.key"))
    assert code == 2 and "no registry" in err
    code, _, err = _run(capsys, "registry", "list", "--registry", str(ws / "nope.db"))
    assert code == 2
    # A missing key for an existing registry is not silently replaced by a new one.
    code, _, err = _run(capsys, "register", str(ws / "confidential"), "--registry", db, "--key-file",
                        str(ws / "new.key"))
    assert code == 2 and not (ws / "new.key").exists()
    code, _, err = _run(capsys, "register", str(ws / "confidential"), "--registry", db, "--key-file",
                        str(ws / "other.key"))
    assert code == 2 and "does not match" in err
    code, _, err = _run(capsys, "register", str(ws / "absent"), "--registry", db, "--key-file", str(ws / "reg.key"))
    assert code == 2 and "absent" in err
    code, _, _ = _run(capsys, "register", "--registry", db)
    assert code == 2


def test_register_reports_files_it_could_not_register(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = workspace / "odd"
    odd.mkdir()
    (odd / "scan.xyz").write_bytes(b"\x00\x01")
    (odd / "ok.txt").write_text(SECRET_EN, encoding="utf-8")
    code, out, err = _run(capsys, "register", str(odd), "--registry", str(workspace / "r.db"), "--key-file",
                          str(workspace / "k.key"))
    assert code == 1
    assert "unsupported" in out and "registered" in out and "1 not registered" in err
