"""Orchestration: corpus -> index -> entities -> rules (aggregate), plus drafts -> new exposures
-> minimal fix (check). No printing and no formatting: results are data."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..model import Location, Severity
from ..pipeline import ScanOptions
from ..policy.schema import Policy
from .check import CheckGraph, Component, DraftDocument, DraftLink, Repeat, read_drafts, without
from .corpus import SyncStats, store_fingerprint, sync_corpus
from .facts import ANCHOR_KINDS, Fact, FactExtractor, locate
from .fix import minimal_fix
from .index import FactStore, StoredLink
from .link import Linking, LinkStats, link_corpus, linking_code
from .result import AggregationResult, Evidence, Exposure, FixEntry, LinkView, RepeatView
from .rules import RuleHit, RuleSet
from .settings import AggregationSettings, combinations_for, ignored_settings, settings_from_policy


@dataclass(frozen=True)
class AggregateOptions:
    policy: Policy
    policy_path: str | None = None
    jobs: int = 1
    # Use the index as it is, without looking at the corpus folder (fast checks in CI).
    trust_index: bool = False
    # Called as (done, total, path) while new or changed corpus files are read.
    on_progress: Callable[[int, int, str], None] | None = None
    # Linking engine: "local" (splink on DuckDB), "spark" (splink on Spark, extraction on the
    # executors) or "python" (the same model evaluated in pure Python).
    engine: str = "local"
    spark_master: str | None = None


class Aggregator:
    """One corpus index and one policy; `aggregate()` and `check(drafts)`."""

    def __init__(self, store: FactStore, options: AggregateOptions) -> None:
        self.store = store
        self.options = options
        self.policy = options.policy
        self.settings: AggregationSettings = settings_from_policy(self.policy)
        self.rules = RuleSet(self.policy, combinations_for(self.policy, self.settings), self.settings)
        self.scan_options = ScanOptions(policy=self.policy)
        self.sync_stats = SyncStats()
        self.link_stats: LinkStats | None = None
        self.timings: dict[str, float] = {}

    # -- corpus ------------------------------------------------------------------------------

    def trust_problem(self) -> str | None:
        """Why the index cannot answer as it is (`trust_index`: `check --trust-index`, the desk's
        `--corpus-index` alone), or None: it holds no linked corpus (a mistyped path: the corpus
        would be read in full, 30 min at 1M), or its facts were extracted for another policy or
        extractor (other protected subjects, purposes or radius: the corpus's subject facts would
        be missing and an exposure already public reported as new). One rule for the CLI and the
        desk."""
        if not self.store.linked_doc_count():
            return "holds no linked corpus; build it with `mosaicguard aggregate CORPUS --index DB` first"
        if self.store.get_meta("fingerprint") != store_fingerprint(self.policy, self.settings):
            return ("was built for another policy (protected subjects, sensitive purposes, coordinate radius) or "
                    "another mosaicguard version; refresh it with `mosaicguard aggregate CORPUS --index DB`")
        return None

    def refresh(self, corpus: Sequence[str], exclude: Iterable[str] = ()) -> None:
        """Bring the index up to date with the corpus and re-link if anything changed."""
        t0 = time.perf_counter()
        self.link_stats = None
        spark = None
        if not (self.options.trust_index and self.store.linked_doc_count()):
            excluded = frozenset(os.path.realpath(p) for p in exclude)
            if self.options.engine == "spark":
                from .spark import spark_session, sync_corpus_spark

                spark = spark_session(self.options.spark_master)
                self.sync_stats = sync_corpus_spark(spark, self.store, corpus, self.policy, self.settings,
                                                    self.scan_options, excluded)
            else:
                self.sync_stats = sync_corpus(self.store, corpus, self.policy, self.settings, self.scan_options,
                                              excluded, self.options.jobs, self.options.on_progress)
        t1 = time.perf_counter()
        self.timings["index_s"] = t1 - t0
        if (self.store.get_meta("dirty") != "0" or self.store.get_meta("link_settings") != self.settings.fingerprint()
                or self.store.get_meta("link_model") is None or self.store.get_meta("link_code") != linking_code()):
            if self.options.engine == "spark" and spark is None:
                from .spark import spark_session

                spark = spark_session(self.options.spark_master)
            linking = self._relink(spark)
            self.link_stats = linking.stats
            self.store.save_entities(((d, s, e) for (d, s), e in linking.node_entity.items()), linking.links,
                                     linking.key_dfs, linking.entities)
            self.store.save_link_pairs(linking.pairs)
            self.store.set_meta("link_state", repr(linking.slack))
            self.store.set_meta("link_model", linking.model.to_json())
            self.store.set_meta("dirty", "0")
            self.store.set_meta("link_settings", self.settings.fingerprint())
            self.store.set_meta("link_code", linking_code())
            self.store.commit()
        self.timings["link_s"] = time.perf_counter() - t1

    def _relink(self, spark: object) -> Linking:
        """The incremental relink when the index holds a link state it can start from (local and
        python engines), else (or when it cannot be exact: `relink_incremental` says why) a full
        one. Both give the same entities, links and exposures."""
        reason = ""
        if self.options.engine in ("local", "python"):
            from .link_incremental import relink_incremental

            outcome = relink_incremental(self.store, self.settings, self.options.engine)
            if not isinstance(outcome, str):
                return outcome
            reason = outcome
        linking = link_corpus(self.store, self.settings, self.options.engine, spark, max(1, self.options.jobs))
        linking.stats.fallback = reason
        return linking

    def corpus_summary(self) -> dict[str, object]:
        s = self.sync_stats
        out: dict[str, object] = {
            "documents": self.store.linked_doc_count() if self.options.trust_index else self.store.doc_count(),
            "files_seen": s.files, "read": s.read, "reused": s.reused,
            "rehashed": s.rehashed, "removed": s.removed, "rebuilt": s.rebuilt,
            "trusted_index": self.options.trust_index,
        }
        ignored = ignored_settings(self.policy)
        if ignored:  # accepted from an old policy, without effect: say so in the record
            out["ignored_settings"] = ignored
        if self.link_stats is not None:
            ls = self.link_stats
            linking: dict[str, object] = {
                "shared_values": ls.keys_considered, "linking_values": ls.keys_linked,
                "too_common": ls.keys_too_common, "coordinate_pairs": ls.coord_pairs,
                "candidate_pairs": ls.candidate_pairs, "refused_merges": ls.refused_merges,
                "links": ls.links, "engine": ls.engine, "relinked": True,
                # "full" or "incremental" (and why an incremental relink could not be exact)
                "relink": ls.mode, "rescored_pairs": ls.rescored_pairs}
            if ls.fallback:
                linking["full_relink_because"] = ls.fallback
            out["linking"] = linking
        return out

    def aggregate(self, corpus: Sequence[str]) -> AggregationResult:
        self.refresh(corpus)
        t0 = time.perf_counter()
        candidates = self.store.candidate_entities()
        facts = self.store.entity_facts(candidates)
        links = self.store.entity_links(candidates)
        exposures = []
        for entity in candidates:
            hits = self.rules.evaluate(facts[entity])
            if hits:
                exposures.append(self._exposure(entity, facts[entity], hits, _stored_views(links[entity])))
        self.timings["rules_s"] = time.perf_counter() - t0
        return AggregationResult("aggregate", _ordered(exposures), self.corpus_summary(),
                                 errors=tuple(self.sync_stats.errors), policy=self.options.policy_path,
                                 timings=dict(self.timings), entities=tuple(self.store.entity_summaries()))

    # -- drafts ------------------------------------------------------------------------------

    def check(self, drafts: Sequence[str], corpus: Sequence[str]) -> AggregationResult:
        draft_files = [os.path.realpath(p) for p in drafts]
        self.refresh(corpus, exclude=draft_files)
        t0 = time.perf_counter()
        extractor = FactExtractor(self.policy)
        draft_facts, draft_status, texts = read_drafts(drafts, extractor, self.scan_options)
        graph = CheckGraph(self.store, draft_facts, self.settings, self.rules)
        exposures: list[Exposure] = []
        overall_fix: dict[tuple[str, str], FixEntry] = {}
        repeats: dict[tuple[str, int], RepeatView] = {}
        for comp in graph.components():
            comp_repeats = tuple(_repeat_view(r, texts) for r in graph.repeats(comp))
            for r in comp_repeats:
                repeats.setdefault((r.doc, r.location.start or 0), r)
            if not comp.hits:
                continue
            fix: tuple[FixEntry, ...] = ()
            method = ""
            verified: bool | None = None
            if comp.new:
                items, method = self._fix_for(graph, comp)
                fix = tuple(_fix_entry(item, draft_facts, texts) for item in items)
                verified = self._verify_fix(frozenset(items), draft_facts, texts, extractor) if items else None
                overall_fix.update({(fx.doc, fx.value): fx for fx in fix})
            views = [_draft_view(lk) for lk in comp.draft_links]
            for e in comp.corpus_entities:
                views.extend(_stored_views(graph.entity_links.get(e, [])))
            entity = comp.corpus_entities[0] if comp.corpus_entities else _draft_entity_id(comp.facts)
            exposures.append(self._exposure(entity, comp.facts, comp.hits, views, comp, fix, method,
                                            comp_repeats, verified))
        self.timings["check_s"] = time.perf_counter() - t0
        return AggregationResult("check", _ordered(exposures), self.corpus_summary(), tuple(draft_status),
                                 tuple(self.sync_stats.errors), tuple(overall_fix[k] for k in sorted(overall_fix)),
                                 self.options.policy_path, dict(self.timings),
                                 tuple(repeats[k] for k in sorted(repeats)))

    def _fix_for(self, graph: CheckGraph, comp: Component) -> tuple[tuple[tuple[str, str], ...], str]:
        scope = {u for u in comp.units if u.startswith("d:")}

        def cost(removed: frozenset[tuple[str, str]]) -> int:
            return sum(n.count for c in graph.components(removed) if scope & set(c.units) for n in c.new)

        return minimal_fix(graph.fix_candidates(comp), cost, self.settings.exact_fix_max_facts)

    def _verify_fix(self, removed: frozenset[tuple[str, str]], draft_facts: Sequence[Fact],
                    texts: dict[str, DraftDocument], extractor: FactExtractor) -> bool:
        """Re-run the check on the drafts with the fix's values cut out of their text (read
        again from scratch: scopes and links may change): True when no new exposure is left."""
        edited: list[Fact] = []
        for path, draft in texts.items():
            edited.extend(extractor.extract_text(path, without(draft, draft_facts, removed)))
        graph = CheckGraph(self.store, edited, self.settings, self.rules)
        return not any(c.new for c in graph.components())

    # -- building exposures ----------------------------------------------------------------------

    def _exposure(self, entity: str, facts: Sequence[Fact], hits: list[RuleHit], links: list[LinkView],
                  comp: Component | None = None, fix: tuple[FixEntry, ...] = (), method: str = "",
                  repeats: tuple[RepeatView, ...] = (), verified: bool | None = None) -> Exposure:
        draft_docs = {f.doc for f in _draft_fact_set(comp)} if comp is not None else set()
        attrs: dict[str, dict[tuple[str, str], Evidence]] = {}
        for f in facts:
            if self.rules.counts(f) and f.attr is not None:
                attrs.setdefault(f.attr, {}).setdefault(
                    (f.value, f.doc), Evidence(f.value, f.doc, f.kind, f.snippet, f.doc in draft_docs))
        names = Counter(f.value for f in facts if (f.kind in ANCHOR_KINDS or f.kind == "unit") and f.keys)
        new = comp.new if comp is not None else []
        lead_rule, lead_severity = (new[0].rule, new[0].severity) if new else (hits[0].rule, hits[0].severity)
        docs = sorted({f.doc for f in facts})
        subjects = sorted(self.rules.subjects(facts))
        purposes = sorted(self.rules.sensitive_purposes(facts))
        link_summary = sorted({f"{lk.by} {lk.value!r}" for lk in links})[:6]
        why = (f"{len(docs)} document(s) together give {lead_rule}"
               + (f" about protected subject {', '.join(subjects)}" if subjects else "")
               + (f" (sensitive purpose: {', '.join(purposes)})" if purposes else "")
               + (f"; linked by {', '.join(link_summary)}" if link_summary else "; stated in one document"))
        if new:
            example = " + ".join(repr(f.value) for f in new[0].example)
            why += f"; new with the draft(s): {example}"
        elif comp is not None and repeats:
            why += "; the draft(s) only repeat what is already public"
        return Exposure(
            entity_id=entity,
            names=tuple(n for n, _ in sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))),
            attributes=tuple((a, tuple(ev.values())) for a, ev in sorted(attrs.items())),
            rule=lead_rule,
            severity=lead_severity,
            rules=tuple(h.rule for h in hits),
            documents=tuple(docs),
            links=tuple(_dedupe_links(links)),
            subjects=tuple(subjects),
            purposes=tuple(purposes),
            new=bool(new),
            new_rules=tuple(n.rule for n in new),
            minimal_fix=fix,
            fix_method=method,
            explanation=why,
            linked_entities=tuple(comp.corpus_entities) if comp is not None else (),
            repeats_public=repeats,
            new_combinations=tuple((n.rule, n.count) for n in new),
            fix_verified=verified,
        )


def _fix_entry(item: tuple[str, str], draft_facts: Sequence[Fact], texts: dict[str, DraftDocument]) -> FixEntry:
    """A fix value with where it is in the draft (its first occurrence; all are removed)."""
    doc, value = item
    starts = sorted({f.start for f in draft_facts if f.fix_item == item})
    draft = texts.get(doc)
    if not starts or draft is None:
        return FixEntry(doc, value)
    return FixEntry(doc, value, locate(draft.pieces, starts[0], starts[0] + len(value)), len(starts))


def _repeat_view(r: Repeat, texts: dict[str, DraftDocument]) -> RepeatView:
    draft = texts.get(r.fact.doc)
    location = draft.location(r.fact) if draft is not None else Location()
    return RepeatView(r.fact.doc, r.fact.value, r.fact.attr or "", location, r.public)


def _draft_fact_set(comp: Component) -> set[Fact]:
    units = set(comp.units)
    return {f for f in comp.facts if f"d:{f.doc}#{f.scope}" in units}


def _stored_views(links: Iterable[StoredLink]) -> list[LinkView]:
    return [LinkView(lk.from_doc, lk.to_doc, lk.by, lk.value, lk.weight, lk.df, lk.probability,
                     lk.evidence) for lk in links]


def _draft_view(lk: DraftLink) -> LinkView:
    """A draft link reported like a corpus link: strongest comparison, match weight, evidence."""
    return _stored_views([lk.stored()])[0]


def _dedupe_links(links: Iterable[LinkView]) -> list[LinkView]:
    seen: dict[tuple[str, str, str, str], LinkView] = {}
    for lk in links:
        a, b = sorted((lk.from_doc, lk.to_doc))
        seen.setdefault((a, b, lk.by, lk.value), lk)
    return sorted(seen.values(), key=lambda lk: (lk.from_doc, lk.to_doc, lk.by, lk.value))


def _draft_entity_id(facts: Sequence[Fact]) -> str:
    for prefix in ("subject:", "code:", "name:", "unit:"):
        keys = sorted(k for f in facts for k in f.keys if k.startswith(prefix))
        if keys:
            return keys[0]
    f = min(facts, key=lambda x: (x.doc, x.scope))
    return f"doc:{f.doc}#{f.scope}"


def _ordered(exposures: list[Exposure]) -> tuple[Exposure, ...]:
    return tuple(sorted(exposures, key=lambda e: (not e.new, -e.severity.rank, e.entity_id)))


def max_severity(result: AggregationResult) -> Severity | None:
    sev = [e.severity for e in result.exposures]
    return max(sev, key=lambda s: s.rank) if sev else None
