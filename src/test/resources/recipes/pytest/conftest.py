"""ModelCache around a pytest session (README, "Record once, replay in CI").

The session starts `java -jar $MODELCACHE_WAR` on MODELCACHE_PORT (18089 unless set), waits quietly until it
answers, and checks that the proxy answering is the process it started, in the mode it asked for
(MODELCACHE_CACHE_MODE, readthrough when unset): a stale proxy on the port ends the run. If the proxy ends
instead, the run ends with the proxy's own error. After the tests the report of misses and unused recordings is
saved to .modelcache/report.json, and the proxy is stopped.
"""
import json
import os
import pathlib
import subprocess
import time
import urllib.request

import pytest

PORT = os.environ.get("MODELCACHE_PORT", "18089")
URL = f"http://127.0.0.1:{PORT}"
WORK = pathlib.Path(".modelcache")


def _health():
    try:
        with urllib.request.urlopen(URL + "/_cache/health", timeout=5) as answer:
            return json.load(answer)
    except OSError:
        return None


def _await(proxy, want, log):
    deadline = time.monotonic() + 120
    while True:
        if proxy.poll() is not None:
            last = log.read_text(errors="replace").strip().splitlines() or ["(no output)"]
            pytest.exit(f"ModelCache (pid {proxy.pid}) ended before it answered on port {PORT}: {last[-1]}", returncode=1)
        health = _health()
        if health is not None:
            if health.get("pid") != proxy.pid:
                pytest.exit(f"port {PORT} is answered by another process (pid {health.get('pid')}, mode "
                            f"{health.get('mode')}), not by the ModelCache this run started (pid {proxy.pid}): "
                            "stop the stale proxy", returncode=1)
            if health.get("mode") != want:
                pytest.exit(f"ModelCache answers in mode {health.get('mode')}, this run asked for {want}", returncode=1)
            return
        if time.monotonic() > deadline:
            pytest.exit(f"ModelCache did not answer on port {PORT} within 120 s; see {log}", returncode=1)
        time.sleep(0.25)


@pytest.fixture(scope="session")
def modelcache_url():
    """The proxy's OpenAI base URL, for the SDK's base_url."""
    war = os.environ.get("MODELCACHE_WAR", "modelcache.war")
    if not os.path.isfile(war):
        pytest.exit(f"no ModelCache WAR at {war}: set MODELCACHE_WAR", returncode=1)
    WORK.mkdir(exist_ok=True)
    env = dict(os.environ, MODELCACHE_PORT=PORT)
    env.pop("MODELCACHE_WAR", None)  # the recipe's own variable: ModelCache refuses MODELCACHE_* names it does not know
    env.setdefault("MODELCACHE_CACHE_DIR", str(WORK / "cache"))
    log = WORK / "modelcache.log"
    with open(log, "wb") as out:
        proxy = subprocess.Popen(["java", "-jar", war], stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        _await(proxy, env.get("MODELCACHE_CACHE_MODE", "readthrough"), log)
        yield URL + "/v1"
        with urllib.request.urlopen(URL + "/_cache/report", timeout=30) as answer:
            (WORK / "report.json").write_bytes(answer.read())
    finally:
        proxy.terminate()
        try:
            proxy.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proxy.kill()
