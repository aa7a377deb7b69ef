package dev.modelcache.launcher;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.store.ForwardingStore;
import dev.modelcache.store.ResponseStore;
import java.util.Optional;

/**
 * The store an export reads, telling {@link Progress} of every answer read: an export reads each entry's answer
 * once, as it writes its cassette, so an answer read is an entry done. Everything else passes through.
 */
final class CountingStore extends ForwardingStore {
    private final Progress progress;

    CountingStore(ResponseStore store, Progress progress) {
        super(store);
        this.progress = progress;
    }

    @Override
    public Optional<CachedResponse> get(CacheKey key) {
        Optional<CachedResponse> answer = delegate().get(key);
        answer.ifPresent(response -> progress.entry(response.bodyLength()));
        return answer;
    }
}
