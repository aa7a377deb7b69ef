package dev.modelcache.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The cache's keys, {@code cache/...}: where it lives ({@code dir}); Ehcache's heap tier ({@code heapMB}, or
 * {@code heapEntries} when {@code heapMB} is 0) and disk tier ({@code diskMB}); the size bound of the record files
 * behind them ({@code recordMB}); how long an entry lives ({@code ttl}, zero: until the record is full); the
 * largest answer kept ({@code maxEntryMB}, in bytes here); and the secret salt of credential hashes
 * ({@code keySalt}, null for the per-installation one); the Terracotta cluster whose clustered tier several
 * instances share ({@code clusterUri}, null for none) and that tier's size ({@code clusterMB}). {@link #toString()}
 * never prints the salt.
 */
public record CacheConfig(Path dir, long heapMB, int heapEntries, long diskMB, long recordMB, Duration ttl,
                          long maxEntryBytes, String keySalt, URI clusterUri, long clusterMB) {
    /** Heap tier in MB; at most half the disk tier when not set explicitly. 0 bounds it by heapEntries instead. */
    public static final long DEFAULT_HEAP_MB = 32;
    public static final int DEFAULT_HEAP_ENTRIES = 1000;
    public static final long DEFAULT_DISK_MB = 1024;
    /** Size bound of the record files, the system of record behind Ehcache. */
    public static final long DEFAULT_RECORD_MB = 10240;
    public static final long DEFAULT_TTL_SECONDS = 0;
    public static final long DEFAULT_MAX_ENTRY_MB = 64;
    /** Shortest accepted cache/keySalt, in characters. */
    public static final int MIN_KEY_SALT_CHARS = 16;
    /** The clustered tier's dedicated pool, taken from the server's offheap resource (the kit's is 512 MB). */
    public static final long DEFAULT_CLUSTER_MB = 256;

    static CacheConfig read(ConfigReader r) {
        Path dir = r.path(ConfigKeys.CACHE_DIR, defaultDir());
        int heapEntries = (int) r.number(ConfigKeys.CACHE_HEAP_ENTRIES, 1, 10_000_000);
        long diskMB = r.number(ConfigKeys.CACHE_DISK_MB, 1, 10_000_000);
        long heapMB = r.number(ConfigKeys.CACHE_HEAP_MB, 0, 1_000_000);
        if (r.text(ConfigKeys.CACHE_HEAP_MB).isPresent() && heapMB >= diskMB) {
            throw new ConfigException(ConfigKeys.CACHE_HEAP_MB.key(), "is " + heapMB + " but must be smaller than the disk tier ("
                    + ConfigKeys.CACHE_DISK_MB.key() + " = " + diskMB + ")");
        }
        Duration ttl = r.seconds(ConfigKeys.CACHE_TTL, 0, Long.MAX_VALUE / 1000);
        long maxEntryMB = r.number(ConfigKeys.CACHE_MAX_ENTRY_MB, 1, 2047);
        long recordMB = r.number(ConfigKeys.CACHE_RECORD_MB, 1, 1_000_000_000);
        if (maxEntryMB > recordMB) {
            throw new ConfigException(ConfigKeys.CACHE_MAX_ENTRY_MB.key(), "is " + maxEntryMB + " but the record ("
                    + ConfigKeys.CACHE_RECORD_MB.key() + ") holds only " + recordMB);
        }
        String keySalt = r.text(ConfigKeys.CACHE_KEY_SALT).orElse(null);
        if (keySalt != null && keySalt.length() < MIN_KEY_SALT_CHARS) {
            // Never echo the value: it is a secret.
            throw new ConfigException(ConfigKeys.CACHE_KEY_SALT.key(), "is " + keySalt.length() + " characters long; at least "
                    + MIN_KEY_SALT_CHARS + " are needed (for example 64 hex digits from openssl rand -hex 32)");
        }
        URI clusterUri = clusterUri(r);
        long clusterMB = r.number(ConfigKeys.CACHE_CLUSTER_MB, 1, 10_000_000);
        if (clusterUri != null && keySalt == null) {
            throw new ConfigException(ConfigKeys.CACHE_KEY_SALT.key(), "must be set when " + ConfigKeys.CACHE_CLUSTER_URI.key()
                    + " is: instances that share a cluster must compute the same keys, and without it each instance "
                    + "salts its keys with its own per-installation salt, so none would ever hit another's entries");
        }
        return new CacheConfig(dir, heapMB, heapEntries, diskMB, recordMB, ttl, maxEntryMB * 1024 * 1024, keySalt,
                clusterUri, clusterMB);
    }

    /** {@code terracotta://host:port[,host:port...]/name}, or null when not set. */
    private static URI clusterUri(ConfigReader r) {
        String text = r.text(ConfigKeys.CACHE_CLUSTER_URI).map(String::strip).filter(t -> !t.isEmpty()).orElse(null);
        if (text == null) {
            return null;
        }
        if (text.contains("@")) {
            // Never echo the value: what precedes the @ would be a credential, and the log is no place for it.
            throw new ConfigException(ConfigKeys.CACHE_CLUSTER_URI.key(), "names a user (user@ or user:password@); "
                    + "the URI is logged, so it must hold no credential: terracotta://host:port/name");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(ConfigKeys.CACHE_CLUSTER_URI.key(), "is not a URI: " + e.getMessage());
        }
        if (!"terracotta".equals(uri.getScheme()) || uri.getRawAuthority() == null || uri.getPath() == null
                || uri.getPath().length() < 2) {
            throw new ConfigException(ConfigKeys.CACHE_CLUSTER_URI.key(), "is " + text + "; expected "
                    + "terracotta://host:port/name (a stripe as terracotta://host1:port,host2:port/name)");
        }
        return uri;
    }

    /** {@code $XDG_CACHE_HOME/modelcache}, else {@code ~/.cache/modelcache}. */
    public static Path defaultDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("modelcache");
    }

    /**
     * The heap tier's bound in KB: {@code heapMB}, but at most half the disk tier unless set explicitly (Ehcache
     * needs the heap smaller than the disk); 0 when the heap is bounded by {@link #heapEntries()} instead.
     */
    public long heapKB() {
        return heapMB == 0 ? 0 : Math.max(1, Math.min(heapMB * 1024, diskMB * 1024 / 2));
    }

    public long recordBytes() {
        return recordMB * 1024 * 1024;
    }

    @Override
    public String toString() {
        return "CacheConfig[dir=" + dir + ", heapMB=" + heapMB + ", heapEntries=" + heapEntries + ", diskMB=" + diskMB
                + ", recordMB=" + recordMB + ", ttl=" + ttl + ", maxEntryBytes=" + maxEntryBytes + ", keySalt="
                + (keySalt == null ? "none" : "set") + ", clusterUri=" + clusterUri + ", clusterMB=" + clusterMB + "]";
    }
}
