package dev.modelcache.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load side's Java client for the {@code cluster} part ({@link ClusterBench}): requests sent over raw keep-alive
 * connections ({@link BenchHttp}, no client library between the bytes and the clock), one after the other on one
 * connection, or closed loop on several (each connection sends its next request when its last answer is in). Every
 * answer must be a 200; whether it was the expected HIT or MISS is counted, not assumed, and reported.
 */
final class ClusterLoad {
    /** Latencies of a block (nanoseconds, ascending), its rate, and the answers that were not the expected kind. */
    record Block(long[] sortedNanos, double perSecond, long unexpected) {
        double millis(double percentile) {
            return BenchStats.percentile(sortedNanos, percentile) / 1e6;
        }
    }

    private ClusterLoad() {
    }

    /** The bytes of a POST of {@code body} to the chat path of the proxy on {@code port}. */
    static byte[] post(int port, byte[] body) {
        return BenchHttp.request("POST", "127.0.0.1", port, MissHttp.CHAT, body, "Content-Type: application/json",
                "Authorization: Bearer " + BenchFixtures.API_KEY);
    }

    /** {@code count} requests taken from {@code requests} in turn (wrapping), one at a time on one connection. */
    static Block sequential(int port, List<byte[]> requests, int count, boolean hit) throws IOException {
        long[] nanos = new long[count];
        long unexpected = 0;
        long started = System.nanoTime();
        try (BenchHttp http = new BenchHttp("127.0.0.1", port)) {
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                BenchHttp.Answer answer = http.exchange(requests.get(i % requests.size()));
                nanos[i] = answer.endNanos() - start;
                unexpected += check(answer, hit, port);
            }
        }
        return new Block(BenchStats.sorted(nanos), count * 1e9 / (System.nanoTime() - started), unexpected);
    }

    /**
     * {@code count} requests taken from {@code requests} in turn (wrapping), closed loop on {@code connections}
     * connections, each answer checked.
     */
    static Block closedLoop(int port, List<byte[]> requests, int count, int connections, boolean hit)
            throws IOException, InterruptedException {
        long[] nanos = new long[count];
        AtomicInteger next = new AtomicInteger();
        AtomicLong unexpected = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long started = System.nanoTime();
        try {
            List<Future<Void>> workers = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                workers.add(pool.submit(() -> {
                    try (BenchHttp http = new BenchHttp("127.0.0.1", port)) {
                        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                            long start = System.nanoTime();
                            BenchHttp.Answer answer = http.exchange(requests.get(i % requests.size()));
                            nanos[i] = answer.endNanos() - start;
                            unexpected.addAndGet(check(answer, hit, port));
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> worker : workers) {
                worker.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("a load connection to port " + port + " failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Block(BenchStats.sorted(nanos), count * 1e9 / (System.nanoTime() - started), unexpected.get());
    }

    /** 0 when the answer is of the expected kind, 1 when not; an exception when it is not a 200. */
    private static long check(BenchHttp.Answer answer, boolean hit, int port) throws IOException {
        if (answer.status() != 200) {
            throw new IOException("port " + port + " answered " + answer.status() + ": "
                    + new String(answer.body(), StandardCharsets.UTF_8));
        }
        return answer.hit() == hit ? 0 : 1;
    }

    /**
     * A wrk script that POSTs the request bodies of {@code bodies} (one a line) in turn, so that a run asks many
     * entries, and reports as {@link BenchWrk} reads it.
     */
    static Path wrkScript(Path work, String name, Path bodies) throws IOException {
        String lua = """
                wrk.method = "POST"
                wrk.headers["Content-Type"] = "application/json"
                wrk.headers["Authorization"] = "Bearer %s"
                local bodies = {}
                for line in io.lines("%s") do bodies[#bodies + 1] = line end
                local i = 0
                request = function()
                  i = i %% #bodies + 1
                  return wrk.format(nil, nil, nil, bodies[i])
                end
                done = function(summary, latency, requests)
                  local e = summary.errors
                  io.write(string.format('{"requests":%%d,"duration_us":%%d,"p50_us":%%d,"p99_us":%%d,"errors":%%d}\\n',
                    summary.requests, summary.duration, latency:percentile(50.0), latency:percentile(99.0),
                    e.connect + e.read + e.write + e.status + e.timeout))
                end
                """.formatted(BenchFixtures.API_KEY, bodies.toAbsolutePath());
        Path script = work.resolve(name + ".lua");
        Files.writeString(script, lua, StandardCharsets.UTF_8);
        return script;
    }
}
