#!/usr/bin/env bash
# Benchmark part stream-passthrough (issue 19): what the proxy adds to a live stream it relays. A fake OpenAI upstream
# sends 64 events 20 ms apart; one client takes each stream straight from it and through the launcher (a miss each
# time), alternately; upstream and client share one clock, so every event is timed from its write upstream to its
# arrival. Writes $BENCH_OUT/stream-passthrough.json. See src/test/java/dev/modelcache/bench/StreamPassthroughBench.java.
# Env: BENCH_OUT, BENCH_CP (file holding the test class path; classes compiled), BENCH_SERVER_CPU / BENCH_LOAD_CPU
# (cores for taskset -c, may be empty), BENCH_SHORT=1 (10 rounds), STREAM_ROUNDS (50), STREAM_WARMUP (10),
# STREAM_BENCH_PORT (the launcher's port, default 0: any free one). About 3 minutes at the defaults.
set -euo pipefail
. "$(dirname "$0")/../part-env.sh"
exec "${load_pin[@]}" java -cp "$cp" dev.modelcache.bench.StreamPassthroughBench
