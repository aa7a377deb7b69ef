#!/usr/bin/env bash
# Part "memory" of the benchmark (issue 19): retained heap per cached entry after loading 100k entries, in its own
# JVM with a fixed heap (2 GB, G1 as the proxy runs). Env (from bench/run): BENCH_OUT, BENCH_CP, BENCH_SERVER_CPU.
# MEMORY_ENTRIES overrides the count (default 100000). About a minute and a half on two cores.
set -euo pipefail
. "$(dirname "$0")/../part-env.sh"
"${server_pin[@]}" java -Xms2g -Xmx2g -XX:+UseG1GC -cp "$cp" dev.modelcache.bench.MemoryPerEntry \
  "${MEMORY_ENTRIES:-100000}" > "$BENCH_OUT/memory.log" 2>&1 || { tail -30 "$BENCH_OUT/memory.log" >&2; exit 1; }
test -s "$BENCH_OUT/memory.json"
