"""`--engine spark` on a local Spark: the same entities and exposures as the local engine."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from aggregate.legacy_synth import Manifest, write_corpus
from mosaicguard.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    return write_corpus(tmp_path_factory.mktemp("spark"), background=20)


def _report(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    main(args)
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def _shape(data: dict[str, object]) -> tuple[object, object]:
    entities = sorted((e["id"], tuple(e["documents"])) for e in data["entities"])  # type: ignore[attr-defined]
    exposures = sorted((e["entity"]["id"], e["rule"], tuple(e["documents"]))  # type: ignore[attr-defined]
                       for e in data["exposures"])  # type: ignore[attr-defined]
    return entities, exposures


def test_spark_engine_matches_local_engine(small: Manifest, capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    assert shutil.which("java"), "no JRE: run scripts/install-system-deps.sh (default-jre-headless)"
    base = ["aggregate", str(small.corpus), "--policy", str(small.policy), "-q"]
    local = _report(base, capsys)
    spark = _report([*base, "--engine", "spark", "--spark-master", "local[2]", "--index", str(tmp_path / "s.db")],
                    capsys)
    assert spark["corpus"]["linking"]["engine"] == "spark"  # type: ignore[index]
    assert spark["corpus"]["read"] == local["corpus"]["read"] > 0  # type: ignore[index]
    assert _shape(spark) == _shape(local)
    assert local["entities"] and local["exposures"]


def test_spark_sql_scores_amounts_as_score_pair_does() -> None:
    """The `amt` comparison (own precision on one side, any rendering on the other) is SQL of its
    own: splink's Spark backend gives the weights `score_pair` gives."""
    assert shutil.which("java"), "no JRE: run scripts/install-system-deps.sh (default-jre-headless)"
    from mosaicguard.aggregate.facts import FactExtractor
    from mosaicguard.aggregate.index import DocRecord, SQLiteFactStore
    from mosaicguard.aggregate.model import estimate_model, records_from_rows
    from mosaicguard.aggregate.spark import spark_session
    from mosaicguard.aggregate.splink_link import predict_duckdb, predict_spark
    from mosaicguard.policy.schema import Policy

    extractor = FactExtractor(Policy.model_validate({"version": 1}))
    texts = {"eia": "总投资约6743万元", "permit": "合同价格：6743.16万元", "other": "合同价格：6743.40万元",
             "award": "中标金额：2392424.39元", "contract": "合同金额：239.24万元", "round": "最高限价：500万元",
             # a round amount (`amtr`) agrees with a precise one rendered at 10^6; the code pairs them
             "ceiling": "项目编号：ZB-2026-7301\n最高限价：8500万元",
             "won": "项目编号：ZB-2026-7301\n中标金额：8512.34万元"}
    texts.update({f"filler{i}": f"预算金额：{1_000_000 + 7919 * i}元" for i in range(40)})
    store = SQLiteFactStore()
    for doc, text in texts.items():
        store.put_document(DocRecord(doc, doc, 0, 1), extractor.extract_text(doc, text), 200.0, replace=False)
    store.commit()
    records = records_from_rows(store.node_key_rows(), store.all_coords(), dict(store.key_doc_freqs()))
    model = estimate_model(records, store.doc_count())
    spark = predict_spark(spark_session("local[2]"), records, model, -100.0)
    local = predict_duckdb(records, model, -100.0)
    assert {(p.left, p.right) for p in spark} == {(p.left, p.right) for p in local}
    assert any(p.comparison_weights["amt"] > 0 for p in spark)
    assert any(p.comparison_weights["amtr"] > 0 for p in spark)
    for p in spark:
        ours = model.score_pair(records[p.left], records[p.right])
        assert p.match_weight == pytest.approx(ours.weight, abs=1e-6)
        assert {c.comparison: c.weight for c in ours.comparisons} == pytest.approx(p.comparison_weights, abs=1e-6)
