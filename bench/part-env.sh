# Sourced by every bench/parts/*.sh (not a part itself): the part's common ground, so that each part says only what
# it measures. After it: the working folder is the project's root ($root); BENCH_OUT and BENCH_CP are absolute
# (defaults target/bench and target/bench/cp.txt, for a part run by hand after bench/run wrote cp.txt); $cp is the
# class path (test classes, main classes, test-scope dependencies); server_pin and load_pin are the `taskset -c`
# prefixes for BENCH_SERVER_CPU and BENCH_LOAD_CPU (empty arrays without taskset or without the core).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
: "${BENCH_OUT:=target/bench}" "${BENCH_CP:=target/bench/cp.txt}"
[ -s "$BENCH_CP" ] || { echo "bench: $BENCH_CP is missing: run bench/run (it builds and writes it) first" >&2; exit 2; }
mkdir -p "$BENCH_OUT"
BENCH_OUT=$(cd "$BENCH_OUT" && pwd)
BENCH_CP=$(cd "$(dirname "$BENCH_CP")" && pwd)/$(basename "$BENCH_CP")
export BENCH_OUT BENCH_CP BENCH_ROOT="$root"
cp="$root/target/test-classes:$root/target/classes:$(cat "$BENCH_CP")"
server_pin=(); load_pin=()
if command -v taskset >/dev/null; then
  [ -n "${BENCH_SERVER_CPU:-}" ] && server_pin=(taskset -c "$BENCH_SERVER_CPU")
  [ -n "${BENCH_LOAD_CPU:-}" ] && load_pin=(taskset -c "$BENCH_LOAD_CPU")
fi
true # the last test may be false (no load core): sourcing this must not end a part run under `set -e`
