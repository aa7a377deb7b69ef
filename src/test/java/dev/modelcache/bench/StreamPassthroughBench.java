package dev.modelcache.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.DoubleStream;

/**
 * Benchmark part {@code stream-passthrough}: what the proxy adds to a live stream it relays (a miss). A fake OpenAI
 * upstream ({@link StreamUpstream}, in this process) sends 64 events 20 ms apart; the same client
 * ({@link StreamClient}, in this process too) takes the stream straight from it and through the launcher (its own
 * process), alternately, one stream at a time, each request distinct (so each through the proxy is a miss). Upstream
 * and client share this process's {@link System#nanoTime()}, so every event is timed from its write upstream to its
 * arrival at the client: the lag an event gains in the proxy is measured per event, not guessed from averages.
 *
 * <p>Rows: the time to first event (from the request's connect) straight and through, the difference of their
 * p50 and p99; each gap between events as received minus as sent, the difference of the p99s; the lag per event;
 * and the longest any event waited in the proxy beyond the straight median, which stays under one gap (20 ms) unless
 * the proxy held an event back until the next came (buffering). Environment: {@code STREAM_ROUNDS} (default 50, 10
 * with {@code BENCH_SHORT=1}), {@code STREAM_WARMUP} (default 10).
 */
public final class StreamPassthroughBench {
    static final int EVENTS = 64;
    static final Duration GAP = Duration.ofMillis(20);

    public static void main(String[] args) throws Exception {
        boolean isShort = "1".equals(System.getenv("BENCH_SHORT"));
        int rounds = StreamPartReport.intEnv("STREAM_ROUNDS", isShort ? 10 : 50);
        int warmup = StreamPartReport.intEnv("STREAM_WARMUP", 10);
        Path out = StreamPartReport.out();
        Files.createDirectories(out);
        Path cacheDir = Files.createTempDirectory("modelcache-bench-passthrough");
        String nonce = Long.toString(System.currentTimeMillis(), 36);
        try (StreamUpstream upstream = new StreamUpstream(EVENTS, GAP, true);
             StreamClient client = new StreamClient(true);
             StreamProxyProcess proxy = StreamProxyProcess.start(StreamPartReport.root(), StreamPartReport.proxyClasspath(),
                     cacheDir, upstream.baseUrl(), out.resolve("stream-passthrough-proxy.log"))) {
            InetSocketAddress straight = new InetSocketAddress("127.0.0.1", upstream.port());
            InetSocketAddress through = new InetSocketAddress("127.0.0.1", proxy.port());
            for (int i = 0; i < warmup; i++) {
                one(client, upstream, through, proxy.port(), nonce + "-w" + i);
                one(client, upstream, straight, upstream.port(), nonce + "-v" + i);
            }
            Samples direct = new Samples();
            Samples proxied = new Samples();
            int identical = 0;
            for (int r = 0; r < rounds; r++) {
                boolean proxyFirst = r % 2 == 0;
                for (int k = 0; k < 2; k++) {
                    boolean viaProxy = (k == 0) == proxyFirst;
                    Measured m = one(client, upstream, viaProxy ? through : straight,
                            viaProxy ? proxy.port() : upstream.port(), nonce + (viaProxy ? "-p" : "-s") + r);
                    (viaProxy ? proxied : direct).add(m);
                    identical += m.identical ? 1 : 0;
                }
            }
            StreamPartReport report = new StreamPartReport("stream-passthrough",
                    "Streaming pass-through: " + EVENTS + " events " + GAP.toMillis() + " ms apart, straight vs through the proxy (a miss)");
            double ttfeS50 = StreamPartReport.percentile(direct.ttfe(), 50);
            double ttfeS99 = StreamPartReport.percentile(direct.ttfe(), 99);
            double ttfeP50 = StreamPartReport.percentile(proxied.ttfe(), 50);
            double ttfeP99 = StreamPartReport.percentile(proxied.ttfe(), 99);
            report.row("time to first event, straight, p50", ttfeS50, "ms", null, null, "from connect to the first whole event")
                    .row("time to first event, straight, p99", ttfeS99, "ms", null, null, null)
                    .row("time to first event, through the proxy, p50", ttfeP50, "ms", null, null, null)
                    .row("time to first event, through the proxy, p99", ttfeP99, "ms", null, null, null)
                    .row("added to the first event, p50", ttfeP50 - ttfeS50, "ms", "≤ 1 ms", ttfeP50 - ttfeS50 <= 1, null)
                    .row("added to the first event, p99", ttfeP99 - ttfeS99, "ms", "≤ 1 ms", ttfeP99 - ttfeS99 <= 1,
                            "p99 of " + rounds + " streams each way");
            double gapS50 = StreamPartReport.percentile(direct.gaps(), 50);
            double gapS99 = StreamPartReport.percentile(direct.gaps(), 99);
            double gapP50 = StreamPartReport.percentile(proxied.gaps(), 50);
            double gapP99 = StreamPartReport.percentile(proxied.gaps(), 99);
            report.row("gap between events received minus sent, straight, p99", gapS99, "ms", null, null, null)
                    .row("gap between events received minus sent, through the proxy, p99", gapP99, "ms", null, null, null)
                    .row("added per gap, p50", gapP50 - gapS50, "ms", null, null, null)
                    .row("added per gap, p99", gapP99 - gapS99, "ms", "≤ 0.5 ms", gapP99 - gapS99 <= 0.5,
                            (EVENTS - 1) * rounds + " gaps each way");
            double lagS50 = StreamPartReport.percentile(direct.lags(), 50);
            double lagP50 = StreamPartReport.percentile(proxied.lags(), 50);
            double longest = StreamPartReport.max(proxied.lags()) - lagS50;
            report.row("event lag (upstream write to client), straight, p50", lagS50, "ms", null, null, null)
                    .row("event lag, straight, p99", StreamPartReport.percentile(direct.lags(), 99), "ms", null, null, null)
                    .row("event lag, through the proxy, p50", lagP50, "ms", null, null, null)
                    .row("event lag, through the proxy, p99", StreamPartReport.percentile(proxied.lags(), 99), "ms", null, null, null)
                    .row("no buffering: longest an event waited in the proxy", longest, "ms",
                            "< " + GAP.toMillis() + " ms (under one gap: no event held back for the next)",
                            longest < GAP.toMillis(), "max event lag through the proxy minus the straight p50 lag, over "
                                    + EVENTS * rounds + " events")
                    .row("streams byte-identical to what the upstream sent", identical, "count",
                            "all " + 2 * rounds, identical == 2 * rounds, "CRC-32C and length of each body, and " + EVENTS + " events each");
            report.environment("rounds", rounds).environment("warmupRounds", warmup).environment("events", EVENTS)
                    .environment("gapMs", GAP.toMillis())
                    .environment("serverCpu", System.getenv().getOrDefault("BENCH_SERVER_CPU", ""))
                    .environment("loadCpu", System.getenv().getOrDefault("BENCH_LOAD_CPU", ""))
                    .environment("proxy", "dev.modelcache.launcher.Launcher, default settings, its own process");
            System.out.println("stream-passthrough: wrote " + report.write(out));
        } finally {
            StreamPartReport.deleteTree(cacheDir);
        }
    }

