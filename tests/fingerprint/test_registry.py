"""Registering and finding: other formats, edits around the passage, boilerplate, keys, privacy."""

from __future__ import annotations

import json
import pickle
import sqlite3
import zipfile
from pathlib import Path

import docx
import fitz
import pytest

from fingerprint.fp_data import (
    BOILERPLATE,
    KEY,
    SECRET_EN,
    SECRET_MIXED,
    SECRET_ZH,
    build_registry,
    chinese_text,
)
from mosaicguard.errors import ConfigError
from mosaicguard.fingerprint.detector import (
    FingerprintSettings,
    RegistryDetector,
    RegistryMatcher,
    label_severity,
    open_matcher,
    registry_detector,
)
from mosaicguard.fingerprint.keys import RegistryKey
from mosaicguard.fingerprint.normalize import unit_stream
from mosaicguard.fingerprint.register import Registry, register_paths
from mosaicguard.fingerprint.store import SqliteStore
from mosaicguard.fingerprint.winnow import DEFAULT_PARAMS
from mosaicguard.model import Document, Finding, Segment, Severity
from mosaicguard.pipeline import InputFile, ScanOptions, read_document
from mosaicguard.policy.schema import Policy

SECRETS = {"plan.txt": SECRET_ZH, "ops.md": SECRET_EN, "parts.txt": SECRET_MIXED}


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_registry(tmp_path_factory.mktemp("reg"), SECRETS)


def _ids(db: Path) -> dict[str, str]:
    """registered title -> id (titles are not stored by default, so map by order of registration)."""
    store = SqliteStore(db)
    try:
        return {name: d.id for name, d in zip(sorted(SECRETS), store.documents(), strict=True)}
    finally:
        store.close()


def _scan(db: Path, path: Path, policy: Policy | None = None, key: RegistryKey = KEY) -> list[Finding]:
    policy = policy or Policy()
    detector = RegistryDetector(open_matcher(str(db), key, policy))
    doc = read_document(InputFile(str(path), path.name), ScanOptions())
    assert doc.status == "ok", doc.error
    return list(detector.detect_document(doc, policy))


def _units(text: str) -> list[str]:
    return unit_stream([text]).units


def _contains(haystack: str, needle: str) -> bool:
    h, n = "\x00".join(_units(haystack)), "\x00".join(_units(needle))
    return bool(n) and n in h


# Drafts: a passage of a registered document, with edits around it, in another format.
PASSAGE_ZH = SECRET_ZH[40:110]
PASSAGE_EN = SECRET_EN[60:260]


def _write_txt(path: Path, before: str, passage: str, after: str) -> Path:
    path.write_text(before + "\n" + passage + after, encoding="utf-8")
    return path


def _write_html(path: Path, before: str, passage: str, after: str) -> Path:
    half = len(passage) // 2
    path.write_text(f"<html><body><h1>{before}</h1><p>{passage[:half]}<br/>\n{passage[half:]}<b>{after}</b></p>"
                    "</body></html>", encoding="utf-8")
    return path


def _write_json(path: Path, before: str, passage: str, after: str) -> Path:
    posts = [{"user": {"name": "公开账号"}, "text": before}, {"user": {"name": "公开账号"}, "text": passage + after}]
    path.write_text(json.dumps(posts, ensure_ascii=False), encoding="utf-8")
    return path


def _write_docx(path: Path, before: str, passage: str, after: str) -> Path:
    d = docx.Document()
    d.add_paragraph(before)
    p = d.add_paragraph(passage[:25])
    p.add_run(passage[25:])
    p.add_run(after)
    d.save(str(path))
    return path


def _write_pdf(path: Path, before: str, passage: str, after: str) -> Path:
    pdf = fitz.open()
    page = pdf.new_page()
    page.insert_textbox(fitz.Rect(50, 50, 545, 800), before + "\n" + passage + after, fontname="china-s",
                        fontsize=11)
    pdf.save(str(path))
    return path


