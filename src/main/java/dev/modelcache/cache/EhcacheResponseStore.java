package dev.modelcache.cache;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.ehcache.Cache;
import org.ehcache.PersistentCacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ExpiryPolicyBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.EntryUnit;
import org.ehcache.config.units.MemoryUnit;

/**
 * The cache in Ehcache 3: a heap tier of {@code heapEntries} entries over a persistent disk tier of {@code diskMB}
 * in {@code <cache dir>/ehcache}, keyed by the hex key and holding {@link CachedResponse#toBytes() bytes}, with an
 * optional time to live. Ehcache writes the disk tier's index on {@link #close()}; a proxy stopped without it
 * starts with an empty cache.
 */
public final class EhcacheResponseStore implements ResponseStore {
    private static final Logger LOG = System.getLogger(EhcacheResponseStore.class.getName());
    static final String CACHE_NAME = "responses";

    private final PersistentCacheManager manager;
    private final Cache<String, byte[]> cache;
    private final LongAdder failures = new LongAdder();

    public EhcacheResponseStore(Path cacheDir, int heapEntries, long diskMB, Duration ttl) {
        CacheConfigurationBuilder<String, byte[]> config = CacheConfigurationBuilder.newCacheConfigurationBuilder(
                String.class, byte[].class,
                ResourcePoolsBuilder.newResourcePoolsBuilder()
                        .heap(heapEntries, EntryUnit.ENTRIES)
                        .disk(diskMB, MemoryUnit.MB, true));
        if (!ttl.isZero()) {
            config = config.withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(ttl));
        }
        this.manager = CacheManagerBuilder.newCacheManagerBuilder()
                .with(CacheManagerBuilder.persistence(cacheDir.resolve("ehcache").toFile()))
                .withCache(CACHE_NAME, config)
                .build(true);
        this.cache = manager.getCache(CACHE_NAME, String.class, byte[].class);
    }

    @Override
    public Optional<CachedResponse> get(CacheKey key) {
        try {
            byte[] bytes = cache.get(key.hex());
            return bytes == null ? Optional.empty() : Optional.of(CachedResponse.fromBytes(bytes));
        } catch (IOException | RuntimeException e) {
            failed("read", key, e);
            return Optional.empty();
        }
    }

    @Override
    public void put(CacheKey key, CachedResponse response) {
        try {
            cache.put(key.hex(), response.toBytes());
        } catch (RuntimeException e) {
            failed("write", key, e);
        }
    }

    /** How many reads and writes failed since start. */
    public long failures() {
        return failures.sum();
    }

    private void failed(String what, CacheKey key, Exception e) {
        failures.increment();
        LOG.log(Level.WARNING, "cache " + what + " failed for key " + key + ", treated as a miss: " + e);
    }

    @Override
    public void close() {
        manager.close();
    }
}
