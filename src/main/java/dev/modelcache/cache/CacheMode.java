package dev.modelcache.cache;

import java.util.Locale;
import java.util.Optional;

/**
 * What the cache does with the requests it may cache (after vcrpy's record modes and Hoverfly's modes), set for the
 * whole proxy by {@code cache/mode}, changed at runtime through {@code PUT /_cache/mode}, or for one request by the
 * {@code X-Cache-Mode} header.
 */
public enum CacheMode {
    /** Answer from the cache; on a miss call the provider and store its answer (the default). */
    READTHROUGH,
    /** Always call the provider, and store (replace) its answer. */
    RECORD,
    /** Never call the provider: a miss is {@code 504 cache_miss} with an explanation. Nothing leaves the machine. */
    REPLAY,
    /** Neither read nor store: every request goes to the provider, as if there were no cache. */
    PASSTHROUGH;

    /** The mode a header or setting names (any case), or empty for anything else. */
    public static Optional<CacheMode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (CacheMode mode : values()) {
            if (mode.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }

    /** The name as configured and shown: {@code readthrough}, {@code record}, {@code replay}, {@code passthrough}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
