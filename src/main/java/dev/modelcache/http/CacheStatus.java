package dev.modelcache.http;

/** What the cache did for one exchange, sent to the client as {@code X-Cache}. */
public enum CacheStatus {
    /** Answered from the cache (or from an identical request in flight): the provider was not called. */
    HIT,
    /** Looked up, not found: the provider answered. */
    MISS,
    /** The cache was neither read nor written. */
    BYPASS,
    /** The lookup was skipped on request and the provider's fresh answer replaced the entry. */
    REFRESH
}
