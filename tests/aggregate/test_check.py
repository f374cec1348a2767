"""Draft checks on small hand-made corpora: a draft that bridges two corpus entities, a draft
linked by coordinates, and a draft that only repeats what is public."""

from __future__ import annotations

from pathlib import Path

from mosaicguard.aggregate.check import CheckGraph, read_drafts
from mosaicguard.aggregate.engine import AggregateOptions, Aggregator
from mosaicguard.aggregate.facts import FactExtractor
from mosaicguard.aggregate.index import SQLiteFactStore
from mosaicguard.aggregate.result import AggregationResult
from mosaicguard.policy.schema import Policy

POLICY = Policy.model_validate({
    "sensitive_purposes": ["雷达", "导弹"],
    "combinations": [{"attributes": ["location", "purpose"], "severity": "critical"},
                     {"attributes": ["purpose", "schedule"], "severity": "medium"}],
})


def _corpus(tmp_path: Path, files: dict[str, str]) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir(parents=True)
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


def _check(tmp_path: Path, corpus: Path, draft_text: str) -> tuple[Aggregator, AggregationResult]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    draft = tmp_path / "draft.txt"
    draft.write_text(draft_text, encoding="utf-8")
    aggregator = Aggregator(SQLiteFactStore(), AggregateOptions(POLICY))
    return aggregator, aggregator.check([str(draft)], [str(corpus)])


def test_draft_bridging_two_corpus_entities_is_new_and_fix_cuts_a_link(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, {
        "a.txt": "招标编号:ZB-2026-3131\n交货地点:青山县王家镇李庄村\n",
        "b.txt": "采购内容:雷达天线罩\n项目经理电话:13912345678\n",
    })
    aggregator = Aggregator(SQLiteFactStore(), AggregateOptions(POLICY))
    assert aggregator.aggregate([str(corpus)]).exposures == ()  # apart, nothing is inferable
    _, result = _check(tmp_path, corpus, "ZB-2026-3131 项目经理电话:13912345678\n")
    new = [e for e in result.exposures if e.new]
    assert len(new) == 1 and new[0].rule == "location+purpose"
    assert {Path(d).name for d in new[0].documents} == {"a.txt", "b.txt", "draft.txt"}
    assert len(new[0].minimal_fix) == 1  # remove the code or the phone: either cuts the bridge
    assert new[0].minimal_fix[0][1] in ("ZB-2026-3131", "13912345678")
    assert {lk.by for lk in new[0].links} == {"code", "phone"}


def test_draft_linked_by_nearby_coordinates(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, {"env.txt": "环评公示 坐标:北纬30.12345度,东经120.54321度\n"})
    _, result = _check(tmp_path, corpus, "施工通知 site N30.12400° E120.54350° 导弹发射架基础\n")
    new = [e for e in result.exposures if e.new]
    assert new and any(lk.by == "coord" for lk in new[0].links)
    far_corpus = _corpus(tmp_path / "far", {"env.txt": "坐标:北纬30.13345度,东经120.54321度\n"})
    _, far = _check(tmp_path / "far", far_corpus, "施工通知 导弹发射架基础 计划2027年3月竣工\n")
    # Without the link the draft alone still states purpose+schedule (new, medium), not location.
    assert [e.rule for e in far.exposures] == ["purpose+schedule"]


def test_draft_repeating_public_facts_is_not_new(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, {
        "a.txt": "招标编号:ZB-2026-4242\n交货地点:青山县王家镇李庄村\n",
        "b.txt": "项目编号:ZB-2026-4242\n采购内容:雷达天线罩\n",
    })
    _, result = _check(tmp_path, corpus, "ZB-2026-4242 交货地点:青山县王家镇李庄村,雷达天线罩。\n")
    exposures = result.exposures
    assert exposures and not any(e.new for e in exposures)
    assert result.minimal_fix == ()


def test_fix_rescores_a_link_resting_on_two_values(tmp_path: Path) -> None:
    """A draft linked to a public radar notice by both a mobile and a precise site: removing one
    of them leaves the other link (re-scored from the remaining facts, still above the
    threshold), removing both cuts it; the minimal fix removes the schedule the draft adds."""
    files = {f"filler-{i:02d}.txt": f"通知 第{i}号:会议室开放时间调整。\n" for i in range(18)}
    # a street number is a precise site (a village alone is a locality: docs/aggregation.md)
    files["radar.txt"] = "采购内容:雷达天线罩\n项目经理电话:13912345678\n交货地点:青山县王家镇建设路12号\n"
    corpus = _corpus(tmp_path, files)
    draft = tmp_path / "draft.txt"
    draft.write_text("项目经理电话:13912345678 地点:青山县王家镇建设路12号 计划2027年3月竣工\n", encoding="utf-8")
    aggregator = Aggregator(SQLiteFactStore(), AggregateOptions(POLICY))
    aggregator.refresh([str(corpus)], exclude=[str(draft)])
    extractor = FactExtractor(POLICY)
    facts, _, _ = read_drafts([str(draft)], extractor, aggregator.scan_options)
    graph = CheckGraph(aggregator.store, facts, aggregator.settings, aggregator.rules)
    phone = next(f.fix_item for f in facts if f.kind == "phone")
    site = next(f.fix_item for f in facts if f.kind == "address")

    def linked(removed: frozenset[tuple[str, str]]) -> bool:
        (comp,) = [c for c in graph.components(removed) if any(u.startswith("d:") for u in c.units)]
        return bool(comp.corpus_entities) and any(n.rule == "purpose+schedule" for n in comp.new)

    assert linked(frozenset())
    (full,) = [c for c in graph.components() if c.corpus_entities]
    # both values are shared evidence of the one link
    assert {c.comparison for lk in full.draft_links for c in lk.score.comparisons if c.weight > 0} >= {
        "phone", "addr"}
    assert linked(frozenset({phone})) and linked(frozenset({site}))
    assert not linked(frozenset({phone, site}))
    _, result = _check(tmp_path / "run", corpus, draft.read_text(encoding="utf-8"))
    (new,) = [e for e in result.exposures if e.new]
    assert [fx.value for fx in new.minimal_fix] == ["2027年3月竣工"] and new.fix_verified


def test_fix_removes_what_the_draft_adds_before_what_is_public(tmp_path: Path) -> None:
    """Among fixes of one size, the new site and date are removed rather than the purpose the
    public notice already gives plus the code: the fix never leads with a repeated value."""
    corpus = _corpus(tmp_path, {
        "a.txt": "招标编号:ZB-2026-5151\n采购内容:雷达天线罩\n",
        **{f"filler-{i:02d}.txt": f"通知 第{i}号:会议室开放时间调整。\n" for i in range(8)},
    })
    _, result = _check(tmp_path, corpus,
                       "項目編號：ＺＢ－２０２６－５１５１，採購雷達天線罩。\n"
                       "交货地点:青山县王家镇李庄村，計劃２０２７年３月竣工。\n")
    assert [r.value for r in result.repeats_public] == ["雷達天線罩"]
    assert result.exposures[0].new
    assert sorted(fx.value for fx in result.minimal_fix) == ["青山县王家镇李庄村", "２０２７年３月竣工"]
