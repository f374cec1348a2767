"""Exact incremental relink: after documents were added, edited or removed, re-score only the
candidate pairs the change can have moved and give the entities, links and exposures a full
relink (`link.link_corpus`) gives on the same corpus.

What a full relink computes, and what a change moves (docs/aggregation.md, "Incremental relink"):

- The model (`model.estimate_model`) depends on the corpus size N and on a sample of node pairs:
  it is estimated again, exactly as the full relink does (cheap: only the sampled nodes are read).
  Every stored pair is re-scored with it, so every weight is the full relink's weight.
- A pair's comparisons depend on its two nodes and on the document frequency (df) of their keys.
  They change when a node belongs to an added (or edited) document, or when the pair shares a
  key whose df moved (the shared value's level and the df shown as evidence), or when one of its
  keys crossed the busy bound (`BLOCK_MAX_DF`: the kind turns null or comparable) - that last
  case, and a 1 km grid cell crossing `MAX_CELL_POINTS`, fall back to a full relink (rare: the
  key must be held by exactly 200 or 201 documents).
- Candidate pairs at or above the threshold minus `PAIR_MARGIN` are stored in the index. A pair
  that is not stored and whose comparisons did not change can only move by the model's change:
  at most the prior's change plus, per comparison, the largest rise of one of its levels'
  weights (`weight_rise`). The index keeps the *slack* (how far under the threshold every
  unstored pair is known to be); each incremental relink spends the rise, and when the slack
  would run out the relink is a full one (which restores the margin).
- A value held by more than BLOCK_MAX_DF documents is neutral, except a county or an owner at a
  shared name and an owner at a shared village, weighed by term frequency up to
  NAME_CONTEXT_MAX_DF documents (levels 300, 500, 1,000, 2,000). Its holders are too many to
  re-pair; when it crosses one of those bounds the pairs sharing it rise by at most that level's
  step, which is spent from the slack as the model's rise is (`busy_level_rise`).

The pairs re-scored are: every stored pair (cheap: no blocking), every candidate pair of a node
of an added document (its blocking keys' holders, the holders of both keys of its composite
tokens, `model.pair_block_keys`, and its grid cells' points), every pair within
1 km of a node near an added or removed point (its place's term frequency, `coord_df`, moved),
and every pair of nodes sharing a key whose df moved and is at most BLOCK_MAX_DF (held by at most 200 documents,
so at most ~20,000 pairs a key). Clustering (`link.cluster`) then runs on all pairs at or above
the threshold, as in the full relink: it is deterministic per connected component, but entity
names are not (two entities with the same best anchor are numbered in node order), and the
cost is a fraction of a second per 100,000 pairs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from . import link as _link
from .index import FactStore
from .link import (
    Linking,
    LinkStats,
    _estimate,
    finish_linking,
)
from .model import (
    BLOCK_MAX_DF,
    MAX_CELL_POINTS,
    NAME_CONTEXT_KINDS,
    NAME_CONTEXT_MAX_DF,
    OWN_AT_VILLAGE,
    LinkModel,
    NodeRecord,
    at_name,
    blocks,
    coord_cell,
    coord_cells,
    coord_density,
    pair_block_keys,
    pair_block_parts,
    with_coord_df,
)
from .settings import AggregationSettings

Id = tuple[int, int]  # (doc id, scope)

def busy_level_rise(model: LinkModel, moved: Iterable[str], old_df: Mapping[str, int],
                    df: Mapping[str, int]) -> float:
    """An upper bound on how much a pair's match weight rises, under `model`, because a value it
    shares moved between the term-frequency levels past BLOCK_MAX_DF that some contexts weigh: a
    county or an owner at a shared name (`{kind}@name`, NAME_CONTEXT_KINDS) and an owner at a
    shared village (OWN_AT_VILLAGE), bounds AT_NAME_BOUNDS up to NAME_CONTEXT_MAX_DF. Per kind,
    the largest rise of one of its moved values' levels; summed over the kinds (a pair compares
    each kind once, on its rarest shared value, so its level moves at most as far as that of one
    value). Values of at most BLOCK_MAX_DF documents are not counted: every pair sharing one is
    re-scored. Why not re-score the pairs instead: a county or a provincial office is held by up
    to 2,000 documents and moves with most changes, while its level moves only when it crosses a
    bound (300, 500, 1,000), by at most ~1 bit; the rise is spent from the slack as the model's is."""
    rise: dict[str, float] = {}
    for key in moved:
        kind = key.partition(":")[0]
        before, after = old_df.get(key, 1), df.get(key, 1)
        if kind not in NAME_CONTEXT_KINDS or min(before, after) <= BLOCK_MAX_DF:
            continue
        for levels in (at_name(kind), OWN_AT_VILLAGE if kind == "own" else ""):
            if levels and levels in model.levels:
                up = model.at_name_level(kind, after, levels).weight - model.at_name_level(kind, before, levels).weight
                rise[kind] = max(rise.get(kind, 0.0), up)
    return sum(rise.values())


