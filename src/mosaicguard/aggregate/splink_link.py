"""Candidate pairs and their scores with splink (DuckDB locally, Spark with `--engine spark`).

The LinkModel's levels become splink comparison levels (custom SQL conditions over array columns:
per kind one array of keys prefixed with their document frequency, whose smallest shared entry
gives the term-frequency level, plus a haversine distance for coordinates) with
m and u fixed from the model, so splink's `match_weight` and `LinkModel.score_pair` agree.
Candidate pairs come only from blocking rules: exploded non-busy key values (df <= 200) of the
blocking kinds and 1 km coordinate grid cells (a point's cell and its neighbours).
splink is imported lazily: the CLI starts without it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .model import (
    BLOCK_MAX_DF,
    DF_BUCKETS,
    KIND_PRIORS,
    KINDS,
    MAX_CELL_POINTS,
    LinkModel,
    NodeRecord,
    coord_cells,
)


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """A candidate pair scored by splink: record indices, match weight, weight per comparison."""

    left: int
    right: int
    match_weight: float
    comparison_weights: dict[str, float]


def present_kinds(records: Sequence[NodeRecord]) -> tuple[str, ...]:
    """Kinds some node holds: a comparison of a kind nobody holds is always null (weight 0), so
    it is left out of the splink settings and of the input columns."""
    seen: set[str] = set()
    for r in records:
        seen.update(r.by_kind)
    return tuple(k for k in KINDS if k in seen)


#: Width of the zero-padded document frequency that prefixes each key in `{kind}_dfk`: the
#: rarest shared key is then the smallest string of the intersection.
DF_WIDTH = 7


def df_key(df: int, key: str) -> str:
    """`key` prefixed with its document frequency, zero-padded (`0000003|code:ZB20267301`)."""
    return f"{df:0{DF_WIDTH}d}|{key}"


def record_rows(records: Sequence[NodeRecord], kinds: Sequence[str]) -> dict[str, list[Any]]:
    """Columnar input: unique_id, per kind `{kind}_dfk` (the keys that can be compared, i.e.
    `NodeRecord.specific_keys`, each prefixed with its document frequency: `df_key`) and
    `{kind}_busy` (keys held by more than BLOCK_MAX_DF documents: sharing one is neutral), the
    blocking arrays `{kind}_blk`, lat/lon and `cells`."""
    cols: dict[str, list[Any]] = {"unique_id": list(range(len(records)))}
    for kind in kinds:
        cols[f"{kind}_dfk"] = []
        cols[f"{kind}_busy"] = []
        if KIND_PRIORS[kind].blocking:
            cols[f"{kind}_blk"] = []
    cols["lat"], cols["lon"], cols["cells"] = [], [], []
    empty: list[str] = []
    # A cell holding more points than MAX_CELL_POINTS (a default map pin) blocks nothing, as in
    # link.candidate_pairs.
    cell_count: Counter[str] = Counter(c for r in records if r.coord for c in coord_cells(*r.coord))
    for r in records:
        for kind in kinds:
            keys = sorted(r.kind_keys(kind))
            if not keys:
                cols[f"{kind}_dfk"].append(empty)
                cols[f"{kind}_busy"].append(empty)
                if KIND_PRIORS[kind].blocking:
                    cols[f"{kind}_blk"].append(empty)
                continue
            cols[f"{kind}_dfk"].append([df_key(r.keys[k], k) for k in keys if r.keys[k] <= BLOCK_MAX_DF])
            cols[f"{kind}_busy"].append([k for k in keys if r.keys[k] > BLOCK_MAX_DF])
            if KIND_PRIORS[kind].blocking:
                cols[f"{kind}_blk"].append([k for k in keys if 2 <= r.keys[k] <= BLOCK_MAX_DF])
        cols["lat"].append(r.coord[0] if r.coord else None)
        cols["lon"].append(r.coord[1] if r.coord else None)
        cols["cells"].append([c for c in coord_cells(*r.coord) if cell_count[c] <= MAX_CELL_POINTS]
                             if r.coord else empty)
    return cols


def _haversine_sql() -> str:
    a = ("pow(sin(radians(lat_r - lat_l) / 2), 2) + cos(radians(lat_l)) * cos(radians(lat_r)) * "
         "pow(sin(radians(lon_r - lon_l) / 2), 2)")
    return f"(2 * 6371000.0 * asin(least(1.0, sqrt({a}))))"


def splink_settings(model: LinkModel, dialect: str, kinds: Sequence[str] = KINDS) -> Any:
    """splink SettingsCreator holding the model's levels with fixed m and u."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    size = "len" if dialect == "duckdb" else "size"
    inter = "list_intersect" if dialect == "duckdb" else "array_intersect"
    lmin = "list_min" if dialect == "duckdb" else "array_min"
    comparisons: list[Any] = []
    for kind in kinds:
        levels = model.levels[kind]
        cls_: list[Any] = [cll.CustomLevel(f"{size}({kind}_dfk_l) = 0 OR {size}({kind}_dfk_r) = 0", "null")
                .configure(is_null_level=True)]
        # The rarest shared key decides: the smallest df-prefixed string of the intersection
        # (NULL when nothing is shared, so no level below matches).
        rarest = f"{lmin}({inter}({kind}_dfk_l, {kind}_dfk_r))"
        for b, bound in enumerate(DF_BUCKETS):
            lv = levels[b]
            cls_.append(cll.CustomLevel(f"{rarest} < '{bound + 1:0{DF_WIDTH}d}'", lv.label)
                        .configure(m_probability=lv.m, u_probability=lv.u))
        lv = levels[len(DF_BUCKETS)]
        cls_.append(cll.CustomLevel(f"{size}({inter}({kind}_busy_l, {kind}_busy_r)) > 0", lv.label)
                    .configure(m_probability=lv.m, u_probability=lv.u))
        lv = levels[-1]
        cls_.append(cll.ElseLevel().configure(m_probability=lv.m, u_probability=lv.u))
        comparisons.append(cl.CustomComparison(comparison_levels=cls_, output_column_name=kind))
    near, mid, far = model.levels["coord"]
    dist = _haversine_sql()
    comparisons.append(cl.CustomComparison(output_column_name="coord", comparison_levels=[
        cll.CustomLevel("lat_l IS NULL OR lat_r IS NULL", "null").configure(is_null_level=True),
        cll.CustomLevel(f"{dist} <= 200.0", near.label).configure(m_probability=near.m, u_probability=near.u),
        cll.CustomLevel(f"{dist} <= 1000.0", mid.label).configure(m_probability=mid.m, u_probability=mid.u),
        cll.ElseLevel().configure(m_probability=far.m, u_probability=far.u),
    ]))
    rules: list[Any] = [block_on(f"{k}_blk", arrays_to_explode=[f"{k}_blk"]) for k in kinds if KIND_PRIORS[k].blocking]
    rules.append(block_on("cells", arrays_to_explode=["cells"]))
    return SettingsCreator(link_type="dedupe_only", comparisons=comparisons,
                           blocking_rules_to_generate_predictions=rules,
                           probability_two_random_records_match=model.prior,
                           retain_intermediate_calculation_columns=True)


