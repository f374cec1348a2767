"""The draft check: which exposures exist only because of the drafts.

The corpus's entities are already in the index. Each draft mention (document scope) is a node;
each corpus entity it can link to is one collapsed node carrying that entity's facts. Only the
keys and coordinates of the drafts are looked up (`draft_links`: postings by key, grid cells
around each coordinate), so a check costs the same against ten thousand or a million indexed
documents.

What is *new* is decided value by value (`RuleSet.new_inferences`): a combination such as
location+purpose is new for a component when some combination of its values (this site, this
purpose) was not already given away by one of the linked corpus entities on its own. A draft that
links to two entities is judged against both; a draft that only restates public values adds
nothing and its restated values are listed as `repeats_public`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import Location
from ..pipeline import ScanOptions, collect_inputs, read_document
from .corpus import flatten
from .facts import Fact, FactExtractor, TextPiece, document_text_map, locate
from .index import FactStore, Posting, StoredLink
from .link import Node, UnionFind, key_kind
from .normalize import distance_m
from .rules import NewInference, RuleHit, RuleSet
from .settings import AggregationSettings

Unit = str  # "d:<doc>#<scope>" for a draft node, "c:<entity>" for a corpus entity


@dataclass(frozen=True, slots=True)
class DraftLink:
    fact: Fact  # the draft fact that makes the link (removing it removes the link)
    other: Unit
    by: str
    value: str
    other_doc: str
    weight: float
    df: int


@dataclass(frozen=True, slots=True)
class Repeat:
    """A draft value that the linked public documents already state."""

    fact: Fact
    public: tuple[str, ...]  # corpus documents that already say it


@dataclass
class Component:
    units: list[Unit]
    facts: list[Fact]
    hits: list[RuleHit]
    new: list[NewInference]
    corpus_entities: list[str]
    draft_links: list[DraftLink] = field(default_factory=list)


@dataclass
class DraftDocument:
    """A draft as read: its text (what facts' offsets point into) and where each part of it is."""

    path: str
    text: str
    pieces: list[TextPiece]

    def location(self, fact: Fact) -> Location:
        return locate(self.pieces, fact.start, fact.end)


def unit_of(node: Node) -> Unit:
    return f"d:{node[0]}#{node[1]}"


def read_drafts(paths: Sequence[str], extractor: FactExtractor, options: ScanOptions
                ) -> tuple[list[Fact], list[dict[str, str]], dict[str, DraftDocument]]:
    """Facts of the drafts (never stored), their read status, and their texts."""
    facts: list[Fact] = []
    status: list[dict[str, str]] = []
    texts: dict[str, DraftDocument] = {}
    for item in collect_inputs(paths):
        for d in flatten(read_document(item, options)):
            status.append({"path": d.path, "status": d.status, "error": d.error or ""})
            if d.status == "ok":
                text, pieces = document_text_map(d)
                texts[d.path] = DraftDocument(d.path, text, pieces)
                facts.extend(extractor.extract_text(d.path, text))
    return facts, status, texts


def draft_links(store: FactStore, draft_facts: Sequence[Fact], settings: AggregationSettings
                ) -> tuple[list[DraftLink], set[str]]:
    """Links from draft facts to corpus entities and to other drafts, and the entities reached.
    Key-based: a shared key or a coordinate within the radius, weighted by rarity like the
    corpus's links (document frequency counts the drafts too). One function, so that pair
    scoring can replace it."""
    total = store.linked_doc_count() + len({f.doc for f in draft_facts})
    links: list[DraftLink] = []
    entities: set[str] = set()
    draft_keys: dict[str, list[Fact]] = defaultdict(list)
    for f in draft_facts:
        for k in f.keys:
            draft_keys[k].append(f)
    corpus_df = store.key_df(list(draft_keys))
    for key, holders in draft_keys.items():
        kind = key_kind(key)
        df = corpus_df.get(key, 0) + len({f.doc for f in holders})
        weight = settings.link_weight(kind, df, total)
        if weight < settings.min_link_weight or weight <= 0.0:
            continue
        postings = store.postings(key) if corpus_df.get(key, 0) else []
        for f in holders:
            for p in postings:
                if p.entity is None:
                    continue
                entities.add(p.entity)
                links.append(DraftLink(f, f"c:{p.entity}", kind, f.value, p.doc, weight, df))
            for g in holders:
                if g is not f and (g.doc, g.scope) != (f.doc, f.scope):
                    links.append(DraftLink(f, unit_of((g.doc, g.scope)), kind, f.value, g.doc, weight, df))
    coord_facts = [f for f in draft_facts if f.kind == "coord" and f.extra]
    radius = settings.coordinate_radius_m
    for f in coord_facts:
        lat, lon = (float(x) for x in f.extra.split(","))
        near: list[tuple[Posting, float]] = store.coords_near(lat, lon, radius)
        near_drafts = [g for g in coord_facts if g is not f and _close(f, g, radius)]
        df = len({p.doc for p, _ in near} | {g.doc for g in near_drafts} | {f.doc})
        weight = settings.link_weight("coord", df, total)
        if weight < settings.min_link_weight or weight <= 0.0:
            continue
        for p, _ in near:
            if p.entity is not None:
                entities.add(p.entity)
                links.append(DraftLink(f, f"c:{p.entity}", "coord", f"{f.value} ~ {p.value}", p.doc, weight, df))
        for g in near_drafts:
            if (g.doc, g.scope) != (f.doc, f.scope):
                links.append(DraftLink(f, unit_of((g.doc, g.scope)), "coord", f"{f.value} ~ {g.value}",
                                       g.doc, weight, df))
    return links, entities


class CheckGraph:
    """Drafts plus the corpus entities they touch; `components(removed)` re-evaluates quickly."""

    def __init__(self, store: FactStore, draft_facts: Sequence[Fact], settings: AggregationSettings,
                 rules: RuleSet) -> None:
        self.rules = rules
        self.settings = settings
        self.draft_facts = list(draft_facts)
        self.nodes: dict[Unit, list[Fact]] = defaultdict(list)
        for f in self.draft_facts:
            self.nodes[unit_of((f.doc, f.scope))].append(f)
        self.links, entities = draft_links(store, self.draft_facts, settings)
        ents = sorted(entities)
        self.entity_facts: dict[str, list[Fact]] = store.entity_facts(ents)
        self.entity_links: dict[str, list[StoredLink]] = store.entity_links(ents)
        self.entity_hits: dict[str, list[RuleHit]] = {e: rules.evaluate(self.entity_facts[e]) for e in ents}

    def components(self, removed: frozenset[tuple[str, str]] = frozenset()) -> list[Component]:
        uf: UnionFind[Unit] = UnionFind()
        for unit in self.nodes:
            uf.add(unit)
        live_links = [lk for lk in self.links if lk.fact.fix_item not in removed]
        for lk in live_links:
            uf.union(unit_of((lk.fact.doc, lk.fact.scope)), lk.other)
        out = []
        for members in uf.groups().values():
            if not any(m.startswith("d:") for m in members):
                continue
            ents = sorted(m[2:] for m in members if m.startswith("c:"))
            facts = [f for m in members if m.startswith("d:") for f in self.nodes[m] if f.fix_item not in removed]
            for e in ents:
                facts.extend(self.entity_facts.get(e, ()))
            hits = self.rules.evaluate(facts)
            new = self.rules.new_inferences(facts, [self.entity_facts.get(e, []) for e in ents]) if hits else []
            member_set = set(members)
            links = [lk for lk in live_links if unit_of((lk.fact.doc, lk.fact.scope)) in member_set]
            out.append(Component(sorted(members), facts, hits, new, ents, links))
        return out

    def repeats(self, component: Component) -> list[Repeat]:
        """Draft values of a component that one of its corpus entities already states, with the
        public documents that state them."""
        out: list[Repeat] = []
        units = set(component.units)
        for unit in sorted(units):
            if not unit.startswith("d:"):
                continue
            for f in self.nodes.get(unit, ()):
                if not self.rules.counts(f) or f.attr is None:
                    continue
                ident = self.rules.identity(f)
                public = sorted({
                    g.doc for e in component.corpus_entities for g in self.entity_facts.get(e, ())
                    if g.attr == f.attr and self.rules.counts(g) and ident & self.rules.identity(g, near=True)
                })
                if public:
                    out.append(Repeat(f, tuple(public)))
        return out

    def fix_candidates(self, component: Component) -> list[tuple[str, str]]:
        """Draft facts that matter for a component, in order of preference: counted attribute
        values, then protected-subject mentions, then the values that make links. Among fixes of
        the same size the search prefers removing what the draft *says* (a site, a date) over
        the identifiers that name it."""
        members = set(component.units)
        attrs: set[tuple[str, str]] = set()
        subjects: set[tuple[str, str]] = set()
        for unit in members:
            for f in self.nodes.get(unit, ()):
                if self.rules.counts(f):
                    attrs.add(f.fix_item)
                elif any(k.startswith("subject:") for k in f.keys):
                    subjects.add(f.fix_item)
        subjects -= attrs
        linkers = {lk.fact.fix_item for lk in component.draft_links} - attrs - subjects
        return sorted(attrs) + sorted(subjects) + sorted(linkers)


def without(draft: DraftDocument, facts: Sequence[Fact], removed: frozenset[tuple[str, str]]) -> str:
    """The draft's text with every occurrence of the removed values cut out, as a person
    applying the fix would."""
    spans = sorted((f.start, f.end) for f in facts if f.doc == draft.path and f.fix_item in removed)
    pieces: list[str] = []
    pos = 0
    for start, end in spans:
        if start >= pos:
            pieces.append(draft.text[pos:start])
            pos = end
        elif end > pos:
            pos = end
    pieces.append(draft.text[pos:])
    return "".join(pieces)


def _close(f: Fact, g: Fact, radius: float) -> bool:
    a = [float(x) for x in f.extra.split(",")]
    b = [float(x) for x in g.extra.split(",")]
    return distance_m(a[0], a[1], b[0], b[1]) <= radius
