"""The draft check: which exposures exist only because of the drafts.

The corpus's entities are already in the index. Each draft mention (document scope) is a node;
each corpus entity it can link to is one collapsed node carrying that entity's facts. Only the
keys and coordinates of the drafts are looked up (`link.draft_candidates`: postings by key, grid
cells around each coordinate), so a check costs the same against ten thousand or a million
indexed documents. A draft node joins an entity by evidence, exactly as corpus nodes link: its
Fellegi-Sunter pair score with some node of the entity (the stored model) reaches the linking
threshold, and the merge passes the corpus's coherence rule (`link.cluster_drafts`). Removing
draft values (the minimal fix) re-scores the draft from its remaining facts, so a link resting on
several values is cut only when enough of them are gone.

What is *new* is decided value by value (`RuleSet.new_inferences`): a combination such as
location+purpose is new for a component when some combination of its values (this site, this
purpose) was not already given away by one of the linked corpus entities on its own. A draft that
links to two entities is judged against both; a draft that only restates public values adds
nothing and its restated values are listed as `repeats_public`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..model import Location
from ..pipeline import ScanOptions, collect_inputs, read_document
from .corpus import flatten
from .facts import Fact, FactExtractor, TextPiece, document_text_map, locate
from .index import FactStore, StoredLink
from .link import Link, Node, UnionFind, cluster_drafts, corpus_unit, draft_candidates, score_drafts
from .model import NodeRecord, PairScore, phone_kind_key
from .rules import NewInference, RuleHit, RuleSet
from .settings import AggregationSettings

Unit = str  # "d:<doc>#<scope>" for a draft node, "c:<entity>" for a corpus entity


@dataclass(frozen=True, slots=True)
class DraftLink:
    """An accepted link of a draft node: to a corpus entity (through one of its nodes) or to
    another draft node, with its pair score, the conflicts it overrode, and the draft values its
    positive comparisons rest on (what a fix may remove to weaken it)."""

    draft: Node
    other: Unit
    other_node: Node
    score: PairScore
    overrode: tuple[str, ...] = ()
    linkers: tuple[tuple[str, str], ...] = ()

    def stored(self) -> StoredLink:
        """The link as the corpus's links are reported: strongest comparison, weight, evidence."""
        return Link(self.draft, self.other_node, self.score, self.overrode).to_stored(self.other)


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


