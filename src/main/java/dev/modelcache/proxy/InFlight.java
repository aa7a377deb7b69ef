package dev.modelcache.proxy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxied exchanges under way, so that a stop can wait for them (bounded) before the store is closed: an answer
 * that is being streamed when the server is told to stop is finished and stored instead of cut. Requests whose body
 * is still arriving are counted apart: a stop does not wait for a slow or stalled upload, which has cost nothing yet.
 */
public final class InFlight {
    private final AtomicInteger bodies = new AtomicInteger();
    private final LongAdder awaited = new LongAdder();
    private int count;

    /** A request body began to arrive (read without a thread); pair with {@link #bodyEnded()}. */
    public void bodyStarted() {
        bodies.incrementAndGet();
        awaited.increment();
    }

    /**
     * How many request bodies had to be awaited (read asynchronously) since the start: a body that all came with its
     * headers is read on the spot and not counted, so a hit on a quick client costs no asynchronous dispatch.
     */
    public long bodiesAwaited() {
        return awaited.sum();
    }

    public void bodyEnded() {
        bodies.decrementAndGet();
    }

    /** Requests whose body is being read, or whose asynchronous exchange has not completed. */
    public int bodies() {
        return bodies.get();
    }

    /** One more exchange under way; pair with {@link #exit()}. */
    public synchronized void enter() {
        count++;
    }

    public synchronized void exit() {
        count--;
        if (count <= 0) {
            notifyAll();
        }
    }

    public synchronized int count() {
        return count;
    }

    /** Waits until no exchange is under way, at most {@code limit}; true when none is. */
    public synchronized boolean awaitIdle(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (count > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                Duration wait = Duration.ofNanos(left);
                wait(Math.max(1, wait.toMillis()));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return count <= 0;
        }
    }
}