WRITERS = {"txt": _write_txt, "html": _write_html, "json": _write_json, "docx": _write_docx, "pdf": _write_pdf}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize(("source", "passage"), [("plan.txt", PASSAGE_ZH), ("ops.md", PASSAGE_EN)])
def test_pasted_passage_is_found_in_other_formats(registry: Path, tmp_path: Path, fmt: str, source: str,
                                                  passage: str) -> None:
    draft = WRITERS[fmt](tmp_path / f"draft.{fmt}", "关于公开招标的补充说明（第二版）", passage,
                         "。以上内容如有变更另行通知。")
    findings = _scan(registry, draft)
    assert findings, f"passage not found in {fmt}"
    ids = {dict(f.extra)["registered_id"] for f in findings}
    assert ids == {_ids(registry)[source]}
    for f in findings:
        extra = dict(f.extra)
        assert f.category == "fingerprint" and f.rule == "fingerprint.passage"
        assert extra["registered_label"] == "机密"
        assert f.severity == Severity.CRITICAL
        # The located text is text of the registered document, and most of the pasted passage.
        assert _contains(SECRETS[source], f.match.replace("…", ""))
        assert f.location.start is not None and f.location.end is not None
        assert 0 < float(extra["draft_share"]) <= 1 and 0 < float(extra["registered_share"]) <= 1
    covered = sum(int(dict(f.extra)["passage_units"]) for f in findings)
    assert covered >= len(_units(passage)) - 2 * DEFAULT_PARAMS.w
    if fmt == "pdf":
        assert all(f.location.page == 1 for f in findings)


def test_location_is_the_exact_span_in_a_text_draft(registry: Path, tmp_path: Path) -> None:
    before = "招标公告正文开头，与任何登记文件无关的说明文字。" * 3
    draft = _write_txt(tmp_path / "d.txt", before, PASSAGE_ZH, "\n结束语与联系方式。")
    text = draft.read_text(encoding="utf-8")
    (finding,) = _scan(registry, draft)
    start, end = finding.location.start, finding.location.end
    assert start is not None and end is not None
    assert text[start:end] == finding.match
    assert start >= len(before) + 1 and end <= len(before) + 1 + len(PASSAGE_ZH)
    # Winnowing can miss at most the edges of the passage (< w units on each side).
    assert len(_units(finding.match)) >= len(_units(PASSAGE_ZH)) - 2 * DEFAULT_PARAMS.w


def test_edited_copy_reports_the_unchanged_runs_as_passages(registry: Path, tmp_path: Path) -> None:
    edited = SECRET_ZH[:90] + "（此处内容已删改）" + SECRET_ZH[130:220]
    draft = _write_txt(tmp_path / "d.txt", "公开版本", edited, "")
    findings = _scan(registry, draft)
    assert len(findings) == 2
    assert all("已删改" not in f.match for f in findings)
    extra = dict(findings[0].extra)
    assert extra["passages"] == "2" and float(extra["registered_share"]) > 0.5


def test_mixed_language_document_is_found(registry: Path, tmp_path: Path) -> None:
    draft = _write_txt(tmp_path / "d.txt", "Public notice", SECRET_MIXED[10:120], "")
    (finding,) = _scan(registry, draft)
    assert dict(finding.extra)["registered_id"] == _ids(registry)["parts.txt"]


UNRELATED = [
    ("other Chinese text", chinese_text(99, 600)),
    ("common legal phrase", "根据《中华人民共和国政府采购法》和《中华人民共和国招标投标法》的规定，现公告如下。"),
    ("same words in another order", "工程 雷达站 开工 三月 明年 计划 部署 总体 根据 山区 北部 道路 临时 供电 线路"),
    ("short fragment below one k-gram", "该工程计划于明年三月正式开工。"),
    ("English prose", "The committee reviewed the annual budget and approved the new library opening hours."),
]


