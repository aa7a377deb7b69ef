"""ModelCache around a pytest session (README, "Record once, replay in CI").

The WAR is MODELCACHE_WAR when set; otherwise the pinned release below, downloaded from MODELCACHE_RELEASE_URL
into .modelcache/ and checked against its pinned SHA-256 (a WAR that does not match ends the run, it is never used);
if the download fails, the WAR built from source into the local Maven repository (`mvn install` in ModelCache's
folder), which the run says.

The session starts `java -jar` that WAR on MODELCACHE_PORT (18089 unless set), waits quietly until it
answers, and checks that the proxy answering is the process it started, in the mode it asked for
(MODELCACHE_CACHE_MODE, readthrough when unset): a stale proxy on the port ends the run. If the proxy ends
instead, the run ends with the proxy's own error. After the tests the report of misses and unused recordings is
saved to .modelcache/report.json, and the proxy is stopped.
"""
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import time
import urllib.request

import pytest

PORT = os.environ.get("MODELCACHE_PORT", "18089")
URL = f"http://127.0.0.1:{PORT}"
WORK = pathlib.Path(".modelcache")
# The release this run uses when MODELCACHE_WAR is not set, pinned with its SHA-256 (the release's modelcache.war.sha256).
VERSION = "0.1.0"
SHA256 = "0000000000000000000000000000000000000000000000000000000000000000"
RELEASES = os.environ.get("MODELCACHE_RELEASE_URL", "https://github.com/your-org/modelcache/releases/download")


def _war(say):
    """MODELCACHE_WAR, else the pinned release (sum checked), else the one built into the local Maven repository."""
    war = os.environ.get("MODELCACHE_WAR")
    if war:
        if not os.path.isfile(war):
            pytest.exit(f"no ModelCache WAR at {war}: set MODELCACHE_WAR", returncode=1)
        return war
    url = f"{RELEASES}/v{VERSION}/modelcache.war"
    part = WORK / "modelcache.war.part"
    try:
        with urllib.request.urlopen(url, timeout=300) as answer, open(part, "wb") as out:
            shutil.copyfileobj(answer, out)
    except OSError as e:
        part.unlink(missing_ok=True)
        built = pathlib.Path.home() / f".m2/repository/dev/modelcache/modelcache/{VERSION}/modelcache-{VERSION}.war"
        if not built.is_file():
            pytest.exit(f"could not download {url} ({e}), and there is no {built}: build it with mvn -q install "
                        f"-DskipTests in ModelCache's folder at tag v{VERSION}, or set MODELCACHE_WAR", returncode=1)
        say(f"ModelCache: could not download {url} ({e}); using the WAR built from source in the local Maven "
            f"repository: {built}")
        return str(built)
    digest = hashlib.sha256(part.read_bytes()).hexdigest()
    if digest != SHA256:
        part.unlink()
        pytest.exit(f"{url} does not match the pinned SHA-256 {SHA256} (it has {digest}): not used; check SHA256 "
                    "against the release's modelcache.war.sha256", returncode=1)
    war = WORK / "modelcache.war"
    part.replace(war)
    say(f"ModelCache {VERSION} from {url}, SHA-256 checked")
    return str(war)


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
def modelcache_url(request):
    """The proxy's OpenAI base URL, for the SDK's base_url."""
    WORK.mkdir(exist_ok=True)
    capture = request.config.pluginmanager.get_plugin("capturemanager")

    def say(line):
        with capture.global_and_fixture_disabled():  # shown as it happens, also with -q
            print(line, flush=True)

    war = _war(say)
    env = dict(os.environ, MODELCACHE_PORT=PORT)
    for own in ("MODELCACHE_WAR", "MODELCACHE_RELEASE_URL"):  # ModelCache refuses MODELCACHE_* names it does not know
        env.pop(own, None)
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
