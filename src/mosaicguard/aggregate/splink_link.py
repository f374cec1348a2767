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

import functools
import hashlib
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .model import (
    ADDR_AT_CAMPUS,
    AMOUNT_KINDS,
    AMOUNT_OWN,
    AT_NAME_BOUNDS,
    BLOCK_MAX_DF,
    BUYER_MARK,
    DF_BUCKETS,
    FAR_M,
    KIND_PRIORS,
    KINDS,
    MARKED_KINDS,
    MAX_CELL_POINTS,
    NAME_CONTEXT_KINDS,
    NAME_CONTEXT_MAX_DF,
    NAME_CONTEXT_NAME_MAX_DF,
    NAMING_KINDS,
    NEAR_M,
    ORG_AT_AMOUNT,
    ORG_AT_SITE,
    OWN_AT_VILLAGE,
    PLACE_KINDS,
    SITE_KINDS,
    VIL_IN_NAME,
    LinkModel,
    NodeRecord,
    at_name,
    blocks,
    coord_cells,
    pair_block_keys,
    village_names,
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


#: The column of a node's composite blocking tokens (`model.pair_block_keys`).
PAIR_BLK = "pair_blk"
#: The column of a node's project names that hold its village's name (`model.village_names`).
VIL_NAME = "vil_name"

#: Width of the zero-padded document frequency that prefixes each key in `{kind}_dfk`: the
#: rarest shared key is then the smallest string of the intersection.
DF_WIDTH = 7


def df_key(df: int, key: str) -> str:
    """`key` prefixed with its document frequency, zero-padded (`0000003|code:ZB20267301`)."""
    return f"{df:0{DF_WIDTH}d}|{key}"


#: Kinds whose `{kind}_busy` keys carry their document frequency (`df_key`), as `{kind}_dfk`:
#: compared at a shared name (model.NAME_CONTEXT_KINDS; the owner's busy keys are already in
#: `own_dfk`, model.KindPrior.busy_differ).
BUSY_DFK_KINDS = tuple(k for k in NAME_CONTEXT_KINDS if not KIND_PRIORS[k].busy_differ)


def column_names(kinds: Sequence[str]) -> list[str]:
    """The splink input columns for these kinds (see `record_row`)."""
    out = ["unique_id"]
    for kind in kinds:
        out.extend((f"{kind}_dfk", f"{kind}_busy"))
        if KIND_PRIORS[kind].blocking:
            out.append(f"{kind}_blk")
        if kind in MARKED_KINDS:
            out.append(f"{kind}_own_dfk")
    return [*out, PAIR_BLK, VIL_NAME, "lat", "lon", "coord_df", "cells"]


def cell_counts(coords: Iterable[tuple[float, float]]) -> Counter[str]:
    """Points per 1 km cell (a point counts in its cell and its neighbours' cells)."""
    return Counter(c for lat, lon in coords for c in coord_cells(lat, lon))


@functools.cache
def _layout(kinds: tuple[str, ...]) -> tuple[dict[str, int], int]:
    """Where each kind's columns start in a row (after unique_id), and the row's width."""
    offsets: dict[str, int] = {}
    at = 1
    for kind in kinds:
        offsets[kind] = at
        at += 2 + KIND_PRIORS[kind].blocking + (kind in MARKED_KINDS)
    return offsets, at + 6


_NO_KEYS: list[Any] = []  # shared by every empty cell of a row: never appended to


def record_row(uid: int, r: NodeRecord, kinds: Sequence[str], cell_count: Mapping[str, int],
               encode: Callable[[str], Any] = str) -> list[Any]:
    """One node's splink input row, in `column_names(kinds)` order: per kind `{kind}_dfk` (the
    keys that can be compared, i.e. `NodeRecord.specific_keys`, each prefixed with its document
    frequency: `df_key`), `{kind}_busy` (keys held by more than BLOCK_MAX_DF documents: sharing
    one is neutral) and the blocking array `{kind}_blk`, then lat/lon, the point's `coord_df`
    (nodes within 1 km, at least 2: model.COORD_C) and `cells`. Keys go
    through `encode` (the streamed path hashes them: see `predict_duckdb_stream`); `_dfk`
    entries stay strings (the df prefix orders them). Amounts (`amt`, `amtr`) also have `{kind}_own_dfk`:
    the amounts held at their own precision (model.AMOUNT_OWN), prefixed with the df of the
    value, so that `{kind}_own_dfk` of one side meets `{kind}_dfk` of the other; the markers
    themselves are in no other column. The owner (`own`) has it too: its buyers' keys
    (model.BUYER_MARK, busy ones included), so that two developers on one campus compare null."""
    offsets, width = _layout(tuple(kinds))
    row: list[Any] = [_NO_KEYS] * width
    row[0] = uid
    for kind, kind_keys in r.by_kind.items():
        at = offsets.get(kind)
        if at is None:
            continue
        keys = sorted(kind_keys)
        if kind in MARKED_KINDS:
            mark = BUYER_MARK if kind == "own" else AMOUNT_OWN
            own = [k[:-1] for k in keys if k.endswith(mark)]
            keys = [k for k in keys if not k.endswith(mark)]
            row[at + 2 + KIND_PRIORS[kind].blocking] = [
                df_key(r.keys[k], e if isinstance(e := encode(k), str) else f"{e:x}")
                for k in own if kind == "own" or r.keys.get(k, BLOCK_MAX_DF + 1) <= BLOCK_MAX_DF]
        enc = {k: encode(k) for k in keys}
        specific = r.specific_keys(kind)
        row[at] = [df_key(r.keys[k], e if isinstance(e := enc[k], str) else f"{e:x}")
                   for k in keys if k in specific]
        if kind in BUSY_DFK_KINDS:
            # compared at a shared name by their term frequency (model.LinkModel._compare_at_name)
            row[at + 1] = [df_key(r.keys[k], e if isinstance(e := enc[k], str) else f"{e:x}")
                           for k in keys if r.keys[k] > BLOCK_MAX_DF]
        else:
            row[at + 1] = [enc[k] for k in keys if r.keys[k] > BLOCK_MAX_DF]
        if KIND_PRIORS[kind].blocking:
            row[at + 2] = [enc[k] for k in keys if blocks(k, r.keys[k])]
    # composite blocking tokens (model.pair_block_keys): a buyer and an amount shared together
    combos = pair_block_keys(r.keys)
    row[-6] = [encode(k) for k in combos] if combos else _NO_KEYS
    # project names holding the node's village (model.VIL_IN_NAME)
    named = village_names(r)
    row[-5] = [encode(k) for k in sorted(named)] if named else _NO_KEYS
    if r.coord:
        # A cell holding more points than MAX_CELL_POINTS (a default map pin) blocks nothing, as
        # in link.candidate_pairs.
        row[-4:] = [r.coord[0], r.coord[1], max(r.coord_df, 2),
                    [encode(c) for c in coord_cells(*r.coord) if cell_count.get(c, 0) <= MAX_CELL_POINTS]]
    else:
        row[-4:] = [None, None, None, _NO_KEYS]
    return row


def record_rows(records: Sequence[NodeRecord], kinds: Sequence[str]) -> dict[str, list[Any]]:
    """Columnar input of records held in memory (row i is record i): see `record_row`."""
    names = column_names(kinds)
    cols: dict[str, list[Any]] = {n: [] for n in names}
    cell_count = cell_counts(r.coord for r in records if r.coord)
    for i, r in enumerate(records):
        for name, value in zip(names, record_row(i, r, kinds, cell_count), strict=True):
            cols[name].append(value)
    return cols
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
    # model.owners_compared: two owners are compared when one of them is a buyer's, two
    # developers unless on one campus (model.one_campus: a shared road and number, or points
    # within 200 m)
    campus = [f"{size}({inter}(addr_dfk_l, addr_dfk_r)) > 0"] if "addr" in kinds else []
    campus.append(f"(lat_l IS NOT NULL AND lat_r IS NOT NULL AND {_haversine_sql()} <= {NEAR_M:.1f})")
    own_not_compared = (f"{size}(own_dfk_l) = 0 OR {size}(own_dfk_r) = 0 OR ({size}(own_own_dfk_l) = 0"
                        f" AND {size}(own_own_dfk_r) = 0 AND ({' OR '.join(campus)}))")
    # model.owner_at_village: a shared village, neither naming a project
    at_village = ""
    if "vil" in kinds and "own" in kinds and OWN_AT_VILLAGE in model.levels:
        at_village = f"{size}({inter}(vil_dfk_l, vil_dfk_r)) > 0" + "".join(
            f" AND {size}({k}_dfk_l) = 0 AND {size}({k}_dfk_r) = 0" for k in NAMING_KINDS if k in kinds)
    for kind in kinds:
        levels = model.levels[kind]
        null = f"{size}({kind}_dfk_l) = 0 OR {size}({kind}_dfk_r) = 0"
        if kind == "own":
            null = own_not_compared
        if kind == "org" and at_village:
            # model.owner_tied_at_village: the owner weighs at the shared village, once
            null += (f" OR (({at_village}) AND {size}({inter}(own_dfk_l, own_dfk_r)) > 0"
                     f" AND NOT ({own_not_compared}))")
        named = kind in NAME_CONTEXT_KINDS and "name" in kinds and at_name(kind) in model.levels
        shared_name = _name_context_sql(dialect, kinds)
        if kind == "area":
            # model.holds_place: one of the two gives a site
            held_place = [f"{size}({k}_dfk_{s}) > 0" for k in PLACE_KINDS if k in kinds for s in ("l", "r")]
            shared_name = f"({shared_name} AND ({' OR '.join(held_place) or 'FALSE'}))"
        if named and kind in BUSY_DFK_KINDS:
            # model.LinkModel._compare_at_name: at a shared distinctive name, busy values are
            # compared too (`{kind}_busy` holds them with their df)
            held = [f"({size}({kind}_dfk_{s}) > 0 OR {size}({kind}_busy_{s}) > 0)" for s in ("l", "r")]
            null = f"({null}) AND NOT ({shared_name} AND {held[0]} AND {held[1]})"
        if kind == "area":
            # model.share_place_value: the county of a shared place is not compared, at a shared
            # name too (checked before the name context, as in model.LinkModel.compare_kind)
            place = [f"{size}({inter}({k}_dfk_l, {k}_dfk_r)) > 0" for k in PLACE_KINDS if k in kinds]
            if place:
                null = f"({null}) OR ({' OR '.join(place)})"
        cls_: list[Any] = [cll.CustomLevel(null, "null").configure(is_null_level=True)]
        # The rarest shared key decides: the smallest df-prefixed string of the intersection
        # (NULL when nothing is shared, so no level below matches).
        rarest = f"{lmin}({inter}({kind}_dfk_l, {kind}_dfk_r))"
        if kind in AMOUNT_KINDS:
            # An amount agrees with another held at its own precision (model.compare_amount).
            concat = "list_concat" if dialect == "duckdb" else "concat"
            rarest = (f"{lmin}({concat}({inter}({kind}_own_dfk_l, {kind}_dfk_r), "
                      f"{inter}({kind}_dfk_l, {kind}_own_dfk_r)))")
        # model.share_site_value: a shared comparable road and number or village group
        shared_site = [f"{size}({inter}({k}_dfk_l, {k}_dfk_r)) > 0" for k in SITE_KINDS if k in kinds]
        at_site = " OR ".join(shared_site)
        if kind == "org" and at_site and ORG_AT_SITE in model.levels:
            # an organisation shared by two mentions at one site, neither naming a project:
            # plain term frequency (model.org_at_site), before the levels of the same values
            unnamed = "".join(f" AND {size}({k}_dfk_l) = 0 AND {size}({k}_dfk_r) = 0"
                              for k in NAMING_KINDS if k in kinds)
            for b, bound in enumerate(DF_BUCKETS):
                lv = model.levels[ORG_AT_SITE][b]
                cls_.append(cll.CustomLevel(f"({at_site}){unnamed} AND {rarest} < '{bound + 1:0{DF_WIDTH}d}'",
                                            lv.label).configure(m_probability=lv.m, u_probability=lv.u))
        if kind == "org" and "amt" in kinds and ORG_AT_AMOUNT in model.levels:
            cls_.extend(_org_at_amount_levels(model, dialect, kinds, rarest))
        if kind == "addr" and ADDR_AT_CAMPUS in model.levels:
            cls_.extend(_addr_at_campus_levels(model, dialect, kinds, rarest))
        if kind == "vil" and "name" in kinds and VIL_IN_NAME in model.levels:
            # a village shared by two nodes that share a name holding it (model.village_names)
            lv = model.levels[VIL_IN_NAME][0]
            cls_.append(cll.CustomLevel(
                f"{size}({inter}({VIL_NAME}_l, {VIL_NAME}_r)) > 0 AND {rarest} < '{BLOCK_MAX_DF + 1:0{DF_WIDTH}d}'",
                lv.label).configure(m_probability=lv.m, u_probability=lv.u))
        if named and kind not in BUSY_DFK_KINDS:
            # the owner (model.LinkModel.compare_kind): a shared owner at a shared name weighs
            # its term frequency, busy ones included (`own_dfk` holds them all)
            for bound, lv in zip(AT_NAME_BOUNDS, model.levels[at_name(kind)], strict=True):
                cls_.append(cll.CustomLevel(f"{shared_name} AND {rarest} < '{bound + 1:0{DF_WIDTH}d}'", lv.label)
                            .configure(m_probability=lv.m, u_probability=lv.u))
        elif named:
            concat = "list_concat" if dialect == "duckdb" else "concat"
            rarest_all = f"{lmin}({concat}({inter}({kind}_dfk_l, {kind}_dfk_r), {inter}({kind}_busy_l, {kind}_busy_r)))"
            for bound, lv in zip(AT_NAME_BOUNDS, model.levels[at_name(kind)], strict=True):
                cls_.append(cll.CustomLevel(f"{shared_name} AND {rarest_all} < '{bound + 1:0{DF_WIDTH}d}'", lv.label)
                            .configure(m_probability=lv.m, u_probability=lv.u))
            busy = levels[len(DF_BUCKETS)]
            cls_.append(cll.CustomLevel(f"{shared_name} AND {rarest_all} >= '{NAME_CONTEXT_MAX_DF + 1:0{DF_WIDTH}d}'",
                                        busy.label).configure(m_probability=busy.m, u_probability=busy.u))
            differ = levels[-1]
            cls_.append(cll.CustomLevel(shared_name, differ.label)
                        .configure(m_probability=differ.m, u_probability=differ.u))
        if kind == "own" and at_village:
            # a shared owner at a shared village (model.OWN_AT_VILLAGE), busy ones included
            # (`own_dfk` holds them all); a node naming a project is never in this situation, so
            # the levels at a shared name above are of other pairs
            for bound, lv in zip(AT_NAME_BOUNDS, model.levels[OWN_AT_VILLAGE], strict=True):
                cls_.append(cll.CustomLevel(f"({at_village}) AND {rarest} < '{bound + 1:0{DF_WIDTH}d}'", lv.label)
                            .configure(m_probability=lv.m, u_probability=lv.u))
        for b, bound in enumerate(DF_BUCKETS):
            lv = levels[b]
            cls_.append(cll.CustomLevel(f"{rarest} < '{bound + 1:0{DF_WIDTH}d}'", lv.label)
                        .configure(m_probability=lv.m, u_probability=lv.u))
        lv = levels[len(DF_BUCKETS)]
        cls_.append(cll.CustomLevel(f"{size}({inter}({kind}_busy_l, {kind}_busy_r)) > 0", lv.label)
                    .configure(m_probability=lv.m, u_probability=lv.u))
        dev = model.developers_differ() if kind == "own" else None
        if dev is not None:
            # model.DEVELOPERS_DIFFER: neither is a buyer (both off one campus: the null level)
            cls_.append(cll.CustomLevel(f"{size}(own_own_dfk_l) = 0 AND {size}(own_own_dfk_r) = 0", dev.label)
                        .configure(m_probability=dev.m, u_probability=dev.u))
        if KIND_PRIORS[kind].neutral_at_one_site:
            # model.one_site: a shared comparable road and number or group, or points within 200 m
            site = [*shared_site,
                    f"(lat_l IS NOT NULL AND lat_r IS NOT NULL AND {_haversine_sql()} <= {NEAR_M:.1f})"]
            lv = levels[-2]
            cls_.append(cll.CustomLevel(" OR ".join(site), lv.label).configure(m_probability=lv.m, u_probability=lv.u))
        lv = levels[-1]
        cls_.append(cll.ElseLevel().configure(m_probability=lv.m, u_probability=lv.u))
        comparisons.append(cl.CustomComparison(comparison_levels=cls_, output_column_name=kind))
    comparisons.append(_coord_comparison(model, cll, cl))
    rules: list[Any] = [block_on(f"{k}_blk", arrays_to_explode=[f"{k}_blk"]) for k in kinds if KIND_PRIORS[k].blocking]
    rules.append(block_on(PAIR_BLK, arrays_to_explode=[PAIR_BLK]))
    rules.append(block_on("cells", arrays_to_explode=["cells"]))
    return SettingsCreator(link_type="dedupe_only", comparisons=comparisons,
                           blocking_rules_to_generate_predictions=rules,
                           probability_two_random_records_match=model.prior,
                           retain_intermediate_calculation_columns=True)


def _name_context_sql(dialect: str, kinds: Sequence[str]) -> str:
    """model.name_context in SQL: a shared name held by at most NAME_CONTEXT_NAME_MAX_DF
    documents, and not two codes."""
    size = "len" if dialect == "duckdb" else "size"
    inter = "list_intersect" if dialect == "duckdb" else "array_intersect"
    lmin = "list_min" if dialect == "duckdb" else "array_min"
    sql = f"{lmin}({inter}(name_dfk_l, name_dfk_r)) < '{NAME_CONTEXT_NAME_MAX_DF + 1:0{DF_WIDTH}d}'"
    if "code" in kinds:
        sql += (f" AND NOT ({size}(code_dfk_l) > 0 AND {size}(code_dfk_r) > 0"
                f" AND {size}({inter}(code_dfk_l, code_dfk_r)) = 0)")
    return f"({sql})"


def _org_at_amount_levels(model: LinkModel, dialect: str, kinds: Sequence[str], rarest: str) -> list[Any]:
    """The organisation's ORG_AT_AMOUNT levels (model.org_at_amount): the two nodes agree on a
    distinctive amount held by at most BLOCK_MAX_DF documents (one side's `amt_own_dfk` meets
    the other's `amt_dfk`, as model.compare_amount) and neither names a project."""
    import splink.comparison_level_library as cll

    size = "len" if dialect == "duckdb" else "size"
    inter = "list_intersect" if dialect == "duckdb" else "array_intersect"
    concat = "list_concat" if dialect == "duckdb" else "concat"
    agree = f"{size}({concat}({inter}(amt_own_dfk_l, amt_dfk_r), {inter}(amt_dfk_l, amt_own_dfk_r))) > 0"
    unnamed = "".join(f" AND {size}({k}_dfk_l) = 0 AND {size}({k}_dfk_r) = 0" for k in NAMING_KINDS if k in kinds)
    return [cll.CustomLevel(f"{agree}{unnamed} AND {rarest} < '{bound + 1:0{DF_WIDTH}d}'", lv.label)
            .configure(m_probability=lv.m, u_probability=lv.u)
            for bound, lv in zip(DF_BUCKETS, model.levels[ORG_AT_AMOUNT], strict=True)]


def _addr_at_campus_levels(model: LinkModel, dialect: str, kinds: Sequence[str], rarest: str) -> list[Any]:
    """The road and number's ADDR_AT_CAMPUS levels (model.addr_at_campus): exactly one of the two
    nodes names a project (a comparable value of a naming kind) and they share no owner (`own_dfk`
    holds every owner key, busy ones included), for a shared value held by at most BLOCK_MAX_DF
    documents (a busier one stays the neutral level)."""
    import splink.comparison_level_library as cll

    size = "len" if dialect == "duckdb" else "size"
    inter = "list_intersect" if dialect == "duckdb" else "array_intersect"
    naming = [k for k in NAMING_KINDS if k in kinds]
    if not naming:  # no node names a project: never exactly one
        return []
    named = {s: "(" + " OR ".join(f"{size}({k}_dfk_{s}) > 0" for k in naming) + ")" for s in ("l", "r")}
    cond = f"({named['l']} <> {named['r']})"
    if "own" in kinds:
        cond += f" AND {size}({inter}(own_dfk_l, own_dfk_r)) = 0"
    return [cll.CustomLevel(f"{cond} AND {rarest} < '{bound + 1:0{DF_WIDTH}d}'", lv.label)
            .configure(m_probability=lv.m, u_probability=lv.u)
            for bound, lv in zip(DF_BUCKETS, model.levels[ADDR_AT_CAMPUS], strict=True)]


def _coord_comparison(model: LinkModel, cll: Any, cl: Any) -> Any:
    """The coordinate comparison: farther than 1 km first (one distance per pair for most
    pairs), then per distance band the term-frequency levels of the busier point (the larger
    `coord_df`), as `model.coord_level` picks them."""
    levels = model.levels["coord"]
    per_band = len(DF_BUCKETS) + 1
    dist = _haversine_sql()
    busier = "greatest(coord_df_l, coord_df_r)"
    far = levels[2 * per_band]
    out = [cll.CustomLevel("lat_l IS NULL OR lat_r IS NULL", "null").configure(is_null_level=True),
           cll.CustomLevel(f"{dist} > {FAR_M:.1f}", far.label).configure(m_probability=far.m, u_probability=far.u)]
    for band, limit in enumerate((f"{dist} <= {NEAR_M:.1f}", "TRUE")):
        for b, bound in enumerate(DF_BUCKETS):
            lv = levels[band * per_band + b]
            out.append(cll.CustomLevel(f"{limit} AND {busier} <= {bound}", lv.label)
                       .configure(m_probability=lv.m, u_probability=lv.u))
        lv = levels[band * per_band + len(DF_BUCKETS)]
        level = cll.CustomLevel(limit, lv.label) if band == 0 else cll.ElseLevel()
        out.append(level.configure(m_probability=lv.m, u_probability=lv.u))
    return cl.CustomComparison(output_column_name="coord", comparison_levels=out)


def _arrow_schema(names: Sequence[str], key_type: str = "string") -> Any:
    import pyarrow as pa  # type: ignore[import-untyped]

    keys = pa.list_(pa.string() if key_type == "string" else pa.int64())
    return pa.schema([pa.field(n, pa.int64() if n in ("unique_id", "coord_df") else pa.float64() if n in ("lat", "lon")
                               else pa.list_(pa.string()) if n.endswith("_dfk") or n in _BUSY_DFK_COLUMNS
                               else keys) for n in names])


_BUSY_DFK_COLUMNS = frozenset(f"{k}_busy" for k in BUSY_DFK_KINDS)


def _arrow_table(cols: dict[str, list[Any]]) -> Any:
    import pyarrow as pa

    return pa.table(cols, schema=_arrow_schema(list(cols)))


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
    fields = [T.StructField(name, T.LongType() if name in ("unique_id", "coord_df") else
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


def default_memory_limit(physical_bytes: int | None = None) -> str:
    """A quarter of the machine's memory, at least 1 GB: DuckDB's limit while linking.
    Why not a fixed 1 GB: the de-duplication of blocked pairs (splink's `GROUP BY join_key_l,
    join_key_r`) cannot spill all of its state; at 1M notices of a world of realistic density
    (villages in ~20 notices each, so every village blocks: docs/benchmarks-aggregate.md,
    "Session 12, after all merges") it failed with "failed to pin block" at 1 GB, after the whole
    corpus had been read."""
    if physical_bytes is None:
        try:
            physical_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (AttributeError, ValueError, OSError):  # not POSIX: DuckDB's fixed floor
            physical_bytes = 0
    return f"{max(1024, physical_bytes // 4 // 2**20)}MB"


#: DuckDB's memory limit while linking a streamed corpus: beyond it DuckDB spills to its private
#: temporary folder (`predict_duckdb_stream`). The environment variable overrides it.
DUCKDB_MEMORY_LIMIT = os.environ.get("MOSAICGUARD_DUCKDB_MEMORY") or default_memory_limit()
STREAM_BATCH = 20_000


def key_hasher(salt: bytes) -> Callable[[str], int]:
    """A key's 64-bit keyed hash (BLAKE2b under `salt`): equal keys stay equal for the join,
    nothing of the key is readable, and without the salt a guess cannot be confirmed."""
    def encode(key: str) -> int:
        return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8, key=salt).digest(), "big",
                              signed=True)

    return encode


def predict_duckdb_stream(nodes: Iterable[tuple[int, NodeRecord]], kinds: Sequence[str],
                          cell_count: Mapping[str, int], model: LinkModel, threshold_weight: float,
                          threads: int = 2) -> list[tuple[int, int, float]]:
    """Blocked candidate pairs scored by splink on DuckDB, at or above `threshold_weight`, for
    node records streamed in (`(unique_id, record)`): the records are turned into input rows a
    batch at a time and appended to a DuckDB table, so Python never holds the corpus; DuckDB
    blocks and scores under `DUCKDB_MEMORY_LIMIT` and spills beyond it. Returns
    (unique_id_l, unique_id_r, match_weight).

    What DuckDB may write to disk (its temporary folder, a private `mosaicguard-link-*` folder
    made for this call and removed when it returns): node numbers, coordinates as numbers, and
    the keys as 64-bit keyed hashes under a random key that exists only in this process, so no
    protected term, name or address is readable there."""
    import duckdb
    import pyarrow as pa
    from splink import DuckDBAPI, Linker

    encode = key_hasher(os.urandom(16))
    names = column_names(kinds)
    schema = _arrow_schema(names, "int64")
    tmp = tempfile.mkdtemp(prefix="mosaicguard-link-")  # mode 0700
    try:
        con = duckdb.connect(config={"temp_directory": os.path.join(tmp, "spill"), "threads": max(1, threads),
                                     "memory_limit": DUCKDB_MEMORY_LIMIT, "preserve_insertion_order": False})
        try:
            types = {"unique_id": "BIGINT", "lat": "DOUBLE", "lon": "DOUBLE", "coord_df": "BIGINT"}
            con.execute("CREATE TABLE nodes (" + ", ".join(
                f'"{n}" {types.get(n, "VARCHAR[]" if n.endswith("_dfk") or n in _BUSY_DFK_COLUMNS else "BIGINT[]")}'
                for n in names) + ")")
            batch: list[list[Any]] = []
            count = 0

            def flush() -> None:
                cols = list(zip(*batch, strict=True))
                con.register("batch", pa.table(dict(zip(names, cols, strict=True)), schema=schema))
                con.execute("INSERT INTO nodes SELECT * FROM batch")
                con.unregister("batch")
                batch.clear()

            for uid, r in nodes:
                batch.append(record_row(uid, r, kinds, cell_count, encode))
                count += 1
                if len(batch) >= STREAM_BATCH:
                    flush()
            if batch:
                flush()
            if count < 2:
                return []
            db = DuckDBAPI(connection=con)
            linker = Linker(db.register("nodes"), splink_settings(model, "duckdb", kinds), log_level=None,
                            validate_settings=False)
            pred: Any = linker.inference.predict(threshold_match_weight=threshold_weight, warning_mode="never")
            rows = con.execute(f"SELECT unique_id_l, unique_id_r, match_weight FROM {pred.physical_name}").fetchall()
            return [(int(a), int(b), float(w)) for a, b, w in rows]
        finally:
            con.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
