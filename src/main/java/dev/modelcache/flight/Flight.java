package dev.modelcache.flight;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.stream.ReadableCopy;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One upstream call in progress for a cache key, which identical requests wait on instead of calling the provider
 * themselves. While the leader relays an event stream that may be stored, followers follow it
 * {@linkplain LiveStream live}. The leader ends the flight exactly once: with the complete answer (any status:
 * later followers replay it), with the proxy's error for a call that failed, before or during the answer (followers
 * answer the same, so a provider that breaks off is called once however many wait), or broken (the leader gave up
 * for reasons of its own, or its answer will not be kept: followers make their own attempt). Once ended it takes no
 * newcomers.
 */
public final class Flight {
    private final FlightRegistry registry;
    private final CacheKey key;
    private final FlightRegistry.Lane lane;
    private final long start;
    /** Guarded by the lane: its storable answer is on its way to the leader's client. */
    boolean answering;
    private Outcome outcome;
    /** The provider's answer has arrived whole, or the flight ended: who comes now did not overlap the call. */
    private volatile boolean landed;
    private LiveStream live;
    private boolean closed;
    /** Told the outcome when the flight ends (followers relayed without a thread; see {@link #whenEnded}). */
    private List<Consumer<Outcome>> enders;

    Flight(FlightRegistry registry, CacheKey key, FlightRegistry.Lane lane, long start) {
        this.registry = registry;
        this.key = key;
        this.lane = lane;
        this.start = start;
    }

    /** From now on, requests for the key no longer join this flight; those already waiting still get its outcome. */
    public void detach() {
        synchronized (lane) {
            if (lane.joinable == this) {
                lane.joinable = null;
            }
        }
    }

    /**
     * The provider's answer has come and its head is about to go to the leader's client. An answer that may be
     * stored is, from now until it is, what reads of the key follow (unless a flight that started later already
     * stored or answers); one that will not be stored stops taking newcomers. Said again with false once a storable
     * status turned out not to be kept (a stream cut short), reads stop following it too.
     */
    public void answering(boolean storable) {
        if (!storable) {
            detach();
            synchronized (lane) {
                if (lane.answering == this) {
                    lane.answering = null;
                }
            }
            return;
        }
        synchronized (lane) {
            answering = true;
            if (start > lane.newestStored && (lane.answering == null || lane.answering.start < start)) {
                lane.answering = this;
            }
        }
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

    /**
     * Stores this flight's answer with {@code put}, unless a flight of the same key that started later has stored
     * already: an answer that comes (or is stored) late must not replace a newer one. The stores of a key run one at a
     * time. True when {@code put} ran and succeeded.
     */
    public boolean store(BooleanSupplier put) {
        synchronized (lane.storing) {
            if (lane.newestStored > start) {
                return false;
            }
            boolean stored = put.getAsBoolean();
            if (stored) {
                lane.newestStored = start;
            }
            return stored;
        }
    }

    /**
     * The provider's answer has arrived whole (its client is about to have its last byte; storing follows). A request
     * that finds the flight after this did not overlap the call: it reads a finished answer, as it would from the
     * store, and is not counted as coalesced.
     */
    public void landed() {
        landed = true;
    }

    /**
     * True while the provider's answer is still on its way: a request that starts waiting now overlapped the call in
     * flight (it is coalesced); false once it {@linkplain #landed() landed} or the flight ended.
     */
    public boolean underway() {
        return !landed;
    }

    /** The leader's complete answer; null means it was not kept (too large), which counts as broken. */
    public void complete(CachedResponse response) {
        end(response == null ? Outcome.BROKEN : new Outcome.Answered(response));
    }

    /** The call failed: the proxy's error, which followers answer too. */
    public void fail(ProxyError error) {
        end(new Outcome.Failed(error));
    }

    /** Ends the flight as broken unless it already ended: the leader's last word, in a finally. */
    public void close() {
        end(Outcome.BROKEN);
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        registry.release(key);
    }

    private void end(Outcome result) {
        List<Consumer<Outcome>> told;
        synchronized (this) {
            if (outcome != null) {
                return;
            }
            outcome = result;
            landed = true;
            if (live != null) {
                live.end(false);
            }
            notifyAll();
            told = enders;
            enders = null;
        }
        if (told != null) {
            told.forEach(ender -> ender.accept(result));
        }
        synchronized (lane) {
            if (lane.joinable == this) {
                lane.joinable = null;
            }
            if (lane.answering == this) {
                lane.answering = null;
            }
        }
    }

    /** Waits at most {@code limit} for the outcome, or for a live stream to follow, whichever comes first. */
    public Outcome await(Duration limit) throws InterruptedIOException {
        return await(limit, true);
    }

    /**
     * Tells {@code then} the outcome once the flight has ended, on the thread that ends it (at once when it has), as
     * {@link #awaitEnd} does for a caller that may wait. Every flight ends: its leader closes it in a finally.
     */
    public void whenEnded(Consumer<Outcome> then) {
        Outcome now;
        synchronized (this) {
            if (outcome == null) {
                if (enders == null) {
                    enders = new ArrayList<>();
                }
                enders.add(then);
                return;
            }
            now = outcome;
        }
        then.accept(now);
    }

    /** Waits at most {@code limit} for the outcome itself (not a live stream). */
    public Outcome awaitEnd(Duration limit) throws InterruptedIOException {
        return await(limit, false);
    }

    /** Waits at most {@code limit} for the outcome, or ({@code liveWillDo}) for a live stream to follow. */
    public synchronized Outcome await(Duration limit, boolean liveWillDo) throws InterruptedIOException {
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
