package dev.modelcache.cache;

import java.time.Duration;

/**
 * One entry as listings show it, read from its record's header: what was asked (provider, model, method, path,
 * the caller's partition, the namespace), when it was stored, its size, and its own lifetime ({@code ttlMillis},
 * 0 when the store's applies; the store decides when it expires).
 */
public record EntrySummary(String key, String provider, String model, String method, String path, String partition,
                           String namespace,
                           int status, boolean eventStream, long storedAtMillis, long bodyBytes, long fileBytes,
                           long ttlMillis) {
    /**
     * True when this entry has expired at {@code nowMillis} in a store whose lifetime is {@code storeTtl} (zero:
     * none): its own lifetime wins. A pinned entry never expires; that is the caller's to check.
     */
    public boolean expired(Duration storeTtl, long nowMillis) {
        return CachedResponse.expired(storedAtMillis, ttlMillis, storeTtl, nowMillis);
    }
}