    private static Measured one(StreamClient client, StreamUpstream upstream, InetSocketAddress to, int port, String id)
            throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"bench-"
                + id + "\"}]}";
        StreamClient.Result result = client.send(to, StreamClient.post("127.0.0.1", port, "/v1/chat/completions", body), EVENTS)
                .get(60, TimeUnit.SECONDS);
        StreamUpstream.Sent sent = upstream.sent(id);
        if (!result.ok() || sent == null || result.events() != EVENTS) {
            throw new IllegalStateException("stream " + id + " failed: status " + result.status() + ", "
                    + result.events() + " events, " + result.error() + (sent == null ? ", upstream sent none" : ""));
        }
        return new Measured(result, sent, result.crc() == sent.crc() && result.bytes() == sent.bytes());
    }

    private record Measured(StreamClient.Result result, StreamUpstream.Sent sent, boolean identical) { }

    /** The samples of one way (straight or through), in ms. */
    private static final class Samples {
        private final DoubleStream.Builder ttfe = DoubleStream.builder();
        private final DoubleStream.Builder gaps = DoubleStream.builder();
        private final DoubleStream.Builder lags = DoubleStream.builder();
        private double[] ttfeValues;
        private double[] gapValues;
        private double[] lagValues;

        void add(Measured m) {
            long[] got = m.result().eventNanos();
            long[] sent = m.sent().eventNanos();
            ttfe.add((got[0] - m.result().startNanos()) / 1e6);
            for (int i = 0; i < got.length; i++) {
                lags.add((got[i] - sent[i]) / 1e6);
                if (i > 0) {
                    gaps.add(((got[i] - got[i - 1]) - (sent[i] - sent[i - 1])) / 1e6);
                }
            }
        }

        double[] ttfe() {
            return ttfeValues == null ? ttfeValues = ttfe.build().toArray() : ttfeValues;
        }

        double[] gaps() {
            return gapValues == null ? gapValues = gaps.build().toArray() : gapValues;
        }

        double[] lags() {
            return lagValues == null ? lagValues = lags.build().toArray() : lagValues;
        }
    }
}
