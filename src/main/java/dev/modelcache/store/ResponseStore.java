package dev.modelcache.store;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import java.util.List;
import java.util.Optional;

/**
 * Where complete answers are kept, after httpclient5-cache's {@code HttpCacheStorage}: get, put, remove, and a
 * listing with a filter. A store failure never fails a request: {@link #get} answers empty (a miss) and
 * {@link #put} gives up, each after logging why and counting it in {@link #stats()}.
 */
public interface ResponseStore extends AutoCloseable {
    Optional<CachedResponse> get(CacheKey key);

    /** Stores {@code response} as the answer to {@code request}; true when it is stored, durable, as this returns. */
    boolean put(CacheKey key, RequestRecord request, CachedResponse response);

    /** Forgets the entry; true when there was one. */
    boolean remove(CacheKey key);

    /** The request the entry of {@code key} answers, as its record keeps it; empty when there is none. */
    Optional<RequestRecord> request(CacheKey key);

    /** The entries matching {@code filter}, newest first. */
    List<EntrySummary> list(EntryFilter filter);

    /**
     * At most {@code limit} entries of {@code group}, newest first: the first {@code limit} of what {@link #list}
     * shows of it. A store that keeps its entries grouped answers without looking at the others (the default lists
     * and filters them all).
     */
    default List<EntrySummary> newest(PathGroup group, int limit) {
        return list(new EntryFilter(group.provider(), null, group.path(), group.partition(), null)).stream()
                .filter(group::contains).limit(limit).toList();
    }

    /** Whether {@link #list} shows an entry of {@code key} (the default asks for the entry's request). */
    default boolean lists(CacheKey key) {
        return request(key).isPresent();
    }

    /**
     * Pins the entry of {@code key} (it is then never evicted for the size bound nor expired) or unpins it; pins
     * survive a restart. False when the store has no such entry of its own or cannot pin (the default: none can).
     */
    default boolean setPinned(CacheKey key, boolean pinned) {
        return false;
    }

    /** Whether the entry of {@code key} is pinned. */
    default boolean pinned(CacheKey key) {
        return false;
    }

    /** Counters since start, and the entries and bytes held now. */
    StoreStats stats();

    /** Releases files and threads. */
    @Override
    void close();
}
