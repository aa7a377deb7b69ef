package dev.modelcache;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One upstream call in progress for a cache key, which identical requests wait on instead of calling the provider
 * themselves. While the leader relays an event stream that may be stored, waiters follow it {@linkplain Live live},
 * event by event. The leader ends the flight exactly once with one of three outcomes: the complete answer (any
 * status: later waiters replay it), an error the proxy answered with before any byte came (waiters answer the
 * same), or nothing (the answer broke off or will not be kept: waiters make their own attempt).
 */
final class Flight {
    /** What a waiter learns: exactly one field is set, or none when the leader broke off. */
    record Outcome(CachedResponse response, ProxyError error, Live live, boolean timedOut) {
        static final Outcome BROKEN = new Outcome(null, null, null, false);
        static final Outcome TIMED_OUT = new Outcome(null, null, null, true);
    }

    /**
     * An event stream as the leader relays it: its status and storable headers, then each event as it arrives.
     * Holds at most {@code maxBytes}; past that, or when the upstream breaks off, followers are told it broke.
     */
    static final class Live {
        final int status;
        final Headers headers;
        private final long maxBytes;
        private final List<byte[]> pieces = new ArrayList<>();
        private long bytes;
        private boolean ended;
        private boolean clean;

        Live(int status, Headers headers, long maxBytes) {
            this.status = status;
            this.headers = headers;
            this.maxBytes = maxBytes;
        }

        synchronized void add(byte[] piece) {
            if (ended) {
                return;
            }
            bytes += piece.length;
            if (bytes > maxBytes) {
                end(false);
                return;
            }
            pieces.add(piece);
            notifyAll();
        }

        synchronized void end(boolean cleanly) {
            if (!ended) {
                ended = true;
                clean = cleanly;
                notifyAll();
            }
        }

        /**
         * Piece {@code index}, waiting up to {@code idle} for it to arrive; null after the last piece of a stream
         * that ended cleanly. Fails when the stream broke off or went silent.
         */
        synchronized byte[] piece(int index, Duration idle) throws IOException {
            long deadline = System.nanoTime() + idle.toNanos();
            while (index >= pieces.size() && !ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new InterruptedIOException("the identical request being followed went silent");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while following an identical request");
                }
            }
            if (index < pieces.size()) {
                return pieces.get(index);
            }
            if (!clean) {
                throw new IOException("the identical request being followed broke off");
            }
            return null;
        }
    }

    private final Map<CacheKey, Flight> registry;
    private final CacheKey key;
    private Outcome outcome;
    private Live live;

    /** A flight for {@code key}, which the caller puts into {@code registry}, where identical requests find it. */
    Flight(Map<CacheKey, Flight> registry, CacheKey key) {
        this.registry = registry;
        this.key = key;
    }

    /** From now on, requests for the key no longer join this flight; those already waiting still get its outcome. */
    void detach() {
        registry.remove(key, this);
    }

    /** The leader is about to relay an event stream that may be stored: waiters may follow it from here. */
    synchronized Live startLive(int status, Headers headers, long maxBytes) {
        live = new Live(status, headers, maxBytes);
        notifyAll();
        return live;
    }

    void complete(CachedResponse response) {
        end(response == null ? Outcome.BROKEN : new Outcome(response, null, null, false));
    }

    void fail(ProxyError error) {
        end(new Outcome(null, error, null, false));
    }

    void broke() {
        end(Outcome.BROKEN);
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
    synchronized Outcome await(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (outcome == null && live == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Outcome.TIMED_OUT;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return outcome != null ? outcome : new Outcome(null, null, live, false);
    }

    /** Waits at most {@code limit} for the outcome itself. */
    synchronized Outcome awaitOutcome(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (outcome == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Outcome.TIMED_OUT;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return outcome;
    }
}
