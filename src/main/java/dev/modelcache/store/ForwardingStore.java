package dev.modelcache.store;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import java.util.List;
import java.util.Optional;

/**
 * A store that passes every call to another, for a wrapper that changes one or two of them (counting the answers
 * an export reads, say). Every method forwards, the pins included: a wrapper written out by hand forgets the
 * interface's default methods and silently answers "not pinned".
 */
public abstract class ForwardingStore implements ResponseStore {
    private final ResponseStore store;

    protected ForwardingStore(ResponseStore store) {
        this.store = store;
    }

    /** The store calls go to. */
    protected final ResponseStore delegate() {
        return store;
    }

    @Override
    public Optional<CachedResponse> get(CacheKey key) {
        return store.get(key);
    }

    @Override
    public boolean put(CacheKey key, RequestRecord request, CachedResponse response) {
        return store.put(key, request, response);
    }

    @Override
    public boolean remove(CacheKey key) {
        return store.remove(key);
    }

    @Override
    public Optional<RequestRecord> request(CacheKey key) {
        return store.request(key);
    }

    @Override
    public List<EntrySummary> list(EntryFilter filter) {
        return store.list(filter);
    }

    @Override
    public boolean setPinned(CacheKey key, boolean pinned) {
        return store.setPinned(key, pinned);
    }

    @Override
    public boolean pinned(CacheKey key) {
        return store.pinned(key);
    }

    @Override
    public StoreStats stats() {
        return store.stats();
    }

    @Override
    public void close() {
        store.close();
    }
}
