"""Fact counts on the real annotated notices (../shared/realworld): how many of the 43 Chinese
notices carry a schedule fact and a precise location, and how many amount facts they hold — the
figures tests/detect/facts/test_realworld.py guards with floors.

    PYTHONPATH=src .venv/bin/python bench/realworld_fact_counts.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from detect.facts.test_realworld import REALWORLD, facts_of


def main() -> None:
    truth = json.loads((REALWORLD / "truth.json").read_text(encoding="utf-8"))
    zh = [d["file"] for d in truth["documents"] if d["file"].startswith("zh_")]
    facts = {d: facts_of(d) for d in zh}
    print(json.dumps({
        "chinese_notices": len(zh),
        "with_schedule": sum(any(f.attr == "schedule" for f in fs) for fs in facts.values()),
        "with_precise_location": sum(any(f.attr == "location" and f.get("precision") == "precise" for f in fs)
                                     for fs in facts.values()),
        "amount_facts": sum(f.kind == "amount" for fs in facts.values() for f in fs),
    }))


if __name__ == "__main__":
    main()