@pytest.mark.parametrize(("why", "text"), UNRELATED, ids=[u[0] for u in UNRELATED])
def test_unrelated_drafts_are_not_flagged(registry: Path, tmp_path: Path, why: str, text: str) -> None:
    draft = _write_txt(tmp_path / "d.txt", "公开说明", text, "")
    assert _scan(registry, draft) == []


def test_boilerplate_shared_by_many_registered_documents_is_ignored(tmp_path: Path) -> None:
    files = {f"doc{i:02}.txt": BOILERPLATE + chinese_text(i, 300) for i in range(12)}
    db = build_registry(tmp_path, files)
    only_boilerplate = _write_txt(tmp_path / "notice.txt", "公开通知", BOILERPLATE, chinese_text(500, 200))
    assert _scan(db, only_boilerplate) == []
    # A real passage next to the boilerplate is still found.
    with_secret = _write_txt(tmp_path / "leak.txt", BOILERPLATE, files["doc03.txt"][len(BOILERPLATE) + 20:][:80], "")
    findings = _scan(db, with_secret)
    assert len({dict(f.extra)["registered_id"] for f in findings}) == 1
    assert all(not _contains(BOILERPLATE, f.match) for f in findings)
    # With a higher threshold the shared header counts again: the threshold is the policy's.
    loose = Policy(fingerprint={"boilerplate_docs": 50})
    assert len({dict(f.extra)["registered_id"] for f in _scan(db, only_boilerplate, loose)}) == 12
    store = SqliteStore(db)
    try:
        assert store.stats(10)["boilerplate_fingerprints"] > 0
    finally:
        store.close()


def test_wrong_key_finds_nothing_and_is_refused(registry: Path, tmp_path: Path) -> None:
    draft = _write_txt(tmp_path / "d.txt", "公开说明", SECRET_ZH, "")
    wrong = RegistryKey.from_bytes(b"not the registry key")
    store = SqliteStore(registry)
    # Bypassing the key check: every MAC differs, so nothing can match.
    matcher = RegistryMatcher(store, wrong, DEFAULT_PARAMS, FingerprintSettings())
    assert matcher.match(unit_stream([draft.read_text(encoding="utf-8")])) == []
    store.close()
    with pytest.raises(ConfigError, match="does not match"):
        open_matcher(str(registry), wrong, Policy())
    key_file = tmp_path / "wrong.key"
    key_file.write_bytes(b"not the registry key")
    with pytest.raises(ConfigError, match="does not match"):
        registry_detector(str(registry), str(key_file), Policy())
    with pytest.raises(ConfigError, match="--key-file"):
        registry_detector(str(registry), None, Policy())
    with pytest.raises(ConfigError, match="no registry"):
        registry_detector(str(tmp_path / "missing.db"), str(key_file), Policy())


def _windows(text: str, size: int = 8) -> set[str]:
    return {text[i : i + size] for i in range(len(text) - size + 1)}


def _registry_bytes(db: Path) -> tuple[bytes, str]:
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    conn = sqlite3.connect(db)
    try:
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    return raw, dump


def test_registry_holds_no_registered_text(registry: Path, tmp_path: Path) -> None:
    raw, dump = _registry_bytes(registry)
    assert len(raw) > 4096 and "INSERT INTO" in dump
    checked = 0
    for text in SECRETS.values():
        for window in _windows(text):
            if not window.strip():
                continue
            checked += 1
            assert window not in dump
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                assert window.encode(encoding) not in raw, (window, encoding)
    assert checked > 700
    # Nor the names of the registered files, unless asked.
    for name in SECRETS:
        assert name.encode() not in raw and name not in dump


