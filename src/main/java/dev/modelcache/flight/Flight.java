package dev.modelcache.flight;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.stream.ReadableCopy;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One upstream call in progress for a cache key, which identical requests wait on instead of calling the provider
 * themselves. While the leader relays an event stream that may be stored, followers follow it
 * {@linkplain LiveStream live}. The leader ends the flight exactly once: with the complete answer (any status:
 * later followers replay it), with an error the proxy answered before any byte came (followers answer the same),
 * or broken (the answer broke off or will not be kept: followers make their own attempt).
 */
public final class Flight {
    private final FlightRegistry registry;
    private final CacheKey key;
    private Outcome outcome;
    private LiveStream live;

    Flight(FlightRegistry registry, CacheKey key) {
        this.registry = registry;
        this.key = key;
    }

    /** From now on, requests for the key no longer join this flight; those already waiting still get its outcome. */
    public void detach() {
        registry.remove(key, this);
    }

    /**
     * The leader is about to relay an event stream that may be stored, copying it into {@code copy}: followers may
     * follow it from here, reading that copy.
     */
    public synchronized LiveStream startLive(int status, Headers headers, ReadableCopy copy) {
        live = new LiveStream(status, headers, copy);
        notifyAll();
        return live;
    }

    /** The leader's complete answer; null means it was not kept (too large), which counts as broken. */
    public void complete(CachedResponse response) {
        end(response == null ? Outcome.BROKEN : new Outcome.Answered(response));
    }

    public void fail(ProxyError error) {
        end(new Outcome.Failed(error));
    }

    /** Ends the flight as broken unless it already ended, and detaches it: the leader's last word, in a finally. */
    public void close() {
        end(Outcome.BROKEN);
        detach();
    }

    private synchronized void end(Outcome result) {
        if (outcome == null) {
            outcome = result;
            if (live != null) {
                live.end(false);
            }
            notifyAll();
        }
    }

    /** Waits at most {@code limit} for the outcome, or for a live stream to follow, whichever comes first. */
    public Outcome await(Duration limit) throws InterruptedIOException {
        return waitFor(limit, true);
    }

    /** Waits at most {@code limit} for the outcome itself (not a live stream). */
    public Outcome awaitEnd(Duration limit) throws InterruptedIOException {
        return waitFor(limit, false);
    }

    private synchronized Outcome waitFor(Duration limit, boolean liveWillDo) throws InterruptedIOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (outcome == null && !(liveWillDo && live != null)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Outcome.TIMED_OUT;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for an identical request");
            }
        }
        return outcome != null ? outcome : new Outcome.Following(live);
    }
}
