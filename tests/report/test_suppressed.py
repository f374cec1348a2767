"""Nothing disappears unseen: findings held back by confidence (policy-wide and per-detector
thresholds), allowlist or baseline are counted by reason in every format, and
`--show-suppressed` lists them with their reason (masked in the human formats).

Every test scans a real file through the real CLI; the expected counts come from a first scan
without the suppressing policy, so they follow the detectors rather than hard-coded answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from .conftest import cn_id

PERSON_ID = cn_id("33010619850312123")
MOBILE = "13957112345"
EMAIL = "press@example.cn"
SCHEMA = json.loads((Path(__file__).with_name("sarif-schema-2.1.0.json")).read_text(encoding="utf-8"))


@pytest.fixture
def case(run_cli: Any, tmp_path: Path) -> dict[str, Any]:
    """A document with a phone, an email and an ID number; a policy that drops the phone by its
    detector's confidence threshold and allowlists the email; a baseline that accepts the ID."""
    doc = tmp_path / "doc.txt"
    doc.write_text(f"项目联系人手机 {MOBILE}，邮箱 {EMAIL}\n项目经理身份证号：{PERSON_ID}\n", encoding="utf-8")
    plain = json.loads(run_cli("scan", doc, "--format", "json").out)
    found = plain["files"][0]["findings"]
    by_cat = {c: [f for f in found if f["category"] == c] for c in ("phone", "email", "cn_id")}
    assert all(by_cat.values()), f"the detectors must find each value first: {found}"
    assert all(f["confidence"] < 1.0 for f in by_cat["phone"])
    baseline = tmp_path / "baseline.json"
    accepted = dict(plain, files=[dict(plain["files"][0], findings=by_cat["cn_id"])])
    baseline.write_text(json.dumps(accepted, ensure_ascii=False), encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "detectors: {phone: {min_confidence: 1.0}}\n"
        f"allowlist: [{{values: ['{EMAIL}'], categories: [email]}}]\n",
        encoding="utf-8",
    )
    base_conf = plain["files"][0]["suppressed"]["confidence"]
    expected = {"confidence": len(by_cat["phone"]) + base_conf, "allowlist": len(by_cat["email"]),
                "baseline": len(by_cat["cn_id"])}
    args = [doc, "--policy", policy, "--baseline", baseline]
    return {"doc": doc, "args": args, "expected": expected, "plain": plain, "ids": {f["id"] for f in found}}


def test_json_counts_by_reason_and_lists_with_reason(run_cli: Any, case: dict[str, Any]) -> None:
    data = json.loads(run_cli("scan", *case["args"], "--format", "json").out)
    entry = data["files"][0]
    assert entry["suppressed"] == case["expected"]
    assert data["suppressed"] == case["expected"]
    assert data["summary"]["suppressed"] == case["expected"]
    assert not {f["category"] for f in entry["findings"]} & {"phone", "email", "cn_id"}
    assert "suppressed_findings" not in entry  # listed only on request

    shown = json.loads(run_cli("scan", *case["args"], "--format", "json", "--show-suppressed").out)
    hidden = shown["files"][0]["suppressed_findings"]
    reasons = {f["match"]: f["suppressed_by"] for f in hidden}
    assert reasons[MOBILE] == "confidence" and reasons[EMAIL] == "allowlist" and reasons[PERSON_ID] == "baseline"
    assert {f["id"] for f in hidden} >= case["ids"]  # same ids as when reported: baselines keep working
    phone = next(f for f in hidden if f["match"] == MOBILE)
    assert "min_confidence 1.00" in phone["suppressed_detail"]


def test_engine_threshold_drops_are_counted_not_lost(run_cli: Any, case: dict[str, Any], tmp_path: Path) -> None:
    # The policy-wide threshold (applied in the engine) above every confidence: all findings move
    # to `suppressed.confidence`, none vanishes.
    strict = tmp_path / "strict.yaml"
    strict.write_text("min_confidence: 1.0\n", encoding="utf-8")
    before = case["plain"]["files"][0]
    below = [f for f in before["findings"] if f["confidence"] < 1.0]
    data = json.loads(run_cli("scan", case["doc"], "--policy", strict, "--format", "json").out)
    entry = data["files"][0]
    assert entry["suppressed"]["confidence"] == len(below) + before["suppressed"]["confidence"]
    assert len(entry["findings"]) == len(before["findings"]) - len(below)


