"""Linking project mentions into coherent entities across documents.

A node is one project mention (a document scope, see facts.py). Candidate pairs of nodes come only
from blocking (shared non-busy key values, nearby coordinate cells); each candidate pair is scored
the Fellegi-Sunter way by the LinkModel (model.py) - with splink on DuckDB (`engine="local"`) or
Spark (`engine="spark"`), or in pure Python (`engine="python"`, the same levels and weights).

Clusters are built by merging pairs in descending match weight (at or above the weight of
`min_match_probability`); a merge that would put two different codes or two different precise
addresses, or coordinates more than 1 km apart, into one entity is refused unless the pair's own
match weight reaches `strong_match_weight` (then the link records which conflict it overrode).
Every accepted link keeps its evidence (comparisons with weights); each entity reports its
weakest link.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

from .facts import Fact
from .index import FactStore, StoredLink
from .model import (
    AT_NAME_LABEL,
    AT_VILLAGE_LABEL,
    BLOCK_MAX_DF,
    CONFLICT_KINDS,
    FAR_M,
    KINDS,
    MAX_CELL_POINTS,
    ORG_AT_AMOUNT_LABEL,
    ORG_AT_SITE_LABEL,
    LinkModel,
    NodeRecord,
    PairScore,
    blocks,
    coord_cells,
    coord_density,
    estimate_model,
    pair_block_keys,
    pair_block_parts,
    records_from_rows,
    sampled_pairs,
    with_coord_df,
)
from .normalize import distance_m
from .settings import AggregationSettings

T = TypeVar("T", bound=Hashable)
H = TypeVar("H", bound=Hashable)

KEY_KIND = {"addr": "address", "vil": "address", "grp": "address"}


def key_kind(key: str) -> str:
    prefix = key.split(":", 1)[0]
    return KEY_KIND.get(prefix, prefix)


class UnionFind(Generic[T]):
    """Union-find with path halving and union by size."""

    def __init__(self) -> None:
        self.parent: dict[T, T] = {}
        self.size: dict[T, int] = {}

    def add(self, x: T) -> None:
        if x not in self.parent:
            self.parent[x] = x
            self.size[x] = 1

    def find(self, x: T) -> T:
        self.add(x)
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: T, b: T) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return True

    def groups(self) -> dict[T, list[T]]:
        out: dict[T, list[T]] = defaultdict(list)
        for x in self.parent:
            out[self.find(x)].append(x)
        return out


Node = tuple[str, int]  # (document path, scope)


@dataclass(frozen=True, slots=True)
class Link:
    """An accepted merge: two nodes, their score and the conflicts it overrode."""

    a: Node
    b: Node
    score: PairScore
    overrode: tuple[str, ...] = ()

    def to_stored(self, entity: str) -> StoredLink:
        top = self.score.strongest()
        evidence = self.score.evidence()
        if self.overrode:
            evidence.append({"comparison": "conflict", "level": "overridden by strong direct evidence",
                             "weight": 0.0, "value": ", ".join(self.overrode)})
        return StoredLink(entity, self.a[0], self.b[0], key_kind(top.comparison) if top else "evidence",
                          top.value if top else "", round(self.score.weight, 4), top.df if top else 0,
                          round(self.score.probability, 6), json.dumps(evidence, ensure_ascii=False))


#: Candidate pairs are kept (in the index) down to this many bits below the linking threshold: a
#: later model (the corpus size moved) may raise an unchanged pair's weight by at most the sum
#: of its levels' rises, and the incremental relink (link_incremental.py) is exact while the
#: rises since the last full linking stay under this margin.
PAIR_MARGIN = 2.0


@dataclass
class LinkStats:
    """What linking did: shared values, candidate pairs, accepted links, refused merges."""

    keys_considered: int = 0
    keys_linked: int = 0
    keys_too_common: int = 0
    coord_pairs: int = 0
    links: int = 0
    candidate_pairs: int = 0
    refused_merges: int = 0
    engine: str = "local"
    # "full" (blocking over the whole corpus) or "incremental" (link_incremental.py), and why an
    # incremental relink fell back to a full one.
    mode: str = "full"
    fallback: str = ""
    rescored_pairs: int = 0


@dataclass
class Linking:
    """The result of linking a corpus: node -> entity for every linked node, accepted links,
    statistics, key document frequencies, the model and a summary per multi-document entity."""

    node_entity: dict[Node, str]
    links: list[StoredLink]
    stats: LinkStats
    key_dfs: list[tuple[str, int]]
    model: LinkModel
    entities: list[dict[str, Any]]
    # Every candidate pair at or above the threshold minus PAIR_MARGIN (the incremental relink's
    # starting point), lower node first.
    pairs: list[tuple[Node, Node]] = field(default_factory=list)
    # How far under the threshold every candidate pair not in `pairs` is known to be (bits): the
    # margin after a full relink, less the model's rises after incremental ones.
    slack: float = 0.0


#: The modules whose code decides the entities of stored facts (the model, its splink SQL, the
#: clustering and the incremental relink). An index linked by other code (mosaicguard upgraded:
#: new levels, new conflict rules) is relinked in full at its next `aggregate`, even when no
#: document changed; before, it kept the old code's entities until a document changed, and then
#: an incremental relink started from the old code's stored model.
_LINKING_MODULES = ("model", "link", "splink_link", "link_incremental", "normalize")


@functools.cache
def linking_code() -> str:
    """A digest of the linking modules' sources (stored in the index as `link_code`)."""
    digest = hashlib.sha256()
    for name in _LINKING_MODULES:
        source = importlib.import_module(f"{__package__}.{name}").__file__
        assert source is not None
        digest.update(Path(source).read_bytes())
    return digest.hexdigest()[:16]


