#!/usr/bin/env bash
# Part "units" of the benchmark (issue 19): JMH for the cache key and the prompt's token count, 2 KB and 200 KB bodies.
# Env (from bench/run): BENCH_OUT (folder for units.json), BENCH_CP (file holding the test classpath; classes
# compiled), BENCH_SERVER_CPU (core for taskset, or empty). A short JMH run: 1 fork, 3+5 iterations of 1 s (~1 min).
set -euo pipefail
. "$(dirname "$0")/../part-env.sh"
# JMH forks its measuring JVM with this classpath; the fork inherits the CPU pinning.
"${server_pin[@]}" java -Xms512m -Xmx512m -cp "$cp" dev.modelcache.bench.UnitBenchmarks \
  > "$BENCH_OUT/units.log" 2>&1 || { tail -30 "$BENCH_OUT/units.log" >&2; exit 1; }
test -s "$BENCH_OUT/units.json"
