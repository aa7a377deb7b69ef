package dev.modelcache.bench;

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
 * One step of the {@link LiveStreamsBench} ramp: a fresh launcher and fake upstream, N streams opened in batches
 * ({@code LIVE_OPEN_BATCH} every 100 ms, default 50: 500 a second, so that health is not timed against one burst of
 * hundreds of new threads and misses), the {@link LiveStreamsBench.Prober} running throughout, then each stream
 * checked against what the upstream sent for it. Streams get {@code LIVE_GRACE_SECONDS} (default 60) beyond their
 * length to end; one that has not then counts as failed.
 */
final class LiveStreamStep {
    private final int streams;
    private final int seconds;
    private final int gapMs;
    private final Path out;

    LiveStreamStep(int streams, int seconds, int gapMs, Path out) {
        this.streams = streams;
        this.seconds = seconds;
        this.gapMs = gapMs;
        this.out = out;
    }

    Outcome run() throws Exception {
        int events = Math.max(3, seconds * 1000 / gapMs);
        int batch = StreamPartReport.intEnv("LIVE_OPEN_BATCH", 50);
        int grace = StreamPartReport.intEnv("LIVE_GRACE_SECONDS", 60);
        Path cacheDir = Files.createTempDirectory("modelcache-bench-live");
        String nonce = Long.toString(System.currentTimeMillis(), 36) + "-" + streams;
        try (StreamUpstream upstream = new StreamUpstream(events, Duration.ofMillis(gapMs), false);
             StreamClient client = new StreamClient(false);
             StreamProxyProcess proxy = StreamProxyProcess.start(StreamPartReport.root(), StreamPartReport.proxyClasspath(),
                     cacheDir, upstream.baseUrl(), out.resolve("live-streams-proxy-" + streams + ".log"))) {
            LiveStreamsBench.Prober prober = new LiveStreamsBench.Prober(proxy, client);
            prober.primeHit();
            try {
                warm(prober, client, proxy, nonce);
            } catch (IllegalStateException e) {
                return Outcome.failed(streams, e.getMessage(), proxy.rssKiB() / 1024.0, proxy.threads());
            }
            long rssBefore = proxy.rssKiB();
            long threadsBefore = proxy.threads();
            Thread probing = new Thread(prober, "live-streams-prober");
            probing.setDaemon(true);
            probing.start();
            long start = System.nanoTime();
            List<CompletableFuture<StreamClient.Result>> futures = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                String id = nonce + "-" + i;
                String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"bench-"
                        + id + "\"}]}";
                ids.add(id);
                futures.add(client.send(LiveStreamsBench.loopback(proxy.port()),
                        StreamClient.post("127.0.0.1", proxy.port(), "/v1/chat/completions", body), events));
                if ((i + 1) % batch == 0) {
                    Thread.sleep(100);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + grace);
            List<StreamClient.Result> results = LiveStreamsBench.await(futures, deadline);
            long elapsed = System.nanoTime() - start;
            prober.stop();
            probing.join(15_000);
            return outcome(ids, results, upstream, events, prober, rssBefore, threadsBefore, elapsed);
        } finally {
            StreamPartReport.deleteTree(cacheDir);
        }
    }

    /**
     * Before the timed step: 50 health and hit probes and up to 50 short streams (about half a second), so that
     * the first probes of the step do not time the launcher's class loading and compilation. The step starts only
     * once every warm-up stream has ended (else they would hold request threads during it); a warm-up that does not
     * end within 120 s fails the step.
     */
    private void warm(LiveStreamsBench.Prober prober, StreamClient client, StreamProxyProcess proxy, String nonce)
            throws Exception {
        prober.warm(50);
        int warmEvents = Math.max(3, Math.min(25, 500 / gapMs + 1));
        List<CompletableFuture<StreamClient.Result>> warming = new ArrayList<>();
        for (int i = 0; i < Math.min(streams, 50); i++) {
            String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"max_tokens\":" + warmEvents
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"bench-warm-" + nonce + "-" + i + "\"}]}";
            warming.add(client.send(LiveStreamsBench.loopback(proxy.port()),
                    StreamClient.post("127.0.0.1", proxy.port(), "/v1/chat/completions", body), warmEvents));
        }
        List<StreamClient.Result> done = LiveStreamsBench.await(warming, System.nanoTime() + TimeUnit.SECONDS.toNanos(120));
        if (done.contains(null) || client.receiving() > 0) {
            throw new IllegalStateException("the warm-up streams did not end within 120 s");
        }
        prober.warm(20);
    }

