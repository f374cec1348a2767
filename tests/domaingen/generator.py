"""Aggregation test corpus written from the domain description, with its truth.

`generate(out_dir, n_docs, seed)` writes

    out_dir/corpus/cNNNN/<style>-<serial>.<txt|html|docx>   the public documents (1,000 per folder)
    out_dir/truth.json                                     what a correct tool must find
    out_dir/policy.yaml                                    the organisation's policy (CONTRACTS shape)
    drafts_dir/cNNNN-<kind>.txt                            drafts, if `drafts_dir` is given

Run the tool as `mosaicguard aggregate OUT/corpus --policy OUT/policy.yaml` (truth and policy sit
beside the corpus, not in it). Text files are UTF-8, a few GB18030 (`encoding` in the truth);
HTML files carry a procurement-portal template; a few files are .docx.

truth.json:

    {"documents": {"corpus/c0000/tender-0000017.txt": {
         "entity": "<true entity id, or null for a harmless singleton>",
         "role": "chain_alias | chain_alias_code | chain_code_purpose | harmless | singleton | ...",
         "style": "tender|candidates|award|negotiation|eia|acceptance|permit|news|dod|usace|ea|press",
         "format": "txt|html|docx", "encoding": "utf-8|gb18030",
         "planted": {"location": [...], "purpose": [...], "schedule": [...],
                     "alias": [...], "code": [...], "name": [...], "link": [...]}}},   # as written
     "entities": {"<id>": {"sensitive": bool, "subject": "<policy subject id or null>", "kind": "...",
                  "documents": [...], "part_of": "<id>" (fragments only),
                  "reveals": {"location": [...], "purpose": [...], "schedule": [...]},
                  "expected_exposures": [["location", "purpose"], ...]}},
                  # every project of 2+ documents, and the 1-document fragments of split projects
     "chains": [["<doc>", "<doc>", "<doc>"], ...],      # documents a correct tool puts in one entity
     "decoys": [{"doc": "...", "kind": "busy_phone|busy_address|complaint_line|template_phrase|
                 common_name|standard|one_digit_code|alias_lookalike|policy_id|same_town|same_base|
                 near_coords|projected_xy", "value": "..."}],           # a sample: <= 4 per kind and chunk
     "busy": {"<kind>": {"<value>": <documents carrying it>}},
     "drafts": {"<draft file name>": {"verdict": "new|repeats|harmless", "entities": [...],
                "fix_any_of": ["value as written in the draft", ...],
                "adds": {"<entity>": {"<attribute>": ["value as written in the draft"]}},
                "new_exposures": [["<entity or split project>", ["location", "purpose"]], ...]}},
     "mix": {"<entity kind>": <documents>}, "seed": S, "n_docs": N,
     "world": {"counties": C, "villages": V}}          # absent for the dense world (26 counties)

Every planted, decoy and `fix_any_of` value occurs verbatim in its file. An entity's `reveals` is
the union of what its corpus documents plant; `expected_exposures` are the policy combinations all
of whose attributes are revealed, for entities a reader can tell are sensitive (a protected subject,
or a sensitive purpose in the corpus). A `split` project is two entities (`...a`, `...b`, both
`part_of` the project) that no public document joins; one draft joins them.
"""

from __future__ import annotations

import html
import io
import json
import math
import multiprocessing
import os
import random
import zipfile
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from . import vocab
from .en import render_en
from .model import ATTRIBUTES, Doc
from .plan import CHUNK, Draft, Mix, Planned, Planner
from .world import DENSE, World, counties_for, make_world
from .zh import render_zh

Truth = dict[str, Any]
COMBINATIONS: tuple[tuple[tuple[str, str], str], ...] = (
    (("location", "purpose"), "critical"),
    (("location", "schedule"), "high"),
    (("purpose", "schedule"), "medium"),
)
BUSY_KINDS = ("busy_phone", "busy_address", "complaint_line", "template_phrase", "common_name", "standard")
DECOY_SAMPLE = 4


@lru_cache(maxsize=4)
def _world(seed: int, n_counties: int) -> World:
    return make_world(seed, n_counties)


def _html(doc: Doc) -> str:
    title = html.escape(doc.lines[0] if doc.lines else "", quote=False)
    body = "\n".join(f"<p>{html.escape(line, quote=False)}</p>" for line in doc.lines)
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title></head>\n'
            f'<body><!--contentTable--><div class="vF_detail_main">\n{body}\n</div></body></html>\n')