def test_titles_are_stored_only_when_asked(tmp_path: Path) -> None:
    db = build_registry(tmp_path, {"plan-7301.txt": SECRET_ZH}, store_titles=True)
    _raw, dump = _registry_bytes(db)
    assert "plan-7301.txt" in dump
    store = SqliteStore(db)
    try:
        (record,) = store.documents()
    finally:
        store.close()
    assert record.title is not None and record.title.endswith("plan-7301.txt")
    draft = _write_txt(tmp_path / "d.txt", "公开", PASSAGE_ZH, "")
    assert dict(_scan(db, draft)[0].extra)["registered_title"].endswith("plan-7301.txt")


def test_reregister_is_a_noop_and_remove_is_incremental(tmp_path: Path) -> None:
    db = build_registry(tmp_path, {"a.txt": SECRET_ZH, "b.txt": SECRET_EN})
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "same-content.txt").write_text(SECRET_ZH, encoding="utf-8")
    store = SqliteStore(db, create=True)
    registry = Registry(store, KEY)
    before = store.stats(10)
    (outcome,) = register_paths(registry, [str(copy)])
    assert outcome.status == "unchanged"
    assert store.stats(10)["fingerprints"] == before["fingerprints"]
    assert registry.remove(outcome.id)
    assert not registry.remove(outcome.id)
    after = store.stats(10)
    assert after["documents"] == 1 and 0 < after["fingerprints"] < before["fingerprints"]
    store.close()
    draft = _write_txt(tmp_path / "d.txt", "公开", PASSAGE_ZH, "")
    assert _scan(db, draft) == []
    assert _scan(db, _write_txt(tmp_path / "e.txt", "公开", PASSAGE_EN, ""))


