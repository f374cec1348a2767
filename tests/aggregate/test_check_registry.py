"""`mosaicguard check DRAFT --corpus C --registry DB --key-file K`: passages of registered
confidential documents (issue #6) are listed per draft and count toward the exit code."""

from __future__ import annotations

import io
import json
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest

from mosaicguard.cli import main

SECRET = (
    "关于北部山区雷达站建设工程的实施方案。根据总体部署，该工程计划于明年三月正式开工，"
    "施工单位须在进场前完成临时道路和供电线路的铺设，主体建筑采用钢筋混凝土框架结构，"
    "天线罩基础需满足抗震设防烈度八度的要求。工程总投资约为三点二亿元，其中设备购置费占六成，"
    "资金由专项经费分两期拨付。施工期间实行封闭管理，所有人员凭证件出入，严禁拍摄现场照片。"
)
CLEAN = "本周社区开展了垃圾分类宣传活动，志愿者向居民发放了宣传手册，并现场讲解了分类方法和投放时间。" * 3


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("checkreg")
    conf = root / "confidential"
    conf.mkdir()
    d = docx.Document()
    for para in SECRET.split("。"):
        d.add_paragraph(para + "。")
    d.save(str(conf / "plan.docx"))
    code = main(["register", str(conf), "--registry", str(root / "reg.db"), "--key-file", str(root / "reg.key"),
                 "--label", "机密", "-q"])
    assert code == 0
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "news.txt").write_text("市政府发布了今年的道路维修计划，涉及城区十二条主干道。", encoding="utf-8")
    drafts = root / "drafts"
    drafts.mkdir()
    (drafts / "tender.html").write_text(
        "<html><body><h1>招标公告</h1><p>项目概况：" + SECRET[30:130] + "</p><p>联系人：办公室</p></body></html>",
        encoding="utf-8")
    (drafts / "clean.txt").write_text(CLEAN, encoding="utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:  # a registered passage inside an archive member
        z.writestr("inner/quote.txt", "附件摘录：" + SECRET[60:150])
    (root / "bundle.zip").write_bytes(buf.getvalue())
    (root / "policy.yaml").write_text("{}\n", encoding="utf-8")
    return root


def _check(ws: Path, capsys: pytest.CaptureFixture[str], *drafts: str, extra: tuple[str, ...] = ()
           ) -> tuple[int, str, str]:
    code = main(["check", *drafts, "--corpus", str(ws / "corpus"), "--policy", str(ws / "policy.yaml"),
                 "--registry", str(ws / "reg.db"), "--key-file", str(ws / "reg.key"), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def _registered_id(ws: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["registry", "list", "--registry", str(ws / "reg.db"), "--format", "json"]) == 0
    docs = json.loads(capsys.readouterr().out)["documents"]
    assert len(docs) == 1
    return str(docs[0]["id"])


def test_registered_passage_is_reported_per_draft_and_fails_the_gate(
        ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reg_id = _registered_id(ws, capsys)
    code, out, err = _check(ws, capsys, str(ws / "drafts"))
    assert code == 1, err
    assert "1 registered passage(s)" in err
    data = json.loads(out)
    assert data["exposures"] == []  # nothing aggregates: the failure comes from the registry alone
    drafts = {Path(d["path"]).name: d for d in data["drafts"]}
    assert drafts["clean.txt"]["fingerprints"] == []
    (fp,) = drafts["tender.html"]["fingerprints"]
    assert fp["registered_id"] == reg_id and fp["registered_label"] == "机密"
    assert fp["severity"] == "critical" and fp["confidence"] >= 0.85
    assert fp["match"] in SECRET and len(fp["match"]) >= 24
    assert fp["location"]["end"] > fp["location"]["start"]
    assert 0 < fp["draft_share"] <= 1 and 0 < fp["registered_share"] < 1
    assert fp["matched_units"] >= 24 and fp["id"]
    # The location points at the passage in the draft's text.
    assert "施工单位" in fp["match"] or "工程" in fp["match"]


def test_clean_draft_passes_and_fail_on_above_passes(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _check(ws, capsys, str(ws / "drafts" / "clean.txt"))
    assert code == 0, err
    assert json.loads(out)["drafts"][0]["fingerprints"] == []
    # A policy that lowers the fingerprint detector's severity lets the same draft through.
    low = ws / "low.yaml"
    low.write_text("detectors:\n  fingerprint:\n    severity: low\n", encoding="utf-8")
    code = main(["check", str(ws / "drafts" / "tender.html"), "--corpus", str(ws / "corpus"), "--policy", str(low),
                 "--registry", str(ws / "reg.db"), "--key-file", str(ws / "reg.key"), "-q"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert json.loads(out)["drafts"][0]["fingerprints"][0]["severity"] == "low"


def test_archive_members_html_and_redact(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _check(ws, capsys, str(ws / "bundle.zip"), extra=("-q", "--redact"))
    assert code == 1
    drafts = {d["path"]: d for d in json.loads(out)["drafts"]}
    member = next(p for p in drafts if p.endswith("inner/quote.txt"))
    (fp,) = drafts[member]["fingerprints"]
    assert fp["match"] not in SECRET and "*" in fp["match"]  # masked with --redact

    code, out, _ = _check(ws, capsys, str(ws / "drafts"), extra=("-q", "--format", "html"))
    assert code == 1
    texts: list[str] = []

    class P(HTMLParser):
        def handle_data(self, data: str) -> None:
            texts.append(data)

    P().feed(out)
    page = "".join(texts)
    assert "registered confidential documents: 1" in page and "tender.html" in page and "机密" in page


def test_without_registry_there_is_no_fingerprint_list(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(ws / "drafts"), "--corpus", str(ws / "corpus"), "--policy", str(ws / "policy.yaml"),
                 "-q"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert all("fingerprints" not in d for d in json.loads(out)["drafts"])


def test_configuration_errors_exit_2(ws: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = ["check", str(ws / "drafts"), "--corpus", str(ws / "corpus"), "--policy", str(ws / "policy.yaml"), "-q"]
    assert main([*base, "--registry", str(ws / "reg.db")]) == 2  # no key file
    assert "--key-file" in capsys.readouterr().err
    other = tmp_path / "other.key"
    other.write_bytes(bytes(range(64)))
    assert main([*base, "--registry", str(ws / "reg.db"), "--key-file", str(other)]) == 2
    assert "does not match" in capsys.readouterr().err
    assert main([*base, "--registry", str(tmp_path / "absent.db"), "--key-file", str(ws / "reg.key")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main([*base, "--key-file", str(ws / "reg.key")]) == 2
