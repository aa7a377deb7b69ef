package dev.modelcache.store;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import java.util.Optional;

/**
 * A fast tier in front of the durable record ({@link DurableResponseStore}): it may lose anything at any time (the
 * record has every entry), so its operations never fail the caller; it only counts its own failures and
 * evictions. Ehcache's heap and disk tiers are the one implementation ({@code store.ehcache}); the durable store
 * knows them only through this interface, so that the store package does not depend on its backend.
 */
public interface Tier extends AutoCloseable {
    /** The entry held for {@code key}, or empty (absent, expired, or unreadable: a miss either way). */
    Optional<CachedResponse> get(CacheKey key);

    /** Holds {@code response} for {@code key}, replacing any; a failure is counted, never thrown. */
    void put(CacheKey key, CachedResponse response);

    void remove(CacheKey key);

    /**
     * Whether other instances write this tier too (the clustered tier): an entry there without a record here is
     * another instance's answer, served while it lives, not a leftover to drop.
     */
    default boolean shared() {
        return false;
    }

    /** Reads and writes that failed since start. */
    long failures();

    /** Entries the tier dropped for room since start (the record still has them). */
    long evictions();

    @Override
    void close();
}
