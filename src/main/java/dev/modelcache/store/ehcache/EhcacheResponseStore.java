package dev.modelcache.store.ehcache;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.files.FileTrees;
import dev.modelcache.store.DurableResponseStore;
import dev.modelcache.store.Tier;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.ehcache.Cache;
import org.ehcache.PersistentCacheManager;
import org.ehcache.config.ResourceUnit;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheEventListenerConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.EntryUnit;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.core.spi.store.Store;
import org.ehcache.core.spi.store.heap.SizeOfEngine;
import org.ehcache.core.spi.store.heap.SizeOfEngineProvider;
import org.ehcache.event.CacheEventListener;
import org.ehcache.event.EventType;
import org.ehcache.expiry.ExpiryPolicy;
import org.ehcache.impl.internal.TimeSourceConfiguration;
import org.ehcache.spi.service.Service;
import org.ehcache.spi.service.ServiceConfiguration;
import org.ehcache.spi.service.ServiceProvider;

/**
 * The cache tiers in Ehcache 3: a heap tier bounded in bytes ({@code heapKB}; or, when that is 0, in entries) over
 * a persistent disk tier of {@code diskMB} in {@code <cache dir>/ehcache}, keyed by the hex key and holding
 * {@link CachedResponseBytes bytes}. An entry lives for its own lifetime ({@link CachedResponse#ttlMillis()})
 * when it has one, else for the store's time to live (zero: until evicted), counted from when it was put. A hit views its body in the held array
 * without copying it. Ehcache writes the disk tier's index on {@link #close()} only: after a crash the tiers start
 * empty and {@link DurableResponseStore} refills them from the record.
 *
 * <p>Ehcache splits the disk tier into segments (16 by default) and an entry must fit in one: an entry larger than
 * about {@code diskMB / 16} is evicted at once. Entries that large are kept in the record only.
 *
 * <p>Ehcache reads the time from the store's {@link Clock} (as its {@code TimeSource}), so that its expiry agrees
 * with the record's and a test can move time on instead of sleeping past a lifetime.
 */
public final class EhcacheResponseStore implements Tier {
    private static final Logger LOG = System.getLogger(EhcacheResponseStore.class.getName());
    static final String CACHE_NAME = "responses";
    /** Bytes counted for an entry besides its key's characters and its value: the holder objects. */
    private static final long ENTRY_OVERHEAD_BYTES = 96;
    /**
     * Ehcache 3.10+ logs "Byte based heap resources are deprecated" at INFO on this logger for every heap pool sized in
     * bytes. {@code cache/heapMB} is documented as a bound in bytes of stored answers, and an entry count cannot keep
     * that promise (answers range from bytes to a MiB), so the byte-sized heap stays and its notice, which tells an
     * operator nothing they can act on, is kept below WARNING. Held here because java.util.logging keeps loggers
     * weakly; a level configured for it by the operator is left alone.
     */
    private static final java.util.logging.Logger BYTE_HEAP_NOTICE =
            java.util.logging.Logger.getLogger("org.ehcache.impl.config.SizedResourcePoolImpl");

    private final PersistentCacheManager manager;
    private final Cache<String, byte[]> cache;
    private final LongAdder failures = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    /**
     * The durable store with these tiers in front: the record in {@code <cache dir>/records} (bounded by
     * {@code recordBytes}) and the tiers in {@code <cache dir>/ehcache} (heap bounded by {@code heapKB}, or by
     * {@code heapEntries} when that is 0), on the system clock.
     */
    public static DurableResponseStore durable(Path cacheDir, long heapKB, int heapEntries, long diskMB, Duration ttl,
                                               long recordBytes) {
        return durable(cacheDir, heapKB, heapEntries, diskMB, ttl, recordBytes, Clock.systemUTC());
    }

    /** The same, counting every age and lifetime, in the record and in the tiers, on {@code clock}. */
    public static DurableResponseStore durable(Path cacheDir, long heapKB, int heapEntries, long diskMB, Duration ttl,
                                               long recordBytes, Clock clock) {
        return DurableResponseStore.open(cacheDir, openOrEmpty(cacheDir, heapKB, heapEntries, diskMB, ttl, clock), ttl,
                recordBytes, clock);
    }

    /**
     * The tiers; if their folder cannot be opened it is emptied and opened again (the record has everything), and
     * if that fails too, none (null): the proxy answers from the record files alone rather than refusing to start.
     */
    static EhcacheResponseStore openOrEmpty(Path cacheDir, long heapKB, int heapEntries, long diskMB, Duration ttl,
                                            Clock clock) {
        for (int attempt = 1; ; attempt++) {
            try {
                return new EhcacheResponseStore(cacheDir, heapKB, heapEntries, diskMB, ttl, clock);
            } catch (RuntimeException e) {
                if (attempt == 2) {
                    LOG.log(Level.ERROR, "Ehcache cannot open in " + cacheDir.resolve("ehcache")
                            + "; answering from the record files alone: " + e);
                    return null;
                }
                LOG.log(Level.WARNING, "Ehcache cannot open in " + cacheDir.resolve("ehcache")
                        + "; emptying it, the record files still hold every entry: " + e);
                try {
                    FileTrees.delete(cacheDir.resolve("ehcache"));
                } catch (IOException deleteFailed) {
                    LOG.log(Level.WARNING, "cannot empty " + cacheDir.resolve("ehcache") + ": " + deleteFailed);
                }
            }
        }
    }

