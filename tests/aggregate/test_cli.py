"""`mosaicguard aggregate` and `mosaicguard check` end to end: exit codes, JSON shape, HTML,
and the index (a second check does not re-read the corpus; changes are picked up incrementally)."""

from __future__ import annotations

import json
import os
import sqlite3
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from aggregate.legacy_synth import Manifest, write_corpus
from mosaicguard.cli import main


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    return write_corpus(tmp_path_factory.mktemp("cli"), background=60)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


def test_aggregate_json_and_exit_code(demo: Manifest, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(["aggregate", str(demo.corpus), "--policy", str(demo.policy), "-q"], capsys)
    assert code == 1  # critical exposures at or above the default gate
    data = json.loads(out)
    assert data["report_version"] == 1 and data["mode"] == "aggregate"
    exp = data["exposures"][0]
    for key in ("entity", "attributes", "rule", "severity", "documents", "links", "new", "minimal_fix"):
        assert key in exp
    assert exp["severity"] in ("low", "medium", "high", "critical")


def test_aggregate_json_lists_entities_and_link_evidence(demo: Manifest, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(["aggregate", str(demo.corpus), "--policy", str(demo.policy), "-q"], capsys)
    data = json.loads(out)
    assert data["entities"], "multi-document entities are listed"
    for ent in data["entities"]:
        assert set(ent) >= {"id", "documents", "names", "weakest_link", "size"}
        assert ent["size"] == len(ent["documents"]) >= 2
        weak = ent["weakest_link"]
        assert weak is not None and {weak["from"], weak["to"]} <= set(ent["documents"])
    links = [lk for exp in data["exposures"] for lk in exp["links"]]
    assert links
    for lk in links:
        assert {"from", "to", "by", "value", "match_weight", "match_probability", "evidence"} <= set(lk)
        assert 0.0 < lk["match_probability"] <= 1.0 and lk["evidence"]
        # The evidence adds up: prior + comparison weights = match weight (prior is negative).
        assert sum(c["weight"] for c in lk["evidence"]) > lk["match_weight"]
    # Every exposure built from several documents is one of the listed entities.
    for exp in data["exposures"]:
        if len(exp["documents"]) > 1:
            assert any(set(exp["documents"]) <= set(e["documents"]) for e in data["entities"]), exp["entity"]
    _, red = run(["aggregate", str(demo.corpus), "--policy", str(demo.policy), "-q", "--redact"], capsys)
    phones = [c for e in json.loads(red)["exposures"] for lk in e["links"] for c in lk["evidence"]
              if c["comparison"] == "phone" and "value" in c]
    assert phones and all("*" in c["value"] for c in phones)


def test_removed_document_splits_its_entity(demo: Manifest, capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    chain = next(c for c in demo.chains if c.link == "multi")
    for f in demo.corpus.rglob("*.txt"):
        (corpus / f.name).write_bytes(f.read_bytes())
    base = ["aggregate", str(corpus), "--policy", str(demo.policy), "--index", str(tmp_path / "i.sqlite"), "-q"]
    _, out = run(base, capsys)
    names = [Path(d).name for d in chain.docs]
    assert any({Path(d).name for d in e["documents"]} >= set(names) for e in json.loads(out)["entities"])
    middle = names[1]  # the bridge of the chain
    (corpus / middle).unlink()
    _, out = run(base, capsys)
    data = json.loads(out)
    assert data["corpus"]["removed"] == 1 and data["corpus"]["linking"]["relinked"]
    assert not any(middle in {Path(d).name for d in e["documents"]} for e in data["entities"])
    assert not any({Path(d).name for d in e["documents"]} >= set(names) - {middle} for e in data["entities"])


def test_fail_on_above_everything_exits_0(demo: Manifest, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(demo.policy.read_text(encoding="utf-8").replace("critical", "low").replace("high", "low")
                      .replace("medium", "low"), encoding="utf-8")
    code, _ = run(["aggregate", str(demo.corpus), "--policy", str(policy), "--fail-on", "high", "-q"], capsys)
    assert code == 0


def test_check_new_exposure_exit_1_harmless_exit_0(demo: Manifest, capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    index = tmp_path / "idx.sqlite"
    base = ["--corpus", str(demo.corpus), "--policy", str(demo.policy), "--index", str(index), "-q"]
    code, out = run(["check", str(demo.drafts / "completes.txt"), *base], capsys)
    assert code == 1
    data = json.loads(out)
    new = [e for e in data["exposures"] if e["new"]]
    assert new and new[0]["minimal_fix"] and data["minimal_fix"]
    assert data["corpus"]["read"] > 0
    code, out = run(["check", str(demo.drafts / "harmless.txt"), *base], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["corpus"]["read"] == 0 and data["corpus"]["reused"] == data["corpus"]["documents"]
    assert "linking" not in data["corpus"]  # nothing changed: entities were not recomputed
    code, _ = run(["check", str(demo.drafts / "restates.txt"), *base], capsys)
    assert code == 0  # already public: not new


def test_index_is_incremental(demo: Manifest, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in sorted(demo.corpus.iterdir())[:40]:
        (corpus / p.name).write_bytes(p.read_bytes())
    index = tmp_path / "idx.sqlite"
    args = ["aggregate", str(corpus), "--policy", str(demo.policy), "--index", str(index), "-q"]
    _, out = run(args, capsys)
    first = json.loads(out)["corpus"]
    assert first["read"] == 40
    (corpus / "new.txt").write_text("招标编号:ZB-2026-5555\n采购内容:雷达天线罩\n", encoding="utf-8")
    (corpus / sorted(os.listdir(corpus))[0]).unlink()
    touched = corpus / sorted(os.listdir(corpus))[0]
    os.utime(touched, ns=(1, 1))  # same content, new mtime: hashed, facts kept, not re-extracted
    _, out = run(args, capsys)
    second = json.loads(out)["corpus"]
    assert (second["read"], second["rehashed"], second["removed"], second["documents"]) == (1, 1, 1, 40)
    rows = sqlite3.connect(index).execute("SELECT COUNT(*) FROM docs WHERE path LIKE '%new.txt'").fetchone()
    assert rows[0] == 1
    # Draft check against the trusted index does not even list the corpus folder.
    code, out = run(["check", str(demo.drafts / "harmless.txt"), "--corpus", str(tmp_path / "gone"),
                     "--policy", str(demo.policy), "--index", str(index), "--trust-index", "-q"], capsys)
    assert code == 0 and json.loads(out)["corpus"]["files_seen"] == 0


def test_changed_policy_subjects_rebuild_the_index(demo: Manifest, capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    index = tmp_path / "idx.sqlite"
    run(["aggregate", str(demo.corpus), "--policy", str(demo.policy), "--index", str(index), "-q"], capsys)
    policy = tmp_path / "p.yaml"
    policy.write_text(demo.policy.read_text(encoding="utf-8").replace("p7301", "p7302"), encoding="utf-8")
    _, out = run(["aggregate", str(demo.corpus), "--policy", str(policy), "--index", str(index), "-q"], capsys)
    data = json.loads(out)
    assert data["corpus"]["rebuilt"] is True and data["corpus"]["read"] == data["corpus"]["documents"]


def test_trust_index_refuses_an_index_of_another_policy_or_none(demo: Manifest, capsys: pytest.CaptureFixture[str],
                                                                tmp_path: Path) -> None:
    """`check --trust-index` answers from the index alone, so it refuses (exit 2) an index whose
    facts were extracted for other protected subjects (the corpus's subject facts are missing: a
    public exposure reads as new) and an index that holds nothing (a mistyped path: the corpus
    would be read in full)."""
    index = tmp_path / "idx.sqlite"
    run(["aggregate", str(demo.corpus), "--policy", str(demo.policy), "--index", str(index), "-q"], capsys)
    check = ["check", str(demo.drafts / "harmless.txt"), "--corpus", str(demo.corpus), "--trust-index", "-q"]
    assert main([*check, "--policy", str(demo.policy), "--index", str(index)]) == 0
    policy = tmp_path / "p.yaml"
    policy.write_text(demo.policy.read_text(encoding="utf-8").replace("p7301", "p7302"), encoding="utf-8")
    assert main([*check, "--policy", str(policy), "--index", str(index)]) == 2
    assert "another policy" in capsys.readouterr().err
    assert main([*check, "--policy", str(demo.policy), "--index", str(tmp_path / "typo.sqlite")]) == 2
    assert "holds no linked corpus" in capsys.readouterr().err


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_check_html_renders_pictures_and_masks_phones(demo: Manifest, capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code, _ = run(["check", str(demo.drafts / "two-ways.txt"), "--corpus", str(demo.corpus),
                   "--policy", str(demo.policy), "--format", "html", "-o", str(out), "-q"], capsys)
    assert code == 1
    html = out.read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(html)
    assert "svg" in parser.tags and "table" in parser.tags
    text = "".join(parser.text)
    assert "新增 / NEW" in text and "最小修改 / minimal fix" in text
    phone = (demo.drafts / "two-ways.txt").read_text(encoding="utf-8").split("电话:")[1].strip()
    assert phone not in html  # a personal number is masked for human eyes
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")  # self-contained


def test_a_setting_without_effect_is_warned_of_and_changes_nothing(
        demo: Manifest, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`link_kinds` with an organisation at full weight would have merged every project of one
    contractor in version 0.1: now ignored, said on stderr (even with -q) and in the report."""
    answers = []
    old = "  link_kinds: {org: {weight: 1.0, rare_df: 1000}}\n  max_df_fraction: 0.9\n"
    for name, extra in (("plain", ""), ("old", old)):
        policy = tmp_path / f"{name}.yaml"
        policy.write_text(demo.policy.read_text(encoding="utf-8") + ("aggregation:\n" + extra if extra else ""),
                          encoding="utf-8")
        out = tmp_path / f"{name}.json"
        capsys.readouterr()
        main(["aggregate", str(demo.corpus), "--policy", str(policy), "-q", "--format", "json", "-o", str(out)])
        err = capsys.readouterr().err
        report = json.loads(out.read_text(encoding="utf-8"))
        if extra:
            assert "policy aggregation.link_kinds has no effect" in err
            assert "policy aggregation.max_df_fraction has no effect" in err
            assert report["corpus"]["ignored_settings"] == ["aggregation.max_df_fraction", "aggregation.link_kinds"]
        else:
            assert "no effect" not in err and "ignored_settings" not in report["corpus"]
        answers.append((report["exposures"], report["entities"]))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("mode", ["aggregate", "check"])
def test_redact_masks_names_ids_and_explanations(demo: Manifest, capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path, mode: str) -> None:
    """`--redact` masks every value a report quotes: entity names and ids (a code, a project
    name), and the values an explanation quotes (a linking phone number), in JSON and in HTML."""
    args = (["aggregate", str(demo.corpus)] if mode == "aggregate"
            else ["check", str(demo.drafts / "two-ways.txt"), "--corpus", str(demo.corpus)])
    args += ["--policy", str(demo.policy), "-q"]
    _, plain = run(args, capsys)
    data = json.loads(plain)
    values = {n for e in data["exposures"] for n in e["entity"]["names"]}
    values |= {e["entity"]["id"].partition(":")[2] for e in data["exposures"]
               if e["entity"]["id"].startswith(("code:", "name:"))}
    values |= {lk["value"] for e in data["exposures"] for lk in e["links"]}
    values = {v for v in values if len(v) >= 6}
    assert values
    assert any(v in e["explanation"] for e in data["exposures"] for v in values)  # explanations quote them
    _, red_json = run([*args, "--redact"], capsys)
    red_html = tmp_path / "r.html"
    run([*args, "--redact", "--format", "html", "-o", str(red_html)], capsys)
    html = red_html.read_text(encoding="utf-8")
    for v in sorted(values):
        assert v not in red_json, v
        assert escape(v) not in html, v


@pytest.mark.parametrize(("extra", "policy_text"), [
    ([], "aggregation: {min_link_weight: 7}\n"),
    ([], "aggregation: {no_such_key: 1}\n"),
    (["--trust-index"], "sensitive_purposes: [雷达]\n"),
])
def test_usage_and_policy_errors_exit_2(demo: Manifest, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        extra: list[str], policy_text: str) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(policy_text, encoding="utf-8")
    code = main(["check", str(demo.drafts / "harmless.txt"), "--corpus", str(demo.corpus),
                 "--policy", str(policy), "-q", *extra])
    assert code == 2
    assert main(["aggregate", str(tmp_path / "missing"), "--policy", str(policy)]) == 2
    assert main(["check", str(demo.drafts / "harmless.txt"), "--policy", str(policy)]) == 2  # no --corpus


def test_unreadable_corpus_file_is_reported_not_fatal(demo: Manifest, capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "ok.txt").write_text("招标编号:ZB-2026-1212\n采购内容:雷达天线罩\n交货地点:青山县王家镇李庄村\n",
                                   encoding="utf-8")
    (corpus / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    code, out = run(["aggregate", str(corpus), "--policy", str(demo.policy), "-q"], capsys)
    data = json.loads(out)
    assert code == 1 and data["exposures"]
    assert any(e["path"].endswith("broken.zip") for e in data["errors"])


def test_unread_files_are_listed_on_every_indexed_run(demo: Manifest, capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    """With an index, files that could not be read are listed again on later runs (not only on the
    run that first met them), a dangling link is listed as scan lists it, and a file that could
    not be read is read again (a timeout or a permission may have passed since, mtime unchanged)."""
    import zipfile

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "ok.txt").write_text("招标编号:ZB-2026-1212\n采购内容:雷达天线罩\n交货地点:青山县王家镇李庄村\n",
                                   encoding="utf-8")
    (corpus / "junk.bin").write_bytes(bytes(range(256)) * 8)
    with zipfile.ZipFile(corpus / "bundle.zip", "w") as zf:
        zf.writestr("inner.pdf", b"%PDF-1.7 not really a pdf")
    (corpus / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    index = tmp_path / "idx.sqlite"
    args = ["aggregate", str(corpus), "--policy", str(demo.policy), "--index", str(index), "-q"]
    _, first = run(args, capsys)
    _, second = run(args, capsys)
    expected = ["bundle.zip!inner.pdf", "gone.txt", "junk.bin"]
    for out in (first, second):
        assert sorted(Path(e["path"]).name for e in json.loads(out)["errors"]) == expected
    assert json.loads(second)["corpus"]["read"] == 0  # nothing changed: nothing read
    # ok.txt failed on some earlier run (a timeout), its size and mtime as they are now
    with sqlite3.connect(index) as db:
        db.execute("UPDATE docs SET status='error', error='timed out' WHERE path LIKE '%ok.txt'")
        db.execute("DELETE FROM facts WHERE doc_id IN (SELECT doc_id FROM docs WHERE path LIKE '%ok.txt')")
    _, third = run(args, capsys)
    data = json.loads(third)
    assert data["corpus"]["read"] == 1
    assert sorted(Path(e["path"]).name for e in data["errors"]) == expected
    assert [e["documents"] for e in data["exposures"]] == [[str(corpus / "ok.txt")]]


def test_parallel_reading_gives_the_same_report(demo: Manifest, capsys: pytest.CaptureFixture[str]) -> None:
    _, one = run(["aggregate", str(demo.corpus), "--policy", str(demo.policy), "-q"], capsys)
    _, two = run(["aggregate", str(demo.corpus), "--policy", str(demo.policy), "-q", "--jobs", "2"], capsys)
    assert json.loads(one)["exposures"] == json.loads(two)["exposures"]


def test_draft_inside_the_corpus_folder_is_not_part_of_the_corpus(demo: Manifest, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "public"
    corpus.mkdir()
    (corpus / "a.txt").write_text("招标编号:ZB-2026-6161\n交货地点:青山县王家镇李庄村\n", encoding="utf-8")
    draft = corpus / "draft.txt"
    draft.write_text("ZB-2026-6161 补充:雷达天线罩\n", encoding="utf-8")
    code, out = run(["check", str(draft), "--corpus", str(corpus), "--policy", str(demo.policy), "-q"], capsys)
    data = json.loads(out)
    assert code == 1 and data["corpus"]["documents"] == 1
    assert [(fx["doc"], fx["value"]) for fx in data["minimal_fix"]] == [(str(draft), "雷达天线罩")]
    loc = data["minimal_fix"][0]["location"]
    assert draft.read_text(encoding="utf-8")[loc["start"]:loc["end"]] == "雷达天线罩"


def test_aggregate_html_lists_every_exposure(demo: Manifest, capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    out = tmp_path / "agg.html"
    _, js = run(["aggregate", str(demo.corpus), "--policy", str(demo.policy), "-q"], capsys)
    run(["aggregate", str(demo.corpus), "--policy", str(demo.policy), "--format", "html", "-o", str(out), "-q"],
        capsys)
    html = out.read_text(encoding="utf-8")
    assert html.count("<svg") == len(json.loads(js)["exposures"]) > 0
    assert "汇聚风险报告 / Aggregation report" in html
    # The entities table (one row per multi-document entity, with its weakest link) and each
    # link's evidence; personal values inside the evidence are masked.
    entities = json.loads(js)["entities"]
    assert f"实体 / entities: {len(entities)}" in html and "最弱关联 / weakest link" in html
    assert "证据 / evidence" in html and "code +" in html
    phones = {c["value"] for e in json.loads(js)["exposures"] for lk in e["links"] for c in lk["evidence"]
              if c["comparison"] == "phone" and "value" in c}
    assert phones and not any(p in html for p in phones)
