#!/usr/bin/env bash
# Part "streamed-hits" (issue 19, item 1): a cache hit replaying a stored 50-event OpenAI chat stream (SSE): whole
# streams per second and their p50/p99 with wrk at 1, 16 and 64 connections, and the time to the first event (the
# first complete `data:` line) and to the end of the stream from a Java client on one connection, every stream
# checked byte for byte. The Java is dev.modelcache.bench.HitStreamBench (this JVM is the load side, pinned to the
# load core; it starts the server pinned to the server core). Contract: see bench/run.
set -euo pipefail
. "$(dirname "$0")/../part-env.sh"
command -v wrk >/dev/null || { echo "streamed-hits: wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }
exec "${load_pin[@]}" java -cp "$cp" dev.modelcache.bench.HitStreamBench
