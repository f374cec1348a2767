"""`--engine spark`: fact extraction on Spark executors and linking with splink's Spark backend.

The driver lists the corpus and decides which files are new or changed exactly as the local engine
does (corpus.sync_corpus); the files to read are parallelised, and each executor reads and
extracts its files with the same FactExtractor (corpus.extract_file) - documents are read where
they are, so every executor must see the corpus path (a shared file system in a cluster). The
facts come back to the driver's index; linking then runs the same LinkModel through splink on
Spark (splink_link.predict_spark), and clustering, rules and reports are shared with the local
engine. pyspark is imported only here, only when `--engine spark` is asked for.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..pipeline import ScanOptions
from ..policy.schema import Policy
from .corpus import SyncStats, Todo, _Extracted, extract_file, sync_corpus
from .facts import FactExtractor
from .index import FactStore
from .settings import AggregationSettings

_SESSION: Any = None


def spark_session(master: str | None) -> Any:
    """A Spark session on `master` (default `local[2]`), created once per process. Executors run
    this interpreter so that they import the same mosaicguard."""
    global _SESSION
    if _SESSION is not None:
        return _SESSION
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    _SESSION = (SparkSession.builder.master(master or "local[2]").appName("mosaicguard-aggregate")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "4")
                # splink's comparison CASE expressions (one per level, the buyer's levels at a shared
                # site among them) are planned and compiled on the driver: 1 GB ran out of heap
                # even on a 40-document corpus (tests/aggregate/test_spark.py); a local session's
                # driver is also its only executor
                .config("spark.driver.memory", "3g")
                .getOrCreate())
    _SESSION.sparkContext.setLogLevel("ERROR")
    return _SESSION


def _extract_partition(policy: Policy, options: ScanOptions, jobs: Iterable[tuple[int, Todo]]
                       ) -> Iterator[tuple[int, _Extracted]]:
    extractor = FactExtractor(policy)  # once per partition: building the automata is not free
    for i, job in jobs:
        yield i, extract_file(extractor, options, job)


def spark_extractor(spark: Any) -> Any:
    """An `Extractor` for sync_corpus that runs on the Spark executors (results in input order)."""
    def extract(todo: list[Todo], policy: Policy, options: ScanOptions, jobs: int) -> Iterator[_Extracted]:
        if not todo:
            return
        sc = spark.sparkContext
        parts = max(1, min(len(todo), sc.defaultParallelism * 4))
        rdd = sc.parallelize(list(enumerate(todo)), parts)
        results = dict(rdd.mapPartitions(lambda it: _extract_partition(policy, options, it)).collect())
        for i in range(len(todo)):
            yield results[i]

    return extract


def sync_corpus_spark(spark: Any, store: FactStore, paths: Sequence[str], policy: Policy,
                      settings: AggregationSettings, options: ScanOptions, exclude: frozenset[str]) -> SyncStats:
    """sync_corpus with extraction distributed over the executors."""
    return sync_corpus(store, paths, policy, settings, options, exclude, extract=spark_extractor(spark))
