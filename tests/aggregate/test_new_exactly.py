"""`new`, exactly: decided value by value per linked entity, whatever the rule names; what a
draft only repeats is listed, not flagged; the fix is the draft's own text, located and verified."""

from __future__ import annotations

from pathlib import Path

from mosaicguard.aggregate.engine import AggregateOptions, Aggregator
from mosaicguard.aggregate.index import SQLiteFactStore
from mosaicguard.aggregate.result import AggregationResult
from mosaicguard.policy.schema import Policy

POLICY = Policy.model_validate({
    "protected_subjects": [{"id": "p7301", "aliases": ["7301工程"], "codes": ["ZB-2026-7301"]}],
    "sensitive_purposes": ["雷达", "导弹"],
    "combinations": [{"attributes": ["location", "purpose"], "severity": "critical"},
                     {"attributes": ["location", "schedule"], "severity": "high"}],
})


def _check(tmp_path: Path, corpus_files: dict[str, str], drafts: dict[str, str]) -> AggregationResult:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in corpus_files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    paths = []
    for name, text in drafts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    return Aggregator(SQLiteFactStore(), AggregateOptions(POLICY)).check(paths, [str(corpus)])


def _new(result: AggregationResult) -> list:  # type: ignore[type-arg]
    return [e for e in result.exposures if e.new]


def test_new_location_for_a_public_protected_code_in_a_large_entity(tmp_path: Path) -> None:
    corpus = {f"notice-{i:02d}.txt": f"招标编号:ZB-2026-7301 第{i}批次 采购内容:配套设施\n" for i in range(40)}
    corpus["site.txt"] = "招标编号:ZB-2026-7301\n交货地点:湖北省宜昌市点军区点军街道联棚村\n采购内容:雷达天线罩\n"
    corpus["plan.txt"] = "招标编号:ZB-2026-7301\n计划2027年3月竣工\n"
    draft = "招标编号:ZB-2026-7301 二期交货地点:河北省衡水市安平县马家营乡李家湾村\n"
    result = _check(tmp_path, corpus, {"draft.txt": draft})
    new = _new(result)
    assert len(new) == 1 and len(new[0].documents) == 43  # one big entity: the corpus and the draft
    assert set(new[0].new_rules) == {"location+purpose", "location+schedule"}  # rules it already had
    assert [(fx.value) for fx in new[0].minimal_fix] == ["河北省衡水市安平县马家营乡李家湾村"]


def test_restating_public_facts_is_not_new_and_is_listed(tmp_path: Path) -> None:
    corpus = {
        "a.txt": "招标编号:ZB-2026-4242\n交货地点:湖北省宜昌市点军区点军街道联棚村\n",
        "b.txt": "项目编号:ZB-2026-4242\n采购内容:雷达天线罩\n",
    }
    draft = "招标编号:ZB-2026-4242。交货地点为点军区联棚村,采购雷達天線罩。\n"
    result = _check(tmp_path, corpus, {"draft.txt": draft})
    assert result.exposures and not _new(result) and result.minimal_fix == ()
    repeats = {(r.value, r.attribute): [Path(d).name for d in r.public] for r in result.repeats_public}
    assert repeats == {("点军区联棚村", "location"): ["a.txt"], ("雷達天線罩", "purpose"): ["b.txt"]}
    for r in result.repeats_public:
        assert draft[r.location.start:r.location.end] == r.value
    data = result.to_dict("test")
    assert {"doc", "value", "attribute", "location", "public_documents"} <= set(data["repeats_public"][0])


def test_fix_is_the_drafts_own_text_at_its_offsets_and_verified(tmp_path: Path) -> None:
    corpus = {"a.txt": "招标编号:ZB-2026-5151\n交货地点:湖北省宜昌市点军区点军街道联棚村\n"}
    draft = "第二段\n项目编号：ZB-2026-5151。採購雷達天線罩两套。\n"
    result = _check(tmp_path, corpus, {"draft.txt": draft})
    new = _new(result)
    assert len(new) == 1 and new[0].fix_verified is True
    (fx,) = result.minimal_fix
    assert fx.value == "雷達天線罩"  # traditional, as written: not the folded 雷达天线罩
    assert draft[fx.location.start:fx.location.end] == fx.value
    assert result.to_dict("t")["minimal_fix"][0]["location"] == {"start": fx.location.start, "end": fx.location.end}


