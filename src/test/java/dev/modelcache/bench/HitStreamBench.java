package dev.modelcache.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code streamed-hits} part (bench/parts/streamed-hits.sh): a cache hit replaying a stored 50-event OpenAI chat
 * stream. wrk gives whole streams per second and their p50/p99 at 1, 16 and 64 connections (it measures whole
 * answers); a Java client on one keep-alive connection gives the time to the first complete {@code data:} line and to
 * the end of the stream, checking every stream byte for byte. Same servers, pinning, warm-up and rounds as
 * {@link HitBench}.
 */
public final class HitStreamBench {
    static final int EVENTS = 50;

    private HitStreamBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchEnv env = BenchEnv.fromEnvironment();
        Path answer = Path.of("bench/data/chat-completion.json").toAbsolutePath();
        Path plainRequest = Path.of("bench/data/chat-request.json").toAbsolutePath();
        Path work = Files.createTempDirectory("bench-streamed-hits");
        Path requestFile = work.resolve("stream-request.json");
        byte[] requestBody = BenchFixtures.streamRequest(Files.readAllBytes(plainRequest));
        Files.write(requestFile, requestBody);
        byte[] expected = String.join("", BenchFixtures.chatEvents(EVENTS)).getBytes(StandardCharsets.UTF_8);
        int rounds = env.rounds(3, 2);
        double seconds = env.seconds(8, 3);
        int perRound = env.isShort() ? 300 : 2000;
        List<Integer> connections = env.isShort() ? List.of(16) : List.of(1, 16, 64);
        BenchWrk wrk = new BenchWrk(env.loadPin(), work);
        Path script = wrk.script("stream", requestFile, "Content-Type: application/json",
                "Authorization: Bearer " + BenchFixtures.API_KEY);

        BenchPart part = new BenchPart("streamed-hits", "Streamed cache hits: a stored " + EVENTS + "-event chat stream ("
                + expected.length + " bytes) replayed (medians of " + rounds + " rounds)");
        part.environment().put("streamBytes", expected.length);
        part.environment().put("events", EVENTS);
        try (BenchServerProcess server = BenchServerProcess.start(env.serverPin(), env.classpath(), work, "server",
                env.port(3), answer, plainRequest, EVENTS, Map.of())) {
            String url = "http://127.0.0.1:" + server.port + HitBench.PATH;
            byte[] request = BenchHttp.request("POST", "127.0.0.1", server.port, HitBench.PATH, requestBody,
                    "Content-Type: application/json", "Authorization: Bearer " + BenchFixtures.API_KEY);
            part.environment().set("warmUp", env.isShort() ? HitBench.warmUp(wrk, url, script, 10, 20)
                    : HitBench.warmUp(wrk, url, script, 20, 60));
            List<BenchPart.Rounds> closed = new ArrayList<>();
            connections.forEach(c -> closed.add(new BenchPart.Rounds()));
            List<Double> firstP50 = new ArrayList<>();
            List<Double> firstP99 = new ArrayList<>();
            List<Double> wholeP50 = new ArrayList<>();
            List<Double> wholeP99 = new ArrayList<>();
            long errors = 0;
            firstEvents(server.port, request, expected, Math.min(200, perRound));
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < connections.size(); i++) {
                    closed.get(i).add(wrk.run(url, script, connections.get(i), seconds));
                }
                Timings timings = firstEvents(server.port, request, expected, perRound);
                firstP50.add(BenchStats.percentile(timings.first, 50) / 1e6);
                firstP99.add(BenchStats.percentile(timings.first, 99) / 1e6);
                wholeP50.add(BenchStats.percentile(timings.whole, 50) / 1e6);
                wholeP99.add(BenchStats.percentile(timings.whole, 99) / 1e6);
                errors += timings.errors;
            }
            for (int i = 0; i < connections.size(); i++) {
                BenchPart.Rounds r = closed.get(i);
                String name = "streamed hit, " + connections.get(i) + " conn";
                ObjectNode row = part.row(name + ": throughput", r.perSecond(), "streams/s");
                r.perSecond.forEach(v -> row.withArray("rounds").add(Math.round(v)));
                if (r.errors > 0) {
                    row.put("note", r.errors + " errors or non-2xx answers");
                }
                part.row(name + ": p50 (whole stream)", r.p50(), "ms");
                part.row(name + ": p99 (whole stream)", r.p99(), "ms");
            }
            String java = ", 1 conn, Java client, " + perRound + " streams a round";
            ObjectNode first = part.row("time to first event: p50" + java, BenchStats.median(firstP50), "ms");
            first.put("note", errors == 0 ? "every stream byte-identical to what the upstream sent"
                    : errors + " streams failed or differed from what the upstream sent");
            part.row("time to first event: p99" + java, BenchStats.median(firstP99), "ms");
            part.row("whole stream: p50" + java, BenchStats.median(wholeP50), "ms");
            part.row("whole stream: p99" + java, BenchStats.median(wholeP99), "ms");
            part.environment().put("serverLogLines", server.logLines());
        }
        part.write(env.out());
        BenchEnv.deleteTree(work);
    }

    /** Sorted nanoseconds from sending to the first {@code data:} line, and to the end; failed or differing streams. */
    private record Timings(long[] first, long[] whole, int errors) {
    }

    private static Timings firstEvents(int port, byte[] request, byte[] expected, int count) {
        long[] first = new long[count];
        long[] whole = new long[count];
        int errors = 0;
        int done = 0;
        try (BenchHttp http = new BenchHttp("127.0.0.1", port)) {
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                try {
                    BenchHttp.Answer answer = http.exchange(request);
                    if (answer.status() != 200 || !answer.hit() || !Arrays.equals(answer.body(), expected)) {
                        errors++;
                        continue;
                    }
                    first[done] = answer.firstEventNanos() - start;
                    whole[done] = answer.endNanos() - start;
                    done++;
                } catch (IOException e) {
                    errors++;
                }
            }
        }
        return new Timings(BenchStats.sorted(Arrays.copyOf(first, done)), BenchStats.sorted(Arrays.copyOf(whole, done)),
                errors);
    }
}
