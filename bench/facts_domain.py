"""CPU per notice of the whole fact extraction on a domain corpus, each notice read once.

    PYTHONPATH=src python bench/facts_domain.py /work/bench-data/v2/dg10k [--docs 4000]

Unlike `facts_throughput.py` (the same real notices round after round, every cache hot), this
reads a `python -m domaingen` corpus as a big run does: `--docs` notices warm the process up
(gazetteers, parsers, per-candidate and per-line caches as a long run fills them), then `--docs`
*other* notices are measured, each once. Reports CPU ms per notice (process time, so other load
on a shared machine does not count) for `FactExtractor.extract_text` as a whole and per part:
the scan detectors (`scan`) and each registered extractor. Files are read and parsed before the
clock starts (reading is not extraction).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mosaicguard.aggregate.facts import FactExtractor, document_text
from mosaicguard.pipeline import ScanOptions, collect_inputs, read_document
from mosaicguard.policy.load import load_policy


def _timed(fn: Callable[..., Any], totals: dict[str, float], name: str) -> Callable[..., Any]:
    def wrapper(*args: Any) -> Any:
        t = time.process_time()
        try:
            return fn(*args)
        finally:
            totals[name] = totals.get(name, 0.0) + time.process_time() - t
    return wrapper


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="a domaingen output folder (corpus/ and policy.yaml)")
    parser.add_argument("--docs", type=int, default=4000, help="notices to warm up on, and to measure")
    args = parser.parse_args()
    policy = load_policy(args.out / "policy.yaml")
    options = ScanOptions(policy=policy)
    items = list(collect_inputs([str(args.out / "corpus")]))
    texts = [document_text(read_document(i, options)) for i in items[: 2 * args.docs]]
    warm, measured = texts[0::2], texts[1::2]
    extractor = FactExtractor(policy)
    for text in warm:
        extractor.extract_text("warm", text)
    totals: dict[str, float] = {}
    extractor._scan_facts = _timed(extractor._scan_facts, totals, "scan")  # type: ignore[method-assign]
    for x in extractor.extractors:
        x.extract = _timed(x.extract, totals, x.name)  # type: ignore[method-assign]
    cpu = time.process_time()
    facts = sum(len(extractor.extract_text("doc", text)) for text in measured)
    cpu = time.process_time() - cpu
    print(f"{len(measured)} notices measured after {len(warm)} others: {facts} facts, "
          f"{cpu / len(measured) * 1e3:.3f} ms CPU per notice (extract_text, timers included)")
    for name, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<11} {seconds / len(measured) * 1e3:.3f} ms")
    rest = cpu - sum(totals.values())
    print(f"  {'(rest)':<11} {rest / len(measured) * 1e3:.3f} ms  (facts from spans, scopes, snippets)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
