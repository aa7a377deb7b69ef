package dev.modelcache.cache;

import java.util.Optional;

/**
 * Where complete answers are kept. A store failure never fails a request: {@link #get} answers empty (a miss)
 * and {@link #put} gives up, each after logging why.
 */
public interface ResponseStore extends AutoCloseable {
    Optional<CachedResponse> get(CacheKey key);

    void put(CacheKey key, CachedResponse response);

    /** Releases files and threads; the persistent tier is written out so that it survives a restart. */
    @Override
    void close();
}
