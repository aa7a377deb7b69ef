package dev.modelcache.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark part {@code live-streams}: how many live streams the launcher holds at once with its default settings.
 * For each N of a ramp ({@code LIVE_RAMP}, default {@code 250,500,1000,2000,5000}) a fresh launcher (its own process,
 * {@link StreamProxyProcess}) relays N distinct streamed requests, each a miss, so each is live from the fake upstream
 * ({@link StreamUpstream}: one thread for all of them) for {@code LIVE_SECONDS} (30) with an event every
 * {@code LIVE_GAP_MS} (20); one client thread reads them all ({@link LiveStreamStep}). Every second while they run,
 * {@code /_cache/health} and a cache hit are timed and the launcher's RSS and thread count are read.
 *
 * <p>A step passes when every stream ended byte-identical to what the upstream sent for it (CRC-32C and length of
 * the body, and every event), health answered every probe in under 100 ms and every hit probe answered a hit. The
 * ramp stops at the first step that fails ({@code LIVE_CONTINUE=1} goes on). The rows give the highest N that passed,
 * with the RSS peak, threads and probe times of that step, and what the first failing step saw. First, unless
 * {@code LIVE_SELF_CHECK=0}, the tools take the ramp's largest N straight from the fake ({@link LiveStreamsSelfCheck}),
 * so that a failing step can be told from tools that could not keep up.
 */
public final class LiveStreamsBench {
    static final double HEALTH_LIMIT_MS = 100;

