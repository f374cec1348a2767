"""Benchmark the fingerprint registry (issue #6).

Registers N generated documents (zh/en mix, 1-3 KB of UTF-8 text each) straight through the Python
API, then measures the registry's size per registered MB and the time to check a 10-page draft
(clean, and with three pasted passages) against it.

    .venv/bin/python bench/fingerprint_registry.py --docs 100000 --out /tmp/fpbench

Prints a JSON summary (also written to OUT/results.json). The registry is left in OUT for
inspection (`mosaicguard registry stats --registry OUT/reg.db`).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

from mosaicguard.fingerprint.detector import RegistryDetector, open_matcher
from mosaicguard.fingerprint.keys import RegistryKey
from mosaicguard.fingerprint.register import Registry
from mosaicguard.fingerprint.store import SqliteStore
from mosaicguard.model import Document, Location, Segment
from mosaicguard.policy.schema import Policy

_HAN = [chr(c) for c in range(0x4E00, 0x4E00 + 3500)]  # the common block: frequent characters
_EN_WORDS = (
    "system equipment project installation supply delivery schedule requirement antenna "
    "power cooling maintenance personnel budget contract northern ridge station network "
    "report shall must before after during annual quarterly inspection module spare storage "
    "access road building tender award notice technical parameter quantity address unit "
    "operation training security "
)
_EN = tuple(_EN_WORDS.split())
HEADER = "本文件仅供内部工作使用，未经批准不得复制、摘抄或者以任何形式对外提供，违者依法追究相关责任。"


class Generator:
    """Deterministic zh/en documents with a word-like structure (Chinese 'words' of 2-4 characters
    drawn from a Zipf-like vocabulary, so that texts share common words as real ones do)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        vocab_rng = random.Random(1)
        self.zh_words = ["".join(vocab_rng.choices(_HAN, k=vocab_rng.choice((2, 2, 3, 4)))) for _ in range(20000)]
        self.cum_weights = list(itertools.accumulate(1 / (i + 1) ** 0.9 for i in range(len(self.zh_words))))

    def sentence_zh(self) -> str:
        words = self.rng.choices(self.zh_words, cum_weights=self.cum_weights, k=self.rng.randint(6, 14))
        return "".join(words) + self.rng.choice("，。；。")

    def sentence_en(self) -> str:
        return " ".join(self.rng.choices(_EN, k=self.rng.randint(8, 18))).capitalize() + ". "

    def document(self, target_bytes: int) -> str:
        parts: list[str] = [HEADER] if self.rng.random() < 0.2 else []
        english = self.rng.random() < 0.25
        size = 0
        while size < target_bytes:
            s = self.sentence_en() if english and self.rng.random() < 0.8 else self.sentence_zh()
            parts.append(s)
            size += len(s.encode("utf-8"))
        return "".join(parts)