def test_text_report_has_a_line_per_file_and_in_the_summary(run_cli: Any, case: dict[str, Any]) -> None:
    out = run_cli("scan", *case["args"], "--format", "text").out
    e = case["expected"]
    lines = out.splitlines()
    file_line = next(ln for ln in lines if ln.startswith("    - 已忽略 / suppressed"))
    for reason in ("confidence", "allowlist", "baseline"):
        assert f"{reason} {e[reason]}" in file_line
    summary = lines[-3]
    assert summary.startswith(f"已忽略 / suppressed {sum(e.values())}:")
    assert MOBILE not in out and EMAIL not in out and PERSON_ID not in out

    listed = run_cli("scan", *case["args"], "--format", "text", "--show-suppressed").out
    assert sum("已忽略 / suppressed" not in ln and "min_confidence 1.00" in ln for ln in listed.splitlines()) == 1
    assert "(白名单 / allowlist: allowlist value)" in listed and "(基线已接受 / baseline:" in listed
    # Listed, but masked like every finding in a human format.
    assert MOBILE not in listed and EMAIL not in listed and PERSON_ID not in listed
    assert MOBILE[:2] + "*" * 7 + MOBILE[-2:] in listed


def test_html_report_shows_counts_and_masked_hidden_findings(run_cli: Any, case: dict[str, Any]) -> None:
    e = case["expected"]
    page = run_cli("scan", *case["args"], "--format", "html").out
    assert f'id="suppressed-total"><span class="zh">已忽略 / suppressed {sum(e.values())}:' in page
    assert page.count('class="small suppressed"') == 1  # the file's own line
    assert "finding suppressed" not in page
    listed = run_cli("scan", *case["args"], "--format", "html", "--show-suppressed").out
    assert listed.count('class="finding suppressed') == sum(e.values())
    assert MOBILE not in listed and EMAIL not in listed and PERSON_ID not in listed


def test_sarif_counts_in_properties_and_lists_as_suppressed_results(run_cli: Any, case: dict[str, Any]) -> None:
    e = case["expected"]
    log = json.loads(run_cli("scan", *case["args"], "--format", "sarif").out)
    run = log["runs"][0]
    assert run["properties"]["suppressed"] == e
    assert run["artifacts"][0]["properties"]["suppressed"] == e
    assert not any("suppressions" in r for r in run["results"])

    log = json.loads(run_cli("scan", *case["args"], "--format", "sarif", "--show-suppressed").out)
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    validator.validate(log)
    hidden = [r for r in log["runs"][0]["results"] if r.get("suppressions")]
    assert len(hidden) == sum(e.values())
    kinds = {r["properties"]["suppressedBy"] for r in hidden}
    assert kinds == {"confidence", "allowlist", "baseline"}
    assert all(r["suppressions"][0]["justification"].startswith(r["properties"]["suppressedBy"]) for r in hidden)


def test_low_confidence_contact_is_counted(run_cli: Any, tmp_path: Path) -> None:
    """The issue's case: a contact scored below the default threshold used to vanish with
    `suppressed: 0`. Whatever the detector scores, found = reported + suppressed."""
    doc = tmp_path / "notice.txt"
    doc.write_text("联系人及电话: 文铭；0771-3836260 四、采购代理机构：某某招标公司\n", encoding="utf-8")
    loose = tmp_path / "loose.yaml"
    loose.write_text("min_confidence: 0.0\n", encoding="utf-8")
    everything = json.loads(run_cli("scan", doc, "--policy", loose, "--format", "json").out)["files"][0]
    default = json.loads(run_cli("scan", doc, "--format", "json", "--show-suppressed").out)["files"][0]
    assert everything["findings"], "the contact must be found at some confidence"
    assert len(default["findings"]) + default["suppressed"]["confidence"] == len(everything["findings"])
    low = [f for f in everything["findings"] if f["confidence"] < 0.5]
    assert sorted(f["id"] for f in default["suppressed_findings"]) == sorted(f["id"] for f in low)
