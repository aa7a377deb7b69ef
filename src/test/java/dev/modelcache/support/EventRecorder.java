package dev.modelcache.support;

import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.ProxyListener;
import dev.modelcache.events.Stored;
import dev.modelcache.events.UpstreamCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A listener for tests: keeps every event, and lets a test wait for the proxy to settle (every exchange that began
 * has ended, so its bookkeeping is done) or for a given event, instead of sleeping.
 */
public final class EventRecorder implements ProxyListener {
    private static final long WAIT_SECONDS = 15;

    private final List<ExchangeSummary> exchanges = new ArrayList<>();
    private final List<UpstreamCall> upstreamCalls = new ArrayList<>();
    private final List<Stored> stored = new ArrayList<>();
    private int started;

    @Override
    public synchronized void exchangeStarted(String method, String path) {
        started++;
    }

    @Override
    public synchronized void exchangeEnded(ExchangeSummary exchange) {
        exchanges.add(exchange);
        notifyAll();
    }

    @Override
    public synchronized void upstreamCall(UpstreamCall call) {
        upstreamCalls.add(call);
        notifyAll();
    }

    @Override
    public synchronized void stored(Stored entry) {
        stored.add(entry);
        notifyAll();
    }

    /** Waits until every exchange that began has ended; fails the test after a generous limit. */
    public synchronized void awaitSettled() throws InterruptedException {
        awaitTrue(r -> r.exchanges.size() >= r.started, "every exchange to end");
    }

    /** Waits for at least {@code n} stored entries. */
    public synchronized List<Stored> awaitStored(int n) throws InterruptedException {
        awaitTrue(r -> r.stored.size() >= n, n + " stored entries");
        return List.copyOf(stored);
    }

    /** Waits for at least {@code n} ended exchanges. */
    public synchronized List<ExchangeSummary> awaitExchanges(int n) throws InterruptedException {
        awaitTrue(r -> r.exchanges.size() >= n, n + " ended exchanges");
        return List.copyOf(exchanges);
    }

    public synchronized List<UpstreamCall> upstreamCalls() {
        return List.copyOf(upstreamCalls);
    }

    private void awaitTrue(Predicate<EventRecorder> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
