"""Two trees' content stages in one process, alternating passes over the same text: on a shared
machine both see the same load, so their ratio holds when absolute figures do not.

    git archive main src | tar -x -C /tmp/old
    PYTHONPATH=src .venv/bin/python bench/content_ab.py --old /tmp/old/src [--mb 20] [--passes 10]

The old tree's `mosaicguard` package is copied to a temporary folder as `mosaicguard_old` (its
absolute imports rewritten) and imported beside the current one. Both engines scan the same
Documents (built once, outside the timing); their findings are compared field by field before
any timing, and the run stops if they differ. Prints the best and median CPU seconds of each.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import content_throughput as ct

_IMPORT = re.compile(r"\b(from|import) mosaicguard\b")


def _old_package(src: Path, into: Path) -> None:
    target = into / "mosaicguard_old"
    shutil.copytree(src / "mosaicguard", target)
    for path in target.rglob("*.py"):
        text = path.read_text("utf-8")
        path.write_text(_IMPORT.sub(lambda m: f"{m.group(1)} mosaicguard_old", text), "utf-8")
    sys.path.insert(0, str(into))


def _key(findings: list[Any]) -> list[tuple[Any, ...]]:
    return [(f.category, f.severity.value, f.confidence, f.match, f.layer.value, f.rule, f.location.page,
             f.location.start, f.location.end, f.location.part, f.context_before, f.context_after, f.extra)
            for f in findings]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--old", required=True, type=Path, help="the old tree's src folder")
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--passes", type=int, default=10, help="timed passes per tree, alternating")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        _old_package(args.old, Path(folder))
        old_engine_mod = importlib.import_module("mosaicguard_old.detect.engine")
        old_registry = importlib.import_module("mosaicguard_old.detect.registry")
        old_schema = importlib.import_module("mosaicguard_old.policy.schema")
        old_model = importlib.import_module("mosaicguard_old.model")
        zh, en = ct.generate(args.mb)
        paragraphs = [p for pair in zip(zh, en, strict=False) for p in pair] + zh[len(en):] + en[len(zh):]
        total = sum(len(p.encode("utf-8")) for p in paragraphs)
        new_docs = list(ct.documents(paragraphs))
        old_docs = [old_model.Document(path=d.path, media_type=d.media_type, sha256="", segments=tuple(
            old_model.Segment(s.text, old_model.Layer(s.layer.value), old_model.Location(start=s.location.start))
            for s in d.segments)) for d in new_docs]
        new = ct.build_engine("hyperscan", 1000)
        old = old_engine_mod.Engine(old_schema.Policy.model_validate({"lexicon": ct.lexicon(1000)}), "hyperscan",
                                    detectors=[old_registry.get_detector(n) for n in ct.CONTENT])
        found_old = [_key(old.scan(d)) for d in old_docs]
        found_new = [_key(new.scan(d)) for d in new_docs]
        if found_old != found_new:
            print("findings differ between the trees: no timing")
            return 1
        print(f"{total / 1e6:.1f} MB, {sum(map(len, found_new))} findings, identical in both trees")
        runs: dict[str, list[float]] = {"old": [], "new": []}
        for _ in range(args.passes):
            for name, engine, docs in (("old", old, old_docs), ("new", new, new_docs)):
                c0 = time.process_time()
                for doc in docs:
                    engine.scan(doc)
                runs[name].append(time.process_time() - c0)
    for name, seconds in runs.items():
        seconds.sort()
        best, median = seconds[0], seconds[len(seconds) // 2]
        print(f"{name}: best {best:.4f} CPU s = {total / best / 1e6:.1f} MB/s per core, "
              f"median {median:.4f} s = {total / median / 1e6:.1f} MB/s")
    with open("/proc/loadavg") as fh:
        print("load average:", " ".join(fh.read().split()[:3]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