def threshold_weight(settings: AggregationSettings) -> float:
    """The match weight of `min_match_probability`: pairs at or above it link."""
    p = settings.min_match_probability
    return math.log2(p / (1.0 - p))


def link_corpus(store: FactStore, settings: AggregationSettings, engine: str = "local",
                spark: Any = None, threads: int = 2) -> Linking:
    """Entities of the whole stored corpus (see the module docstring). With the local engine
    the node records are streamed from the index into DuckDB (`predict_duckdb_stream`) and only
    the nodes of candidate pairs are held in Python; `threads` is DuckDB's thread count."""
    total = store.doc_count()
    stats = LinkStats(engine=engine)
    key_dfs = store.key_doc_freqs()
    df = dict(key_dfs)
    stats.keys_considered = len(key_dfs)
    stats.keys_linked = sum(1 for _, d in key_dfs if d <= BLOCK_MAX_DF)
    stats.keys_too_common = len(key_dfs) - stats.keys_linked
    doc_ids, scopes = store.node_ids()
    model = _estimate(store, doc_ids, scopes, df, total)
    limit = threshold_weight(settings)
    # how many nodes have a point within 1 km of each point: the places' term frequency
    density = coord_density(store.all_coords())
    if engine == "local":
        records, pairs = _streamed_pairs(store, df, doc_ids, scopes, model, limit - PAIR_MARGIN, threads,
                                         density)
    else:
        del doc_ids, scopes
        records = [with_coord_df(r, density) for r in records_from_rows(store.node_key_rows(), store.all_coords(), df)
                   if _blockable(r)]
        if engine == "python":
            pairs = list(candidate_pairs(records))
        else:
            from .splink_link import predict_spark

            pairs = [(p.left, p.right) for p in predict_spark(spark, records, model, limit - PAIR_MARGIN)]
    stats.candidate_pairs = len(pairs)
    return finish_linking(records, pairs, model, settings, stats, key_dfs)


def finish_linking(records: Sequence[NodeRecord], pairs: Iterable[tuple[int, int]], model: LinkModel,
                   settings: AggregationSettings, stats: LinkStats, key_dfs: list[tuple[str, int]]) -> Linking:
    """Score the candidate pairs (indices into `records`, lower node first), cluster those at or
    above the threshold and name the entities: the part of linking shared by the full and the
    incremental relink."""
    limit = threshold_weight(settings)
    scores = []
    kept: list[tuple[Node, Node]] = []
    for i, j in pairs:
        s = model.score_pair(records[i], records[j])
        if s.weight >= limit - PAIR_MARGIN:
            kept.append((records[i].node, records[j].node))
        if s.weight >= limit:
            scores.append((i, j, s))
    stats.coord_pairs = sum(1 for _, _, s in scores if any(c.comparison == "coord" and c.weight > 0
                                                          for c in s.comparisons))
    scores = without_ambiguous_name_ties(records, scores, model, limit)
    accepted, refused = cluster(records, scores, settings, model)
    stats.refused_merges = refused
    uf: UnionFind[Node] = UnionFind()
    for lk in accepted:
        uf.union(lk.a, lk.b)
    anchors = {r.node: [k for k in r.keys if k.startswith(_LABEL_ORDER)] for r in records if r.node in uf.parent}
    node_entity = name_entities(uf.groups(), anchors)
    stored = [lk.to_stored(node_entity[lk.a]) for lk in accepted]
    stats.links = len(stored)
    # A hair under the margin: splink's SQL weights and the Python ones may differ in the last bits
    # at the margin's edge.
    return Linking(node_entity, stored, stats, key_dfs, model, entity_summaries(records, node_entity, stored), kept,
                   PAIR_MARGIN - 1e-6)