def weight_rise(old: LinkModel, new: LinkModel) -> float | None:
    """An upper bound on how much a pair's match weight can rise from `old` to `new` when its
    comparisons (the levels it lands on) stay the same: the prior's change plus, per comparison,
    the largest rise among its levels (0 for the null level). None when the models do not have the
    same comparisons and levels (another version of the model: only a full relink is exact)."""
    if set(old.levels) != set(new.levels):
        return None
    rise = new.prior_weight - old.prior_weight
    for kind, levels in new.levels.items():
        before = old.levels[kind]
        if [lv.label for lv in before] != [lv.label for lv in levels]:
            return None
        rise += max(0.0, *(b.weight - a.weight for a, b in zip(before, levels, strict=True)))
    return rise


def is_candidate(a: NodeRecord, b: NodeRecord, cell_count: Mapping[str, int]) -> bool:
    """Whether blocking pairs the two nodes (the rules of `link.candidate_pairs` and of splink's
    blocking): a shared non-busy value of a blocking kind, or a shared 1 km cell that is not a
    default map pin."""
    for k, d in a.keys.items():
        if k in b.keys and blocks(k, d):
            return True
    combos = pair_block_keys(a.keys)
    if combos and not set(combos).isdisjoint(pair_block_keys(b.keys)):
        return True
    if a.coord is not None and b.coord is not None:
        cells = {c for c in coord_cells(*a.coord) if cell_count.get(c, 0) <= MAX_CELL_POINTS}
        return any(c in cells for c in coord_cells(*b.coord))
    return False


def _pair_block_pairs(store: FactStore, new_keys: Mapping[Id, set[str]], df: Mapping[str, int]
                      ) -> set[tuple[Id, Id]]:
    """The pairs of the added nodes made by composite blocking tokens (model.pair_block_keys):
    each added node with the stored nodes holding both keys of one of its tokens."""
    tokens = {node: pair_block_keys({k: df.get(k, 1) for k in ks}) for node, ks in new_keys.items()}
    parts = sorted({part for ts in tokens.values() for t in ts for part in pair_block_parts(t)})
    holders = {k: set(hs) for k, hs in store.key_holders(parts).items()} if parts else {}
    out: set[tuple[Id, Id]] = set()
    for node, ts in tokens.items():
        for t in ts:
            first, second = pair_block_parts(t)
            out.update((node, h) for h in holders[first] & holders[second] if h != node)
    return out


def _cell_crossed(cell_count: Mapping[str, int], added: Iterable[tuple[float, float]],
                  removed: Iterable[tuple[float, float]]) -> bool:
    """Whether a grid cell of a changed point went from blocking to not (or back)."""
    plus = Counter(c for p in added for c in coord_cells(*p))
    minus = Counter(c for p in removed for c in coord_cells(*p))
    for c in set(plus) | set(minus):
        after = cell_count.get(c, 0)
        if (after - plus[c] + minus[c] <= MAX_CELL_POINTS) != (after <= MAX_CELL_POINTS):
            return True
    return False


