#!/usr/bin/env bash
# Many slow readers of one large cached answer, in a small heap (issue 7, item 3).
# Starts a fake provider answering a 20 MB chat completion (loopback :18191), runs `java -Xmx512m -jar WAR`
# on loopback :18190 with a fresh cache folder, stores the answer with one request, then lets 40 clients read
# it at the same time, each slowly (64 KiB every 50 ms). Appends the figures to bench/big-hits.txt.
# Usage: bench/big-hits/run.sh [path/to/modelcache.war] [label]    (default: target/modelcache.war)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
war=${1:-$root/target/modelcache.war}; label=${2:-$(git -C "$root" rev-parse --short HEAD)}
work=$(mktemp -d); trap 'kill $up $proxy 2>/dev/null || true; rm -rf "$work"' EXIT
python3 "$here/fake_upstream.py" & up=$!
MODELCACHE_PORT=18190 MODELCACHE_CACHE_DIR="$work/cache" MODELCACHE_PROVIDERS_OPENAI_BASEURL=http://127.0.0.1:18191 \
  MODELCACHE_CACHE_MAXENTRYMB=64 java -Xmx512m -jar "$war" > "$work/proxy.log" 2>&1 & proxy=$!
for _ in $(seq 60); do curl -sf http://127.0.0.1:18190/_cache/health > /dev/null && break; sleep 1; done
python3 "$here/slow_readers.py" 1 > /dev/null
sleep 3
rss_before=$(ps -o rss= -p $proxy)
( while kill -0 $proxy 2>/dev/null; do ps -o rss= -p $proxy; sleep 1; done ) > "$work/rss" &
readers=$(python3 "$here/slow_readers.py" 40)
peak=$(sort -n "$work/rss" | tail -1)
line="$(date -u +%FT%TZ) $label: $readers; RSS before $((rss_before / 1024)) MB, peak $((peak / 1024)) MB; OutOfMemoryErrors in the log: $(grep -c OutOfMemoryError "$work/proxy.log" || true)"
echo "$line" | tee -a "$root/bench/big-hits.txt"