def _blockable(r: NodeRecord) -> bool:
    """Only nodes that blocking can pair are scored and clustered (most of a big corpus is not):
    a node without coordinates and without a shared, non-busy value of a blocking kind links to
    nothing."""
    return r.coord is not None or any(
        blocks(k, d) for k, d in r.keys.items()) or bool(pair_block_keys(r.keys))


class _SampledNodes(Sequence[NodeRecord]):
    """The corpus's nodes in node order as `estimate_model` sees them: `len` is every node, but
    only the nodes of the sampled pairs are loaded (the others are never asked for)."""

    def __init__(self, n: int, loaded: Mapping[int, NodeRecord]) -> None:
        self.n = n
        self.loaded = loaded

    def __len__(self) -> int:
        return self.n

    @overload
    def __getitem__(self, i: int) -> NodeRecord: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[NodeRecord]: ...
    def __getitem__(self, i: int | slice) -> NodeRecord | Sequence[NodeRecord]:
        if isinstance(i, slice):
            raise TypeError("sampled nodes are read one at a time")
        return self.loaded[i]


def _estimate(store: FactStore, doc_ids: Sequence[int], scopes: Sequence[int], df: Mapping[str, int],
              total: int) -> LinkModel:
    """`estimate_model` over every node, loading only the records its sample of pairs reads."""
    wanted = sorted({i for pair in sampled_pairs(len(doc_ids), SAMPLE_PAIRS) for i in pair})
    recs = store.records_by_id(((doc_ids[i], scopes[i]) for i in wanted), df)
    loaded = {i: recs[(doc_ids[i], scopes[i])] for i in wanted}
    return estimate_model(_SampledNodes(len(doc_ids), loaded), total, SAMPLE_PAIRS)


SAMPLE_PAIRS = 20_000


