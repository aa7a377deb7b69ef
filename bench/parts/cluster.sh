#!/usr/bin/env bash
# Part "cluster" (issue 20, item 7): the clustered tier's figures. A Terracotta stripe from Ehcache's kit on loopback
# ports BENCH_PORT_BASE+40 to +43 (two servers, an active and a passive; one in --short; CLUSTER_SERVERS says), two
# proxies A and B against it with one key salt, and a proxy C without a cluster, each a MissTierServer (the real
# servlet in embedded Tomcat with its own fake providers on loopback). The load side, dev.modelcache.bench.ClusterBench,
# measures a clustered hit (stored by A, asked on B for the first time), a near-cache hit on B and a local-only hit on
# C (p50/p99 sequentially in Java, throughput at 16 connections in Java, and wrk's throughput and p50/p99), a
# near-cache hit of request bytes B never saw (planned afresh, as a clustered hit is), the CPU per request of each
# server process, and how long a follower on B waits for the answer A is getting from a provider that takes 300 ms.
# Everything is stopped at the end, also on failure or bench/run's timeout (trap).
#
# The kit: target/it-terracotta/ehcache-clustered-<version>-kit (unpacked there by `mvn verify` for ClusterStripeIT),
# else unpacked there now with `mvn -q -B dependency:unpack` of org.ehcache:ehcache-clustered:<version>:tgz:kit
# (from the local repository, or Maven Central). CLUSTER_KIT names another unpacked kit.
# The servers start on any core (five JVMs starting on one core take long), the entries are stored and the JVMs
# warmed up; then every server (Terracotta and the three proxies) is pinned to BENCH_SERVER_CPU and the measurements
# run with the load on BENCH_LOAD_CPU: all the server-side work of a clustered hit shares one core, as a hit's does in
# the other parts. The proxies' cache folders are on /dev/shm when it is writable (the record's fsync is not what this
# part measures, and it would make storing the entries take minutes), else under TMPDIR. About three minutes in full
# on a quiet machine, one in --short.
# Env: BENCH_OUT, BENCH_CP, BENCH_SHORT, BENCH_PORT_BASE (19200), BENCH_ROUNDS, BENCH_SECONDS; CLUSTER_SERVERS (2, 1 in
# --short), CLUSTER_KIT, CLUSTER_PROVIDER_MS (300), BENCH_SERVER_JAVA_OPTS (added to proxy B's JVM, e.g. a JFR
# recording); ClusterBench's own knobs are in its Javadoc.
set -euo pipefail
. "$(dirname "$0")/../part-env.sh"

version=$(sed -n 's:.*<ehcache.version>\(.*\)</ehcache.version>.*:\1:p' pom.xml | head -1)
kit=${CLUSTER_KIT:-$root/target/it-terracotta/ehcache-clustered-$version-kit}
if [ ! -f "$kit/server/lib/tc.jar" ]; then
  echo "cluster: unpacking the Terracotta kit org.ehcache:ehcache-clustered:$version:tgz:kit into target/it-terracotta"
  # overWriteReleases: the plugin skips an artifact whose marker a past unpack left, even if the folder is gone.
  mvn -q -B dependency:unpack -Dartifact="org.ehcache:ehcache-clustered:$version:tgz:kit" \
    -Dmdep.overWriteReleases=true -DoutputDirectory="$root/target/it-terracotta" >&2 ||
    { echo "cluster: mvn dependency:unpack of the kit failed" >&2; exit 2; }
  [ -f "$kit/server/lib/tc.jar" ] || { echo "cluster: no server/lib/tc.jar in $kit" >&2; exit 2; }
fi