def test_draft_linking_two_entities_is_judged_against_both(tmp_path: Path) -> None:
    corpus = {
        # an exposure already public, and a site harmless alone
        "one.txt": "招标编号:ZB-2026-1111\n交货地点:湖北省宜昌市点军区点军街道联棚村\n采购内容:雷达天线罩\n",
        "two.txt": "招标编号:ZB-2026-2222\n施工地点:河北省衡水市安平县马家营乡李家湾村\n",
    }
    draft = "招标编号:ZB-2026-1111 与 招标编号:ZB-2026-2222 两标段合并实施。\n"
    result = _check(tmp_path, corpus, {"draft.txt": draft})
    new = _new(result)
    assert len(new) == 1 and len(new[0].linked_entities) == 2
    assert new[0].rule == "location+purpose"  # the second site now has a radar: new
    assert len(new[0].minimal_fix) == 1 and new[0].minimal_fix[0].value in ("ZB-2026-1111", "ZB-2026-2222")
    assert new[0].fix_verified is True


def test_draft_linking_two_public_exposures_adds_nothing(tmp_path: Path) -> None:
    corpus = {
        "one.txt": "招标编号:ZB-2026-1111\n交货地点:湖北省宜昌市点军区点军街道联棚村\n采购内容:雷达天线罩\n",
        "two.txt": "招标编号:ZB-2026-2222\n交货地点:湖北省宜昌市点军区点军街道联棚村\n采购内容:导弹发射架\n",
    }
    draft = "招标编号:ZB-2026-1111 与 招标编号:ZB-2026-2222 两标段为同一场地。\n"
    result = _check(tmp_path, corpus, {"draft.txt": draft})
    # Same site in both: radar+site and missile+site were each public; the union adds no new pair.
    assert result.exposures and not _new(result)


def test_gcj02_draft_links_to_wgs84_corpus_site(tmp_path: Path) -> None:
    corpus = {"env.txt": "环评公示 坐标:北纬39.904200度,东经116.407400度 雷达站\n"}
    result = _check(tmp_path, corpus, {"draft.txt": "高德(GCJ-02)坐标 39.905603, 116.413642 计划2027年3月竣工\n"})
    new = _new(result)
    assert new and any(lk.by == "coord" for lk in new[0].links)
    assert "location+schedule" in new[0].new_rules


def test_fix_in_a_docx_draft_names_the_part_and_its_offsets(tmp_path: Path) -> None:
    import docx

    from mosaicguard.pipeline import ScanOptions, collect_inputs, read_document

    draft = tmp_path / "draft.docx"
    document = docx.Document()
    document.add_paragraph("第一段说明文字。")
    document.add_paragraph("招标编号:ZB-2026-4242 采购雷達天線罩两套")
    document.save(str(draft))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    public = "招标编号:ZB-2026-4242\n交货地点:湖北省宜昌市点军区点军街道联棚村\n"
    (corpus / "a.txt").write_text(public, encoding="utf-8")
    result = Aggregator(SQLiteFactStore(), AggregateOptions(POLICY)).check([str(draft)], [str(corpus)])
    (fx,) = result.minimal_fix
    assert fx.value == "雷達天線罩" and fx.location.part == "word/document.xml"
    # The offsets are in the part's text stream, as scan's findings give them.
    read = read_document(next(iter(collect_inputs([str(draft)]))), ScanOptions(policy=POLICY))
    seg = next(s for s in read.segments if s.location.part == fx.location.part and s.location.start is not None
               and s.location.start <= (fx.location.start or 0) < s.location.start + len(s.text))
    start = (fx.location.start or 0) - (seg.location.start or 0)
    assert seg.text[start:start + len(fx.value)] == fx.value and fx.location.pointer == seg.location.pointer
