package dev.modelcache.cache;

import java.time.Duration;

/**
 * Which entries a listing shows: each non-null field must match exactly (the path as a prefix), and the entry be
 * no older than {@code maxAge}. {@link #ALL} matches everything.
 */
public record EntryFilter(String provider, String model, String path, String partition, String namespace,
                          Duration maxAge) {
    public static final EntryFilter ALL = new EntryFilter(null, null, null, null, null, null);

    /** Without a namespace condition. */
    public EntryFilter(String provider, String model, String path, String partition, Duration maxAge) {
        this(provider, model, path, partition, null, maxAge);
    }

    public boolean matches(EntrySummary entry, long nowMillis) {
        return (provider == null || provider.equals(entry.provider()))
                && (model == null || model.equals(entry.model()))
                && (path == null || (entry.path() != null && entry.path().startsWith(path)))
                && (partition == null || partition.equals(entry.partition()))
                && (namespace == null || namespace.equals(entry.namespace()))
                && (maxAge == null || nowMillis - entry.storedAtMillis() <= maxAge.toMillis());
    }
}