    private Outcome outcome(List<String> ids, List<StreamClient.Result> results, StreamUpstream upstream, int events,
                            LiveStreamsBench.Prober prober, long rssBefore, long threadsBefore, long elapsedNanos) {
        int identical = 0;
        String firstProblem = null;
        double[] firstEvent = new double[results.size()];
        for (int i = 0; i < results.size(); i++) {
            StreamClient.Result r = results.get(i);
            StreamUpstream.Sent sent = upstream.sent(ids.get(i));
            String problem;
            if (r == null) {
                problem = "not ended " + (seconds + StreamPartReport.intEnv("LIVE_GRACE_SECONDS", 60)) + " s after the start";
            } else if (!r.ok()) {
                problem = "status " + r.status() + (r.error() == null ? "" : ", " + r.error());
            } else if (sent == null) {
                problem = "the upstream did not finish sending it";
            } else if (r.events() != events || r.crc() != sent.crc() || r.bytes() != sent.bytes()) {
                problem = "differs from what the upstream sent (" + r.events() + " of " + events + " events, "
                        + r.bytes() + " of " + sent.bytes() + " bytes)";
            } else {
                problem = null;
                identical++;
            }
            if (problem != null && firstProblem == null) {
                firstProblem = "stream " + i + ": " + problem;
            }
            firstEvent[i] = r == null || r.firstEventNanos() == 0 ? Double.NaN : (r.firstEventNanos() - r.startNanos()) / 1e6;
        }
        List<double[]> samples = prober.samples();
        double healthMax = samples.stream().mapToDouble(s -> s[0]).max().orElse(Double.NaN);
        double hitMax = samples.stream().mapToDouble(s -> s[1]).max().orElse(Double.NaN);
        double rssPeak = samples.stream().mapToDouble(s -> s[2]).max().orElse(Double.NaN);
        double threadsPeak = samples.stream().mapToDouble(s -> s[3]).max().orElse(Double.NaN);
        double livePeak = samples.stream().mapToDouble(s -> s[4]).max().orElse(Double.NaN);
        double[] started = Arrays.stream(firstEvent).filter(Double::isFinite).toArray();
        List<String> reasons = new ArrayList<>();
        if (identical < streams) {
            reasons.add((streams - identical) + " of " + streams + " streams not byte-identical (" + firstProblem + ")");
        }
        if (!(healthMax < LiveStreamsBench.HEALTH_LIMIT_MS)) {
            reasons.add("health took up to " + Math.round(healthMax) + " ms");
        }
        if (prober.failures() > 0) {
            reasons.add(prober.failures() + " probe(s) failed (" + prober.firstFailure() + ")");
        }
        if (samples.isEmpty()) {
            reasons.add("no probe ran");
        }
        return new Outcome(streams, identical, reasons.isEmpty(), String.join("; ", reasons), upstream.maxLateMs(), healthMax,
                StreamPartReport.percentile(samples.stream().mapToDouble(s -> s[0]).toArray(), 50), hitMax,
                rssBefore / 1024.0, rssPeak / 1024.0, threadsBefore, threadsPeak, livePeak,
                StreamPartReport.percentile(started, 50), StreamPartReport.max(started), elapsedNanos / 1e9, samples.size(),
                samples.stream().map(s -> new long[] {Math.round(s[0]), Math.round(s[1]), Math.round(s[2] / 1024),
                        (long) s[3], (long) s[4]}).toList());
    }

