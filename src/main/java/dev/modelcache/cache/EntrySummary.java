package dev.modelcache.cache;

/**
 * One entry as listings show it, read from its record's header: what was asked (provider, model, method, path,
 * the caller's partition, the namespace), when it was stored, its size, and its own lifetime ({@code ttlMillis},
 * 0 when the store's applies; the store decides when it expires).
 */
public record EntrySummary(String key, String provider, String model, String method, String path, String partition,
                           String namespace,
                           int status, boolean eventStream, long storedAtMillis, long bodyBytes, long fileBytes,
                           long ttlMillis) {
}
