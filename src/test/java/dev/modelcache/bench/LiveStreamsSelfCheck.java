package dev.modelcache.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The live-streams tools without the proxy: N streams taken by the {@link StreamClient} straight from the
 * {@link StreamUpstream}, the same way the ramp takes them through the launcher. When these hold N streams
 * byte-identical and on time, a step that fails at N failed in the proxy, not in the fake or the client.
 */
final class LiveStreamsSelfCheck {
    /** What the tools alone did with N streams. */
    record Outcome(int streams, int identical, int livePeak, double upstreamMaxLateMs, double elapsedSeconds) { }

    private LiveStreamsSelfCheck() {
    }

    static Outcome run(int streams, int seconds, int gapMs) throws Exception {
        int events = Math.max(3, seconds * 1000 / gapMs);
        int batch = StreamPartReport.intEnv("LIVE_OPEN_BATCH", 50);
        String nonce = "self-" + Long.toString(System.currentTimeMillis(), 36);
        try (StreamUpstream upstream = new StreamUpstream(events, Duration.ofMillis(gapMs), false);
             StreamClient client = new StreamClient(false)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", upstream.port());
            int[] livePeak = {0};
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    livePeak[0] = Math.max(livePeak[0], client.receiving());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "live-streams-self-check");
            sampler.setDaemon(true);
            sampler.start();
            long start = System.nanoTime();
            List<CompletableFuture<StreamClient.Result>> futures = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"bench-"
                        + nonce + "-" + i + "\"}]}";
                futures.add(client.send(address, StreamClient.post("127.0.0.1", upstream.port(), "/v1/chat/completions", body), events));
                if ((i + 1) % batch == 0) {
                    Thread.sleep(100);
                }
            }
            List<StreamClient.Result> results = LiveStreamsBench.await(futures,
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + StreamPartReport.intEnv("LIVE_GRACE_SECONDS", 60)));
            double elapsed = (System.nanoTime() - start) / 1e9;
            sampler.interrupt();
            sampler.join(5000);
            int identical = 0;
            for (int i = 0; i < results.size(); i++) {
                StreamClient.Result r = results.get(i);
                StreamUpstream.Sent sent = upstream.sent(nonce + "-" + i);
                if (r != null && r.ok() && sent != null && r.events() == events && r.crc() == sent.crc() && r.bytes() == sent.bytes()) {
                    identical++;
                }
            }
            return new Outcome(streams, identical, livePeak[0], upstream.maxLateMs(), elapsed);
        }
    }
}