def _streamed_pairs(store: FactStore, df: Mapping[str, int], doc_ids: Sequence[int], scopes: Sequence[int],
                    model: LinkModel, limit: float, threads: int,
                    density: Mapping[tuple[str, int, float, float], int]
                    ) -> tuple[list[NodeRecord], list[tuple[int, int]]]:
    """Candidate pairs from splink on DuckDB over records streamed from the index; returns the
    records of the paired nodes only (in node order) and the pairs as indices into them.
    A node's splink id is its position in node order, so splink's left node is the lower one, as
    with records held in memory."""
    import numpy as np

    from .splink_link import cell_counts, predict_duckdb_stream

    span = max(scopes, default=0) + 1
    codes = np.asarray(doc_ids, dtype=np.int64) * span + np.asarray(scopes, dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    del codes

    def uid(node: tuple[int, int]) -> int:
        code = node[0] * span + node[1]
        at = int(np.searchsorted(sorted_codes, code))
        if at >= len(sorted_codes) or int(sorted_codes[at]) != code:
            # a streamed node must be one of node_ids(): never pair it under another node's id
            raise RuntimeError(f"index changed while linking: node {node} is not in the node list")
        return int(order[at])

    cell_count = cell_counts(store.node_coords().values())
    streamed = ((uid(n), with_coord_df(r, density)) for n, r in store.stream_records(df) if _blockable(r))
    scored = predict_duckdb_stream(streamed, KINDS, cell_count, model, limit, threads)
    paired = sorted({u for a, b, _ in scored for u in (a, b)})
    recs = store.records_by_id(((doc_ids[u], scopes[u]) for u in paired), df)
    records = [with_coord_df(recs[(doc_ids[u], scopes[u])], density) for u in paired]
    index = {u: i for i, u in enumerate(paired)}
    # splink's left id is the lower one; ordered here anyway (the first node names a link's value)
    return records, [(index[min(a, b)], index[max(a, b)]) for a, b, _ in scored]


def candidate_pairs(records: Sequence[NodeRecord]) -> Iterator[tuple[int, int]]:
    """Blocking in pure Python, the same rules as splink's: nodes sharing a non-busy value of a
    blocking kind, or with coordinates in neighbouring 1 km cells. Each pair once."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        for k, d in r.keys.items():
            if blocks(k, d):
                postings[k].append(i)
        for k in pair_block_keys(r.keys):
            postings[k].append(i)
        if r.coord is not None:
            for c in coord_cells(*r.coord):
                postings["\x00cell:" + c].append(i)
    seen: set[tuple[int, int]] = set()
    for key, holders in postings.items():
        if key.startswith("\x00cell:") and len(holders) > MAX_CELL_POINTS:
            continue
        for x in range(len(holders)):
            for y in range(x + 1, len(holders)):
                pair = (holders[x], holders[y])
                if pair not in seen:
                    seen.add(pair)
                    yield pair


def _installations(r: NodeRecord) -> set[str]:
    """The node's named military installations (`site:barksdale|base`; written in Latin letters,
    where a facility named in Chinese text, `site:孤山水电站`, is not one)."""
    return {key for key in r.kind_keys("site") if key.isascii() and r.keys[key] <= BLOCK_MAX_DF}


class _Cluster:
    __slots__ = ("coords", "keys")

    def __init__(self, r: NodeRecord | None = None) -> None:
        self.keys: dict[str, set[str]] = {k: set() for k in (*CONFLICT_KINDS, "site")}
        self.coords: list[tuple[float, float]] = []
        if r is not None:
            self.keys = {k: {key for key in r.kind_keys(k) if r.keys[key] <= BLOCK_MAX_DF} for k in CONFLICT_KINDS}
            # Two bases are two sites: a cluster at Ellsworth AFB and one at Barksdale AFB are not
            # joined by a facility's type name alone (`Weapons Generation Facility`, real stories of
            # two bomber bases: +3.1); a shared Chinese facility name is a site comparison as before.
            self.keys["site"] = _installations(r)
            self.coords = [r.coord] if r.coord is not None else []

    @classmethod
    def of(cls, records: Iterable[NodeRecord]) -> _Cluster:
        """The state of a cluster already made of these nodes (a corpus entity)."""
        out = cls()
        for r in records:
            out.absorb(cls(r))
        return out

    def conflicts(self, other: _Cluster) -> list[str]:
        out = [k for k in (*CONFLICT_KINDS, "site") if self.keys[k] and other.keys[k]
               and not self.keys[k] & other.keys[k]]
        if self.coords and other.coords and not any(
                distance_m(a[0], a[1], b[0], b[1]) <= FAR_M for a in self.coords for b in other.coords):
            out.append("coord")
        return out

    def absorb(self, other: _Cluster) -> None:
        for k in (*CONFLICT_KINDS, "site"):
            self.keys[k] |= other.keys[k]
        self.coords = (self.coords + other.coords)[:MAX_CLUSTER_COORDS]


MAX_CLUSTER_COORDS = 50


def override_weight(score: PairScore, conflicts: Sequence[str], model: LinkModel | None) -> float:
    """The pair's weight with the two clusters' disagreements counted: a conflict the pair did
    not compare itself (one node lacks the kind: a node without a code bridging to a cluster
    that has another code) costs that kind's `differ` weight. Without it a rare mobile alone
    (+6.7 in a small corpus) overrode two different tender codes."""
    if model is None:
        return score.weight
    compared = {c.comparison for c in score.comparisons if c.level != "null"}
    w = score.weight
    for kind in conflicts:
        levels = model.levels.get(kind)
        if kind not in compared and levels:
            w += min(0.0, levels[-1].weight)
    return w


def _join(uf: UnionFind[T], state: dict[T, _Cluster], ra: T, rb: T, score: PairScore,
          settings: AggregationSettings, model: LinkModel | None) -> tuple[str, ...] | None:
    """The coherence rule for one merge of two distinct clusters (roots `ra`, `rb`): refused
    (None) when they conflict and the pair is not strong enough to override it; otherwise the
    clusters are joined (the root keeps the merged state) and the overridden conflicts returned."""
    ca, cb = state[ra], state[rb]
    conflicts = ca.conflicts(cb)
    if conflicts and override_weight(score, conflicts, model) < settings.strong_match_weight:
        return None
    uf.union(ra, rb)
    root = uf.find(ra)
    keep, gone = (ca, cb) if root == ra else (cb, ca)
    keep.absorb(gone)
    state[root] = keep
    return tuple(conflicts)


def cluster(records: Sequence[NodeRecord], scores: Iterable[tuple[int, int, PairScore]],
            settings: AggregationSettings, model: LinkModel | None = None) -> tuple[list[Link], int]:
    """Coherent clusters: merge by descending match weight, refusing merges that would join
    conflicting codes, precise addresses or far-apart coordinates unless the pair is strong
    (`strong_match_weight`, the clusters' disagreements counted: `override_weight`).
    Returns the accepted links (a spanning forest) and the number of refused merges."""
    uf: UnionFind[int] = UnionFind()
    state: dict[int, _Cluster] = {}
    accepted: list[Link] = []
    refused = 0
    limit = threshold_weight(settings)
    scores = list(scores)
    village_ties: dict[int, list[int]] = defaultdict(list)
    for i, j, s in scores:
        if _village_tied(s, limit):
            village_ties[i].append(j)
            village_ties[j].append(i)
    for i, j, s in sorted(scores, key=lambda t: (-t[2].weight, records[t[0]].node, records[t[1]].node)):
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj:
            continue
        if uf.size[ri] > 1 and uf.size[rj] > 1 and _site_tied(s, limit):
            # A buyer at a shared site (or with a shared amount) ties a notice to its project;
            # two projects already made of several notices each are not merged by it (one
            # buyer, two projects at one site).
            refused += 1
            continue
        if village_ties and _village_tied(s, limit) and _between_projects(uf, village_ties, i, j):
            refused += 1
            continue
        state.setdefault(ri, _Cluster(records[ri]))
        state.setdefault(rj, _Cluster(records[rj]))
        conflicts = _join(uf, state, ri, rj, s, settings, model)
        if conflicts is None:
            refused += 1
            continue
        state.pop(rj if uf.find(ri) == ri else ri, None)
        accepted.append(Link(records[i].node, records[j].node, s, conflicts))
    return accepted, refused


def _village_tied(score: PairScore, limit: float) -> bool:
    """Whether the owner at a shared village (model.OWN_AT_VILLAGE) lifts the pair over `limit`."""
    return _lifted(score, _lift(score, (AT_VILLAGE_LABEL,)), limit)


def _between_projects(uf: UnionFind[int], ties: Mapping[int, list[int]], i: int, j: int) -> bool:
    """Whether a notice alone (`i` or `j`, in no cluster yet) is tied by the owner at its village
    to two clusters of several notices each: two projects of one owner in one village, and it is
    as close to either (the same village, the same owner: the same weight). It joins neither.
    v2w 100k (session 15): an office's acceptance notice naming the village without its group was
    tied at +2.2 to its own EIA and permit (village only) and to the EIA of the office's other
    project in that village (group 11); the weights were equal and node order chose the wrong one.
    Nothing in the three notices disagrees (no group against a group is no disagreement); the two
    clusters hold two permits."""
    for n, other in ((i, j), (j, i)):
        rn = uf.find(n)
        if uf.size[rn] > 1:
            continue
        ro = uf.find(other)
        if uf.size[ro] < 2:
            continue
        if any((r := uf.find(x)) != ro and r != rn and uf.size[r] > 1 for x in ties.get(n, ())):
            return True
    return False


def name_lift(score: PairScore) -> float:
    """What the owner and the county at a shared name (model.NAME_CONTEXT_KINDS), and the owner
    at a shared village (model.OWN_AT_VILLAGE), add to a pair: ties weighed by a context's term
    frequency, busy values included."""
    return _lift(score, (AT_NAME_LABEL, AT_VILLAGE_LABEL))


def _lift(score: PairScore, labels: tuple[str, ...]) -> float:
    """What the comparisons at the levels ending with `labels` add to a pair."""
    return sum(c.weight for c in score.comparisons if c.level.endswith(labels))


def _lifted(score: PairScore, lift: float, limit: float) -> bool:
    """Whether `lift` (a context's ties) is what puts the pair at or over `limit`."""
    return lift > 0 and score.weight - lift < limit


def without_ambiguous_name_ties(records: Sequence[NodeRecord], scores: list[tuple[int, int, PairScore]],
                                model: LinkModel, limit: float) -> list[tuple[int, int, PairScore]]:
    """`scores` without the ties that an owner or a county at a shared name lifts over `limit`
    (model.NAME_CONTEXT_KINDS) where they are not a notice's tie to its one project
    (`ambiguous_name_ties`)."""
    drop = ambiguous_name_ties(scores, records.__getitem__, model, limit)
    if not drop:
        return scores
    return [(i, j, s) for i, j, s in scores if frozenset((i, j)) not in drop]


def ambiguous_name_ties(scores: Iterable[tuple[H, H, PairScore]], record: Callable[[H], NodeRecord],
                        model: LinkModel, limit: float) -> set[frozenset[H]]:
    """The pairs of `scores` (nodes of any kind: corpus indexes, or a draft's and the corpus's
    nodes in `check`) whose tie an owner or a county at a shared name lifts over `limit` and which
    is not a notice's tie to its one project: a pair that disagrees on anything (a comparison
    below 0: two budgets, two villages), and every such tie of an ambiguous node, one whose such
    ties reach two nodes that disagree with each other. A tender naming a provincial buyer and no
    county is as close to the candidates lists of two projects of one name and one buyer in two
    counties; it joins neither, and neither list joins by these ties (v2w 100k:
    `叶家河飞虹天山专用道路及配套工程` in two counties of Xinjiang; 1M: a news item naming the one county
    of two projects of one name in one village)."""
    def disagree(s: PairScore) -> bool:
        return any(c.weight < 0 for c in s.comparisons)

    lifted: dict[frozenset[H], PairScore] = {}
    for i, j, s in scores:
        lift = name_lift(s)
        if _lifted(s, lift, limit):
            lifted[frozenset((i, j))] = s
    if not lifted:
        return set()
    drop = {pair for pair, s in lifted.items() if disagree(s)}
    partners: dict[H, list[H]] = defaultdict(list)
    for pair in lifted.keys() - drop:
        i, j = tuple(pair)
        partners[i].append(j)
        partners[j].append(i)
    ambiguous = {n for n, ps in partners.items() if any(
        disagree(model.score_pair(record(x), record(y))) for a, x in enumerate(ps) for y in ps[a + 1:])}
    drop |= {pair for pair in lifted if pair & ambiguous}
    return drop


def _site_tied(score: PairScore, limit: float) -> bool:
    """Whether the pair's organisation comparison is at a shared site or with a shared amount
    (model.ORG_AT_SITE, model.ORG_AT_AMOUNT), or its owner or county at a shared name
    (model.NAME_CONTEXT_KINDS) lifts it over `limit`: a tie weighed by a context's term frequency,
    which ties a notice to its project, never two projects of several notices each (one buyer,
    two projects at one site; two projects of one name and one provincial buyer)."""
    if any(c.comparison == "org" and c.level.endswith((ORG_AT_SITE_LABEL, ORG_AT_AMOUNT_LABEL))
           for c in score.comparisons):
        return True
    return _lifted(score, name_lift(score), limit)


def entity_summaries(records: Sequence[NodeRecord], node_entity: Mapping[Node, str],
                     links: Sequence[StoredLink]) -> list[dict[str, Any]]:
    """One summary per entity of two or more documents: id, documents, names, size, weakest link."""
    docs: dict[str, set[str]] = defaultdict(set)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for r in records:
        ent = node_entity.get(r.node)
        if ent is None:
            continue
        docs[ent].add(r.node[0])
        for k, v in r.values.items():
            if k.startswith(_LABEL_ORDER):
                names[ent][v] += 1
    weakest: dict[str, StoredLink] = {}
    for lk in links:
        if lk.entity not in weakest or lk.weight < weakest[lk.entity].weight:
            weakest[lk.entity] = lk
    out = []
    for ent in sorted(docs):
        if len(docs[ent]) < 2:
            continue
        w = weakest.get(ent)
        out.append({"id": ent, "documents": sorted(docs[ent]),
                    "names": [n for n, _ in sorted(names[ent].items(), key=lambda kv: (-kv[1], kv[0]))][:8],
                    "weakest_link": w.to_dict() if w is not None else None,
                    "size": len(docs[ent])})
    return out


@dataclass(frozen=True, slots=True)
class DraftMatch:
    """A draft node's link to a corpus node (entity set) or to another draft node (entity None)."""

    draft: Node
    other: Node
    entity: str | None
    score: PairScore


def draft_records(draft_facts: Sequence[Fact], store: FactStore,
                  corpus_df: Mapping[str, int] | None = None) -> list[NodeRecord]:
    """Node records of draft facts; a key's df counts the corpus and the drafts holding it.
    `corpus_df` (key -> corpus document frequency) saves the look-ups when scoring again."""
    rows = [(f.doc, f.scope, k, f.value) for f in draft_facts for k in f.keys]
    draft_df: Counter[str] = Counter()
    for key in {(k, doc) for doc, _, k, _ in rows}:
        draft_df[key[0]] += 1
    if corpus_df is None:
        corpus_df = store.key_df(sorted(draft_df))
    df = {k: corpus_df.get(k, 0) + n for k, n in draft_df.items()}
    coords = [(f.doc, f.scope, *(float(x) for x in f.extra.split(",")), f.value)
              for f in draft_facts if f.kind == "coord" and f.extra]
    return records_from_rows(rows, coords, df)  # type: ignore[arg-type]


@dataclass
class DraftCandidates:
    """What the index says about the drafts, fetched once: the model, the corpus document
    frequency of every draft key, and the corpus nodes blocking pairs with each draft node
    (with their records and entities). Scoring a subset of the draft facts again
    (`score_drafts`, for the minimal fix) needs no further look-up: removing facts only removes
    keys, so it never reaches a node that blocking did not already find."""

    model: LinkModel
    corpus_df: dict[str, int]
    corpus: dict[Node, NodeRecord]
    node_entity: dict[Node, str | None]
    per_draft: dict[Node, set[Node]]
    # (doc, scope, lat, lon) of every draft point -> nodes within 1 km (`NodeRecord.coord_df`)
    coord_df: dict[tuple[str, int, float, float], int] = field(default_factory=dict)


def draft_candidates(store: FactStore, draft_facts: Sequence[Fact], settings: AggregationSettings,
                     model: LinkModel | None = None) -> DraftCandidates:
    """Posting and grid-cell look-ups for the drafts' own non-busy keys and coordinates (cost
    independent of corpus size), with the model stored by the last linking; nothing is re-linked."""
    if model is None:
        text = store.get_meta("link_model")
        if text is None:
            raise ValueError("the index has not been linked yet")
        model = LinkModel.from_json(text)
    corpus_df = store.key_df(sorted({k for f in draft_facts for k in f.keys}))
    drafts = draft_records(draft_facts, store, corpus_df)
    wanted: dict[Node, str | None] = {}
    per_draft: dict[Node, set[Node]] = defaultdict(set)
    cached_postings = functools.cache(store.postings)  # a key is in several composite tokens
    for r in drafts:
        for k, d in r.keys.items():
            if blocks(k, max(d, 2)):
                # A fixed line's key is `landline:` in the record and `phone:` in the index.
                stored = "phone:" + k[9:] if k.startswith("landline:") else k
                for p in store.postings(stored):
                    wanted[(p.doc, p.scope)] = p.entity
                    per_draft[r.node].add((p.doc, p.scope))
        for token in pair_block_keys({k: max(d, 2) for k, d in r.keys.items()}):
            # both keys of a composite token (model.pair_block_keys): the nodes holding both
            first, second = pair_block_parts(token)
            holding = {(p.doc, p.scope) for p in cached_postings(second)}
            for p in cached_postings(first):
                if (p.doc, p.scope) in holding:
                    wanted[(p.doc, p.scope)] = p.entity
                    per_draft[r.node].add((p.doc, p.scope))
        if r.coord is not None:
            # within 1 km (the nearest level that counts for a link), on the index's grid
            for p, _ in store.coords_near(r.coord[0], r.coord[1], FAR_M, settings.coordinate_radius_m):
                wanted[(p.doc, p.scope)] = p.entity
                per_draft[r.node].add((p.doc, p.scope))
    corpus = store.node_records(sorted(wanted))
    # A place's term frequency counts the corpus and the drafts, as a key's df does.
    draft_points: list[tuple[str, int, float, float]] = []
    for f in draft_facts:
        if f.kind == "coord" and f.extra:
            lat, lon = (float(x) for x in f.extra.split(",")[:2])
            draft_points.append((f.doc, f.scope, lat, lon))
    points = draft_points + [(r.node[0], r.node[1], r.coord[0], r.coord[1]) for r in corpus if r.coord]
    density = {p: _nodes_within_1km(store, settings, p, draft_points) for p in points}
    return DraftCandidates(model, corpus_df, {r.node: with_coord_df(r, density) for r in corpus}, wanted,
                           per_draft, density)


def _nodes_within_1km(store: FactStore, settings: AggregationSettings, point: tuple[str, int, float, float],
                      draft_points: Sequence[tuple[str, int, float, float]]) -> int:
    """`coord_df` of a point at check time: corpus and draft nodes with a point within 1 km."""
    doc, scope, lat, lon = point
    near = {(p.doc, p.scope) for p, _ in store.coords_near(lat, lon, FAR_M, settings.coordinate_radius_m)}
    near |= {(d, s) for d, s, la, lo in draft_points if distance_m(lat, lon, la, lo) <= FAR_M}
    near.add((doc, scope))
    return len(near)


def score_drafts(store: FactStore, cands: DraftCandidates, draft_facts: Sequence[Fact],
                 settings: AggregationSettings) -> tuple[list[NodeRecord], list[DraftMatch]]:
    """The draft nodes' records and every pair (draft - corpus node, draft - draft) at or above
    the linking threshold, scored with the stored model."""
    drafts = [with_coord_df(r, cands.coord_df) for r in draft_records(draft_facts, store, cands.corpus_df)]
    limit = threshold_weight(settings)
    out: list[DraftMatch] = []
    for r in drafts:
        for node in sorted(cands.per_draft.get(r.node, ())):
            other = cands.corpus.get(node)
            if other is None:
                continue
            s = cands.model.score_pair(r, other)
            if s.weight >= limit:
                out.append(DraftMatch(r.node, node, cands.node_entity.get(node), s))
    for x in range(len(drafts)):
        for y in range(x + 1, len(drafts)):
            s = cands.model.score_pair(drafts[x], drafts[y])
            if s.weight >= limit:
                out.append(DraftMatch(drafts[x].node, drafts[y].node, None, s))
    # the corpus linking's rule (finish_linking): a tie lifted by an owner or a county at a shared
    # name that is not the draft's tie to its one project is dropped here too
    by_node = {**cands.corpus, **{r.node: r for r in drafts}}
    drop = ambiguous_name_ties(((m.draft, m.other, m.score) for m in out), by_node.__getitem__, cands.model, limit)
    if drop:
        out = [m for m in out if frozenset((m.draft, m.other)) not in drop]
    return drafts, out


def link_drafts(store: FactStore, settings: AggregationSettings, draft_facts: Sequence[Fact],
                model: LinkModel | None = None) -> list[DraftMatch]:
    """What each draft node links to: corpus nodes (with their entity) reached through the
    draft's own non-busy keys and coordinates, and other draft nodes, each with its PairScore at
    or above the threshold. The model is the one stored by the last linking."""
    return score_drafts(store, draft_candidates(store, draft_facts, settings, model), draft_facts, settings)[1]


def cluster_drafts(drafts: Sequence[NodeRecord], matches: Sequence[DraftMatch],
                   entity_records: Mapping[str, Sequence[NodeRecord]], settings: AggregationSettings,
                   model: LinkModel | None = None) -> list[tuple[DraftMatch, tuple[str, ...]]]:
    """Which draft matches join: the corpus's coherence rule (`cluster`) applied to draft nodes
    and the corpus entities they reach. Matches merge in descending match weight; a merge that
    would put two different codes or precise addresses, or coordinates more than 1 km apart, into
    one group (a draft node's own values against all of an entity's) is refused unless the pair
    is strong. A match to a node without an entity joins that node alone. Returns the accepted
    matches with the conflicts each overrode."""
    state: dict[str, _Cluster] = {}
    for r in drafts:
        state[_draft_unit(r.node)] = _Cluster(r)
    uf: UnionFind[str] = UnionFind()
    accepted: list[tuple[DraftMatch, tuple[str, ...]]] = []
    draft_nodes = {r.node for r in drafts}
    for m in sorted(matches, key=lambda m: (-m.score.weight, m.draft, m.other)):
        a = _draft_unit(m.draft)
        b = _draft_unit(m.other) if m.entity is None and m.other in draft_nodes else corpus_unit(m)
        for unit in (a, b):
            if unit not in state:
                recs = entity_records.get(unit[2:], ()) if unit.startswith("c:") else ()
                state[unit] = _Cluster.of(recs)
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        conflicts = _join(uf, state, ra, rb, m.score, settings, model)
        if conflicts is not None:
            accepted.append((m, conflicts))
    return accepted


def _draft_unit(node: Node) -> str:
    return f"d:{node[0]}#{node[1]}"


def corpus_unit(m: DraftMatch) -> str:
    """The check's unit for the corpus side of a match: its entity (`c:<entity>`)."""
    return f"c:{m.entity}" if m.entity is not None else f"c:doc:{m.other[0]}#{m.other[1]}"


# Which anchor names an entity best: a protected subject, then a code, a name, a unit.
_LABEL_ORDER: tuple[str, ...] = ("subject:", "code:", "name:", "unit:")


def name_entities(groups: dict[Node, list[Node]], anchors: dict[Node, list[str]]) -> dict[Node, str]:
    """Stable, readable entity ids: the most frequent best anchor key, else the first node."""
    out: dict[Node, str] = {}
    used: Counter[str] = Counter()
    for members in sorted(groups.values(), key=lambda m: min(m)):
        counts: Counter[str] = Counter(k for n in members for k in anchors.get(n, ()))
        label = ""
        for prefix in _LABEL_ORDER:
            cands = [(-c, k) for k, c in counts.items() if k.startswith(prefix)]
            if cands:
                label = min(cands)[1]
                break
        if not label:
            doc, scope = min(members)
            label = f"doc:{doc}#{scope}"
        used[label] += 1
        if used[label] > 1:
            label = f"{label}#{used[label]}"
        for n in members:
            out[n] = label
    return out