def regenerate_samples(n: int, seed: int) -> list[str]:
    """The sample texts `register_all` keeps, regenerated without registering (--checks-only)."""
    gen = Generator(seed)
    samples = []
    for i in range(n):
        text = gen.document(gen.rng.randint(1000, 3000))
        if i % max(1, n // 50) == 0:
            samples.append(text)
    return samples


def register_all(db: Path, key: RegistryKey, n: int, seed: int) -> tuple[dict[str, float], list[str]]:
    gen = Generator(seed)
    store = SqliteStore(db, create=True)
    registry = Registry(store, key)
    samples: list[str] = []
    text_bytes = 0
    t0 = time.perf_counter()
    batch = 2000
    for start in range(0, n, batch):
        with store.batch():
            for i in range(start, min(n, start + batch)):
                text = gen.document(gen.rng.randint(1000, 3000))
                size = len(text.encode("utf-8"))
                text_bytes += size
                registry.register_texts([text], f"{i:064x}", label=("机密", "秘密", "内部")[i % 3], size=size)
                if i % max(1, n // 50) == 0:
                    samples.append(text)
        if start and start % 20000 == 0:
            rate = (start + batch) / (time.perf_counter() - t0)
            print(f"  {start + batch} docs, {rate:.0f} docs/s", file=sys.stderr)
    elapsed = time.perf_counter() - t0
    store.close()
    size = os.path.getsize(db)
    return {
        "documents": n,
        "register_seconds": round(elapsed, 1),
        "docs_per_second": round(n / elapsed, 1),
        "registered_text_mb": round(text_bytes / 1e6, 2),
        "registry_mb": round(size / 1e6, 2),
        "registry_mb_per_registered_mb": round(size / text_bytes, 3),
    }, samples


def ten_page_draft(gen: Generator, leaks: list[str]) -> Document:
    """Ten pages of ~1,800 characters; each leaked passage goes on its own page."""
    segments = []
    for page in range(10):
        text = "".join(gen.sentence_zh() for _ in range(80))[:1800]
        if page < len(leaks):
            text = text[:600] + leaks[page] + text[600:]
        where = Location(page=page + 1, start=0, end=len(text), part=f"page {page + 1}")
        segments.append(Segment(text, location=where))
    return Document(path="draft.pdf", media_type="application/pdf", sha256="0" * 64, segments=tuple(segments))


def time_check(detector: RegistryDetector, doc: Document, runs: int) -> tuple[float, float, int]:
    policy = Policy()
    t = time.perf_counter()
    findings = list(detector.detect_document(doc, policy))
    first = time.perf_counter() - t
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        detector.detect_document(doc, policy)
        times.append(time.perf_counter() - t)
    return first * 1000, statistics.median(times) * 1000, len(findings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--out", default="/tmp/mosaicguard-fpbench")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--clean-drafts", type=int, default=20, help="extra unrelated drafts to check")
    parser.add_argument("--checks-only", action="store_true",
                        help="reuse OUT/reg.db and OUT/reg.key from an earlier run (same --docs and --seed)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    db = out / "reg.db"
    key_path = out / "reg.key"
    results: dict[str, object]
    if args.checks_only:
        key = RegistryKey.from_bytes(key_path.read_bytes())
        earlier = json.loads((out / "results.json").read_text(encoding="utf-8"))
        results = {k: v for k, v in earlier.items() if k in ("documents", "register_seconds", "docs_per_second",
                                                            "registered_text_mb", "registry_mb",
                                                            "registry_mb_per_registered_mb")}
        samples = regenerate_samples(args.docs, args.seed)
    else:
        for p in out.glob("reg.db*"):
            p.unlink()
        raw_key = os.urandom(32).hex().encode()
        key_path.unlink(missing_ok=True)
        key_path.write_bytes(raw_key)
        key_path.chmod(0o600)  # kept so that the registry can be inspected and scanned against afterwards
        key = RegistryKey.from_bytes(raw_key)
        registered, samples = register_all(db, key, args.docs, args.seed)
        results = dict(registered)

    detector = RegistryDetector(open_matcher(str(db), key, Policy()))
    gen = Generator(args.seed + 1)
    clean = ten_page_draft(gen, [])
    leaks = [samples[1][100:400], samples[len(samples) // 2][50:200], samples[-1][300:500]]
    leaky = ten_page_draft(gen, leaks)
    chars = sum(len(s.text) for s in clean.segments)
    cold, warm, n_clean = time_check(detector, clean, args.runs)
    cold_l, warm_l, n_leaky = time_check(detector, leaky, args.runs)
    # Unrelated drafts: how often does a 10-page draft share a chance k-gram with 100k documents?
    chance: list[dict[str, object]] = []
    for i in range(args.clean_drafts):
        draft = ten_page_draft(Generator(args.seed + 100 + i), [])
        for f in detector.detect_document(draft, Policy()):
            extra = dict(f.extra)
            chance.append({"draft": i, "severity": f.severity.value, "confidence": f.confidence,
                           "matched_units": int(extra["matched_units"]), "chars": len(f.match)})
    found = {dict(f.extra)["registered_id"] for f in detector.detect_document(leaky, Policy())}
    results.update({
        "draft_chars": chars,
        "check_clean_draft_ms_first": round(cold, 1),
        "check_clean_draft_ms_median": round(warm, 1),
        "check_leaky_draft_ms_first": round(cold_l, 1),
        "check_leaky_draft_ms_median": round(warm_l, 1),
        "leaky_draft_findings": n_leaky,
        "leaky_draft_documents_found": len(found),
        "leaked_passage_chars": [len(x) for x in leaks],
        "unrelated_drafts_checked": args.clean_drafts + 1,
        "unrelated_draft_findings": n_clean + len(chance),
        "chance_findings": chance,
    })
    store = SqliteStore(db)
    results["stats"] = store.stats(10)
    store.close()
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
