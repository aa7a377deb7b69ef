#!/usr/bin/env bash
# Benchmark part live-streams (issue 19): how many live streams the launcher holds at once with default settings.
# Per step of a ramp (LIVE_RAMP, default 250,500,1000,2000,5000) a fresh launcher relays N distinct streams (misses,
# 30 s each, an event every 20 ms) from a one-thread fake upstream to a one-thread client, while /_cache/health and a
# cache hit are timed every second and the launcher's RSS and threads sampled. The highest N where every stream ended
# byte-identical and health stayed under 100 ms is the figure; the ramp stops at the first failing step.
# Writes $BENCH_OUT/live-streams.json (and the launcher's log per step beside it). See
# src/test/java/dev/modelcache/bench/LiveStreamsBench.java. A full ramp takes about 5 minutes.
# Env: BENCH_OUT, BENCH_CP, BENCH_SERVER_CPU / BENCH_LOAD_CPU (as the other parts); LIVE_RAMP, LIVE_SECONDS (30),
# LIVE_GAP_MS (20), LIVE_OPEN_BATCH (50 streams opened every 100 ms), LIVE_GRACE_SECONDS (60: how long past its
# length a stream may take to end), LIVE_CONTINUE=1 (go on past a failing step), STREAM_BENCH_PORT (default 0).
# BENCH_SHORT is ignored: this part has no short mode (the harness leaves it out of the short run).
set -euo pipefail
. "$(dirname "$0")/../part-env.sh"
# 5,000 streams are 10,000 sockets in the launcher and as many here (client and fake upstream): raise the limit as
# far as allowed (the launcher inherits it).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "live-streams: open files limit $(ulimit -n)"
exec "${load_pin[@]}" java -cp "$cp" dev.modelcache.bench.LiveStreamsBench
