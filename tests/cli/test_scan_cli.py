"""`mosaicguard scan` end to end: formats, exit codes, baselines, profiles, --jobs, --quiet."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


def cn_id(prefix17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(prefix17, weights, strict=True))
    return prefix17 + "10X98765432"[total % 11]


ID_A = cn_id("33010619850312123")
ID_B = cn_id("11010519900101002")


@pytest.fixture
def notice(tmp_path: Path) -> Path:
    path = tmp_path / "notice.txt"
    path.write_text(f"配套道路招标公告\n项目经理：陈志明，身份证号：{ID_A}\n投标截止时间另行通知。\n", encoding="utf-8")
    return path


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", ["json", "sarif", "html", "text"])
def test_every_format_writes_a_report_and_gates(run_cli, notice: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    result = run_cli("scan", notice, "--format", fmt, "-o", out)
    assert result.code == 1  # a resident ID is high
    text = out.read_text(encoding="utf-8")
    assert "notice.txt" in text
    assert "report written to" in result.err and result.out == ""


def test_exit_codes_follow_fail_on(run_cli, notice: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text("食堂食材采购成交结果公告。\n", encoding="utf-8")
    assert run_cli("scan", clean, "-q").code == 0
    assert run_cli("scan", notice, "-q").code == 1
    assert run_cli("scan", notice, "-q", "--fail-on", "critical").code == 0
    policy = tmp_path / "p.yaml"
    policy.write_text("fail_on: critical\n", encoding="utf-8")
    assert run_cli("scan", notice, "-q", "--policy", policy).code == 0  # the policy's gate
    assert run_cli("scan", notice, "-q", "--policy", policy, "--fail-on", "medium").code == 1  # flag wins


def test_unchecked_files_can_fail_the_gate(run_cli, tmp_path: Path) -> None:
    (tmp_path / "clean.txt").write_text("无问题。\n", encoding="utf-8")
    (tmp_path / "plan.xyz").write_bytes(b"\x00\x01")
    assert run_cli("scan", tmp_path, "-q").code == 0  # the contract: findings decide
    assert run_cli("scan", tmp_path, "-q", "--fail-on-unchecked").code == 1


def test_stdout_is_the_default_output(run_cli, notice: Path) -> None:
    result = run_cli("scan", notice, "--format", "json")
    data = json.loads(result.out)
    assert data["files"][0]["findings"][0]["match"] == ID_A
    redacted = json.loads(run_cli("scan", notice, "--format", "json", "--redact").out)
    assert ID_A not in json.dumps(redacted)


@pytest.mark.parametrize(
    ("setup", "needle"),
    [
        ("missing", "no such file or folder"),
        ("bad_yaml", "is not valid YAML"),
        ("unknown_key", "lexicon.0.sevrity"),
        ("bad_severity", "fail_on"),
        ("unknown_profile", "unknown profile 'nope'"),
        ("baseline_missing", "baseline file not found"),
        ("baseline_garbage", "not a readable JSON report"),
    ],
)
def test_configuration_errors_exit_2_with_a_clear_message(
    run_cli, notice: Path, tmp_path: Path, setup: str, needle: str
) -> None:
    policy = tmp_path / "policy.yaml"
    args: list[object] = ["scan", notice, "-q"]
    if setup == "missing":
        args = ["scan", tmp_path / "nope.txt"]
    elif setup == "bad_yaml":
        policy.write_text("lexicon: [unclosed\n", encoding="utf-8")
        args += ["--policy", policy]
    elif setup == "unknown_key":
        policy.write_text("lexicon:\n  - {term: 7301工程, sevrity: high}\n", encoding="utf-8")
        args += ["--policy", policy]
    elif setup == "bad_severity":
        policy.write_text("fail_on: urgent\n", encoding="utf-8")
        args += ["--policy", policy]
    elif setup == "unknown_profile":
        policy.write_text("profiles: {press-release: {}}\n", encoding="utf-8")
        args += ["--policy", policy, "--profile", "nope"]
    elif setup == "baseline_missing":
        args += ["--baseline", tmp_path / "none.json"]
    elif setup == "baseline_garbage":
        bad = tmp_path / "bad.json"
        bad.write_text("{not json", encoding="utf-8")
        args += ["--baseline", bad]
    result = run_cli(*args)
    assert result.code == 2
    assert needle in result.err
    if setup in ("bad_yaml", "unknown_key", "bad_severity"):
        assert str(policy) in result.err  # errors name the file


@pytest.mark.parametrize("args", [["--jobs", "-1"], ["--format", "pdf"], ["--fail-on", "urgent"]])
def test_usage_errors_exit_2(run_cli, notice: Path, args: list[str]) -> None:
    assert run_cli("scan", notice, *args).code == 2


def test_baseline_survives_an_unrelated_edit_and_new_findings_still_fail(run_cli, notice: Path,
                                                                       tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    assert run_cli("scan", notice, "--format", "json", "-o", base, "-q").code == 1
    old_ids = {f["id"] for f in _json(base)["files"][0]["findings"]}
    assert old_ids

    # An unrelated edit above the finding moves every offset; ids must not change.
    original = notice.read_text(encoding="utf-8")
    notice.write_text("（2026年3月修订）补充说明：投标保证金可用保函形式提交。\n\n" + original, encoding="utf-8")
    again = tmp_path / "again.json"
    run_cli("scan", notice, "--format", "json", "-o", again, "-q")
    moved = _json(again)["files"][0]["findings"]
    assert {f["id"] for f in moved} == old_ids
    assert moved[0]["location"]["start"] != _json(base)["files"][0]["findings"][0]["location"]["start"]

    gated = tmp_path / "gated.json"
    result = run_cli("scan", notice, "--baseline", base, "--format", "json", "-o", gated, "-q")
    assert result.code == 0
    entry = _json(gated)["files"][0]
    assert entry["findings"] == [] and entry["suppressed"]["baseline"] == len(old_ids)

    # A new leak is not covered by the baseline.
    notice.write_text(notice.read_text(encoding="utf-8") + f"财务联系人身份证号：{ID_B}\n", encoding="utf-8")
    result = run_cli("scan", notice, "--baseline", base, "--format", "json", "-o", gated, "-q")
    assert result.code == 1
    new = _json(gated)["files"][0]["findings"]
    assert [f["match"] for f in new] == [ID_B]


def test_repeated_value_gets_distinct_stable_ids(run_cli, tmp_path: Path) -> None:
    doc = tmp_path / "list.txt"
    # The same value after the same 12+ characters: two findings that only their order tells apart.
    line = "：施工方项目经理的身份证号码：" + ID_A + "\n"
    doc.write_text("甲" + line + "乙" + line, encoding="utf-8")
    data = json.loads(run_cli("scan", doc, "--format", "json").out)
    ids = [f["id"] for f in data["files"][0]["findings"] if f["category"] == "cn_id"]
    assert len(ids) == 2 and len(set(ids)) == 2 and ids[1] == ids[0] + "-2"


def test_profile_allows_the_agencys_published_phone(run_cli, samples_dir: Path, tmp_path: Path) -> None:
    doc = tmp_path / "notice.txt"
    doc.write_text("项目咨询联系人：刘女士，联系电话：0571-87654321\n", encoding="utf-8")
    policy = samples_dir / "policy.yaml"
    plain = json.loads(run_cli("scan", doc, "--policy", policy, "--format", "json").out)
    phones = [f for f in plain["files"][0]["findings"] if f["category"] == "phone"]
    assert phones, "the landline must be found without the profile"
    profiled = json.loads(run_cli("scan", doc, "--policy", policy, "--profile", "procurement-notice",
                                  "--format", "json").out)
    entry = profiled["files"][0]
    assert not [f for f in entry["findings"] if f["category"] == "phone"]
    assert entry["suppressed"]["allowlist"] == len(phones)
    assert profiled["profile"] == "procurement-notice"


def test_jobs_give_the_same_report(run_cli, samples_dir: Path, tmp_path: Path) -> None:
    docs = samples_dir / "documents"
    one, two = tmp_path / "j1.json", tmp_path / "j2.json"
    r1 = run_cli("scan", docs, "--policy", samples_dir / "policy.yaml", "--format", "json", "-o", one, "-j", "1")
    r2 = run_cli("scan", docs, "--policy", samples_dir / "policy.yaml", "--format", "json", "-o", two, "-j", "2")
    assert r1.code == r2.code == 1
    assert _json(one) == _json(two)
    assert len(_json(one)["files"]) >= 13


def test_quiet_prints_nothing_on_stderr(run_cli, notice: Path, tmp_path: Path) -> None:
    result = run_cli("scan", notice, "--format", "json", "-o", tmp_path / "r.json", "--quiet")
    assert result.err == "" and result.out == ""


def test_samples_demo_report(run_cli, samples_dir: Path, tmp_path: Path) -> None:
    """What `make demo` runs: every sample is listed, hidden data and content leaks are found."""
    out = tmp_path / "demo.json"
    result = run_cli("scan", samples_dir / "documents", "--policy", samples_dir / "policy.yaml",
                     "--format", "json", "-o", out, "-q")
    assert result.code == 1
    files = {Path(f["path"]).name if "!" not in f["path"] else f["path"].split("documents/", 1)[1]: f
             for f in _json(out)["files"]}
    assert files["clean-canteen-award.txt"]["findings"] == []
    cats = {name: {f["category"] for f in fr["findings"]} for name, fr in files.items()}
    assert {"revision", "comment", "unit_designator", "marking"} <= cats["traffic-notice-draft.docx"]
    assert {"hidden_sheet", "cn_id"} <= cats["equipment-list.xlsx"]
    assert "gps" in cats["site-photo.jpg"]
    assert "redaction_failure" in cats["site-visit-notice.pdf"]
    assert "cn_id" in cats["award-notice-gbk.txt"]
    assert {"protected_term", "coordinates"} <= cats["staff-posts.json"]
    assert {"marking", "coordinates", "email"} <= cats["tender-notice-en.md"]
    assert {"credential", "internal_network", "marking"} <= cats["meeting-minutes-en.txt"]
    assert {"hidden_text", "comment", "metadata"} <= cats["press-release.html"]
    assert "notes" in cats["progress-briefing.pptx"]
    assert "bank_card" in cats["tender-package.zip!招标文件/附件1-报价清单.csv"]
    unread = [name for name, fr in files.items() if fr["status"] != "ok"]
    assert unread == ["tender-package.zip!招标文件/附件2-总平面图.dwg"]


def test_output_to_a_pipe_or_device_writes_to_it_and_never_replaces_it(tmp_path: Path) -> None:
    """`-o /dev/null` (or a FIFO, `/dev/stdout`) is written to: the atomic rename of a regular
    report would replace the node itself (as root it turned /dev/null into a root-only file)."""
    import stat
    import threading

    from mosaicguard.cli.common import write_output

    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    write_output('{"files": []}\n', str(fifo))
    reader.join(timeout=10)
    assert got == ['{"files": []}\n']
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still the pipe, not a file renamed over it
    assert not list(tmp_path.glob(".mosaicguard-*"))
