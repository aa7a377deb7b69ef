package dev.modelcache;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachePolicy.Decision;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.cache.ResponseStore;
import dev.modelcache.http.Exchange;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.replay.Misses;
import dev.modelcache.replay.Sequences;
import java.util.Optional;

/**
 * Which stored answer a request may have: its record and key (its place in a {@link Sequences sequence}
 * included), and the look-up, which takes an entry only when it is fresh enough for the request's {@code max-age}
 * and, for a sequence past its last recorded answer when the provider may not be called, falls back to that last
 * answer ({@code cache/sequenceEnd = repeat}). Every entry found counts as used in the replay report.
 */
final class StoredAnswers {
    /** The request as its record keeps it, and its key. */
    record Identity(RequestRecord request, CacheKey key) {
    }

    private final CacheKeyFactory keys;
    private final ResponseStore store;
    private final Sequences sequences;
    private final Misses misses;
    private final boolean repeatLast;

    StoredAnswers(CacheKeyFactory keys, ResponseStore store, Sequences sequences, Misses misses, boolean repeatLast) {
        this.keys = keys;
        this.store = store;
        this.sequences = sequences;
        this.misses = misses;
        this.repeatLast = repeatLast;
    }

    Identity identify(ModelProvider provider, Exchange exchange, Decision decision) {
        RequestRecord request = RequestRecord.of(provider, exchange, keys, decision.namespace());
        if (decision.sequence()) {
            request = request.inSequence(sequences.next(decision.namespace(), keys.create(request)));
        }
        return new Identity(request, keys.create(request));
    }

    Optional<CachedResponse> find(Identity identity, Decision decision) {
        long now = System.currentTimeMillis();
        CacheKey key = identity.key();
        Optional<CachedResponse> hit = store.get(key).filter(entry -> decision.fresh(entry.storedAtMillis(), now));
        boolean fallBack = repeatLast && !decision.upstream();
        for (int n = identity.request().sequence() - 1; hit.isEmpty() && fallBack && n >= 1; n--) {
            key = keys.create(identity.request().inSequence(n));
            hit = store.get(key);
        }
        if (hit.isPresent()) {
            misses.used(key);
        }
        return hit;
    }
}
