package dev.modelcache.bench;

import dev.modelcache.bench.MissHttp.Answer;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Part {@code miss-overhead} (issue 19, item 1), the load side: what a miss adds to the provider's time. Every
 * request through the proxy is a miss because every body differs (a counter in the conversation): the proxy calls
 * the provider, relays, counts and stores the answer (record file with fsync, then Ehcache), as a real miss does.
 * A third series sends {@code Cache-Control: no-store} (the README's bypass: the provider is called, nothing is read
 * or written) to tell storing from the rest.
 * <ol>
 *   <li>Concurrency 1 against the fast fake provider (answers at once): the same bodies sent straight to it and
 *       through the proxy, one request at a time, the series in turn by blocks of 250 so the machine's noise falls
 *       on all alike; p50 and p99 of each and the differences.</li>
 *   <li>A fixed rate (open loop, {@code MISS_RATE}/s, default 200) against the slow fake provider (20 ms): each
 *       latency counted from the request's scheduled start, so a stall is not hidden (no coordinated omission);
 *       rounds of straight and proxied in turn.</li>
 * </ol>
 * Each is measured in 3 rounds after a warm-up, and every figure is the median of the rounds'. Latencies are recorded
 * in microseconds with HdrHistogram; the result is {@code $BENCH_OUT/miss-overhead.json}.
 */
public final class MissOverhead {
    private static final int BODY_BYTES = 1024;
    private static final int BLOCK = 250;
    private static final int ROUNDS = 3;
    private final MissHttp http = new MissHttp();
    private final AtomicLong seeds = new AtomicLong(System.nanoTime() & 0xFFFFFFFFFFL);
    private long failures;

