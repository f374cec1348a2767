#!/usr/bin/env bash
# A large domain corpus through the CLI as a user runs it: `mosaicguard aggregate --index` under
# /usr/bin/time -v (progress and a memory guard every 30 s: the run is stopped if the machine's
# available memory falls below 3 GB), then `check` of one draft (trusted index twice, freshness
# walk once), then the generator's evaluation of both reports against its truth, then every draft
# checked with --trust-index and scored (bench/draft_verdicts.py).
#   bash bench/aggregate_1m.sh CORPUS_DIR DRAFTS_DIR OUT_DIR [DRAFT_NAME]
# CORPUS_DIR is what `python -m domaingen --out` wrote (corpus/, policy.yaml, truth.json).
set -uo pipefail
cd "$(dirname "$0")/.."
corpus=$1; drafts=$2; out=$3; draft_name=${4:-c0000-new-location.txt}
mkdir -p "$out"
db=$out/index.sqlite
rm -f "$db" "$db-wal" "$db-shm"
mg=$PWD/.venv/bin/mosaicguard
py=$PWD/.venv/bin/python
common="--policy $corpus/policy.yaml --index $db --format json -q"
guard() {
  local pid=$1
  while kill -0 "$pid" 2>/dev/null; do
    sleep 30
    n=$($py -c "
import sqlite3
try:
  c=sqlite3.connect('file:$db?mode=ro',uri=True,timeout=5); print(c.execute('select count(*) from docs').fetchone()[0])
except Exception as e: print('?', e)")
    avail=$(awk '/MemAvailable/{print int($2/1024)}' /proc/meminfo)
    rss=$(ps -o rss= -s "$pid" 2>/dev/null | awk '{s+=$1} END {print int(s/1024)}')
    echo "$(date -u +%H:%M:%S) docs_indexed=$n session_rss_mb=$rss mem_available_mb=$avail load $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "$avail" -lt 3000 ]; then echo "low memory: stopping the run"; kill -- -"$pid"; fi
  done
}
echo "start $(date -u) code $(git rev-parse --short HEAD) load $(cat /proc/loadavg)"
setsid /usr/bin/time -v "$mg" aggregate "$corpus/corpus" $common --jobs 2 -o "$out/aggregate.json" > "$out/aggregate.log" 2>&1 &
guard $!
echo "aggregate end $(date -u) load $(cat /proc/loadavg)"
grep -E "Elapsed|Maximum resident|Exit status|User time|System time" "$out/aggregate.log"
$py -c "
import json; r=json.load(open('$out/aggregate.json')); print(json.dumps({'timings_s': r.get('timings_s'), 'corpus': r.get('corpus'), 'exposures': len(r.get('exposures', [])), 'errors': len(r.get('errors', []))}))"
d=$drafts/$draft_name
for mode in trust trust fresh; do
  extra=""; [ $mode = trust ] && extra="--trust-index"
  /usr/bin/time -f "check $mode %e s wall %M KB exit %x" "$mg" check "$d" --corpus "$corpus/corpus" $common $extra -o "$out/check-$mode.json"
done
echo "checks end $(date -u) load $(cat /proc/loadavg)"
PYTHONPATH=tests $py -c "
import json
from domaingen.evaluate import evaluate_aggregate, evaluate_check
rep = json.load(open('$out/aggregate.json')); truth = json.load(open('$corpus/truth.json'))
s = evaluate_aggregate(rep, truth)
print(json.dumps({k: s[k] for k in ('largest_cluster', 'link_precision', 'link_recall', 'purity', 'impure_clusters', 'chains', 'chain_recall', 'exposures', 'false_exposures', 'expected_exposures', 'exposure_recall')}))
chk = json.load(open('$out/check-trust.json'))
v = evaluate_check(chk, truth, '$draft_name', open('$d', encoding='utf-8').read())
print(json.dumps({k: v[k] for k in ('verdict_correct', 'fix', 'fix_correct')}, ensure_ascii=False))
"
PYTHONPATH=src $py bench/draft_verdicts.py --domain "$corpus" --drafts "$drafts" --index "$db" > "$out/drafts.json" && $py -c "import json; r=json.load(open('$out/drafts.json')); print(json.dumps({k: r[k] for k in ('drafts', 'verdict_accuracy', 'wrong', 'fix_accuracy', 'check_wall_s')}))"
echo "end $(date -u)"
