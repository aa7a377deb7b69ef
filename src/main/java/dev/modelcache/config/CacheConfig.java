package dev.modelcache.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The cache's keys, {@code cache/...}: where it lives ({@code dir}), the heap tier ({@code heapEntries}), the disk
 * tier ({@code diskMB}), how long an entry lives ({@code ttl}, zero: until evicted) and the largest answer kept
 * ({@code maxEntryMB}, in bytes here).
 */
public record CacheConfig(Path dir, int heapEntries, long diskMB, Duration ttl, long maxEntryBytes) {
    public static final int DEFAULT_HEAP_ENTRIES = 1000;
    public static final long DEFAULT_DISK_MB = 1024;
    public static final long DEFAULT_TTL_SECONDS = 0;
    public static final long DEFAULT_MAX_ENTRY_MB = 64;

    static CacheConfig read(ConfigReader r) {
        Path dir = r.path("cache/dir", defaultDir());
        int heapEntries = (int) r.number("cache/heapEntries", DEFAULT_HEAP_ENTRIES, 1, 10_000_000);
        long diskMB = r.number("cache/diskMB", DEFAULT_DISK_MB, 1, 10_000_000);
        Duration ttl = r.seconds("cache/ttl", DEFAULT_TTL_SECONDS, 0, Long.MAX_VALUE / 1000);
        long maxEntryMB = r.number("cache/maxEntryMB", DEFAULT_MAX_ENTRY_MB, 1, 2047);
        if (maxEntryMB > diskMB) {
            throw new ConfigException("cache/maxEntryMB", "is " + maxEntryMB + " but the disk tier (cache/diskMB) holds only " + diskMB);
        }
        return new CacheConfig(dir, heapEntries, diskMB, ttl, maxEntryMB * 1024 * 1024);
    }

    /** {@code $XDG_CACHE_HOME/modelcache}, else {@code ~/.cache/modelcache}. */
    public static Path defaultDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("modelcache");
    }
}
