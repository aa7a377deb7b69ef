#!/bin/sh
# ModelCache around a Maven build's integration tests (README, "Record once, replay in CI"). Run by pom.xml:
#   sh modelcache-ci.sh war VERSION SHA256 URL REPO
#                                        puts the WAR at target/modelcache.war: the release VERSION downloaded from
#                                        URL/vVERSION/modelcache.war and checked against the pinned SHA256 (a WAR
#                                        that does not match fails the build, it is never used); if the download
#                                        fails, the WAR built from source into the local Maven repository REPO
#                                        (mvn install in ModelCache's folder), and it says so
#   sh modelcache-ci.sh start WAR PORT   becomes the proxy (exec), after writing "<Maven's pid> <its pid>" to
#                                        target/modelcache.pid; Maven stops it when the build ends
#   sh modelcache-ci.sh ready PORT       waits quietly until the proxy answers, and fails unless the proxy that
#                                        answers is the one this build started (its pid) in the mode it asked for
#                                        (MODELCACHE_CACHE_MODE, readthrough when unset); if the proxy ended
#                                        instead, the last line printed is the proxy's own error
#   sh modelcache-ci.sh report PORT      saves GET /_cache/report to target/modelcache-report.json
set -u
out=target
pidfile=$out/modelcache.pid
log=$out/modelcache.log
health() { curl -sf --max-time 5 "http://127.0.0.1:$1/_cache/health" 2>/dev/null; }
field() { printf '%s' "$1" | sed -n "s/.*\"$2\":\"*\([A-Za-z0-9._-]*\).*/\1/p"; }

case "${1:-}" in
war)
  version=$2 sum=$3 url=$4/v$2/modelcache.war repo=$5
  mkdir -p "$out"
  rm -f "$out/modelcache.war" "$out/modelcache.war.part"
  if curl -sSfL --retry 2 --connect-timeout 10 --max-time 300 -o "$out/modelcache.war.part" "$url" 2> "$out/modelcache-download.log"; then
    if ! (cd "$out" && printf '%s  modelcache.war.part\n' "$sum" | sha256sum -c --status - 2>/dev/null); then
      echo "modelcache: $url does not match the pinned SHA-256 $sum (it has $(sha256sum < "$out/modelcache.war.part" | cut -c1-64)): not used; check modelcache.sha256 against the release's modelcache.war.sha256" >&2
      rm -f "$out/modelcache.war.part"
      exit 1
    fi
    mv "$out/modelcache.war.part" "$out/modelcache.war"
    echo "modelcache: ModelCache $version from $url, SHA-256 checked"
  else
    built=$repo/dev/modelcache/modelcache/$version/modelcache-$version.war
    rm -f "$out/modelcache.war.part"
    if [ ! -f "$built" ]; then
      echo "modelcache: could not download $url ($(tail -n 1 "$out/modelcache-download.log")), and there is no $built: build it with mvn -q install -DskipTests in ModelCache's folder at tag v$version" >&2
      exit 1
    fi
    cp "$built" "$out/modelcache.war"
    echo "modelcache: could not download $url ($(tail -n 1 "$out/modelcache-download.log")); using the WAR built from source in the local Maven repository: $built"
  fi
  ;;
start)
  mkdir -p "$out"
  echo "$PPID $$" > "$pidfile.new" && mv "$pidfile.new" "$pidfile"
  MODELCACHE_PORT=$3 exec java -jar "$2" > "$log" 2>&1
  ;;
ready)
  port=$2
  want=${MODELCACHE_CACHE_MODE:-readthrough}
  waited=0
  while :; do
    pid=
    # The pid file of this build: an earlier build's file names another Maven process.
    if [ -f "$pidfile" ] && read -r maven started < "$pidfile" && [ "$maven" = "$PPID" ]; then
      pid=$started
    fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      echo "modelcache: the proxy this build started (pid $pid) ended before it answered on port $port; $log says:" >&2
      tail -n 1 "$log" >&2
      exit 1
    fi
    if [ -n "$pid" ] && answer=$(health "$port"); then
      if [ "$(field "$answer" pid)" != "$pid" ]; then
        echo "modelcache: port $port is answered by another process (pid $(field "$answer" pid), mode $(field "$answer" mode)), not by the proxy this build started (pid $pid): stop the stale proxy" >&2
        exit 1
      fi
      if [ "$(field "$answer" mode)" != "$want" ]; then
        echo "modelcache: the proxy answers in mode $(field "$answer" mode), this build asked for $want" >&2
        exit 1
      fi
      echo "modelcache: ModelCache $(field "$answer" version) ready on http://127.0.0.1:$port (pid $pid, mode $want)"
      exit 0
    fi
    if [ "$waited" -ge 240 ]; then
      echo "modelcache: no answer on port $port after 120 s; see $log" >&2
      exit 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  ;;
report)
  curl -sSf --max-time 30 -o "$out/modelcache-report.json" "http://127.0.0.1:$2/_cache/report"
  ;;
*)
  echo "usage: sh modelcache-ci.sh war VERSION SHA256 URL REPO | start WAR PORT | ready PORT | report PORT" >&2
  exit 2
  ;;
esac