class CheckGraph:
    """Drafts plus the corpus entities they touch; `components(removed)` re-scores the drafts
    without the removed values (no further index look-up) and regroups them."""

    def __init__(self, store: FactStore, draft_facts: Sequence[Fact], settings: AggregationSettings,
                 rules: RuleSet) -> None:
        self.store = store
        self.rules = rules
        self.settings = settings
        self.draft_facts = list(draft_facts)
        self.nodes: dict[Unit, list[Fact]] = defaultdict(list)
        for f in self.draft_facts:
            self.nodes[unit_of((f.doc, f.scope))].append(f)
        self.candidates = draft_candidates(store, self.draft_facts, settings)
        self.entity_facts: dict[str, list[Fact]] = {}
        self.entity_links: dict[str, list[StoredLink]] = {}
        self.entity_records: dict[str, list[NodeRecord]] = {}
        self._memo: dict[frozenset[tuple[str, str]], list[Component]] = {}

    def _load(self, entities: Iterable[str]) -> None:
        """Facts, links and node records of entities not fetched yet (a fix can reach an entity
        that the full draft did not: removing a disagreeing value raises a pair's score)."""
        missing = sorted(set(entities) - set(self.entity_facts))
        if not missing:
            return
        self.entity_facts.update(self.store.entity_facts(missing))
        self.entity_links.update(self.store.entity_links(missing))
        for e in missing:
            nodes = sorted({(f.doc, f.scope) for f in self.entity_facts.get(e, ())})
            self.entity_records[e] = self.store.node_records(nodes)

    def components(self, removed: frozenset[tuple[str, str]] = frozenset()) -> list[Component]:
        """Groups of draft nodes and corpus entities joined by accepted draft links, with the
        rule hits and new inferences of each, the drafts' `removed` values taken out."""
        cached = self._memo.get(removed)
        if cached is not None:
            return cached
        live = [f for f in self.draft_facts if f.fix_item not in removed]
        records, matches = score_drafts(self.store, self.candidates, live, self.settings)
        self._load(m.entity for m in matches if m.entity is not None)
        accepted = cluster_drafts(records, matches, self.entity_records, self.settings, self.candidates.model)
        by_node = {r.node: r for r in records}
        node_facts: dict[Node, list[Fact]] = defaultdict(list)
        for f in live:
            node_facts[(f.doc, f.scope)].append(f)
        links: list[DraftLink] = []
        uf: UnionFind[Unit] = UnionFind()
        for node in node_facts:
            uf.add(unit_of(node))
        draft_nodes = set(node_facts)
        for m, overrode in accepted:
            draft_side = m.entity is None and m.other in draft_nodes
            other = unit_of(m.other) if draft_side else corpus_unit(m)
            other_rec = by_node.get(m.other) if draft_side else self.candidates.corpus.get(m.other)
            linkers = _linkers(m.score, by_node[m.draft], other_rec, node_facts[m.draft])
            if draft_side:
                linkers += _linkers(m.score, by_node[m.other], by_node[m.draft], node_facts[m.other])
            links.append(DraftLink(m.draft, other, m.other, m.score, overrode, tuple(sorted(set(linkers)))))
            uf.union(unit_of(m.draft), other)
        out = []
        for members in uf.groups().values():
            if not any(m.startswith("d:") for m in members):
                continue
            ents = sorted(m[2:] for m in members if m.startswith("c:"))
            facts = [f for m in members if m.startswith("d:") for f in node_facts[_node_of(m)]]
            for e in ents:
                facts.extend(self.entity_facts.get(e, ()))
            hits = self.rules.evaluate(facts)
            new = self.rules.new_inferences(facts, [self.entity_facts.get(e, []) for e in ents]) if hits else []
            member_set = set(members)
            comp_links = [lk for lk in links if unit_of(lk.draft) in member_set]
            out.append(Component(sorted(members), facts, hits, new, ents, comp_links))
        self._memo[removed] = out
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
        linkers = {item for lk in component.draft_links for item in lk.linkers} - attrs - subjects
        # What the draft only repeats from public documents comes after what it adds: among fixes
        # of one size, removing the new site and date beats removing a public purpose and the code
        # (a fix telling the reviewer to cut what is already public reads as a wrong answer).
        repeated = {r.fact.fix_item for r in self.repeats(component)} & attrs
        return sorted(attrs - repeated) + sorted(repeated) + sorted(subjects) + sorted(linkers)


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


def _node_of(unit: Unit) -> Node:
    doc, _, scope = unit[2:].rpartition("#")
    return (doc, int(scope))


def _linkers(score: PairScore, mine: NodeRecord, other: NodeRecord | None, facts: Sequence[Fact]
             ) -> list[tuple[str, str]]:
    """The draft values behind a link's positive comparisons: every draft fact holding a value
    the other side shares (of a kind whose comparison counted for the link), and the node's
    coordinates when they did."""
    if other is None:
        return []
    kinds = {c.comparison for c in score.comparisons if c.weight > 0}
    shared = {k for kind in kinds - {"coord"} for k in mine.kind_keys(kind) & other.kind_keys(kind)}
    out = [f.fix_item for f in facts if any(_record_key(k) in shared for k in f.keys)]
    if "coord" in kinds:
        out.extend(f.fix_item for f in facts if f.kind == "coord" and f.extra)
    return out


def _record_key(key: str) -> str:
    """A fact's key as the link model holds it (fixed lines become `landline:`)."""
    return phone_kind_key(key) if key.startswith("phone:") else key
