"""Linking project mentions into entities across documents.

A node is one project mention (a document scope, see facts.py). Two nodes are linked when they
share a link key (an exact normalised code, a protected subject, a distinctive project name, a
precise address, a unit designator, a rare phone number or person) or hold coordinates within the
radius, and the link's weight - the kind's base weight scaled down by how many documents hold
the value (settings.link_weight) - reaches `min_link_weight`. Entities are the connected
components (union-find).

Blocking, never all pairs: nodes sharing a key are linked as a star (first node to each other),
which is O(df) per key; coordinates are bucketed into grid cells about one radius wide and only
neighbouring cells are compared.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from .index import FactStore, StoredLink
from .normalize import distance_m, grid_cell, lon_span
from .settings import AggregationSettings

T = TypeVar("T", bound=Hashable)

KEY_KIND = {"addr": "address"}
# A grid cell holding more points than this is a city centre or a default map pin: common, and
# comparing all of its pairs would be quadratic.
MAX_CELL_POINTS = 2000


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
    """An explainable link: which value, which documents, how strong and why."""

    a: Node
    b: Node
    by: str  # link kind: code, subject, name, unit, address, coord, phone, person
    value: str  # the value as written in the documents
    weight: float
    df: int  # documents holding the value

    def to_stored(self, entity: str) -> StoredLink:
        return StoredLink(entity, self.a[0], self.b[0], self.by, self.value, round(self.weight, 4), self.df)


@dataclass
class LinkStats:
    keys_considered: int = 0
    keys_linked: int = 0
    keys_too_common: int = 0
    coord_pairs: int = 0
    links: int = 0


def link_corpus(
    store: FactStore, settings: AggregationSettings
) -> tuple[dict[Node, str], list[StoredLink], LinkStats, list[tuple[str, int]]]:
    """Entities of the whole stored corpus: node -> entity id for every linked node (a node not
    in the mapping is an entity of its own), and the links that made them."""
    total = store.doc_count()
    uf: UnionFind[Node] = UnionFind()
    links: list[Link] = []
    stats = LinkStats()
    key_dfs: list[tuple[str, int]] = []
    for key, holders in store.shared_keys():
        stats.keys_considered += 1
        df = len({doc for doc, _, _ in holders})
        key_dfs.append((key, df))
        kind = key_kind(key)
        weight = settings.link_weight(kind, df, total)
        if weight < settings.min_link_weight or weight <= 0.0:
            stats.keys_too_common += 1
            continue
        stats.keys_linked += 1
        first = (holders[0][0], holders[0][1])
        for doc, scope, value in holders[1:]:
            node = (doc, scope)
            if uf.union(first, node) or doc != first[0]:
                links.append(Link(first, node, kind, value, weight, df))
    for a, b, value, weight, df in coordinate_links(store.all_coords(), settings, total):
        stats.coord_pairs += 1
        if uf.union(a, b):
            links.append(Link(a, b, "coord", value, weight, df))
    # Only linked nodes are held in memory; the store names every other node after itself.
    anchors: dict[Node, list[str]] = defaultdict(list)
    for key, doc, scope in store.anchor_keys():
        if (doc, scope) in uf.parent:
            anchors[(doc, scope)].append(key)
    node_entity = name_entities(uf.groups(), anchors)
    stored = [lk.to_stored(node_entity[lk.a]) for lk in links if lk.a[0] != lk.b[0] or lk.a != lk.b]
    stats.links = len(stored)
    return node_entity, stored, stats, key_dfs


def coordinate_links(
    points: list[tuple[str, int, float, float, str]], settings: AggregationSettings, total_docs: int
) -> Iterable[tuple[Node, Node, str, float, int]]:
    """Pairs of nodes whose coordinates are within the radius, via grid blocking."""
    radius = settings.coordinate_radius_m
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, (_, _, lat, lon, _) in enumerate(points):
        cells[grid_cell(lat, lon, radius)].append(i)
    neighbours: dict[int, list[int]] = defaultdict(list)
    for (cy, cx), members in cells.items():
        if len(members) > MAX_CELL_POINTS:
            continue
        span = lon_span(points[members[0]][2])
        for dy in (-1, 0, 1):
            for dx in range(-span, span + 1):
                other = cells.get((cy + dy, cx + dx))
                if not other or len(other) > MAX_CELL_POINTS:
                    continue
                for i in members:
                    _, _, lat1, lon1, _ = points[i]
                    for j in other:
                        if j > i and distance_m(lat1, lon1, points[j][2], points[j][3]) <= radius:
                            neighbours[i].append(j)
                            neighbours[j].append(i)
    for i, js in neighbours.items():
        docs_i = {points[i][0], *(points[j][0] for j in js)}
        for j in js:
            if j <= i:
                continue
            docs_j = {points[j][0], *(points[k][0] for k in neighbours[j])}
            df = max(len(docs_i), len(docs_j))
            weight = settings.link_weight("coord", df, total_docs)
            if weight >= settings.min_link_weight and weight > 0.0:
                a, b = points[i], points[j]
                yield (a[0], a[1]), (b[0], b[1]), f"{a[4]} ~ {b[4]}", weight, df


# Which anchor names an entity best: a protected subject, then a code, a name, a unit.
_LABEL_ORDER = ("subject:", "code:", "name:", "unit:")


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
