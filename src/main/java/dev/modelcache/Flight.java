package dev.modelcache;

import dev.modelcache.cache.CachedResponse;
import dev.modelcache.http.ProxyError;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One upstream call in progress for a cache key, which identical requests wait on instead of calling the provider
 * themselves. The leader ends it exactly once with one of three outcomes: the complete answer (any status: waiters
 * replay it), an error the proxy answered with before any byte came (waiters answer the same), or nothing (the
 * answer broke off or was too large to keep: waiters make their own attempt).
 */
final class Flight {
    /** What a waiter learns. Exactly one of the fields is set, or none when the leader broke off. */
    record Outcome(CachedResponse response, ProxyError error, boolean timedOut) {
        static final Outcome BROKEN = new Outcome(null, null, false);
        static final Outcome TIMED_OUT = new Outcome(null, null, true);
    }

    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Outcome outcome;

    void complete(CachedResponse response) {
        end(response == null ? Outcome.BROKEN : new Outcome(response, null, false));
    }

    void fail(ProxyError error) {
        end(new Outcome(null, error, false));
    }

    void broke() {
        end(Outcome.BROKEN);
    }

    private void end(Outcome result) {
        if (outcome == null) {
            outcome = result;
            done.countDown();
        }
    }

    /** Waits for the leader, at most {@code limit}. */
    Outcome await(Duration limit) throws InterruptedException {
        return done.await(limit.toMillis(), TimeUnit.MILLISECONDS) ? outcome : Outcome.TIMED_OUT;
    }
}
