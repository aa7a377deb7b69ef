package dev.modelcache.bench;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The {@code cluster} part's last measurement: how long a follower on another instance waits. In each round a new
 * prompt for a provider that takes a known time (the proxies' {@code slow-*} models, {@code UPSTREAM_DELAY_MS}) is
 * sent to A, and the same request to B a moment later ({@code offsetMillis}): A takes the fleet's lease and calls;
 * B finds the lease taken and looks in the cluster for A's stored answer after 20 ms, then 40, doubling to 200 ms,
 * and replays it as a HIT. Each round notes when each answer was complete and whether B's was a HIT (a MISS would
 * mean B called the provider itself). The times come from one clock, this process's.
 */
final class ClusterFollower implements AutoCloseable {
    /** One round: A's and B's times from their sends to their answers, B's send after A's, and B's kind. */
    record Round(long holderNanos, long followerNanos, long offsetNanos, boolean holderMissed, boolean followerHit) {
        /** How much later B's client had its answer than A's client. */
        long lagNanos() {
            return offsetNanos + followerNanos - holderNanos;
        }
    }

    private final int holderPort;
    private final int followerPort;
    private final long offsetMillis;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    /** One keep-alive connection to each proxy, kept from round to round. */
    private final BenchHttp holder;
    private final BenchHttp follower;

    ClusterFollower(int holderPort, int followerPort, long offsetMillis) {
        this.holderPort = holderPort;
        this.followerPort = followerPort;
        this.offsetMillis = offsetMillis;
        this.holder = new BenchHttp("127.0.0.1", holderPort);
        this.follower = new BenchHttp("127.0.0.1", followerPort);
    }

    /** One round with a prompt never asked before (a new {@code seed}). */
    Round round(long seed) throws Exception {
        byte[] body = UnitBodies.request("slow-bench", 1024, seed);
        AtomicLongArray sent = new AtomicLongArray(2);
        byte[] toHolder = ClusterLoad.post(holderPort, body);
        byte[] toFollower = ClusterLoad.post(followerPort, body);
        Future<BenchHttp.Answer> a = pool.submit(() -> {
            sent.set(0, System.nanoTime());
            return holder.exchange(toHolder);
        });
        // The follower's send, offsetMillis after the holder's (a sleep: the offset is measured, not assumed).
        while (sent.get(0) == 0 && !a.isDone()) {
            Thread.onSpinWait();
        }
        Thread.sleep(offsetMillis);
        Future<BenchHttp.Answer> b = pool.submit(() -> {
            sent.set(1, System.nanoTime());
            return follower.exchange(toFollower);
        });
        BenchHttp.Answer holderAnswer = a.get(60, TimeUnit.SECONDS);
        BenchHttp.Answer followerAnswer = b.get(60, TimeUnit.SECONDS);
        if (holderAnswer.status() != 200 || followerAnswer.status() != 200) {
            throw new IOException("a follower round answered " + holderAnswer.status() + " on A and "
                    + followerAnswer.status() + " on B");
        }
        return new Round(holderAnswer.endNanos() - sent.get(0), followerAnswer.endNanos() - sent.get(1),
                sent.get(1) - sent.get(0), !holderAnswer.hit(), followerAnswer.hit());
    }

    @Override
    public void close() {
        pool.shutdownNow();
        holder.close();
        follower.close();
    }
}
