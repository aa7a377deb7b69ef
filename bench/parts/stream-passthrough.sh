#!/usr/bin/env bash
# Benchmark part stream-passthrough (issue 19): what the proxy adds to a live stream it relays. A fake OpenAI upstream
# sends 64 events 20 ms apart; one client takes each stream straight from it and through the launcher (a miss each
# time), alternately; upstream and client share one clock, so every event is timed from its write upstream to its
# arrival. Writes $BENCH_OUT/stream-passthrough.json. See src/test/java/dev/modelcache/bench/StreamPassthroughBench.java.
# Env: BENCH_OUT, BENCH_CP (file holding the test class path; classes compiled), BENCH_SERVER_CPU / BENCH_LOAD_CPU
# (cores for taskset -c, may be empty), BENCH_SHORT=1 (10 rounds), STREAM_ROUNDS (50), STREAM_WARMUP (10),
# STREAM_BENCH_PORT (the launcher's port, default 0: any free one). About 3 minutes at the defaults.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
: "${BENCH_OUT:?BENCH_OUT: the folder to write stream-passthrough.json to}"
: "${BENCH_CP:?BENCH_CP: a file holding the test class path}"
mkdir -p "$BENCH_OUT"
export BENCH_OUT=$(cd "$BENCH_OUT" && pwd) BENCH_ROOT="$root"
cp="$root/target/test-classes:$root/target/classes:$(cat "$BENCH_CP")"
export BENCH_CP=$(cd "$(dirname "$BENCH_CP")" && pwd)/$(basename "$BENCH_CP")
pin=()
if [ -n "${BENCH_LOAD_CPU:-}" ] && command -v taskset >/dev/null; then pin=(taskset -c "$BENCH_LOAD_CPU"); fi
cd "$root"
exec "${pin[@]}" java -cp "$cp" dev.modelcache.bench.StreamPassthroughBench
