package dev.modelcache.launcher;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.store.StoreStats;
import java.util.List;
import java.util.Optional;

/**
 * The store an export reads, telling {@link Progress} of every answer read: an export reads each entry's answer
 * once, as it writes its cassette, so an answer read is an entry done. Everything else passes through.
 */
final class CountingStore implements ResponseStore {
    private final ResponseStore store;
    private final Progress progress;

    CountingStore(ResponseStore store, Progress progress) {
        this.store = store;
        this.progress = progress;
    }

    @Override
    public Optional<CachedResponse> get(CacheKey key) {
        Optional<CachedResponse> answer = store.get(key);
        answer.ifPresent(response -> progress.entry(response.bodyLength()));
        return answer;
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
    public StoreStats stats() {
        return store.stats();
    }

    @Override
    public void close() {
        store.close();
    }
}