def _write(path: Path, doc: Doc, fmt: str, encoding: str) -> None:
    if fmt == "docx":
        import docx  # python-docx: real Word files, only for the few .docx documents

        d = docx.Document()
        for line in doc.lines:
            d.add_paragraph(line)
        buf = io.BytesIO()
        d.save(buf)
        path.write_bytes(_fixed_zip_times(buf.getvalue()))
    elif fmt == "html":
        path.write_text(_html(doc), encoding="utf-8")
    else:
        path.write_bytes(doc.text().encode(encoding))


def _fixed_zip_times(data: bytes) -> bytes:
    """The same zip with a fixed member time: python-docx stamps members with the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _expected(sensitive: bool, subject: str | None, reveals: dict[str, list[str]]) -> list[list[str]]:
    if not sensitive or not (subject or reveals["purpose"]):
        return []
    return [list(attrs) for attrs, _sev in COMBINATIONS if all(reveals[a] for a in attrs)]


def _render(rng: random.Random, world: World, planned: Planned) -> None:
    if planned.lang == "zh":
        render_zh(rng, world, planned.doc, planned.show)
    else:
        render_en(rng, world, planned.doc, planned.show)
    planned.doc.add(*planned.extra)


def _write_chunk(job: tuple[str, str | None, int, int, int, Mix, int]) -> Truth:
    out, drafts_out, seed, ci, size, mix, n_counties = job
    world = _world(seed, n_counties)
    planner = Planner(world, seed, ci, size, mix)
    plan = planner.build()
    rng = random.Random(f"{seed}:render:{ci}")
    for planned in plan.docs:
        _render(rng, world, planned)
    order = list(range(len(plan.docs)))
    rng.shuffle(order)
    folder = Path(out) / "corpus" / f"c{ci:04d}"
    folder.mkdir(parents=True, exist_ok=True)
    rel_of: dict[int, str] = {}
    documents: dict[str, Any] = {}
    decoys: list[dict[str, str]] = []
    sampled: Counter[str] = Counter()
    busy: dict[str, Counter[str]] = {k: Counter() for k in BUSY_KINDS}
    mix_count: Counter[str] = Counter()
    for k, idx in enumerate(order):
        planned = plan.docs[idx]
        doc = planned.doc
        r = rng.random()
        fmt = "docx" if r < mix.docx else "html" if r < mix.docx + mix.html else "txt"
        encoding = "gb18030" if fmt == "txt" and planned.lang == "zh" and rng.random() < mix.gb18030 else "utf-8"
        rel = f"corpus/c{ci:04d}/{doc.style}-{ci * CHUNK + k:07d}.{fmt}"
        _write(Path(out) / rel, doc, fmt, encoding)
        rel_of[idx] = rel
        project = doc.project
        single = doc.role == "singleton" or project is None
        entry: dict[str, Any] = {"entity": None if single else project.eid, "role": doc.role,  # type: ignore[union-attr]
                                 "style": doc.style, "format": fmt, "encoding": encoding}
        if doc.planted:
            entry["planted"] = doc.planted
        documents[rel] = entry
        mix_count[doc.role if single else project.kind] += 1  # type: ignore[union-attr]
        for kind, value in doc.decoys:
            if kind in busy:
                busy[kind][value] += 1
            if sampled[kind] < DECOY_SAMPLE:
                sampled[kind] += 1
                decoys.append({"doc": rel, "kind": kind, "value": value})
    entities: dict[str, Any] = {}
    by_project: dict[int, list[tuple[int, Planned]]] = {}
    for i, pl in enumerate(plan.docs):
        by_project.setdefault(id(pl.doc.project), []).append((i, pl))
    for p in plan.projects:
        docs = by_project.get(id(p), [])
        reveals: dict[str, list[str]] = {a: [] for a in ATTRIBUTES}
        for _i, pl in docs:
            for a in ATTRIBUTES:
                reveals[a] += [v for v in pl.doc.planted.get(a, []) if v not in reveals[a]]
        entry = {"sensitive": p.sensitive, "subject": p.subject, "kind": p.kind, "lang": p.lang,
                 "documents": sorted(rel_of[i] for i, _pl in docs), "reveals": reveals,
                 "expected_exposures": _expected(p.sensitive, p.subject, reveals)}
        if p.kind == "purpose_split":
            entry["part_of"] = p.eid[:-1]
        entities[p.eid] = entry
    result: Truth = {
        "documents": documents, "entities": entities, "decoys": decoys,
        "chains": [[rel_of[i] for i in chain] for chain in plan.chains],
        "subjects": plan.subjects, "busy": {k: dict(v) for k, v in busy.items()}, "mix": dict(mix_count),
        "drafts": {},
    }
    if drafts_out is not None and ci < mix.draft_chunks:
        from .drafts import make_drafts

        Path(drafts_out).mkdir(parents=True, exist_ok=True)
        for d in make_drafts(planner):
            (Path(drafts_out) / d.name).write_text(d.text, encoding="utf-8")
            result["drafts"][d.name] = {"verdict": d.verdict, "entities": d.entities, "fix_any_of": d.fix_any_of,
                                        "adds": d.adds, "new_exposures": _new_exposures(d, entities)}
    return result


def _new_exposures(draft: Draft, entities: dict[str, Any]) -> list[list[Any]]:
    """[project, combination] pairs inferable with the draft and not without it (fragments joined)."""
    groups: dict[str, list[str]] = {}
    for eid in draft.entities:
        groups.setdefault(entities[eid].get("part_of", eid), []).append(eid)
    out: list[list[Any]] = []
    for gid, members in groups.items():
        before = {tuple(c) for m in members for c in entities[m]["expected_exposures"]}
        merged: dict[str, list[str]] = {a: [] for a in ATTRIBUTES}
        for m in members:
            for a in ATTRIBUTES:
                merged[a] += entities[m]["reveals"][a] + draft.adds.get(m, {}).get(a, [])
        subject = next((entities[m]["subject"] for m in members if entities[m]["subject"]), None)
        sensitive = any(entities[m]["sensitive"] for m in members)
        after = {tuple(c) for c in _expected(sensitive, subject, merged)}
        out += [[gid, list(c)] for c in sorted(after - before)]
    return out


def _policy(subjects: list[dict[str, Any]]) -> dict[str, Any]:
    terms = [alias for s in subjects for alias in s["aliases"]]
    return {
        "lexicon": [{"term": t, "severity": "high"} for t in terms],
        "protected_subjects": subjects,
        "sensitive_purposes": list(vocab.POLICY_PURPOSES),
        "combinations": [{"attributes": list(attrs), "severity": sev} for attrs, sev in COMBINATIONS],
    }


def generate(out_dir: Path, n_docs: int, seed: int, mix: Mix | None = None, drafts_dir: Path | None = None,
             jobs: int | None = None, world: str | int = "auto") -> Truth:
    """Write an `n_docs` corpus for `seed` (same seed, same bytes) and return its truth.

    `world` is "auto" (counties grow with `n_docs`), "dense" (the 26 counties of the first corpora,
    whatever the size) or a number of counties; see `world.py`. Chunks of 1,000 documents are
    written by a process pool of `jobs` workers (default: all cores); only the truth is kept in memory.
    """
    if n_docs < 1:
        raise ValueError("n_docs must be at least 1")
    n_counties = counties_for(world, n_docs)
    mix = mix or Mix()
    out_dir.mkdir(parents=True, exist_ok=True)
    n_chunks = math.ceil(n_docs / CHUNK)
    job_list = [(str(out_dir), str(drafts_dir) if drafts_dir else None, seed, ci,
                 min(CHUNK, n_docs - ci * CHUNK), mix, n_counties) for ci in range(n_chunks)]
    truth: Truth = {"seed": seed, "n_docs": n_docs, "documents": {}, "entities": {}, "chains": [], "decoys": [],
                    "busy": {k: {} for k in BUSY_KINDS}, "drafts": {}, "mix": {}}
    if n_counties != DENSE:  # absent: the dense world's 26 counties (keeps those corpora byte-identical)
        truth["world"] = {"counties": n_counties, "villages": sum(len(v) for t in _world(seed, n_counties).towns
                                                                  for _town, v in t)}
    subjects: list[dict[str, Any]] = []
    workers = min(jobs or os.cpu_count() or 1, n_chunks)
    if workers <= 1:
        results: Any = map(_write_chunk, job_list)
        pool = None
    else:
        pool = multiprocessing.get_context("fork").Pool(workers)
        results = pool.imap(_write_chunk, job_list, chunksize=1)
    try:
        for part in results:
            truth["documents"].update(part["documents"])
            truth["entities"].update(part["entities"])
            truth["chains"] += part["chains"]
            truth["decoys"] += part["decoys"]
            truth["drafts"].update(part["drafts"])
            subjects += part["subjects"]
            for kind, counts in part["busy"].items():
                into = truth["busy"][kind]
                for value, n in counts.items():
                    into[value] = into.get(value, 0) + n
            for kind, n in part["mix"].items():
                truth["mix"][kind] = truth["mix"].get(kind, 0) + n
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    # json.dumps uses the C encoder; json.dump to a file would encode in pure Python (minutes at 1M).
    (out_dir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    with (out_dir / "policy.yaml").open("w", encoding="utf-8") as fh:
        yaml.safe_dump(_policy(subjects), fh, allow_unicode=True, sort_keys=False)
    return truth
