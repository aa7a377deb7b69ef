#!/usr/bin/env bash
# Part "miss-overhead" of the benchmark (issue 19): a miss through the proxy vs the same request straight to a fake
# provider on loopback, at concurrency 1 (fast provider) and at a fixed rate (open loop, 200/s, provider 20 ms).
# The server process (proxy + fake providers, ports chosen by the system) is pinned to BENCH_SERVER_CPU, the load
# process to BENCH_LOAD_CPU. Env: BENCH_OUT, BENCH_CP, BENCH_SERVER_CPU, BENCH_LOAD_CPU; MISS_REQUESTS (1500 per
# series and round, 3 rounds), MISS_RATE (200), MISS_SECONDS (8 per series and round); BENCH_SERVER_JAVA_OPTS adds
# JVM options to the server (a profile: -XX:StartFlightRecording=filename=target/bench/miss.jfr,settings=profile).
# The cache folder goes under TMPDIR (default /tmp; on a tmpfs, TMPDIR=/dev/shm takes the record's fsync out of
# the figures). About eight minutes on a loaded machine.
set -euo pipefail
. "$(dirname "$0")/../part-env.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/modelcache-miss.XXXXXX")
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck disable=SC2086
"${server_pin[@]}" java -Xms1g -Xmx1g ${BENCH_SERVER_JAVA_OPTS:-} -cp "$cp" dev.modelcache.bench.MissTierServer "$work/cache" "$work/ports" \
  > "$BENCH_OUT/miss-overhead-server.log" 2>&1 &
server=$!
"${load_pin[@]}" java -Xms512m -Xmx512m -cp "$cp" dev.modelcache.bench.MissOverhead "$work/ports" \
  > "$BENCH_OUT/miss-overhead.log" 2>&1 || { tail -30 "$BENCH_OUT/miss-overhead.log" >&2; exit 1; }
test -s "$BENCH_OUT/miss-overhead.json"
