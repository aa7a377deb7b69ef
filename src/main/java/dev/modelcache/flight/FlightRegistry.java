package dev.modelcache.flight;

import dev.modelcache.cache.CacheKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The upstream calls in flight, one per cache key, after httpclient5-cache's {@code CacheRequestCollapser}: the
 * registry owns its map, and {@link #enter} hands out either the lead of a new flight or a place behind the one
 * already under way. A flight leaves the registry when its leader {@linkplain Flight#detach() detaches} it, so
 * requests that come later start a flight of their own.
 */
public final class FlightRegistry {
    private final ConcurrentMap<CacheKey, Flight> flights = new ConcurrentHashMap<>();

    /** Leads a new flight for {@code key}, or follows the one in flight. */
    public Ticket enter(CacheKey key) {
        Flight mine = new Flight(this, key);
        Flight current = flights.putIfAbsent(key, mine);
        return current == null ? new Ticket.Leader(mine) : new Ticket.Follower(current);
    }

    /** Flights that identical requests can still join. */
    public int size() {
        return flights.size();
    }

    void remove(CacheKey key, Flight flight) {
        flights.remove(key, flight);
    }
}