    private MissOverhead() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> ports = MissHttp.ports(Path.of(args[0]));
        int requests = Integer.parseInt(System.getenv().getOrDefault("MISS_REQUESTS", "1500")); // per round and series
        int rate = Integer.parseInt(System.getenv().getOrDefault("MISS_RATE", "200"));
        int seconds = Integer.parseInt(System.getenv().getOrDefault("MISS_SECONDS", "8"));
        new MissOverhead().run(ports, requests, rate, seconds);
    }

    private void run(Map<String, Integer> ports, int requests, int rate, int seconds) throws Exception {
        URI proxy = MissHttp.uri(ports.get("proxy"), MissHttp.CHAT);
        URI fast = MissHttp.uri(ports.get("fast"), MissHttp.CHAT);
        URI slow = MissHttp.uri(ports.get("slow"), MissHttp.CHAT);
        UnitReport report = new UnitReport("miss-overhead", "Miss overhead: through the proxy vs straight to the provider");

        long entriesBefore = http.storeStats(ports.get("proxy")).path("entries").asLong();
        closedLoop(proxy, fast, requests / 2, new Histogram[] {histogram(), histogram(), histogram()}); // warm-up
        List<Histogram[]> c1 = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Histogram[] series = {histogram(), histogram(), histogram()};
            closedLoop(proxy, fast, requests, series);
            c1.add(series);
        }
        addRows(report, "concurrency 1, fast provider", column(c1, 0), column(c1, 1), true, "a miss (each body differs; stored)");
        addRows(report, "concurrency 1, fast provider, no-store", column(c1, 0), column(c1, 2), false,
                "Cache-Control: no-store: called, neither read nor written (X-Cache: BYPASS)");

        openLoop(proxy, slow, rate, 2, histogram(), histogram()); // warm-up, both ways
        openLoop(proxy, slow, rate, 2, null, histogram());
        List<Histogram> direct = new ArrayList<>();
        List<Histogram> proxied = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            direct.add(histogram());
            proxied.add(histogram());
            openLoop(proxy, slow, rate, seconds, direct.get(round), null);
            openLoop(proxy, slow, rate, seconds, null, proxied.get(round));
        }
        addRows(report, rate + "/s open loop, provider 20 ms", direct, proxied, true, "a miss (each body differs; stored); "
                + "latency from each request's scheduled start");
        report.environment().put("requests", "concurrency 1: " + ROUNDS + " rounds of " + requests + " per series after "
                + requests / 2 + " warm-up; open loop: " + ROUNDS + " rounds of " + seconds + " s per series at " + rate
                + "/s after 2 s warm-up; every figure the median of the rounds'");
        report.environment().put("bodies", "chat completions of ~" + BODY_BYTES + " B, answers of "
                + UnitBodies.answer(7).length + " B");
        // Each miss explains itself against the caller's stored entries (X-Cache-Miss-Reason), and every miss here adds
        // one of the same caller, path and model: the figures depend on how many the cache holds.
        report.environment().put("entriesBefore", entriesBefore);
        report.environment().put("entriesAfter", http.storeStats(ports.get("proxy")).path("entries").asLong());
        report.environment().put("client", "JDK HttpClient, HTTP/1.1 keep-alive, in its own process");
        report.environment().put("failures", failures);
        report.write();
        if (failures > 0) {
            throw new IllegalStateException(failures + " requests did not answer as expected");
        }
    }

    private static Histogram histogram() {
        return new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    }

    /**
     * One request at a time, in blocks of {@value #BLOCK}: straight, through the proxy, through the proxy with no-store,
     * in turn until each series has {@code requests}. Blocks, not single requests in turn: what a miss does after its
     * client has the answer (storing it) falls on the next request, which should be a request of the same series.
     */
    private void closedLoop(URI proxy, URI fast, int requests, Histogram[] series) throws Exception {
        for (int done = 0; done < requests; done += BLOCK) {
            for (int s = 0; s < series.length; s++) {
                for (int i = 0; i < BLOCK; i++) {
                    byte[] body = UnitBodies.request("gpt-4o-mini", BODY_BYTES, seeds.incrementAndGet());
                    long start = System.nanoTime();
                    Answer answer = s == 0 ? http.post(fast, body)
                            : s == 1 ? http.post(proxy, body) : http.post(proxy, body, "Cache-Control", "no-store");
                    series[s].recordValue((System.nanoTime() - start) / 1000);
                    check(answer, s == 0 ? null : s == 1 ? "MISS" : "BYPASS");
                }
            }
        }
    }

    /**
     * {@code rate} requests a second for {@code seconds}, each sent at its scheduled time whatever the others are
     * doing, to the slow provider straight (when {@code direct} is given, into it) or through the proxy (into
     * {@code proxied}).
     */
    private void openLoop(URI proxy, URI slow, int rate, int seconds, Histogram direct, Histogram proxied) throws Exception {
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        int total = rate * seconds;
        List<CompletableFuture<?>> sent = new ArrayList<>(total);
        long begin = System.nanoTime();
        for (int k = 0; k < total; k++) {
            long scheduled = begin + k * period;
            for (long wait = scheduled - System.nanoTime(); wait > 0; wait = scheduled - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            byte[] body = UnitBodies.request("slow-model", BODY_BYTES, seeds.incrementAndGet());
            boolean straight = direct != null;
            Histogram into = straight ? direct : proxied;
            sent.add(http.postAsync(straight ? slow : proxy, body).thenAccept(answer -> {
                long micros = (System.nanoTime() - scheduled) / 1000;
                synchronized (into) {
                    into.recordValue(micros);
                }
                check(answer, straight ? null : "MISS");
            }));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    }

    private synchronized void check(Answer answer, String xCache) {
        if (answer.status() != 200 || (xCache != null && !xCache.equals(answer.xCache())) || answer.bytes() < 500) {
            failures++;
            if (failures <= 5) {
                System.err.println("unexpected answer: " + answer + ", wanted X-Cache " + xCache);
            }
        }
    }

    /**
     * The four percentiles and the two differences, each the median of the rounds' (a difference is taken within a
     * round, then the median); {@code judged}: against the goals (else shown only).
     */
    private static void addRows(UnitReport report, String what, List<Histogram> direct, List<Histogram> proxied,
                                boolean judged, String note) {
        double p50 = median(direct, null, 50);
        double p99 = median(direct, null, 99);
        double added50 = median(proxied, direct, 50);
        double added99 = median(proxied, direct, 99);
        long count = direct.stream().mapToLong(Histogram::getTotalCount).sum();
        report.row(what + ": straight to the provider, p50", p50, "ms", count + " requests in " + direct.size()
                + " rounds; median of the rounds");
        report.row(what + ": straight to the provider, p99", p99, "ms", null);
        report.row(what + ": through the proxy, p50", median(proxied, null, 50), "ms", note);
        report.row(what + ": through the proxy, p99", median(proxied, null, 99), "ms", null);
        report.row(what + ": added by the proxy, p50", added50, "ms", judged ? "<= 0.5 ms" : null,
                judged ? added50 <= 0.5 : null, "p50 through the proxy minus p50 straight, per round");
        report.row(what + ": added by the proxy, p99", added99, "ms", judged ? "<= 1 ms" : null,
                judged ? added99 <= 1.0 : null, "p99 through the proxy minus p99 straight, per round");
    }

    /** The median over the rounds of {@code percentile} in ms, less that of {@code minus}'s same round when given. */
    private static double median(List<Histogram> rounds, List<Histogram> minus, double percentile) {
        double[] values = new double[rounds.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ms(rounds.get(i).getValueAtPercentile(percentile))
                    - (minus == null ? 0 : ms(minus.get(i).getValueAtPercentile(percentile)));
        }
        java.util.Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static List<Histogram> column(List<Histogram[]> rounds, int series) {
        return rounds.stream().map(round -> round[series]).toList();
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
