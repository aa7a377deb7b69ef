package dev.modelcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code cluster} part (bench/parts/cluster.sh; issue 20, item 7), the load side. Proxies A and B share a
 * Terracotta stripe and one key salt; C has no cluster. All three run {@link MissTierServer} with a 128 MB heap tier
 * (B's near cache); they and the stripe are pinned to the server core for the measurements, this process and wrk to
 * the load core.
 * <ul>
 *   <li>A <b>clustered hit</b>: an entry stored by A, asked on B for the first time (each key is read once on B, so
 *       B's near cache never holds it): B's heap misses, the cluster answers. It is also the first time B sees the
 *       request's bytes, so it plans the request (parse, canonical JSON, key) as any first request does.</li>
 *   <li>A <b>near-cache hit</b>: entries B has read before, asked again on B (each block starts with one uncounted
 *       pass over them).</li>
 *   <li>A <b>local-only hit</b>: the same requests on C, whose heap tier holds them.</li>
 *   <li>A <b>near-cache hit of new bytes</b>: the near-cache hit's entries on B, each asked with bytes B never saw
 *       (a {@code user} field the key ignores), so planned afresh as a clustered hit is: the clustered hit minus this
 *       is the cluster's own part.</li>
 * </ul>
 * Each at one connection (Java, sequential: p50, p99) and at {@value #CONNECTIONS} connections closed loop (Java:
 * throughput, p50, p99); the near-cache and local-only hits also with wrk at {@value #CONNECTIONS} connections, as
 * the {@code hits} part measures. Rounds are interleaved (each round measures all of them) and each figure is the
 * median of its rounds. Each block at {@value #CONNECTIONS} connections also counts the CPU each server process spent
 * on it per request ({@link ClusterCpu}): where a clustered hit's cost lies. Then the follower rounds
 * ({@link ClusterFollower}). {@link ClusterReport} writes the rows.
 *
 * <p>Two phases, two runs of this class: {@code prepare} (waits for both clustered proxies to be connected, stores
 * the entries through A and C, warms the three JVMs up), run before the servers are pinned so that it may use both
 * cores; then {@code measure}. Arguments: the phase, the port files of A, B and C, the stripe's server count.
 * Knobs (environment): {@code BENCH_ROUNDS} (3; short 2), {@code BENCH_SECONDS} (wrk's seconds, 5; short 2),
 * {@code CLUSTER_LATENCY_KEYS} (new keys per round at one connection, 800; short 200), {@code CLUSTER_THROUGHPUT_KEYS}
 * (per round at 16 connections, 1500; short 400), {@code CLUSTER_WARM_KEYS} (clustered hits that warm B up, 1000;
 * short 300), {@code FOLLOWER_ROUNDS} (40; short 10), {@code FOLLOWER_OFFSET_MS} (50), {@code CLUSTER_PROVIDER_MS}
 * (300, the provider time the servers were started with; noted).
 */
public final class ClusterBench {
    static final int CONNECTIONS = 16;
    /** The entries the near-cache and local-only hits cycle over: fewer than the proxy's plan memo holds. */
    static final int NEAR_KEYS = 256;
    /**
     * Storing the entries is not measured: more connections, and no fleet lease (each key is new to the fleet), so
     * that it takes seconds, not minutes.
     */
    private static final int LOAD_CONNECTIONS = 32;
    private static final long SEED = 20_000_000;
    private static final long FOLLOWER_SEED = 40_000_000;
    private static final long STARTED = System.nanoTime();

    final BenchEnv env;
    final int a;
    final int b;
    final int c;
    final int rounds;
    final double seconds;
    final int latencyKeys;
    final int throughputKeys;
    final int warmKeys;
    final int followerRounds;
    final long offsetMillis;
    final int providerMillis;
    final String servers;
    private final MissHttp stats = new MissHttp();

    private ClusterBench(String[] args) throws IOException, InterruptedException {
        env = BenchEnv.fromEnvironment();
        a = MissHttp.ports(Path.of(args[1])).get("proxy");
        b = MissHttp.ports(Path.of(args[2])).get("proxy");
        c = MissHttp.ports(Path.of(args[3])).get("proxy");
        servers = args[4];
        rounds = env.rounds(3, 2);
        seconds = env.seconds(5, 2);
        latencyKeys = knob("CLUSTER_LATENCY_KEYS", env.isShort() ? 200 : 800);
        throughputKeys = knob("CLUSTER_THROUGHPUT_KEYS", env.isShort() ? 400 : 1500);
        warmKeys = Math.max(NEAR_KEYS, knob("CLUSTER_WARM_KEYS", env.isShort() ? 300 : 1000));
        followerRounds = knob("FOLLOWER_ROUNDS", env.isShort() ? 10 : 40);
        offsetMillis = knob("FOLLOWER_OFFSET_MS", 50);
        providerMillis = knob("CLUSTER_PROVIDER_MS", 300);
    }

    public static void main(String[] args) throws Exception {
        ClusterBench bench = new ClusterBench(args);
        if (args[0].equals("prepare")) {
            bench.prepare();
        } else {
            bench.measure();
        }
    }

    int entries() {
        return warmKeys + rounds * (latencyKeys + throughputKeys);
    }

    /** Stores every entry the rounds ask through A (and the near set through C), then warms B and C up. */
    private void prepare() throws Exception {
        awaitCluster(a);
        awaitCluster(b);
        log("storing " + entries() + " entries through A and " + NEAR_KEYS + " through C");
        long aWrites = stats.storeStats(a).path("writes").asLong();
        long notMissed = ClusterLoad.closedLoop(a, loading(a, 0, entries()), entries(), LOAD_CONNECTIONS, false)
                .unexpected() + ClusterLoad.closedLoop(c, loading(c, 0, NEAR_KEYS), NEAR_KEYS, LOAD_CONNECTIONS, false)
                .unexpected();
        awaitWrites(a, aWrites + entries());
        log("warming up");
        long notHit = ClusterLoad.sequential(b, requests(b, 0, warmKeys / 2), warmKeys / 2, true).unexpected()
                + ClusterLoad.closedLoop(b, requests(b, warmKeys / 2, warmKeys), warmKeys - warmKeys / 2, CONNECTIONS,
                true).unexpected();
        for (int port : new int[] {b, c}) {
            List<byte[]> near = requests(port, 0, NEAR_KEYS);
            notHit += ClusterLoad.sequential(port, near, 4 * NEAR_KEYS, true).unexpected()
                    + ClusterLoad.closedLoop(port, near, 8 * NEAR_KEYS, CONNECTIONS, true).unexpected();
        }
        try (ClusterFollower follower = new ClusterFollower(a, b, offsetMillis)) {
            for (int i = 0; i < 3; i++) {
                follower.round(FOLLOWER_SEED - 1 - i);
            }
        }
        if (notMissed + notHit > 0) {
            throw new IllegalStateException(notMissed + " loading answers were not a MISS, " + notHit
                    + " warm-up answers not a HIT");
        }
        log("prepared");
    }

    private void measure() throws Exception {
        Path work = Files.createTempDirectory("bench-cluster");
        Path bodies = work.resolve("near-bodies.txt");
        try (var out = Files.newBufferedWriter(bodies, StandardCharsets.UTF_8)) {
            for (int i = 0; i < NEAR_KEYS; i++) {
                out.write(new String(body(i), StandardCharsets.UTF_8));
                out.write('\n');
            }
        }
        BenchWrk wrk = new BenchWrk(env.loadPin(), work);
        Path script = ClusterLoad.wrkScript(work, "near", bodies);
        log("warming wrk's path up");
        for (int port : new int[] {b, c}) {
            wrk.run(url(port), script, 4, Math.max(4, seconds));
            wrk.run(url(port), script, CONNECTIONS, 2);
        }
        ClusterReport report = new ClusterReport(this);
        ClusterCpu cpu = new ClusterCpu(System.getenv("CLUSTER_PIDS"));
        JsonNode bBefore = stats.storeStats(b);
        List<byte[]> nearB = requests(b, 0, NEAR_KEYS);
        List<byte[]> nearC = requests(c, 0, NEAR_KEYS);
        int next = warmKeys;
        for (int round = 0; round < rounds; round++) {
            log("round " + (round + 1) + " of " + rounds);
            List<byte[]> fresh = requests(b, next, next + latencyKeys);
            report.add("clustered|1", ClusterLoad.sequential(b, fresh, latencyKeys, true));
            next += latencyKeys;
            report.add("renamed|1", ClusterLoad.sequential(b, renamed(b, round, 1, latencyKeys), latencyKeys, true));
            for (int port : new int[] {b, c}) {
                List<byte[]> near = port == b ? nearB : nearC;
                ClusterLoad.sequential(port, near, NEAR_KEYS, true);
                report.add(kind(port) + "|1", ClusterLoad.sequential(port, near, latencyKeys, true));
            }
            List<byte[]> clustered = requests(b, next, next + throughputKeys);
            Map<String, Long> before = cpu.now();
            report.add("clustered|n", ClusterLoad.closedLoop(b, clustered, throughputKeys, CONNECTIONS, true));
            report.cpu("clustered", cpu.perRequest(before, throughputKeys));
            next += throughputKeys;
            List<byte[]> renamed = renamed(b, round, 2, throughputKeys);
            before = cpu.now();
            report.add("renamed|n", ClusterLoad.closedLoop(b, renamed, throughputKeys, CONNECTIONS, true));
            report.cpu("renamed", cpu.perRequest(before, throughputKeys));
            for (int port : new int[] {b, c}) {
                List<byte[]> near = port == b ? nearB : nearC;
                ClusterLoad.sequential(port, near, NEAR_KEYS, true);
                before = cpu.now();
                report.add(kind(port) + "|n", ClusterLoad.closedLoop(port, near, throughputKeys, CONNECTIONS, true));
                report.cpu(kind(port), cpu.perRequest(before, throughputKeys));
            }
            for (int port : new int[] {b, c}) {
                report.add(kind(port), wrk.run(url(port), script, CONNECTIONS, seconds));
            }
        }
        JsonNode bAfter = stats.storeStats(b);
        log("follower rounds");
        try (ClusterFollower follower = new ClusterFollower(a, b, offsetMillis)) {
            for (int i = 0; i < followerRounds; i++) {
                report.add(follower.round(FOLLOWER_SEED + i));
            }
        }
        report.write(bBefore, bAfter);
        BenchEnv.deleteTree(work);
        log("done");
    }

    private String kind(int port) {
        return port == b ? "near" : "local";
    }

    /** A's writes counted (the store step runs after each client has its answer), then a moment for its cluster put. */
    private void awaitWrites(int port, long writes) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (stats.storeStats(port).path("writes").asLong() < writes) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("A did not store its entries in 2 minutes");
            }
            Thread.sleep(100);
        }
        Thread.sleep(1000);
    }

    /** Waits until the proxy's {@code /_cache/health} says its cluster is connected (it starts before the stripe). */
    private static void awaitCluster(int port) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        String state = "";
        while (!"connected".equals(state)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the proxy on " + port + " did not connect to the stripe in 2 minutes");
            }
            Thread.sleep(200);
            try (BenchHttp http = new BenchHttp("127.0.0.1", port)) {
                byte[] get = BenchHttp.request("GET", "127.0.0.1", port, "/_cache/health", null);
                state = BenchPart.JSON.readTree(http.exchange(get).body()).path("cluster").path("state").asText();
            }
        }
    }

    private static byte[] body(int key) {
        return UnitBodies.request("gpt-4o-mini", 1024, SEED + key);
    }

    /** The requests of keys {@code from} (inclusive) to {@code to} (exclusive) for the proxy on {@code port}. */
    private static List<byte[]> requests(int port, int from, int to) {
        List<byte[]> requests = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            requests.add(ClusterLoad.post(port, body(i)));
        }
        return requests;
    }

    /**
     * {@code count} requests for the near set's entries whose bytes B has never seen: each with its own value of
     * the {@code user} field, which the key ignores. The same entries (near-cache hits), but each request is planned
     * afresh (parse, canonical JSON, key), as a clustered hit's is: what a clustered hit adds beyond it is the
     * cluster's part.
     */
    private static List<byte[]> renamed(int port, int round, int block, int count) {
        List<byte[]> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String text = new String(body(i % NEAR_KEYS), StandardCharsets.UTF_8);
            int at = text.lastIndexOf("\"user\":\"user-");
            String renamed = text.substring(0, at) + "\"user\":\"new-" + round + "-" + block + "-" + i + "\"}";
            requests.add(ClusterLoad.post(port, renamed.getBytes(StandardCharsets.UTF_8)));
        }
        return requests;
    }

    /** The same requests, sent with {@code X-Cache-Coalesce: off}: no fleet lease taken for them. */
    private static List<byte[]> loading(int port, int from, int to) {
        List<byte[]> requests = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            requests.add(BenchHttp.request("POST", "127.0.0.1", port, MissHttp.CHAT, body(i),
                    "Content-Type: application/json", "Authorization: Bearer " + BenchFixtures.API_KEY,
                    "X-Cache-Coalesce: off"));
        }
        return requests;
    }

    private static String url(int port) {
        return "http://127.0.0.1:" + port + MissHttp.CHAT;
    }

    private static int knob(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
    }

    static void log(String message) {
        System.err.printf("cluster: %6.1f s  %s%n", (System.nanoTime() - STARTED) / 1e9, message);
    }
}
