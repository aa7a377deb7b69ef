#!/usr/bin/env bash
# Part "junit5" of the benchmark (issue 21): what @ModelCacheTest adds to a test suite. Six classes of ten tests, one
# chat completion each (the official OpenAI Java SDK), run through the JUnit Platform launcher straight to a fake
# provider and replayed by the extension's proxy (the executable WAR as a child process, once per run), five rounds
# each after a recording run and a warm-up: the time per class (the first one carries the proxy's start), per call
# and per suite. Env: BENCH_OUT, BENCH_CP (from bench/run); the WAR is target/modelcache.war (bench/run packages it).
# About a minute and a half on a loaded machine.
set -euo pipefail
. "$(dirname "$0")/../part-env.sh"
test -s target/modelcache.war || { echo "junit5: target/modelcache.war is missing: run bench/run (it packages it)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/modelcache-junit5.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The suite runs in one JVM, as surefire would run it, and the extension starts the proxy as its child. Neither is
# pinned: a child inherits its parent's core, and a test suite and its proxy share the machine in a real build.
(cd "$work" && java -Xms512m -Xmx512m -Dmodelcache.war="$root/target/modelcache.war" -cp "$cp" \
  dev.modelcache.bench.Junit5Bench) > "$BENCH_OUT/junit5.log" 2>&1 || { tail -30 "$BENCH_OUT/junit5.log" >&2; exit 1; }
test -s "$BENCH_OUT/junit5.json"