    /** What one step saw. Sizes in MiB, times in ms unless named in seconds. */
    record Outcome(int streams, int identical, boolean passed, String reason, double upstreamMaxLateMs, double healthMaxMs, double healthP50Ms,
                   double hitMaxMs, double rssBeforeMiB, double rssPeakMiB, long threadsBefore, double threadsPeak,
                   double livePeak, double firstEventP50Ms, double firstEventMaxMs, double elapsedSeconds, int probes,
                   List<long[]> perSecond) {
        /** A step that could not start its streams. */
        static Outcome failed(int streams, String reason, double rssMiB, long threads) {
            return new Outcome(streams, 0, false, reason, Double.NaN, Double.NaN, Double.NaN, Double.NaN, rssMiB, rssMiB,
                    threads, threads, Double.NaN, Double.NaN, Double.NaN, 0, 0, List.of());
        }

        String summary() {
            return (passed ? "passed" : "FAILED (" + reason + ")") + "; " + identical + "/" + streams + " identical, live peak "
                    + (long) livePeak + ", health max " + Math.round(healthMaxMs) + " ms, hit max " + Math.round(hitMaxMs)
                    + " ms, RSS " + Math.round(rssBeforeMiB) + " -> " + Math.round(rssPeakMiB) + " MiB, threads "
                    + threadsBefore + " -> " + (long) threadsPeak + ", " + Math.round(elapsedSeconds) + " s";
        }

        void rows(StreamPartReport report, String label) {
            report.row("streams byte-identical " + label, identical, "count", "all " + streams, identical == streams,
                            passed ? null : reason)
                    .row("streams live at once, peak " + label, livePeak, "count", null, null,
                            "answers whose head had come and whose end had not, sampled each second")
                    .row("health, slowest " + label, healthMaxMs, "ms", "< " + (int) LiveStreamsBench.HEALTH_LIMIT_MS + " ms",
                            healthMaxMs < LiveStreamsBench.HEALTH_LIMIT_MS, probes + " probes, one a second; p50 "
                                    + Math.round(healthP50Ms * 10) / 10.0 + " ms")
                    .row("cache hit, slowest " + label, hitMaxMs, "ms", null, null, null)
                    .row("RSS peak " + label, rssPeakMiB, "MiB", null, null,
                            "VmRSS of the launcher's process; " + Math.round(rssBeforeMiB) + " MiB before the streams")
                    .row("threads peak " + label, threadsPeak, "count", null, null, threadsBefore + " before the streams")
                    .row("time to first event, slowest stream " + label, firstEventMaxMs, "ms", null, null,
                            "p50 " + Math.round(firstEventP50Ms * 10) / 10.0 + " ms");
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("streams", streams);
            m.put("passed", passed);
            if (!passed) {
                m.put("reason", reason);
            }
            m.put("identical", identical);
            m.put("upstreamMaxLateMs", round(upstreamMaxLateMs));
            m.put("livePeak", (long) livePeak);
            m.put("healthMaxMs", round(healthMaxMs));
            m.put("healthP50Ms", round(healthP50Ms));
            m.put("hitMaxMs", round(hitMaxMs));
            m.put("rssBeforeMiB", round(rssBeforeMiB));
            m.put("rssPeakMiB", round(rssPeakMiB));
            m.put("threadsBefore", threadsBefore);
            m.put("threadsPeak", (long) threadsPeak);
            m.put("firstEventP50Ms", round(firstEventP50Ms));
            m.put("firstEventMaxMs", round(firstEventMaxMs));
            m.put("elapsedSeconds", round(elapsedSeconds));
            m.put("eachSecond", "healthMs hitMs rssMiB threads liveStreams");
            m.put("samples", perSecond);
            return m;
        }

        private static Double round(double value) {
            return Double.isFinite(value) ? Math.round(value * 10) / 10.0 : null;
        }
    }
}
