// ModelCache around a test command (README, "Record once, replay in CI"): `node modelcache.mjs node --test`.
// The WAR is MODELCACHE_WAR when set; otherwise the pinned release below, downloaded from MODELCACHE_RELEASE_URL into
// .modelcache/ and checked against its pinned SHA-256 (a WAR that does not match fails the run, it is never used); if
// the download fails, the WAR built from source into the local Maven repository (`mvn install` in ModelCache's
// folder), which the run says.
// Starts `java -jar` that WAR on MODELCACHE_PORT (18089 unless set), waits quietly until it answers, and
// checks that the proxy answering is the process it started, in the mode it asked for (MODELCACHE_CACHE_MODE,
// readthrough when unset): a stale proxy on the port fails the run. If the proxy ends instead, the last line
// printed is the proxy's own error. The tests get MODELCACHE_URL; afterwards the report of misses and unused
// recordings is saved to .modelcache/report.json and the proxy is stopped.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// The release this run uses when MODELCACHE_WAR is not set, pinned with its SHA-256 (the release's modelcache.war.sha256).
const VERSION = "0.1.0";
const SHA256 = "0000000000000000000000000000000000000000000000000000000000000000";
const releases = process.env.MODELCACHE_RELEASE_URL ?? "https://github.com/your-org/modelcache/releases/download";

const port = process.env.MODELCACHE_PORT ?? "18089";
const url = `http://127.0.0.1:${port}`;
const want = process.env.MODELCACHE_CACHE_MODE ?? "readthrough";
const log = ".modelcache/modelcache.log";

function fail(message) {
  console.error(message);
  process.exit(1);
}

/** MODELCACHE_WAR, else the pinned release (sum checked), else the one built into the local Maven repository. */
async function theWar() {
  if (process.env.MODELCACHE_WAR) {
    if (!fs.existsSync(process.env.MODELCACHE_WAR)) fail(`no ModelCache WAR at ${process.env.MODELCACHE_WAR}: set MODELCACHE_WAR`);
    return process.env.MODELCACHE_WAR;
  }
  const url = `${releases}/v${VERSION}/modelcache.war`;
  let bytes;
  try {
    const answer = await fetch(url, { signal: AbortSignal.timeout(300_000) });
    if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
    bytes = Buffer.from(await answer.arrayBuffer());
  } catch (e) {
    const built = path.join(os.homedir(), ".m2/repository/dev/modelcache/modelcache", VERSION, `modelcache-${VERSION}.war`);
    const why = e.cause?.message ?? e.message;
    if (!fs.existsSync(built)) {
      fail(`could not download ${url} (${why}), and there is no ${built}: build it with mvn -q install -DskipTests in `
        + `ModelCache's folder at tag v${VERSION}, or set MODELCACHE_WAR`);
    }
    console.log(`ModelCache: could not download ${url} (${why}); using the WAR built from source in the local Maven repository: ${built}`);
    return built;
  }
  const digest = createHash("sha256").update(bytes).digest("hex");
  if (digest !== SHA256) {
    fail(`${url} does not match the pinned SHA-256 ${SHA256} (it has ${digest}): not used; check SHA256 against the `
      + "release's modelcache.war.sha256");
  }
  fs.writeFileSync(".modelcache/modelcache.war", bytes);
  console.log(`ModelCache ${VERSION} from ${url}, SHA-256 checked`);
  return ".modelcache/modelcache.war";
}

fs.mkdirSync(".modelcache", { recursive: true });
const war = await theWar();
const out = fs.openSync(log, "w");
// This script's own variables: ModelCache refuses MODELCACHE_* names it does not know.
const { MODELCACHE_WAR, MODELCACHE_RELEASE_URL, ...inherited } = process.env;
const proxy = spawn("java", ["-jar", war], {
  stdio: ["ignore", out, out],
  env: { MODELCACHE_CACHE_DIR: ".modelcache/cache", ...inherited, MODELCACHE_PORT: port },
});
let ended = false;
const exited = new Promise((resolve) => proxy.on("exit", () => { ended = true; resolve(); }));

async function health() {
  try {
    return await (await fetch(`${url}/_cache/health`, { signal: AbortSignal.timeout(5000) })).json();
  } catch {
    return null;
  }
}

async function stop(code, message) {
  if (!ended) proxy.kill("SIGTERM");
  await exited;
  if (message) console.error(message);
  process.exit(code);
}

const deadline = Date.now() + 120_000;
for (;;) {
  if (ended) {
    const lines = fs.readFileSync(log, "utf8").trim().split("\n");
    fail(`ModelCache (pid ${proxy.pid}) ended before it answered on port ${port}: ${lines[lines.length - 1]}`);
  }
  const h = await health();
  if (h) {
    if (h.pid !== proxy.pid) {
      await stop(1, `port ${port} is answered by another process (pid ${h.pid}, mode ${h.mode}), not by the ModelCache `
        + `this run started (pid ${proxy.pid}): stop the stale proxy`);
    }
    if (h.mode !== want) await stop(1, `ModelCache answers in mode ${h.mode}, this run asked for ${want}`);
    break;
  }
  if (Date.now() > deadline) await stop(1, `ModelCache did not answer on port ${port} within 120 s; see ${log}`);
  await new Promise((resolve) => setTimeout(resolve, 250));
}

const [command, ...args] = process.argv.slice(2);
const tests = spawn(command, args, { stdio: "inherit", env: { ...process.env, MODELCACHE_URL: url } });
const code = await new Promise((resolve) => tests.on("exit", (status) => resolve(status ?? 1)));
try {
  const report = await fetch(`${url}/_cache/report`, { signal: AbortSignal.timeout(30_000) });
  fs.writeFileSync(".modelcache/report.json", Buffer.from(await report.arrayBuffer()));
} catch (e) {
  console.error(`could not save the ModelCache report: ${e.message}`);
}
await stop(code);