def test_archive_members_are_registered_as_documents(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    d = docx.Document()
    for line in SECRET_ZH.split("。"):
        d.add_paragraph(line)
    d.save(str(tmp_path / "plan.docx"))
    with zipfile.ZipFile(folder / "bundle.zip", "w") as z:
        z.write(tmp_path / "plan.docx", "inner/plan.docx")
        z.writestr("inner/ops.txt", SECRET_EN)
    store = SqliteStore(tmp_path / "r.db", create=True)
    outcomes = register_paths(Registry(store, KEY), [str(folder)], label="秘密")
    store.close()
    registered = {o.path: o for o in outcomes if o.status == "registered"}
    assert sorted(p.rsplit("!", 1)[-1] for p in registered) == ["inner/ops.txt", "inner/plan.docx"]
    # The docx's text is found in a plain-text draft, at severity "high" (label 秘密).
    findings = _scan(tmp_path / "r.db", _write_txt(tmp_path / "d.txt", "说明", PASSAGE_ZH, ""))
    assert findings and all(f.severity == Severity.HIGH for f in findings)


def test_unreadable_and_empty_inputs_are_reported_not_registered(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tiny.txt").write_text("机密", encoding="utf-8")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (folder / "data.bin").write_bytes(b"\x00\x01\x02")
    store = SqliteStore(tmp_path / "r.db", create=True)
    outcomes = {Path(o.path).name: o for o in register_paths(Registry(store, KEY), [str(folder)])}
    assert store.stats(10)["documents"] == 0
    store.close()
    assert outcomes["tiny.txt"].status == "too_short"
    assert outcomes["broken.docx"].status == "error"
    assert outcomes["data.bin"].status == "unsupported"
    assert not any(o.ok for o in outcomes.values())


LABELS = [
    ("绝密", Severity.CRITICAL), ("机密★10年", Severity.CRITICAL), ("秘密", Severity.HIGH),
    ("商业秘密", Severity.HIGH), ("内部", Severity.MEDIUM), ("内部资料 注意保存", Severity.MEDIUM),
    ("TOP SECRET", Severity.CRITICAL), ("SECRET//NOFORN", Severity.CRITICAL), ("Confidential", Severity.HIGH),
    ("internal", Severity.MEDIUM), (None, Severity.HIGH), ("项目资料", Severity.HIGH),
]


@pytest.mark.parametrize(("label", "severity"), LABELS)
def test_label_severity(label: str | None, severity: Severity) -> None:
    assert label_severity(label) == severity


def test_severity_follows_label_and_amount(tmp_path: Path) -> None:
    db = build_registry(tmp_path, {"a.txt": SECRET_ZH}, label="内部")
    small = _scan(db, _write_txt(tmp_path / "s.txt", "公开", SECRET_ZH[40:75], ""))
    whole = _scan(db, _write_txt(tmp_path / "w.txt", "公开", SECRET_ZH, ""))
    assert small and all(f.severity == Severity.MEDIUM for f in small)
    assert whole and all(f.severity == Severity.HIGH for f in whole)  # most of the document: one step up
    override = Policy(detectors={"fingerprint": {"severity": "low"}})
    assert {f.severity for f in _scan(db, tmp_path / "w.txt", override)} == {Severity.LOW}
    disabled = Policy(detectors={"fingerprint": {"enabled": False}})
    assert _scan(db, tmp_path / "w.txt", disabled) == []


def test_policy_section_is_validated() -> None:
    assert FingerprintSettings.from_policy(Policy(fingerprint={"boilerplate_docs": 3})).boilerplate_docs == 3
    with pytest.raises(ConfigError, match="boilerplate_docs"):
        FingerprintSettings.from_policy(Policy(fingerprint={"boilerplate_docs": 0}))
    with pytest.raises(ConfigError, match="unknown"):
        FingerprintSettings.from_policy(Policy(fingerprint={"boilerplate": 3}))


def test_detector_pickles_for_worker_processes(registry: Path, tmp_path: Path) -> None:
    detector = RegistryDetector(open_matcher(str(registry), KEY, Policy()))
    draft = _write_txt(tmp_path / "d.txt", "公开", PASSAGE_EN, "")
    doc = read_document(InputFile(str(draft), "d.txt"), ScanOptions())
    first = list(detector.detect_document(doc, Policy()))  # opens a connection
    clone = pickle.loads(pickle.dumps(detector))
    assert list(clone.detect_document(doc, Policy())) == first != []


def _zh_units() -> list[str]:
    units = unit_stream([SECRET_ZH]).units
    assert all(len(u) == 1 for u in units)  # Chinese only: one character per unit
    return units


def test_guarantee_holds_end_to_end_through_the_store(registry: Path) -> None:
    """Every run of t = 24 units of a registered document is found; every run of 2t = 48 units
    is reported as a passage at the label's severity (docs/fingerprint.md, section 3)."""
    units = _zh_units()
    t = DEFAULT_PARAMS.guarantee
    detector = RegistryDetector(open_matcher(str(registry), KEY, Policy()))
    wanted = _ids(registry)["plan.txt"]
    for length in (t, 2 * t):
        for start in range(len(units) - length + 1):
            text = "公开的开头。" + "".join(units[start : start + length]) + "。公开的结尾"
            stream = unit_stream([text])
            matches = detector.matcher.match(stream)
            assert [m.record.id for m in matches] == [wanted], (length, start)
            if length == 2 * t:
                assert matches[0].covered_units >= t, start


def test_short_fragments_are_reported_two_levels_down(tmp_path: Path) -> None:
    db = build_registry(tmp_path, {"a.txt": SECRET_ZH}, label="机密")
    units = _zh_units()
    detector = RegistryDetector(open_matcher(str(db), KEY, Policy()))
    fragments = []
    for start in range(0, len(units) - 18, 3):
        draft = Document(path="d.txt", media_type="text/plain", sha256="0",
                         segments=(Segment("说明：" + "".join(units[start : start + 18])),))
        fragments.extend(detector.detect_document(draft, Policy()))
    assert fragments, "no 18-character fragment found at all"
    for f in fragments:
        assert f.severity == Severity.MEDIUM and f.confidence == pytest.approx(0.55)
        assert f.message.startswith("short fragment")