def _arrow_table(cols: dict[str, list[Any]]) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped]

    fields = []
    for name in cols:
        if name == "unique_id":
            fields.append(pa.field(name, pa.int64()))
        elif name in ("lat", "lon"):
            fields.append(pa.field(name, pa.float64()))
        else:
            fields.append(pa.field(name, pa.list_(pa.string())))
    return pa.table(cols, schema=pa.schema(fields))


def _collect(rows: Any, kinds: Sequence[str]) -> list[ScoredPair]:
    out = []
    for row in rows:
        weights = dict.fromkeys(KINDS, 0.0)  # kinds nobody holds: null, weight 0
        weights.update({k: float(row[f"mw_{k}"]) for k in (*kinds, "coord")})
        out.append(ScoredPair(int(row["unique_id_l"]), int(row["unique_id_r"]), float(row["match_weight"]), weights))
    return out


def predict_duckdb(records: Sequence[NodeRecord], model: LinkModel, threshold_weight: float) -> list[ScoredPair]:
    """Blocked candidate pairs scored by splink on DuckDB, at or above `threshold_weight`."""
    from splink import DuckDBAPI, Linker

    if len(records) < 2:
        return []
    db = DuckDBAPI()
    kinds = present_kinds(records)
    table = _arrow_table(record_rows(records, kinds))
    # The settings are generated here, not written by hand: splink's validation (seconds of
    # sqlglot parsing at 10k records) is skipped.
    linker = Linker(db.register(table), splink_settings(model, "duckdb", kinds), log_level=None,
                    validate_settings=False)
    pred: Any = linker.inference.predict(threshold_match_weight=threshold_weight, warning_mode="never")
    return _collect(pred.as_pandas_dataframe().to_dict("records"), kinds)


def predict_spark(spark: Any, records: Sequence[NodeRecord], model: LinkModel, threshold_weight: float
                  ) -> list[ScoredPair]:
    """The same, on splink's Spark backend."""
    from splink import Linker
    from splink.internals.spark.database_api import SparkAPI

    if len(records) < 2:
        return []
    from pyspark.sql import types as T

    kinds = present_kinds(records)
    cols = record_rows(records, kinds)
    fields = [T.StructField(name, T.LongType() if name == "unique_id" else
                            T.DoubleType() if name in ("lat", "lon") else T.ArrayType(T.StringType()))
              for name in cols]
    sdf = spark.createDataFrame(list(zip(*cols.values(), strict=True)), T.StructType(fields))
    # persist, not checkpoint: no checkpoint directory to configure; only built-in SQL functions are
    # used, so splink's UDF jar is not registered.
    db = SparkAPI(spark_session=spark, num_partitions_on_repartition=2,  # type: ignore[no-untyped-call]
                  break_lineage_method="persist", register_udfs_automatically=False)
    linker = Linker(db.register(sdf), splink_settings(model, "spark", kinds), log_level=None,
                    validate_settings=False)
    pred: Any = linker.inference.predict(threshold_match_weight=threshold_weight, warning_mode="never")
    return _collect((r.asDict() for r in pred.as_spark_dataframe().collect()), kinds)
