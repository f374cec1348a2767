"""Which pairs of real documents agree on an amount of money, and are they one project?

    PYTHONPATH=src .venv/bin/python bench/amount_agreement.py

Every pair of documents of ../shared/realworld and tests/data/realworld-extra, compared the way
the `amt` and `amtr` comparisons compare them (a key one document holds at its own precision
that the other holds at all; scopes merged per document), grouped by the `truth.json` groups
(a document in no group is its own project). Prints counts per comparison and every agreeing
pair as JSON.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from pathlib import Path

from mosaicguard.aggregate.facts import FactExtractor
from mosaicguard.aggregate.model import AMOUNT_KINDS, AMOUNT_OWN
from mosaicguard.policy.schema import Policy

REPO = Path(__file__).resolve().parents[1]
ROOTS = (REPO / ".." / "shared" / "realworld", REPO / "tests" / "data" / "realworld-extra")


def main() -> None:
    extractor = FactExtractor(Policy.model_validate({"version": 1}))
    group: dict[str, str] = {}
    paths: dict[str, Path] = {}
    for root in ROOTS:
        truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
        for g in truth["groups"]:
            group.update(dict.fromkeys(g["documents"], g["group"]))
        paths.update({p.name: p for p in sorted((root / "docs").iterdir())})
    own: dict[str, dict[str, set[str]]] = {}
    held: dict[str, dict[str, set[str]]] = {}
    for name, path in paths.items():
        own[name], held[name] = defaultdict(set), defaultdict(set)
        for fact in extractor.extract_text(name, path.read_text(encoding="utf-8", errors="replace")):
            for key in fact.keys if fact.kind == "amount" else ():
                kind = key.split(":", 1)[0]
                if key.endswith(AMOUNT_OWN):
                    own[name][kind].add(key[: -len(AMOUNT_OWN)])
                else:
                    held[name][kind].add(key)
    out: dict[str, dict[str, object]] = {}
    for kind in AMOUNT_KINDS:
        pairs = []
        for a, b in itertools.combinations(sorted(paths), 2):
            shared = (own[a][kind] & held[b][kind]) | (held[a][kind] & own[b][kind])
            if shared:
                pairs.append({"documents": [a, b], "values": sorted(shared),
                              "same_project": group.get(a, a) == group.get(b, b)})
        out[kind] = {"same_project": sum(bool(p["same_project"]) for p in pairs),
                     "different_projects": sum(not p["same_project"] for p in pairs), "pairs": pairs}
    out["documents"] = {"count": len(paths), "pairs": len(paths) * (len(paths) - 1) // 2}
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
