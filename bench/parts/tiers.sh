#!/usr/bin/env bash
# Part "tiers" of the benchmark (issue 19): a heap-tier hit, a disk-tier hit, and a hit from the durable record after
# a restart (SIGKILL, then a new proxy over the same cache folder), through the real HTTP path at concurrency 1.
# The proxy runs with a heap tier of one entry (cache/heapMB=0, cache/heapEntries=1) so that reads of other entries
# come from the disk tier; /_cache/stats' store counters check where every hit came from. Server pinned to
# BENCH_SERVER_CPU, load to BENCH_LOAD_CPU. Env: BENCH_OUT, BENCH_CP; TIER_ENTRIES (3000); BENCH_SERVER_JAVA_OPTS adds
# JVM options to the server. About five minutes on a loaded machine (the loading misses fsync their records).
set -euo pipefail
. "$(dirname "$0")/../part-env.sh"
# The cache folder on the same disk as the build (the record's fsyncs are part of a real store), removed at the end.
mkdir -p target/bench
work=$(mktemp -d "$root/target/bench/tiers.XXXXXX")
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
start_server() { # $1: the log file
  rm -f "$work/ports"
  # shellcheck disable=SC2086
  "${server_pin[@]}" java -Xms1g -Xmx1g ${BENCH_SERVER_JAVA_OPTS:-} -cp "$cp" dev.modelcache.bench.MissTierServer "$work/cache" "$work/ports" \
    cache/heapMB=0 cache/heapEntries=1 > "$1" 2>&1 &
  server=$!
}
client() { # $1: the phase
  "${load_pin[@]}" java -Xms512m -Xmx512m -cp "$cp" dev.modelcache.bench.TierLatency "$1" \
    "$work/ports" "$work/state.properties" >> "$BENCH_OUT/tiers.log" 2>&1 || { tail -30 "$BENCH_OUT/tiers.log" >&2; exit 1; }
}
: > "$BENCH_OUT/tiers.log"
start_server "$BENCH_OUT/tiers-server.log"
client tiers
kill -9 "$server"; wait "$server" 2>/dev/null || true; server=
start_server "$BENCH_OUT/tiers-server-restarted.log"
client restart
test -s "$BENCH_OUT/tiers.json"
