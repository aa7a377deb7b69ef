package dev.modelcache.replay;

import dev.modelcache.cache.CacheKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts identical requests for sequences (after VCR's cassettes that play each recorded answer once, and
 * WireMock's scenarios): the first request with a key is occurrence 1, the next identical one 2, and so on, until the
 * counts of a namespace (or all) are reset. The key already holds the namespace, so two namespaces never share a
 * count.
 */
public final class Sequences {
    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    /** The occurrence this request is: 1 for the first with {@code key} since start or the last reset. */
    public int next(String namespace, CacheKey key) {
        return counts.computeIfAbsent(namespace + "/" + key.hex(), k -> new AtomicInteger()).incrementAndGet();
    }

    /** The occurrence the next request with {@code key} will be, without counting one (an explanation peeks). */
    public int peek(String namespace, CacheKey key) {
        AtomicInteger count = counts.get(namespace + "/" + key.hex());
        return (count == null ? 0 : count.get()) + 1;
    }

    /** Starts the sequences of {@code namespace} (null: of every namespace) over; returns how many were reset. */
    public int reset(String namespace) {
        if (namespace == null) {
            int all = counts.size();
            counts.clear();
            return all;
        }
        int before = counts.size();
        counts.keySet().removeIf(k -> k.startsWith(namespace + "/"));
        return before - counts.size();
    }
}