def relink_incremental(store: FactStore, settings: AggregationSettings, engine: str = "local") -> Linking | str:
    """The full relink's result, computed from the stored candidate pairs and the change log
    (see the module docstring), or the reason a full relink is needed instead."""
    from .splink_link import cell_counts

    state, old_text = store.get_meta("link_state"), store.get_meta("link_model")
    if state is None or old_text is None:
        return "no stored link state"
    if store.get_meta("link_settings") != settings.fingerprint():
        return "linking settings changed"
    if store.get_meta("link_code") != _link.linking_code():
        return "the linking code changed"
    old_model = LinkModel.from_json(old_text)
    changes = store.link_changes()
    old_df = store.stored_key_dfs()
    key_dfs = store.key_doc_freqs()
    df = dict(key_dfs)
    doc_ids, scopes = store.node_ids()
    model = _estimate(store, doc_ids, scopes, df, store.doc_count())
    del doc_ids, scopes
    rise = weight_rise(old_model, model)
    if rise is None:
        return "the model's levels changed"
    moved = sorted(k for k in changes.keys if old_df.get(k, 1) != df.get(k, 1))
    for k in moved:
        if (old_df.get(k, 1) <= BLOCK_MAX_DF) != (df.get(k, 1) <= BLOCK_MAX_DF):
            return f"a value crossed the busy bound ({BLOCK_MAX_DF} documents)"
        if k.startswith("own:") and (old_df.get(k, 1) <= NAME_CONTEXT_MAX_DF) != (df.get(k, 1) <= NAME_CONTEXT_MAX_DF):
            # the owner's village blocking tokens (model.village_owner_block_keys) come or go
            return f"an owner crossed {NAME_CONTEXT_MAX_DF} documents"
    busy = busy_level_rise(model, moved, old_df, df)
    # Never more than a full relink leaves (the margin, read here: tests narrow it).
    slack = min(_link.PAIR_MARGIN - 1e-6, float(state) - rise - busy)
    if slack <= 1e-9:
        if busy > 0:
            return (f"the model moved by up to {rise:.3f} bits and busy values' levels by up to {busy:.3f} bits "
                    "since the last full relink")
        return f"the model moved by up to {rise:.3f} bits since the last full relink"
    coords = store.node_coords()
    cell_count = cell_counts(coords.values())
    added = {n: c for n, c in coords.items() if n[0] in changes.new_docs}
    if _cell_crossed(cell_count, added.values(), changes.removed_coords):
        return f"a 1 km cell crossed {MAX_CELL_POINTS} points"

    pairs: set[tuple[Id, Id]] = set(store.stored_pairs())
    new_keys: dict[Id, set[str]] = defaultdict(set)
    for d, s, k in store.doc_keys(changes.new_docs):
        new_keys[(d, s)].add(k)
    block_keys = {k for ks in new_keys.values() for k in ks if blocks(k, df.get(k, 1))}
    shared_moved = {k for k in moved if 2 <= df.get(k, 1) <= BLOCK_MAX_DF}
    holders = store.key_holders(sorted(block_keys | shared_moved))
    for k in shared_moved:
        hs = sorted(set(holders[k]))
        pairs.update((hs[x], hs[y]) for x in range(len(hs)) for y in range(x + 1, len(hs)))
    for node, ks in new_keys.items():
        for k in ks & block_keys:
            pairs.update((node, h) for h in holders[k] if h != node)
    pairs.update(_pair_block_pairs(store, new_keys, df))
    changed_points = [*added.values(), *changes.removed_coords]
    if changed_points:
        # A place's term frequency (`coord_df`: nodes with a point within 1 km) moves for every
        # node near an added or removed point, and with it the coordinate level of each of that
        # node's pairs within 1 km (all of them share a grid cell): re-score those too.
        around = {c for p in changed_points for c in coord_cells(*p)}
        moved_place = {n for n, p in coords.items() if coord_cell(*p) in around}
        touched = {**{n: coords[n] for n in moved_place}, **added}
        wanted = {c for p in touched.values() for c in coord_cells(*p) if cell_count.get(c, 0) <= MAX_CELL_POINTS}
        in_cell: dict[str, list[Id]] = defaultdict(list)
        for n, p in coords.items():
            c = coord_cell(*p)
            if c in wanted:
                in_cell[c].append(n)
        for node, p in touched.items():
            for c in coord_cells(*p):
                pairs.update((node, h) for h in in_cell.get(c, ()) if h != node)
    del coords, holders
    density = coord_density(store.all_coords())

    recs = {n: with_coord_df(r, density)
            for n, r in store.records_by_id({n for p in pairs for n in p}, df).items()}
    records = sorted(recs.values(), key=lambda r: r.node)
    index = {r.node: i for i, r in enumerate(records)}
    scored: set[tuple[int, int]] = set()
    for a, b in pairs:
        ra, rb = recs.get(a), recs.get(b)
        if ra is None or rb is None or ra.node == rb.node or not is_candidate(ra, rb, cell_count):
            continue
        i, j = index[ra.node], index[rb.node]
        scored.add((min(i, j), max(i, j)))
    stats = LinkStats(engine=engine, mode="incremental", rescored_pairs=len(scored))
    stats.keys_considered = len(key_dfs)
    stats.keys_linked = sum(1 for _, d in key_dfs if d <= BLOCK_MAX_DF)
    stats.keys_too_common = len(key_dfs) - stats.keys_linked
    stats.candidate_pairs = len(scored)
    linking = finish_linking(records, sorted(scored), model, settings, stats, key_dfs)
    linking.slack = slack
    return linking
