package dev.modelcache.store;

import static dev.modelcache.store.RecordFixtures.assertSameAnswer;
import static dev.modelcache.store.RecordFixtures.key;
import static dev.modelcache.store.RecordFixtures.plain;
import static dev.modelcache.store.RecordFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tier other instances write too (the clustered tier, issue 20): an entry there that this instance's record does
 * not hold is another instance's answer, served while it lives and left in the tier; an entry of this instance's is
 * published to the tier when its record gives it. A tier of this instance's alone keeps dropping entries without a
 * record (they are leftovers of removed or evicted records).
 */
class SharedTierTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(10_000), ZoneOffset.UTC);

    @TempDir
    Path dir;

    /** A tier in a map, as Ehcache's clustered tier holds it for every instance. */
    static final class MapTier implements Tier {
        final Map<CacheKey, CachedResponse> entries = new ConcurrentHashMap<>();
        private final boolean shared;

        MapTier(boolean shared) {
            this.shared = shared;
        }

        @Override
        public Optional<CachedResponse> get(CacheKey key) {
            return Optional.ofNullable(entries.get(key));
        }

        @Override
        public void put(CacheKey key, CachedResponse response) {
            entries.put(key, response);
        }

        @Override
        public void remove(CacheKey key) {
            entries.remove(key);
        }

        @Override
        public boolean shared() {
            return shared;
        }

        @Override
        public long failures() {
            return 0;
        }

        @Override
        public long evictions() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private DurableResponseStore open(Path folder, Tier tier, Duration ttl) {
        return DurableResponseStore.open(folder, tier, ttl, Long.MAX_VALUE, CLOCK);
    }

    @Test
    void anotherInstancesEntryInASharedTierIsServedAndLeftThere() {
        MapTier cluster = new MapTier(true);
        try (DurableResponseStore a = open(dir.resolve("a"), cluster, Duration.ZERO);
             DurableResponseStore b = open(dir.resolve("b"), cluster, Duration.ZERO)) {
            CachedResponse answer = plain("{\"x\":1}", 9_000);
            assertTrue(a.put(key(1), request(), answer));
            assertSameAnswer(answer, b.get(key(1)).orElseThrow());
            assertTrue(cluster.entries.containsKey(key(1)), "B's hit leaves A's entry in the cluster");
            assertEquals(1, b.stats().tierHits());
            assertFalse(b.lists(key(1)), "B's record, its own, does not list A's entry");
        }
    }

    @Test
    void anEntryFoundOnlyInTheRecordIsPublishedToTheSharedTier() {
        MapTier cluster = new MapTier(true);
        CachedResponse answer = plain("{\"x\":2}", 9_000);
        try (DurableResponseStore a = open(dir.resolve("a"), cluster, Duration.ZERO)) {
            assertTrue(a.put(key(2), request(), answer));
            cluster.entries.clear(); // the whole stripe restarted: the open-source server keeps nothing
            assertSameAnswer(answer, a.get(key(2)).orElseThrow());
            assertSameAnswer(answer, cluster.entries.get(key(2)));
        }
    }

    @Test
    void anExpiredEntryInASharedTierIsNotServed() {
        MapTier cluster = new MapTier(true);
        try (DurableResponseStore a = open(dir.resolve("a"), cluster, Duration.ofSeconds(5));
             DurableResponseStore b = open(dir.resolve("b"), cluster, Duration.ofSeconds(5))) {
            assertTrue(a.put(key(3), request(), plain("{\"x\":3}", 1_000))); // stored 9 s before now, lives 5 s
            assertTrue(b.get(key(3)).isEmpty());
        }
    }

    @Test
    void aTierOfThisInstanceAloneStillDropsAnEntryWithoutARecord() {
        MapTier local = new MapTier(false);
        try (DurableResponseStore a = open(dir.resolve("a"), local, Duration.ZERO)) {
            local.put(key(4), plain("{\"x\":4}", 9_000));
            assertTrue(a.get(key(4)).isEmpty());
            assertFalse(local.entries.containsKey(key(4)));
        }
    }
}
