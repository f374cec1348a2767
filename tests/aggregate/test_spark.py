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
