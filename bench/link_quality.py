"""Linking quality: pairwise precision/recall and cluster purity against known groups.

    .venv/bin/python bench/link_quality.py [--engine local|python|spark]

Three corpora: the legacy generated corpus (tests/aggregate/legacy_synth.write_corpus: planted
chains and decoys) and the two sets of real annotated notices (../shared/realworld and
tests/data/realworld-extra, truth.json groups), each aggregated on its own.
A predicted pair is two documents in one entity; a true pair is two documents of one chain/group.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path

from mosaicguard.aggregate.engine import AggregateOptions, Aggregator
from mosaicguard.aggregate.index import SQLiteFactStore
from mosaicguard.policy.load import load_policy
from mosaicguard.policy.schema import Policy

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from aggregate.legacy_synth import write_corpus  # noqa: E402

REALWORLD = REPO / ".." / "shared" / "realworld"
EXTRA = REPO / "tests" / "data" / "realworld-extra"


def pairs(groups: list[set[str]]) -> set[tuple[str, str]]:
    return {p for g in groups for p in itertools.combinations(sorted(g), 2)}


def score(entities: list[set[str]], truth: list[set[str]], label: dict[str, str]) -> dict[str, object]:
    pred, true = pairs(entities), pairs(truth)
    tp = len(pred & true)
    impure = [sorted(e) for e in entities if len({label.get(d, d) for d in e}) > 1]
    return {"predicted_pairs": len(pred), "true_pairs": len(true), "correct_pairs": tp,
            "precision": round(tp / len(pred), 3) if pred else None,
            "recall": round(tp / len(true), 3) if true else None,
            "groups_in_one_entity": sum(1 for g in truth if any(g <= e for e in entities)),
            "groups": len(truth), "entities": len(entities), "impure_entities": impure,
            "largest_entity": max(map(len, entities), default=0)}


def legacy(engine: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        m = write_corpus(Path(tmp))
        result = Aggregator(SQLiteFactStore(), AggregateOptions(load_policy(m.policy), engine=engine)
                            ).aggregate([str(m.corpus)])
        entities = [{Path(d).name for d in e["documents"]} for e in result.entities]
        truth = [{Path(d).name for d in c.docs} for c in m.chains]
        # The two `base` notices are one site by construction (the demo drafts complete it).
        truth.append({"base-1.txt", "base-2.txt"})
        label = {d: str(i) for i, g in enumerate(truth) for d in g}
        out = score(entities, truth, label)
        out["decoys_merged"] = sum(1 for d in m.decoys if any({Path(x).name for x in d.docs} <= e for e in entities))
        out["documents"] = result.corpus["documents"]
        return out


def realworld(engine: str, base: Path = REALWORLD) -> dict[str, object]:
    """Scores on one annotated set (`base`/docs with `base`/truth.json)."""
    truth_json = json.loads((base / "truth.json").read_text(encoding="utf-8"))
    result = Aggregator(SQLiteFactStore(), AggregateOptions(Policy.model_validate({"version": 1}), engine=engine)
                        ).aggregate([str(base / "docs")])
    entities = [{Path(d).name for d in e["documents"]} for e in result.entities]
    truth = [set(g["documents"]) for g in truth_json["groups"]]
    label = {d["file"]: d.get("project") or d["file"] for d in truth_json["documents"]}
    out = score(entities, truth, label)
    out["documents"] = result.corpus["documents"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["local", "python", "spark"], default="local")
    args = parser.parse_args()
    print(json.dumps({"legacy_generated": legacy(args.engine), "realworld": realworld(args.engine),
                      "realworld_extra": realworld(args.engine, EXTRA)},
                     ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
