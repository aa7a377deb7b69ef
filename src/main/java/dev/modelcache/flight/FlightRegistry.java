package dev.modelcache.flight;

import dev.modelcache.cache.CacheKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The upstream calls in flight, after httpclient5-cache's {@code CacheRequestCollapser}: the registry owns its map,
 * and {@link #enter} hands out either the lead of a new flight or a place behind the one already under way. A flight
 * stops taking newcomers when its leader {@linkplain Flight#detach() detaches} it or it ends, so requests that come
 * later start a flight of their own.
 *
 * <p>Every call to a provider for a key is a flight here, also one made {@linkplain #alone alone}, and each gets its
 * place in one order at its start. That order serves two rules that keep the store from going back in time:
 * <ul>
 *   <li>A flight whose storable answer is {@linkplain Flight#answering on its way} to its client is what a read of
 *       the key follows ({@link #answering}) instead of the store, until the answer is stored: a request that starts
 *       after a client had an answer never reads the entry that answer replaces.</li>
 *   <li>{@link Flight#store} stores only if no flight of the key that started later has stored already: an answer
 *       stored late never overwrites a newer one.</li>
 * </ul>
 * What a key needs for these rules (its {@link Lane}) lives only while a flight of that key is alive.
 */
public final class FlightRegistry {
    private final ConcurrentMap<CacheKey, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicLong starts = new AtomicLong();

    /** The flights alive for one key: which one newcomers join, which one reads follow, the newest stored. */
    static final class Lane {
        /** Flights created and not yet closed; changed only inside {@code lanes.compute}. */
        int alive;
        /** Guarded by the lane. */
        Flight joinable;
        /** Guarded by the lane: the latest-started flight whose storable answer is on its way. */
        Flight answering;
        /** Serialises the stores of the key, compare and put together. */
        final Object storing = new Object();
        /** The start of the newest flight that stored; written under {@link #storing}. */
        volatile long newestStored;
    }

    /** Leads a new flight for {@code key}, or follows the one in flight. */
    public Ticket enter(CacheKey key) {
        return enter(key, false);
    }

    /**
     * Leads a new flight for {@code key}, or follows the one in flight. A {@code fresh} request (one that may not be
     * answered from the store: a refresh) does not follow a flight whose answer is already on its way to a client,
     * for that answer may be one the client has had: it leads a new flight, which newcomers join from then on.
     */
    public Ticket enter(CacheKey key, boolean fresh) {
        Lane lane = hold(key);
        Flight joined;
        synchronized (lane) {
            joined = lane.joinable;
            if (joined == null || fresh && joined.answering) {
                Flight mine = new Flight(this, key, lane, starts.incrementAndGet());
                lane.joinable = mine;
                return new Ticket.Leader(mine);
            }
        }
        release(key);
        return new Ticket.Follower(joined);
    }

    /**
     * A flight for a request that calls the provider itself whatever is in flight ({@code X-Cache-Coalesce: off}, or
     * one that waited too long): newcomers join it only when no other flight of the key takes them.
     */
    public Flight alone(CacheKey key) {
        Lane lane = hold(key);
        synchronized (lane) {
            Flight mine = new Flight(this, key, lane, starts.incrementAndGet());
            if (lane.joinable == null || lane.joinable.answering) {
                lane.joinable = mine;
            }
            return mine;
        }
    }

    /**
     * The latest-started flight of {@code key} whose storable answer is on its way to its client and not yet stored,
     * or null: a read of the key follows it rather than read an entry it is about to replace.
     */
    public Flight answering(CacheKey key) {
        Lane lane = lanes.get(key);
        if (lane == null) {
            return null;
        }
        synchronized (lane) {
            return lane.answering;
        }
    }

    /** Flights that identical requests can still join. */
    public int size() {
        int joinable = 0;
        for (Lane lane : lanes.values()) {
            synchronized (lane) {
                joinable += lane.joinable != null ? 1 : 0;
            }
        }
        return joinable;
    }

    /** Keys with a flight alive (created and not closed). */
    int lanes() {
        return lanes.size();
    }

    private Lane hold(CacheKey key) {
        return lanes.compute(key, (k, lane) -> {
            Lane held = lane == null ? new Lane() : lane;
            held.alive++;
            return held;
        });
    }

    /** One flight of {@code key} (or one that was not made) is done with its lane. */
    void release(CacheKey key) {
        lanes.computeIfPresent(key, (k, lane) -> --lane.alive == 0 ? null : lane);
    }
}
