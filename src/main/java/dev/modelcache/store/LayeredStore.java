package dev.modelcache.store;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The proxy's own store in front of a read-only one (the cassettes, {@code CassetteStore#behind}): a look-up asks the primary store first, then the
 * cassettes; a listing shows both (the primary's entry when both have a key); put and remove change the primary
 * only, so an answer recorded afresh shadows the cassette's without touching the files in git. The statistics are
 * the primary's.
 */
public final class LayeredStore implements ResponseStore {
    private final ResponseStore primary;
    private final ResponseStore cassettes;

    public LayeredStore(ResponseStore primary, ResponseStore cassettes) {
        this.primary = primary;
        this.cassettes = cassettes;
    }

    @Override
    public Optional<CachedResponse> get(CacheKey key) {
        Optional<CachedResponse> hit = primary.get(key);
        return hit.isPresent() ? hit : cassettes.get(key);
    }

    @Override
    public boolean put(CacheKey key, RequestRecord request, CachedResponse response) {
        return primary.put(key, request, response);
    }

    @Override
    public boolean remove(CacheKey key) {
        return primary.remove(key);
    }

    @Override
    public Optional<RequestRecord> request(CacheKey key) {
        Optional<RequestRecord> request = primary.request(key);
        return request.isPresent() ? request : cassettes.request(key);
    }

    @Override
    public List<EntrySummary> list(EntryFilter filter) {
        Map<String, EntrySummary> both = new LinkedHashMap<>();
        for (EntrySummary entry : cassettes.list(filter)) {
            both.put(entry.key(), entry);
        }
        for (EntrySummary entry : primary.list(filter)) {
            both.put(entry.key(), entry);
        }
        return both.values().stream()
                .sorted(Comparator.comparingLong(EntrySummary::storedAtMillis).reversed().thenComparing(EntrySummary::key))
                .toList();
    }

    /**
     * The newest of each store's newest, the primary's entry when both have a key: a cassette's entry whose key the
     * primary holds (perhaps older, past the primary's {@code limit} newest) is not one {@link #list} would show.
     */
    @Override
    public List<EntrySummary> newest(PathGroup group, int limit) {
        Map<String, EntrySummary> both = new LinkedHashMap<>();
        for (EntrySummary entry : primary.newest(group, limit)) {
            both.put(entry.key(), entry);
        }
        for (EntrySummary entry : cassettes.newest(group, limit)) {
            if (!both.containsKey(entry.key()) && !primary.lists(new CacheKey(entry.key()))) {
                both.put(entry.key(), entry);
            }
        }
        return both.values().stream()
                .sorted(Comparator.comparingLong(EntrySummary::storedAtMillis).reversed().thenComparing(EntrySummary::key))
                .limit(limit).toList();
    }

    @Override
    public boolean lists(CacheKey key) {
        return primary.lists(key) || cassettes.lists(key);
    }

    @Override
    public boolean setPinned(CacheKey key, boolean pinned) {
        return primary.setPinned(key, pinned);
    }

    @Override
    public boolean pinned(CacheKey key) {
        return primary.pinned(key);
    }

    @Override
    public StoreStats stats() {
        return primary.stats();
    }

    @Override
    public void close() {
        try {
            primary.close();
        } finally {
            cassettes.close();
        }
    }
}