servers=${CLUSTER_SERVERS:-$([ "${BENCH_SHORT:-0}" = 1 ] && echo 1 || echo 2)}
[ "$servers" = 1 ] || [ "$servers" = 2 ] || { echo "cluster: CLUSTER_SERVERS is 1 or 2" >&2; exit 2; }
base=${BENCH_PORT_BASE:-19200}
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=${TMPDIR:-/tmp}
work=$(mktemp -d "$shm/modelcache-cluster.XXXXXX")
proxies=(); stripe=(); client=
stop() { # SIGTERM to every process given, SIGKILL to those still running after 10 s
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
cleanup() {
  if [ -n "$client" ]; then kill "$client" 2>/dev/null || true; wait "$client" 2>/dev/null || true; fi
  # The proxies first, while the stripe still answers their goodbye; then the servers (their data is in memory).
  stop "${proxies[@]}"
  local pid
  for pid in "${stripe[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# The stripe: one cluster.cfg naming every node; each node a java process of its own (not the kit's start script,
# which restarts a server that exits), its output in $BENCH_OUT/cluster-<node>.out.
nodes=(n1); [ "$servers" = 2 ] && nodes=(n1 n2)
{
  echo "cluster-name=modelcache-bench"
  echo "failover-priority=availability"
  echo "offheap-resources=main:512MB"
  echo "stripe-names=stripe"
  echo "stripe:node-names=$(IFS=,; echo "${nodes[*]}")"
  i=0
  for node in "${nodes[@]}"; do
    echo "$node:hostname=127.0.0.1"
    echo "$node:bind-address=127.0.0.1"
    echo "$node:group-bind-address=127.0.0.1"
    echo "$node:port=$((base + 40 + 2 * i))"
    echo "$node:group-port=$((base + 41 + 2 * i))"
    echo "$node:log-dir=$work/$node/logs"
    echo "$node:metadata-dir=$work/$node/metadata"
    i=$((i + 1))
  done
} > "$work/cluster.cfg"
uri="terracotta://127.0.0.1:$((base + 40))"
[ "$servers" = 2 ] && uri="$uri,127.0.0.1:$((base + 42))"
uri="$uri/modelcache-bench"
for node in "${nodes[@]}"; do
  java -Xms64m -Xmx256m -XX:MaxDirectMemorySize=1g -Dtc.install-root="$kit/server" \
    -jar "$kit/server/lib/tc.jar" -f "$work/cluster.cfg" -n "$node" --auto-activate -r "$work/$node/config" \
    > "$BENCH_OUT/cluster-$node.out" 2>&1 &
  stripe+=($!)
done
# The proxies, started while the stripe forms (a proxy whose cluster does not answer yet connects once it does;
# ClusterBench waits for that). A and B share the stripe and the salt; C has no cluster. Each answers models slow-* after
# UPSTREAM_DELAY_MS (the follower's provider time), gpt-* at once. The near cache (and C's heap tier) is 128 MB so
# that it evicts nothing the part asks again.
salt=0123456789abcdef0123456789abcdef
common=(cache/heapMB=128 cache/keySalt=$salt)
clustered=(cache/clusterUri="$uri" cache/clusterMB=256)
start_proxy() { # $1: name, $2: extra JVM options, then settings
  local name=$1 opts=$2
  shift 2
  mkdir -p "$work/$name"
  # shellcheck disable=SC2086
  UPSTREAM_DELAY_MS=${CLUSTER_PROVIDER_MS:-300} java -Xms1g -Xmx1g $opts -cp "$cp" \
    dev.modelcache.bench.MissTierServer "$work/$name/cache" "$work/$name/ports" "$@" \
    > "$BENCH_OUT/cluster-proxy-$name.log" 2>&1 &
  proxies+=($!)
}
start_proxy a "" "${common[@]}" "${clustered[@]}"
start_proxy b "${BENCH_SERVER_JAVA_OPTS:-}" "${common[@]}" "${clustered[@]}"
start_proxy c "" "${common[@]}"
# Formed when one node is the active and (with two) the other its passive.
started=$SECONDS
while :; do
  active=0; passive=0
  for node in "${nodes[@]}"; do
    grep -q 'Moved to State\[ ACTIVE-COORDINATOR \]' "$BENCH_OUT/cluster-$node.out" && active=$((active + 1))
    grep -q 'Moved to State\[ PASSIVE-STANDBY \]' "$BENCH_OUT/cluster-$node.out" && passive=$((passive + 1))
  done
  [ "$active" = 1 ] && [ $((active + passive)) = "$servers" ] && break
  for pid in "${stripe[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "cluster: a Terracotta server exited:" >&2; tail -n 20 "$BENCH_OUT"/cluster-n*.out >&2; exit 1; }
  done
  [ $((SECONDS - started)) -lt 120 ] || { echo "cluster: the stripe did not form in 120 s" >&2; tail -n 20 "$BENCH_OUT"/cluster-n*.out >&2; exit 1; }
  sleep 0.5
done
echo "cluster: a stripe of $servers formed in $((SECONDS - started)) s at $uri"
# The processes whose CPU ClusterBench counts per request (ClusterCpu).
{
  echo "a=${proxies[0]} b=${proxies[1]} c=${proxies[2]}"
  i=0
  for node in "${nodes[@]}"; do
    role=passive
    grep -q 'Moved to State\[ ACTIVE-COORDINATOR \]' "$BENCH_OUT/cluster-$node.out" && role=active
    echo "$role=${stripe[$i]}"
    i=$((i + 1))
  done
} > "$work/pids"
export CLUSTER_PIDS=$work/pids

for name in a b c; do
  for _ in $(seq 1 240); do [ -s "$work/$name/ports" ] && break; sleep 0.5; done
  [ -s "$work/$name/ports" ] || { echo "cluster: proxy $name did not start in 120 s" >&2; tail -n 20 "$BENCH_OUT/cluster-proxy-$name.log" >&2; exit 1; }
done
bench() { # $1: the phase; then how to pin it. In the background, so that a TERM (bench/run's timeout) ends it too.
  local phase=$1
  shift
  "$@" java -Xms512m -Xmx512m -cp "$cp" dev.modelcache.bench.ClusterBench "$phase" \
    "$work/a/ports" "$work/b/ports" "$work/c/ports" "$servers" >> "$BENCH_OUT/cluster.log" 2>&1 &
  client=$!
  wait "$client" || { tail -n 30 "$BENCH_OUT/cluster.log" >&2; exit 1; }
  client=
}
: > "$BENCH_OUT/cluster.log"
# Storing the entries and warming up on any core; then every server on the server core, every thread of it (the
# threads it starts later inherit it), and the measurements with the load on the load core.
bench prepare
if [ -n "${BENCH_SERVER_CPU:-}" ] && command -v taskset >/dev/null; then
  for pid in "${stripe[@]}" "${proxies[@]}"; do taskset -a -p -c "$BENCH_SERVER_CPU" "$pid" > /dev/null; done
fi
bench measure "${load_pin[@]}"
test -s "$BENCH_OUT/cluster.json"