    /** The tiers on the system clock. */
    public EhcacheResponseStore(Path cacheDir, long heapKB, int heapEntries, long diskMB, Duration ttl) {
        this(cacheDir, heapKB, heapEntries, diskMB, ttl, Clock.systemUTC());
    }

    /** The tiers, with expiry counted on {@code clock}. */
    public EhcacheResponseStore(Path cacheDir, long heapKB, int heapEntries, long diskMB, Duration ttl, Clock clock) {
        if (heapKB > 0 && BYTE_HEAP_NOTICE.getLevel() == null) {
            BYTE_HEAP_NOTICE.setLevel(java.util.logging.Level.WARNING);
        }
        ResourcePoolsBuilder pools = heapKB > 0
                ? ResourcePoolsBuilder.newResourcePoolsBuilder().heap(heapKB, MemoryUnit.KB)
                : ResourcePoolsBuilder.newResourcePoolsBuilder().heap(heapEntries, EntryUnit.ENTRIES);
        CacheEventListener<String, byte[]> evicted = event -> evictions.increment();
        CacheConfigurationBuilder<String, byte[]> config = CacheConfigurationBuilder.newCacheConfigurationBuilder(
                        String.class, byte[].class, pools.disk(diskMB, MemoryUnit.MB, true))
                .withService(CacheEventListenerConfigurationBuilder.newEventListenerConfiguration(evicted, EventType.EVICTED)
                        .unordered().asynchronous())
                .withExpiry(new EntryTtl(ttl));
        CacheManagerBuilder<PersistentCacheManager> builder = CacheManagerBuilder.newCacheManagerBuilder()
                .with(CacheManagerBuilder.persistence(cacheDir.resolve("ehcache").toFile()))
                .using(new TimeSourceConfiguration(clock::millis));
        if (heapKB > 0) {
            builder = builder.using(new ExactSizeOf());
        }
        this.manager = builder.withCache(CACHE_NAME, config).build(true);
        this.cache = manager.getCache(CACHE_NAME, String.class, byte[].class);
    }

    @Override
    public Optional<CachedResponse> get(CacheKey key) {
        try {
            byte[] bytes = cache.get(key.hex());
            return bytes == null ? Optional.empty() : Optional.of(CachedResponseBytes.decode(bytes));
        } catch (IOException | RuntimeException e) {
            failed("read", key, e);
            remove(key);
            return Optional.empty();
        }
    }

    @Override
    public void put(CacheKey key, CachedResponse response) {
        try {
            cache.put(key.hex(), CachedResponseBytes.encode(response));
        } catch (RuntimeException e) {
            failed("write", key, e);
        }
    }

    @Override
    public void remove(CacheKey key) {
        try {
            cache.remove(key.hex());
        } catch (RuntimeException e) {
            failed("remove", key, e);
        }
    }

    /** How many reads and writes failed since start. */
    @Override
    public long failures() {
        return failures.sum();
    }

    /** Entries Ehcache evicted for space since start (from either tier; the record still holds them). */
    @Override
    public long evictions() {
        return evictions.sum();
    }

    private void failed(String what, CacheKey key, Exception e) {
        failures.increment();
        LOG.log(Level.WARNING, "cache " + what + " failed for key " + key + ", treated as a miss: " + e);
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * Expires an entry its own lifetime after it is put, or the store's {@code ttl} when it has none; zero is never.
     * A read leaves the expiry as it is. A value that does not decode gets the store's ttl, and {@link #get} drops it.
     */
    public static final class EntryTtl implements ExpiryPolicy<String, byte[]> {
        private final Duration ttl;

        public EntryTtl(Duration ttl) {
            this.ttl = ttl;
        }

        @Override
        public Duration getExpiryForCreation(String key, byte[] value) {
            Duration lifetime;
            try {
                lifetime = CachedResponseBytes.decode(value).ttl(ttl);
            } catch (IOException e) {
                lifetime = ttl;
            }
            return lifetime.isZero() ? ExpiryPolicy.INFINITE : lifetime;
        }

        @Override
        public Duration getExpiryForAccess(String key, Supplier<? extends byte[]> value) {
            return null;
        }

        @Override
        public Duration getExpiryForUpdate(String key, Supplier<? extends byte[]> oldValue, byte[] newValue) {
            return getExpiryForCreation(key, newValue);
        }
    }

    /**
     * Sizes heap entries exactly (key characters, value bytes, a fixed overhead) instead of walking the object
     * graph by reflection, which Java 17 forbids inside {@code java.lang.String} and which logs warnings.
     */
    public static final class ExactSizeOf implements SizeOfEngineProvider {
        @Override
        public SizeOfEngine createSizeOfEngine(ResourceUnit unit, ServiceConfiguration<?, ?>... configurations) {
            return new SizeOfEngine() {
                @Override
                public <K, V> long sizeof(K key, Store.ValueHolder<V> holder) {
                    Object value = holder.get();
                    long valueBytes = value instanceof byte[] bytes ? bytes.length : 0;
                    return ENTRY_OVERHEAD_BYTES + 2L * key.toString().length() + valueBytes;
                }
            };
        }

        @Override
        public void start(ServiceProvider<Service> serviceProvider) {
            // Stateless.
        }

        @Override
        public void stop() {
            // Stateless.
        }
    }
}
