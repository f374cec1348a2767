"""Policy loading (errors name the file and the key), profiles, allowlists and baselines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mosaicguard.errors import ConfigError
from mosaicguard.model import FileResult, Finding, Layer, Location, Severity
from mosaicguard.policy.decide import Suppressor, load_baseline
from mosaicguard.policy.load import load_policy
from mosaicguard.policy.schema import Policy


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_samples_policy_loads_with_contract_keys(samples_dir: Path) -> None:
    policy = load_policy(samples_dir / "policy.yaml")
    assert any(t.term == "青石基地" for t in policy.lexicon)
    assert policy.protected_subjects[0].codes == ("ZB-2026-7301",)
    assert "radar" in policy.sensitive_purposes
    assert {c.rule_name for c in policy.combinations} == {"location+purpose", "location+schedule", "purpose+schedule"}
    assert "procurement-notice" in policy.profiles


def test_no_path_is_the_default_policy() -> None:
    assert load_policy(None) == Policy()


def test_empty_file_is_the_default_policy(tmp_path: Path) -> None:
    assert load_policy(_write(tmp_path, "# nothing yet\n")) == Policy()


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("lexicon: [a\n", ["not valid YAML"]),
        ("- just\n- a list\n", ["top level must be a mapping"]),
        ("lexicon:\n  - {term: x, sevrity: high}\n", ["lexicon.0.sevrity", "did you mean 'severity'"]),
        ("combinations:\n  - {attributes: [location, colour]}\n", ["combinations.0.attributes", "colour"]),
        ("allowlist:\n  - {regexes: ['([']}\n", ["allowlist.0.regexes", "does not compile"]),
        ("protected_subjects:\n  - {id: a}\n  - {id: a}\n", ["duplicate id"]),
        ("min_confidence: 2\n", ["min_confidence"]),
        ("profiles:\n  notice: {fail_on: sometimes}\n", ["profiles.notice.fail_on"]),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, text: str, needles: list[str]) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_policy(path)
    message = str(info.value)
    assert str(path) in message
    for needle in needles:
        assert needle in message


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="policy file not found"):
        load_policy(tmp_path / "none.yaml")
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes("lexicon: [青石]\n".encode("gbk"))
    with pytest.raises(ConfigError, match="cannot read policy file"):
        load_policy(bad)


def test_bare_lexicon_terms_are_accepted(tmp_path: Path) -> None:
    policy = load_policy(_write(tmp_path, "lexicon: [7301工程, {term: 天穹, severity: critical}]\n"))
    assert [(t.term, t.severity) for t in policy.lexicon] == [("7301工程", "high"), ("天穹", "critical")]


def test_profile_layers_over_the_base(tmp_path: Path) -> None:
    policy = load_policy(_write(tmp_path, """
fail_on: high
allowlist: [{values: [a@b.cn], categories: [email]}]
profiles:
  notice:
    fail_on: critical
    allowlist: [{values: ["0571-87654321"], categories: [phone]}]
    detectors: {phone: {severity: low}}
"""))
    layered = policy.with_profile("notice")
    assert layered.fail_on == "critical"
    assert len(layered.allowlist) == 2
    assert layered.severity_for("phone", Severity.HIGH) == Severity.LOW
    assert policy.with_profile(None) is policy
    with pytest.raises(ConfigError, match=r"unknown profile 'other'.*notice"):
        policy.with_profile("other")


def _finding(category: str, match: str, confidence: float = 0.9) -> Finding:
    return Finding(category, Severity.HIGH, confidence, match, Layer.BODY, f"{category}.x", "m",
                   Location(start=0, end=len(match))).with_id("doc.txt")


def test_allowlist_values_regexes_paths_and_categories() -> None:
    policy = Policy.model_validate({
        "allowlist": [
            {"values": ["０５７１－８７６５ ４３２１"], "categories": ["phone"]},  # folded width and spaces
            {"regexes": [r"@example\.cn$"], "categories": ["email"]},
            {"paths": ["public/*"]},
        ],
        "detectors": {"cn_id": {"min_confidence": 0.8}},
    })
    sup = Suppressor(policy)
    assert sup.suppressed("a.txt", _finding("phone", "0571-87654321"))
    assert not sup.suppressed("a.txt", _finding("email", "0571-87654321"))  # category-limited
    assert sup.suppressed("a.txt", _finding("email", "press@example.cn"))
    assert not sup.suppressed("a.txt", _finding("email", "someone@gmail.com"))
    assert sup.suppressed("public/x.txt", _finding("cn_id", "x"))
    assert sup.suppressed("public/b.zip!inner.txt", _finding("cn_id", "x"))  # archive members too
    assert sup.suppressed("a.txt", _finding("cn_id", "y", confidence=0.7))
    assert not sup.suppressed("a.txt", _finding("cn_id", "y", confidence=0.85))
    result = sup.apply(FileResult("a.txt", "", "ok", None,
                                  (_finding("phone", "0571-87654321"), _finding("phone", "13957112345"))))
    assert [f.match for f in result.findings] == ["13957112345"] and result.suppressed == 1


def test_baseline_ids_are_read_from_a_json_report(tmp_path: Path) -> None:
    report = {"files": [{"path": "a", "findings": [{"id": "abc"}, {"id": "def"}]}, {"path": "b", "findings": []}]}
    path = tmp_path / "base.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    assert load_baseline(path) == frozenset({"abc", "def"})
    assert load_baseline(None) == frozenset()
    path.write_text(json.dumps({"exposures": []}), encoding="utf-8")
    with pytest.raises(ConfigError, match="not a mosaicguard JSON scan report"):
        load_baseline(path)
