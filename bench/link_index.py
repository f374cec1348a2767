"""Linking alone over an existing index (`mosaicguard aggregate --index DB` built it): wall and
CPU time, peak RSS (sampled every 0.2 s and the kernel's ru_maxrss), the linking statistics and a
digest of the entities and links, so that two engines or two versions can be compared on the same
stored facts. Nothing is written to the index.

    PYTHONPATH=src .venv/bin/python bench/link_index.py DB POLICY [--engine local|python|spark]
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import resource
import sys
import threading
import time

from mosaicguard.aggregate.index import SQLiteFactStore
from mosaicguard.aggregate.link import link_corpus
from mosaicguard.aggregate.settings import settings_from_policy
from mosaicguard.policy.load import load_policy


class RssSampler:
    """Largest VmRSS of this process seen every `interval` seconds."""

    def __init__(self, interval: float = 0.2) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(interval,), daemon=True)
        self._thread.start()

    def _loop(self, interval: float) -> None:
        while not self._stop.wait(interval):
            with open("/proc/self/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak_kb // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index")
    parser.add_argument("policy")
    parser.add_argument("--engine", choices=["local", "python", "spark"], default="local")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    settings = settings_from_policy(load_policy(args.policy))
    store = SQLiteFactStore(args.index)
    sampler = RssSampler()
    t0, c0 = time.perf_counter(), time.process_time()
    spark = None
    if args.engine == "spark":
        from mosaicguard.aggregate.spark import spark_session

        spark = spark_session(None)
    # `threads` is new with the streamed linker: older code (to compare against) has no such argument
    extra = {"threads": args.threads} if "threads" in inspect.signature(link_corpus).parameters else {}
    linking = link_corpus(store, settings, args.engine, spark, **extra)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = sampler.stop()
    entities = hashlib.sha256(json.dumps(sorted(linking.node_entity.items())).encode()).hexdigest()[:12]
    links = hashlib.sha256(json.dumps(sorted((lk.entity, lk.from_doc, lk.to_doc, lk.evidence)
                                             for lk in linking.links)).encode()).hexdigest()[:12]
    print(json.dumps({
        "index": args.index, "engine": args.engine, "documents": store.doc_count(), "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1), "peak_rss_mb_sampled": peak,
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "linked_nodes": len(linking.node_entity), "links": len(linking.links),
        "entities_2plus": len(linking.entities), "stats": vars(linking.stats),
        "digest_entities": entities, "digest_links": links}))
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
