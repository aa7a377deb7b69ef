package dev.modelcache.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code hits} part (bench/parts/hits.sh): cache-hit throughput and p50/p99 of a ~1 KB OpenAI chat completion at
 * 1, 16 and 64 connections, side by side in one run with a bare servlet in the same Tomcat ({@link BareServlet}) and
 * nginx serving the same bytes from a file; then, open loop, the hit's p99 at half of its peak rate beside nginx's at
 * the same rate. A second ModelCache, started with the access log off, runs beside them and joins the rounds at 64
 * connections. This JVM is the load side (pinned to the load core with
 * wrk); the servers run pinned to the server core.
 *
 * <p>Rounds are interleaved (round 1 of every target and connection count, then round 2, ...) so that a change in the
 * machine's load spreads over all of them; each figure is the median of its rounds. Full: 3 rounds of 8 s after a
 * warm-up. Short ({@code BENCH_SHORT=1}, the CI guard): the hit and the bare servlet at 64 connections only, 3 rounds of
 * 4 s; its hit/bare ratio row carries {@code "guard": 0.5} ({@code BENCH_GUARD} overrides it: CI's, see .ci/run).
 */
public final class HitBench {
    static final String PATH = "/v1/chat/completions";
    private static final String QUIET = "ModelCache hit, access log off";
    private static final int WARM_CONNECTIONS = 4;

    private HitBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchEnv env = BenchEnv.fromEnvironment();
        Path answer = Path.of("bench/data/chat-completion.json").toAbsolutePath();
        Path requestFile = Path.of("bench/data/chat-request.json").toAbsolutePath();
        byte[] body = Files.readAllBytes(answer);
        byte[] requestBody = Files.readAllBytes(requestFile);
        int rounds = env.rounds(3, 3);
        double seconds = env.seconds(8, 4);
        List<Integer> connections = env.isShort() ? List.of(64) : List.of(1, 16, 64);
        Path work = Files.createTempDirectory("bench-hits");
        BenchWrk wrk = new BenchWrk(env.loadPin(), work);
        String[] headers = {"Content-Type: application/json", "Authorization: Bearer " + BenchFixtures.API_KEY};
        Path postScript = wrk.script("post", requestFile, headers);
        Path getScript = wrk.script("get", null);

        BenchPart part = new BenchPart("hits", "Cache hits of a " + body.length + "-byte chat completion beside a bare"
                + " servlet in the same Tomcat and nginx (medians of " + rounds + " rounds of " + seconds + " s)");
        part.environment().put("answerBytes", body.length);
        part.environment().put("loadGenerator", "wrk -t1 (closed loop), pinned to the load core; open loop: Java, "
                + "exact percentiles from every latency, counted from each request's due time");
        part.environment().put("nginxRequest", "GET (nginx's static module refuses POST); the others get the POST");
        Map<String, BenchPart.Rounds> results = new LinkedHashMap<>();
        Path nginxBinary = env.isShort() ? null : BenchNginx.binary();
        String nginxNote = env.isShort() ? "not measured in --short" : nginxBinary == null
                ? "nginx is not installed (apt-get install nginx-light)" : null;

        try (BenchServerProcess server = BenchServerProcess.start(env.serverPin(), env.classpath(), work, "server",
                env.port(0), answer, requestFile, 50, Map.of());
             BenchServerProcess quiet = env.isShort() ? null : BenchServerProcess.start(env.serverPin(),
                     env.classpath(), work, "server-quiet", env.port(2), answer, requestFile, 50,
                     Map.of("MODELCACHE_LOG_ACCESS", "false"));
             BenchNginx nginx = nginxBinary == null ? null
                     : BenchNginx.start(nginxBinary, env.serverPin(), work, env.port(1), answer)) {
            Map<String, String> targets = new LinkedHashMap<>();
            targets.put("ModelCache hit", "http://127.0.0.1:" + server.port + PATH);
            targets.put("bare servlet", "http://127.0.0.1:" + server.port + "/bare" + PATH);
            if (nginx != null) {
                targets.put("nginx", "http://127.0.0.1:" + nginx.port() + PATH);
            }
            if (quiet != null) {
                targets.put(QUIET, "http://127.0.0.1:" + quiet.port + PATH);
                checkBytes(quiet.port, PATH, requestBody, body, true);
            }
            checkBytes(server.port, PATH, requestBody, body, true);
            checkBytes(server.port, "/bare" + PATH, requestBody, body, false);
            if (nginx != null) {
                checkBytes(nginx.port(), PATH, null, body, false);
            }
            ObjectNode warmUp = part.environment().putObject("warmUp");
            for (var target : targets.entrySet()) {
                Path script = target.getKey().equals("nginx") ? getScript : postScript;
                warmUp.set(target.getKey(), env.isShort() ? warmUp(wrk, target.getValue(), script, 10, 20)
                        : warmUp(wrk, target.getValue(), script, 20, 60));
            }
            for (int round = 0; round < rounds; round++) {
                for (int c : connections) {
                    for (var target : targets.entrySet()) {
                        if (target.getKey().equals(QUIET) && c != 64) {
                            continue;
                        }
                        Path script = target.getKey().equals("nginx") ? getScript : postScript;
                        results.computeIfAbsent(target.getKey() + "|" + c, k -> new BenchPart.Rounds())
                                .add(wrk.run(target.getValue(), script, c, seconds));
                    }
                }
            }
            for (int c : connections) {
                for (String target : targets.keySet()) {
                    BenchPart.Rounds r = results.get(target + "|" + c);
                    if (r == null) {
                        continue;
                    }
                    ObjectNode row = part.row(target + ", " + c + " conn: throughput", r.perSecond(), "req/s");
                    r.perSecond.forEach(v -> row.withArray("rounds").add(Math.round(v)));
                    if (r.errors > 0) {
                        row.put("note", r.errors + " errors or non-2xx answers");
                    }
                    part.row(target + ", " + c + " conn: p50", r.p50(), "ms");
                    part.row(target + ", " + c + " conn: p99", r.p99(), "ms");
                }
            }
            for (int c : connections) {
                double hit = results.get("ModelCache hit|" + c).perSecond();
                ObjectNode bare = part.goal("hit / bare servlet throughput, " + c + " conn",
                        BenchStats.ratio(hit, results.get("bare servlet|" + c).perSecond()), "x", ">= 0.8");
                if (c == 64) {
                    double guard = Double.parseDouble(System.getenv().getOrDefault("BENCH_GUARD", "0.5"));
                    bare.put("guard", guard);
                    bare.put("note", "bench/run --short fails under " + guard);
                }
                if (nginx != null) {
                    part.goal("hit / nginx throughput, " + c + " conn",
                            BenchStats.ratio(hit, results.get("nginx|" + c).perSecond()), "x", ">= 0.5");
                }
            }
            if (quiet != null) {
                part.row("hit with the access log on / off, 64 conn", BenchStats.ratio(
                        results.get("ModelCache hit|64").perSecond(), results.get(QUIET + "|64").perSecond()), "x")
                        .put("note", "the second server is started with MODELCACHE_LOG_ACCESS=false; every other"
                                + " ModelCache row has the access log on, as shipped");
            }
            if (nginxNote != null) {
                part.row("nginx", Double.NaN, "-").put("note", nginxNote);
            }
            if (nginx != null) {
                openLoop(part, env, results, connections, server.port, nginx.port(), requestBody, body);
            }
            part.environment().put("serverLogLines", server.logLines());
        }
        part.write(env.out());
        BenchEnv.deleteTree(work);
    }

    /**
     * Load in 2-second slices for at least {@code minSeconds}, then until the rate settles (the last three slices
     * within 10% of their highest) or {@code maxSeconds} pass, then one slice at 64 connections. A cold JVM on one core
     * compiles while it serves, and its first tens of seconds are many times slower than the rest (on a busy 2-core
     * machine a hit climbed from 75 to 1,600/s over 20 s at 64 connections). The warm-up runs at
     * {@value #WARM_CONNECTIONS} connections: the JIT's compiler threads share the core with the request threads, and
     * with 64 of those busy they get a sliver of it. Returns the seconds spent and the rate of each slice.
     */
    static ObjectNode warmUp(BenchWrk wrk, String url, Path script, int minSeconds, int maxSeconds)
            throws IOException, InterruptedException {
        List<Double> rates = new ArrayList<>();
        int spent = 0;
        while (spent < maxSeconds) {
            rates.add(wrk.run(url, script, WARM_CONNECTIONS, 2).perSecond());
            spent += 2;
            if (spent >= minSeconds && rates.size() >= 3) {
                List<Double> last = rates.subList(rates.size() - 3, rates.size());
                double high = last.stream().mapToDouble(Double::doubleValue).max().orElse(0);
                if (last.stream().allMatch(r -> r >= 0.9 * high)) {
                    break;
                }
            }
        }
        rates.add(wrk.run(url, script, 64, 2).perSecond());
        spent += 2;
        ObjectNode warmUp = BenchPart.JSON.createObjectNode();
        warmUp.put("seconds", spent);
        warmUp.put("connections", WARM_CONNECTIONS + ", then 64 for the last slice");
        rates.forEach(r -> warmUp.withArray("perSecond").add(Math.round(r)));
        return warmUp;
    }

    /** Open loop at half of the hit's peak closed-loop rate: the hit's p99 beside nginx's at the same rate. */
    private static void openLoop(BenchPart part, BenchEnv env, Map<String, BenchPart.Rounds> results,
                                 List<Integer> connections, int proxyPort, int nginxPort, byte[] requestBody,
                                 byte[] body) throws InterruptedException {
        double peak = connections.stream().mapToDouble(c -> results.get("ModelCache hit|" + c).perSecond())
                .max().orElse(Double.NaN);
        double rate = Math.floor(peak / 2);
        int loopConnections = 16;
        byte[] post = BenchHttp.request("POST", "127.0.0.1", proxyPort, PATH, requestBody,
                "Content-Type: application/json", "Authorization: Bearer " + BenchFixtures.API_KEY);
        byte[] get = BenchHttp.request("GET", "127.0.0.1", nginxPort, PATH, null);
        BenchOpenLoop.run("127.0.0.1", proxyPort, post, body, true, rate, loopConnections, 2);
        BenchOpenLoop.run("127.0.0.1", nginxPort, get, body, false, rate, loopConnections, 2);
        BenchPart.Rounds hit = new BenchPart.Rounds();
        BenchPart.Rounds nginx = new BenchPart.Rounds();
        for (int round = 0; round < env.rounds(3, 3); round++) {
            hit.add(asRun(BenchOpenLoop.run("127.0.0.1", proxyPort, post, body, true, rate, loopConnections,
                    env.seconds(8, 4))));
            nginx.add(asRun(BenchOpenLoop.run("127.0.0.1", nginxPort, get, body, false, rate, loopConnections,
                    env.seconds(8, 4))));
        }
        String at = " at " + (long) rate + "/s (half the hit's peak), " + loopConnections + " conn, open loop";
        part.row("ModelCache hit: p50" + at, hit.p50(), "ms");
        part.row("ModelCache hit: p99" + at, hit.p99(), "ms").put("note", errors(hit) + "achieved "
                + Math.round(BenchStats.median(hit.perSecond)) + "/s");
        part.row("nginx: p50" + at, nginx.p50(), "ms");
        part.row("nginx: p99" + at, nginx.p99(), "ms").put("note", errors(nginx) + "achieved "
                + Math.round(BenchStats.median(nginx.perSecond)) + "/s");
        part.goal("hit p99 / nginx p99 at half of peak rate", BenchStats.ratio(hit.p99(), nginx.p99()), "x", "<= 2");
    }

    private static String errors(BenchPart.Rounds rounds) {
        return rounds.errors == 0 ? "" : rounds.errors + " errors; ";
    }

    private static BenchWrk.Run asRun(BenchOpenLoop.Result result) {
        return new BenchWrk.Run(result.achievedPerSecond(), result.percentileMillis(50), result.percentileMillis(99),
                result.sortedNanos().length, result.errors());
    }

    /** Checks that {@code path} answers 200 with exactly the answer's bytes (and, on the proxy, as a hit). */
    static void checkBytes(int port, String path, byte[] requestBody, byte[] body, boolean hit) throws IOException {
        byte[] request = requestBody == null ? BenchHttp.request("GET", "127.0.0.1", port, path, null)
                : BenchHttp.request("POST", "127.0.0.1", port, path, requestBody, "Content-Type: application/json",
                "Authorization: Bearer " + BenchFixtures.API_KEY);
        try (BenchHttp http = new BenchHttp("127.0.0.1", port)) {
            BenchHttp.Answer answer = http.exchange(request);
            if (answer.status() != 200 || (hit && !answer.hit()) || !Arrays.equals(answer.body(), body)) {
                throw new IOException(path + " on " + port + " did not answer the cached bytes"
                        + (hit ? " as a hit" : "") + ": status " + answer.status() + ", " + answer.body().length + " bytes");
            }
        }
    }
}
