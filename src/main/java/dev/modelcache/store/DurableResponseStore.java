package dev.modelcache.store;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The store: a fast {@link Tier} (Ehcache's heap and disk tiers) in front of a crash-safe record of files behind it.
 * <ul>
 *   <li>put writes the record first, durably (temp file, fsync, atomic move), then the tiers; once put returns,
 *       the answer survives {@code kill -9}. An answer larger than {@link #TIER_ENTRY_LIMIT} stays out of the tiers:
 *       every hit streams it from its record file through a small buffer.</li>
 *   <li>get asks the tiers, then the record (after a restart, an eviction, or for a large answer), and refills the
 *       tiers with what the record gave. A tier entry whose record is gone or expired is dropped, unless the tier
 *       is {@link Tier#shared() shared} (another instance's answer has no record here).</li>
 *   <li>The record and the tiers of a key change together (a lock per stripe of keys), and a refill gives way to a
 *       put or removal made while it read the record: the tiers never hold an older answer than the record.</li>
 *   <li>Every failure is a miss and a log line, counted in {@link #stats()}; a record folder or Ehcache that cannot
 *       open is logged and the proxy runs without it rather than refusing to start.</li>
 * </ul>
 */
public final class DurableResponseStore implements ResponseStore {
    private static final Logger LOG = System.getLogger(DurableResponseStore.class.getName());
    /** Largest body kept in the Ehcache tiers; larger ones are read from their record file at every hit. */
    public static final long TIER_ENTRY_LIMIT = 1024 * 1024;
    private static final int STRIPES = 64;

    private final RecordStore record;
    private final Tier tier;
    private final Duration ttl;
    private final Clock clock;
    private final LongAdder reads = new LongAdder();
    private final LongAdder tierHits = new LongAdder();
    private final LongAdder recordHits = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder writeFailures = new LongAdder();
    private final LongAdder readFailures = new LongAdder();
    /** Puts and removals of keys in the same stripe run one at a time, and are counted for {@link #refill}. */
    private final Object[] stripes = new Object[STRIPES];
    private final AtomicLongArray generations = new AtomicLongArray(STRIPES);

    DurableResponseStore(RecordStore record, Tier tier, Duration ttl, Clock clock) {
        this.record = record;
        this.tier = tier;
        this.ttl = ttl;
        this.clock = clock;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /**
     * Opens the record in {@code <cache dir>/records} (bounded by {@code recordBytes}) behind {@code tier} (none when
     * null: every hit is read from its record file), counting every age and lifetime on {@code clock}. A record
     * folder that cannot be opened is logged, and answers are not stored until it is usable.
     */
    public static DurableResponseStore open(Path cacheDir, Tier tier, Duration ttl, long recordBytes, Clock clock) {
        RecordStore record = new RecordStore(cacheDir.resolve("records"), ttl, recordBytes, clock);
        try {
            record.open();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "cannot open the record folder " + cacheDir.resolve("records")
                    + "; answers will not be stored until it is usable: " + e);
        }
        return new DurableResponseStore(record, tier, ttl, clock);
    }

    @Override
    public Optional<CachedResponse> get(CacheKey key) {
        reads.increment();
        if (tier != null) {
            Optional<CachedResponse> hit = tier.get(key);
            if (hit.isPresent()) {
                boolean own = record.contains(key);
                if (own ? record.pinned(key.hex()) || !expired(hit.get()) : tier.shared() && !expired(hit.get())) {
                    tierHits.increment();
                    return hit;
                }
                tier.remove(key);
            }
        }
        try {
            long seen = writes(key);
            Optional<CachedResponse> loaded = record.get(key, TIER_ENTRY_LIMIT);
            if (loaded.isPresent()) {
                recordHits.increment();
                refill(key, loaded.get(), seen);
            }
            return loaded;
        } catch (IOException | RuntimeException e) {
            readFailures.increment();
            LOG.log(Level.WARNING, "cannot read the record of key " + key + ", treated as a miss: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Puts the record's answer back in the tiers, unless the key was written or removed since {@code seen} (an answer
     * read from the record just before a put must not replace the put's answer in the tiers).
     */
    void refill(CacheKey key, CachedResponse loaded, long seen) {
        if (tier == null || loaded.bodyLength() > TIER_ENTRY_LIMIT) {
            return;
        }
        int stripe = stripe(key);
        synchronized (stripes[stripe]) {
            if (generations.get(stripe) == seen) {
                tier.put(key, loaded);
            }
        }
    }

    /** How many writes and removals the key's stripe has seen: compared by {@link #refill}. */
    long writes(CacheKey key) {
        return generations.get(stripe(key));
    }

    /** Record and tiers change together per key, so two puts of one key cannot leave each with another answer. */
    @Override
    public boolean put(CacheKey key, RequestRecord request, CachedResponse response) {
        int stripe = stripe(key);
        synchronized (stripes[stripe]) {
            generations.incrementAndGet(stripe);
            try {
                record.put(key, request, response);
                writes.increment();
            } catch (IOException | RuntimeException e) {
                writeFailures.increment();
                LOG.log(Level.WARNING, "cannot write the record of key " + key + "; the answer is not stored: " + e);
                return false;
            }
            if (tier != null) {
                if (response.bodyLength() <= TIER_ENTRY_LIMIT) {
                    tier.put(key, response);
                } else {
                    tier.remove(key);
                }
            }
            return true;
        }
    }

    @Override
    public boolean remove(CacheKey key) {
        int stripe = stripe(key);
        synchronized (stripes[stripe]) {
            generations.incrementAndGet(stripe);
            if (tier != null) {
                tier.remove(key);
            }
            return record.remove(key);
        }
    }

    private static int stripe(CacheKey key) {
        return Math.floorMod(key.hex().hashCode(), STRIPES);
    }

    @Override
    public Optional<RequestRecord> request(CacheKey key) {
        return record.request(key);
    }

    @Override
    public List<EntrySummary> list(EntryFilter filter) {
        return record.list(filter);
    }

    @Override
    public List<EntrySummary> newest(PathGroup group, int limit) {
        return record.newest(group, limit);
    }

    @Override
    public boolean lists(CacheKey key) {
        return record.contains(key);
    }

    /** Entries of the record's index looked at by listings since start: a miss's work, counted (tests). */
    public long examined() {
        return record.examined();
    }

    @Override
    public boolean setPinned(CacheKey key, boolean pinned) {
        return record.setPinned(key, pinned);
    }

    @Override
    public boolean pinned(CacheKey key) {
        return record.pinned(key.hex());
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(record.count(), record.bytes(), record.maxBytes(), reads.sum(), tierHits.sum(),
                recordHits.sum(), writes.sum(), writeFailures.sum(), readFailures.sum(),
                tier == null ? 0 : tier.failures(), tier == null ? 0 : tier.evictions(), record.evictions(),
                record.expirations(), record.ignored());
    }

    private boolean expired(CachedResponse response) {
        return CachedResponse.expired(response.storedAtMillis(), response.ttlMillis(), ttl, clock.millis());
    }

    @Override
    public void close() {
        if (tier != null) {
            tier.close();
        }
    }
}
