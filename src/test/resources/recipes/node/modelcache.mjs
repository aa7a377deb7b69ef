// ModelCache around a test command (README, "Record once, replay in CI"): `node modelcache.mjs node --test`.
// Starts `java -jar $MODELCACHE_WAR` on MODELCACHE_PORT (18089 unless set), waits quietly until it answers, and
// checks that the proxy answering is the process it started, in the mode it asked for (MODELCACHE_CACHE_MODE,
// readthrough when unset): a stale proxy on the port fails the run. If the proxy ends instead, the last line
// printed is the proxy's own error. The tests get MODELCACHE_URL; afterwards the report of misses and unused
// recordings is saved to .modelcache/report.json and the proxy is stopped.
import { spawn } from "node:child_process";
import fs from "node:fs";

const port = process.env.MODELCACHE_PORT ?? "18089";
const url = `http://127.0.0.1:${port}`;
const war = process.env.MODELCACHE_WAR ?? "modelcache.war";
const want = process.env.MODELCACHE_CACHE_MODE ?? "readthrough";
const log = ".modelcache/modelcache.log";

function fail(message) {
  console.error(message);
  process.exit(1);
}

if (!fs.existsSync(war)) fail(`no ModelCache WAR at ${war}: set MODELCACHE_WAR`);
fs.mkdirSync(".modelcache", { recursive: true });
const out = fs.openSync(log, "w");
// MODELCACHE_WAR is this script's own variable: ModelCache refuses MODELCACHE_* names it does not know.
const { MODELCACHE_WAR, ...inherited } = process.env;
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