    public static void main(String[] args) throws Exception {
        int[] ramp = Arrays.stream(System.getenv().getOrDefault("LIVE_RAMP", "250,500,1000,2000,5000").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        int seconds = StreamPartReport.intEnv("LIVE_SECONDS", 30);
        int gapMs = StreamPartReport.intEnv("LIVE_GAP_MS", 20);
        boolean goOn = "1".equals(System.getenv("LIVE_CONTINUE"));
        Path out = StreamPartReport.out();
        Files.createDirectories(out);
        LiveStreamsSelfCheck.Outcome self = null;
        if (!"0".equals(System.getenv("LIVE_SELF_CHECK"))) {
            int most = Arrays.stream(ramp).max().orElse(0);
            System.out.println("live-streams: the tools alone, " + most + " streams straight from the fake upstream ...");
            self = LiveStreamsSelfCheck.run(most, seconds, gapMs);
            System.out.println("live-streams: " + self);
        }
        List<LiveStreamStep.Outcome> steps = new ArrayList<>();
        for (int n : ramp) {
            System.out.println("live-streams: " + n + " streams of " + seconds + " s ...");
            LiveStreamStep.Outcome outcome = new LiveStreamStep(n, seconds, gapMs, out).run();
            System.out.println("live-streams: " + outcome.summary());
            steps.add(outcome);
            report(ramp, seconds, gapMs, steps, self).write(out);  // after each step: a ramp cut short keeps what it saw
            if (!outcome.passed() && !goOn) {
                break;
            }
        }
        report(ramp, seconds, gapMs, steps, self).write(out);
        System.out.println("live-streams: wrote " + out.resolve("live-streams.json"));
    }

    private static StreamPartReport report(int[] ramp, int seconds, int gapMs, List<LiveStreamStep.Outcome> steps,
                                           LiveStreamsSelfCheck.Outcome self) {
        StreamPartReport report = new StreamPartReport("live-streams", "Concurrent live streams on the default launcher ("
                + seconds + " s each, an event every " + gapMs + " ms; health under " + (int) HEALTH_LIMIT_MS + " ms)");
        LiveStreamStep.Outcome best = null;
        LiveStreamStep.Outcome firstFail = null;
        for (LiveStreamStep.Outcome step : steps) {
            if (step.passed() && firstFail == null) {
                best = step;
            } else if (!step.passed() && firstFail == null) {
                firstFail = step;
            }
        }
        int held = best == null ? 0 : best.streams();
        String tools = self == null || self.identical() == self.streams() ? ""
                : "; CAUTION: the tools alone (no proxy) carried only " + self.identical() + " of " + self.streams()
                        + " streams intact, so steps that large measure the load core, not the proxy";
        report.row("concurrent live streams held", held, "count", "≥ 5000", held >= 5000,
                "highest N of the ramp " + Arrays.toString(ramp) + " at which every stream ended byte-identical and health"
                        + " stayed under " + (int) HEALTH_LIMIT_MS + " ms"
                        + (firstFail == null ? "" : "; " + firstFail.streams() + " failed: " + firstFail.reason()) + tools);
        if (best != null) {
            best.rows(report, "at " + best.streams());
        }
        if (firstFail != null) {
            firstFail.rows(report, "at " + firstFail.streams() + " (failed)");
        }
        if (self != null) {
            report.row("the tools alone: streams byte-identical straight from the fake upstream", self.identical(), "count",
                    "all " + self.streams(), self.identical() == self.streams(), "no proxy; live at once, peak "
                            + self.livePeak() + "; the fake sent its events at most " + Math.round(self.upstreamMaxLateMs())
                            + " ms late; " + Math.round(self.elapsedSeconds()) + " s");
        }
        List<Map<String, Object>> all = new ArrayList<>();
        for (LiveStreamStep.Outcome step : steps) {
            Map<String, Object> m = new LinkedHashMap<>(step.asMap());
            all.add(m);
        }
        report.environment("steps", all).environment("secondsPerStream", seconds).environment("gapMs", gapMs)
                .environment("serverCpu", System.getenv().getOrDefault("BENCH_SERVER_CPU", ""))
                .environment("loadCpu", System.getenv().getOrDefault("BENCH_LOAD_CPU", ""))
                .environment("proxy", "dev.modelcache.launcher.Launcher, default settings (server/maxThreads 400,"
                        + " server/maxConnections 10000, upstream/maxConnections 10000), its own process, no JVM options");
        return report;
    }

    /** Probes health and a hit once a second, and samples the launcher's RSS and threads, until stopped. */
    static final class Prober implements Runnable {
        private final StreamProxyProcess proxy;
        private final StreamClient streams;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        private final List<double[]> samples = new ArrayList<>();  // health ms, hit ms, rss KiB, threads, live
        private int failures;
        private String firstFailure;
        private volatile boolean running = true;

        Prober(StreamProxyProcess proxy, StreamClient streams) {
            this.proxy = proxy;
            this.streams = streams;
        }

        /** Stores the hit's answer (a miss), then checks it is a hit; throws when it is not. */
        void primeHit() throws Exception {
            hit();
            HttpResponse<String> second = hit();
            if (!second.headers().firstValue("X-Cache").orElse("").startsWith("HIT")) {
                throw new IllegalStateException("the hit probe's second call was not a hit: "
                        + second.statusCode() + " " + second.headers().map());
            }
        }

        private HttpResponse<String> hit() throws Exception {
            String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"bench-hit\"}]}";
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer sk-bench-not-a-real-key")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        private HttpResponse<String> health() throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/_cache/health"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Asks health and the hit {@code times} times, unrecorded (before the step). */
        void warm(int times) throws Exception {
            for (int i = 0; i < times; i++) {
                health();
                hit();
            }
        }

        @Override
        public void run() {
            while (running) {
                long start = System.nanoTime();
                double health = time(() -> {
                    HttpResponse<String> r = health();
                    return r.statusCode() == 200 ? null : "health answered " + r.statusCode();
                });
                double hit = time(() -> {
                    HttpResponse<String> r = hit();
                    return r.statusCode() == 200 && r.headers().firstValue("X-Cache").orElse("").startsWith("HIT")
                            ? null : "hit probe answered " + r.statusCode() + " X-Cache " + r.headers().firstValue("X-Cache");
                });
                synchronized (this) {
                    samples.add(new double[] {health, hit, proxy.rssKiB(), proxy.threads(), streams.receiving()});
                }
                long sleep = TimeUnit.SECONDS.toMillis(1) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                if (sleep > 0 && running) {
                    try {
                        Thread.sleep(sleep);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        private interface Call {
            String call() throws Exception;
        }

        private double time(Call call) {
            long start = System.nanoTime();
            String problem;
            try {
                problem = call.call();
            } catch (Exception e) {
                problem = e.toString();
            }
            double ms = (System.nanoTime() - start) / 1e6;
            if (problem != null) {
                synchronized (this) {
                    failures++;
                    if (firstFailure == null) {
                        firstFailure = problem;
                    }
                }
            }
            return ms;
        }

        void stop() {
            running = false;
        }

        synchronized List<double[]> samples() {
            return List.copyOf(samples);
        }

        synchronized int failures() {
            return failures;
        }

        synchronized String firstFailure() {
            return firstFailure;
        }
    }

    /** Waits for every stream until {@code deadlineNanos}; those unfinished then count as failed. */
    static List<StreamClient.Result> await(List<CompletableFuture<StreamClient.Result>> futures, long deadlineNanos) {
        List<StreamClient.Result> results = new ArrayList<>();
        for (CompletableFuture<StreamClient.Result> future : futures) {
            long left = Math.max(1, deadlineNanos - System.nanoTime());
            try {
                results.add(future.get(left, TimeUnit.NANOSECONDS));
            } catch (Exception e) {
                results.add(null);
            }
        }
        return results;
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }
}
