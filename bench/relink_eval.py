"""Relink the facts of an existing index with this checkout's linking and score the entities
against a domain corpus's truth (`tests/domaingen`): the measurement of a linking change at 1M
without re-reading a million files (the facts must be of this checkout's EXTRACTOR_VERSION for
the figure to be the one a full run would give; the script says when they are not). Nothing is
written to the index. Exposures are not computed (false exposures need `aggregate`).

    PYTHONPATH=src .venv/bin/python bench/relink_eval.py INDEX POLICY TRUTH [--out OUT.json]

OUT.json holds the entities (a report `python -m domaingen.evaluate` reads), the evaluation and,
for every impure entity, its documents with their true entity and the links that joined them
with their evidence (what a reader needs to see why two projects became one), and every chain
not closed with the entity each of its documents is in.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from domaingen.evaluate import _Index, evaluate_aggregate
from mosaicguard.aggregate.corpus import store_fingerprint
from mosaicguard.aggregate.index import SQLiteFactStore
from mosaicguard.aggregate.link import link_corpus
from mosaicguard.aggregate.settings import settings_from_policy
from mosaicguard.policy.load import load_policy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index")
    parser.add_argument("policy")
    parser.add_argument("truth", type=Path)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    policy = load_policy(args.policy)
    settings = settings_from_policy(policy)
    store = SQLiteFactStore(args.index)
    # the facts are this checkout's when the fingerprint (extractor version, subjects, purposes,
    # grid) is the one `aggregate` would write
    current = store.get_meta("fingerprint") == store_fingerprint(policy, settings)
    t0, c0 = time.perf_counter(), time.process_time()
    linking = link_corpus(store, settings, "local", None, threads=args.threads)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    store.close()
    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    report: dict[str, Any] = {"entities": linking.entities}
    result = evaluate_aggregate(report, truth)
    impure_ids = {str(e["id"]) for e in result.get("impure", [])}
    index = _Index(truth)
    detail = []
    for ent in linking.entities:
        if str(ent["id"]) not in impure_ids:
            continue
        docs = sorted(ent["documents"])
        detail.append({
            "id": ent["id"],
            "documents": [{"doc": d, "true": index.true_of(index.norm(d))} for d in docs],
            "links": [{"from": lk.from_doc, "to": lk.to_doc, "evidence": lk.evidence}
                      for lk in linking.links if lk.entity == ent["id"]],
        })
    # the chains not closed, each document with the entity it is in (None: alone)
    cluster_of = {index.norm(d): str(ent["id"]) for ent in linking.entities for d in ent["documents"]}
    missed = [[{"doc": d, "entity": cluster_of.get(d)} for d in chain] for chain in truth.get("chains", [])
              if len({cluster_of.get(d) for d in chain}) != 1 or cluster_of.get(chain[0]) is None]
    summary = {k: v for k, v in result.items() if not isinstance(v, list)}
    summary.update({
        "index": args.index, "facts_of_this_code": current,
        "link_wall_s": round(wall, 1), "link_cpu_s": round(cpu, 1),
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "impure_entities": len(detail),
    })
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    if not current:
        print("warning: the index's facts are not this code's (extractor version, subjects, purposes or grid "
              "differ): a full run would re-read the files", file=sys.stderr)
    if args.out:
        out = {**report, "evaluation": result, "impure_detail": detail, "missed_chains": missed}
        args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
