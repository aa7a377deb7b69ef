#!/usr/bin/env bash
# The longer fuzz run (issue 16, item 19): every fuzz property with many more tries than CI gives it.
# CI runs the *FuzzTest classes with their own small tries (about a minute in all on two idle cores); this runs
# each in-process property TRIES times (default 100000) and each over-HTTP property HTTP_TRIES times (default 2000).
# Expect one to three hours on two idle cores at the defaults (extrapolated from the CI tries, not measured: the key
# and record properties cost a few ms per try and dominate); 10000 tries is a quarter of an hour or so.
# A failure prints jqwik's shrunk sample and seed, and is kept in .jqwik-database (not in git) so the next run
# tries it first; turn it into a corpus file under src/test/resources/fuzz-corpus/<target>/ so CI tries it forever.
# Usage: bench/fuzz-long.sh [TRIES] [HTTP_TRIES]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tries=${1:-100000}; http_tries=${2:-2000}
cd "$root"
mvn -B test -Dtest='dev.modelcache.fuzz.*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dmodelcache.fuzz.tries="$tries" -Dmodelcache.fuzz.httpTries="$http_tries" \
  -Dsurefire.timeout=0 2>&1 | tee target/fuzz-long.log | grep -E 'Tests run|FAIL|ERROR' || true
grep -h -A12 'Shrunk Sample' target/surefire-reports/dev.modelcache.fuzz.*-output.txt 2>/dev/null || echo "no failure"
