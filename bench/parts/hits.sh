#!/usr/bin/env bash
# Part "hits" (issue 19, item 1): cache-hit throughput and p50/p99 of a ~1 KB chat completion at 1, 16 and 64
# connections beside a bare servlet in the same Tomcat and nginx (when installed), the hit's p99 at half of its peak
# rate beside nginx's (open loop), and the hit with the access log off. In --short: hit and bare servlet at 64
# connections. The Java is dev.modelcache.bench.HitBench (this JVM is the load side, pinned to the load core; it
# starts the servers pinned to the server core). Contract: see bench/run.
set -euo pipefail
. "$(dirname "$0")/../part-env.sh"
command -v wrk >/dev/null || { echo "hits: wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }
exec "${load_pin[@]}" java -cp "$cp" dev.modelcache.bench.HitBench
