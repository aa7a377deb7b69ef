package dev.modelcache.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load at a fixed rate, the part of wrk2 that Debian does not package: request {@code i} is due at
 * {@code start + i / rate} whatever happened to the ones before it, and its latency is counted from that moment, not
 * from when a connection was free to send it (so a stalled server shows as a queue, not as fewer samples:
 * no coordinated omission). A fixed number of keep-alive connections, one thread each, take the due requests in turn.
 * Every latency is kept and sorted (a few hundred thousand longs), so percentiles are exact; no histogram library.
 */
final class BenchOpenLoop {
    /** What a run measured: latencies in nanoseconds, sorted; errors (no answer, not 200, or not a hit when one was due). */
    record Result(long[] sortedNanos, int errors, double achievedPerSecond) {
        double percentileMillis(double p) {
            return BenchStats.percentile(sortedNanos, p) / 1e6;
        }
    }

    private BenchOpenLoop() {
    }

    static Result run(String host, int port, byte[] request, byte[] expectedBody, boolean expectHit, double perSecond,
                      int connections, double seconds) throws InterruptedException {
        int total = (int) Math.max(1, Math.round(perSecond * seconds));
        long[] latencies = new long[total];
        Arrays.fill(latencies, -1);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong lastEnd = new AtomicLong();
        double period = 1e9 / perSecond;
        long start = System.nanoTime() + 20_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread thread = new Thread(() -> {
                try (BenchHttp http = new BenchHttp(host, port)) {
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        long due = start + (long) (i * period);
                        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                            LockSupport.parkNanos(wait);
                        }
                        try {
                            BenchHttp.Answer answer = http.exchange(request);
                            latencies[i] = answer.endNanos() - due;
                            lastEnd.accumulateAndGet(answer.endNanos(), Math::max);
                            if (answer.status() != 200 || (expectHit && !answer.hit())
                                    || !Arrays.equals(answer.body(), expectedBody)) {
                                errors.incrementAndGet();
                            }
                        } catch (IOException e) {
                            errors.incrementAndGet();
                        }
                    }
                }
            }, "open-loop-" + c);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long[] measured = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        double elapsed = Math.max(1, lastEnd.get() - start) / 1e9;
        return new Result(measured, errors.get(), measured.length / elapsed);
    }
}
