package dev.modelcache.store;

import static dev.modelcache.store.RecordFixtures.key;
import static dev.modelcache.store.RecordFixtures.plain;
import static dev.modelcache.store.RecordFixtures.request;
import static dev.modelcache.store.RecordFixtures.stream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.Body;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableResponseStoreTest {
    private static final long HEAP_KB = 2048;
    private static final long DISK_MB = 8;

    @TempDir
    Path dir;

    private DurableResponseStore open() {
        return open(Duration.ZERO);
    }

    private DurableResponseStore open(Duration ttl) {
        return EhcacheResponseStore.durable(dir, HEAP_KB, 0, DISK_MB, ttl, Long.MAX_VALUE);
    }

    /** What kill -9 leaves of Ehcache: a disk tier without its index, which it discards. */
    private void loseTheTiers() throws IOException {
        try (Stream<Path> paths = Files.walk(dir.resolve("ehcache"))) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void anAnswerReadFromTheRecordBeforeAPutDoesNotReplaceThePutsAnswerInTheTiers() throws IOException {
        try (DurableResponseStore store = open()) {
            store.put(key(1), request(), plain("{\"x\":\"old\"}", 1000));
            CachedResponse readBefore = store.get(key(1)).orElseThrow();
            long seen = store.writes(key(1));
            store.put(key(1), request(), plain("{\"x\":\"new\"}", 2000));
            store.refill(key(1), readBefore, seen); // the read's refill comes after the put
            assertArrayEquals(plain("{\"x\":\"new\"}", 2000).body(), store.get(key(1)).orElseThrow().body());
        }
    }

    @Test
    void answersComeBackFromTheRecordWhenTheTiersAreLost() throws IOException {
        try (DurableResponseStore store = open()) {
            store.put(key(1), request(), plain("{\"x\":1}", 1000));
            store.put(key(2), request(), stream(1000));
        }
        loseTheTiers();
        try (DurableResponseStore store = open()) {
            assertArrayEquals(plain("{\"x\":1}", 1000).body(), store.get(key(1)).orElseThrow().body());
            CachedResponse streamed = store.get(key(2)).orElseThrow();
            assertArrayEquals(stream(1000).body(), streamed.body());
            assertEquals(stream(1000).chunks(), streamed.chunks());
            assertEquals(2, store.stats().recordHits());
            store.get(key(1));
            assertEquals(1, store.stats().tierHits(), "the record refilled the tiers");
        }
    }

    @Test
    void anOwnTtlWinsOverTheStoresOnTierHitsAndFromTheRecordAfterARestart() throws IOException {
        long now = System.currentTimeMillis();
        Duration hour = Duration.ofHours(1);
        try (DurableResponseStore store = open(Duration.ofSeconds(60))) {
            store.put(key(1), request(), plain("{}", now - 120_000).withTtl(hour));
            store.put(key(2), request(), plain("{}", now - 120_000));
            store.put(key(3), request(), plain("{}", now - 2_000).withTtl(Duration.ofSeconds(1)));
            assertTrue(store.get(key(1)).isPresent(), "its own hour is not over");
            assertEquals(1, store.stats().tierHits());
            assertEquals(Optional.empty(), store.get(key(2)), "the store's minute is over");
            assertEquals(Optional.empty(), store.get(key(3)), "its own second is over");
            assertEquals(1, store.stats().entries(), "expired records are deleted");
        }
        loseTheTiers();
        try (DurableResponseStore store = open(Duration.ofSeconds(60))) {
            assertEquals(hour.toMillis(), store.get(key(1)).orElseThrow().ttlMillis());
            assertEquals(1, store.stats().recordHits());
            assertEquals(hour.toMillis(), store.get(key(1)).orElseThrow().ttlMillis(), "refilled with its ttl");
            assertEquals(1, store.stats().tierHits());
            assertEquals(List.of(hour.toMillis()), store.list(EntryFilter.ALL).stream().map(EntrySummary::ttlMillis).toList());
        }
    }

    @Test
    void aHitFromTheHeapTierViewsTheHeldBytesInsteadOfCopyingThem() {
        try (DurableResponseStore store = open()) {
            store.put(key(1), request(), plain("{\"x\":1}", 1000));
            Body first = store.get(key(1)).orElseThrow().bodySource();
            Body second = store.get(key(1)).orElseThrow().bodySource();
            assertSame(((Body.InMemory) first).array(), ((Body.InMemory) second).array());
        }
    }

    @Test
    void anAnswerLargerThanTheTierLimitIsStreamedFromItsRecordFile() {
        CachedResponse big = RecordFixtures.sized((int) DurableResponseStore.TIER_ENTRY_LIMIT + 1, 1000);
        try (DurableResponseStore store = open()) {
            store.put(key(1), request(), big);
            CachedResponse first = store.get(key(1)).orElseThrow();
            CachedResponse second = store.get(key(1)).orElseThrow();
            assertInstanceOf(Body.InFile.class, first.bodySource());
            assertInstanceOf(Body.InFile.class, second.bodySource());
            assertArrayEquals(big.body(), second.body());
            assertEquals(0, store.stats().tierHits());
        }
    }

    @Test
    void moreAnswersThanTheDiskTierHoldsAreAllStillHits() {
        int count = 30;
        CachedResponse answer = RecordFixtures.sized(700 * 1024, 1000); // 30 x 700 KiB = 21 MiB in an 8 MB disk tier
        try (DurableResponseStore store = open()) {
            for (int i = 0; i < count; i++) {
                store.put(key(i), request(), answer);
            }
            for (int i = 0; i < count; i++) {
                assertTrue(store.get(key(i)).isPresent(), "entry " + i);
            }
            StoreStats stats = store.stats();
            assertEquals(count, stats.entries(), "the real entry count");
            assertEquals(count, stats.tierHits() + stats.recordHits());
            assertTrue(stats.recordHits() > 0, "some came back from the record after Ehcache evicted them");
        }
    }

    @Test
    void aStoreWhoseWritesFailAnswersMissesAndCountsTheFailures() throws IOException {
        try (DurableResponseStore store = open()) {
            try (Stream<Path> paths = Files.walk(dir.resolve("records"))) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
            Files.writeString(dir.resolve("records"), "a file where the folder should be");
            store.put(key(1), request(), plain("{}", 1000));
            assertEquals(Optional.empty(), store.get(key(1)), "not in the tiers either: the record decides");
            assertEquals(1, store.stats().writeFailures());
            assertEquals(0, store.stats().writes());
        }
    }

    @Test
    void aTierEntryWhoseRecordWasRemovedIsAMiss() {
        try (DurableResponseStore store = open()) {
            store.put(key(1), request(), plain("{}", 1000));
            store.put(key(2), request(), plain("{}", 1000));
            assertTrue(store.remove(key(1)));
            assertEquals(Optional.empty(), store.get(key(1)));
            assertEquals(1, store.list(EntryFilter.ALL).size());
            assertEquals(1, store.stats().entries());
        }
    }

    @Test
    void anEhcacheFolderThatCannotOpenIsEmptiedAndTheStoreStillStarts() throws IOException {
        try (DurableResponseStore store = open()) {
            store.put(key(1), request(), plain("{\"x\":1}", 1000));
        }
        try (Stream<Path> files = Files.walk(dir.resolve("ehcache"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.writeString(file, "garbage");
            }
        }
        try (DurableResponseStore store = open()) {
            assertTrue(store.get(key(1)).isPresent());
        }
    }

    @Test
    void aRefreshedAnswerReplacesTheOldOneInBothPlaces() {
        try (DurableResponseStore store = open()) {
            store.put(key(1), request(), plain("old", 1000));
            store.put(key(1), request(), plain("new", 2000));
            assertArrayEquals(plain("new", 2000).body(), store.get(key(1)).orElseThrow().body());
            assertEquals(1, store.stats().entries());
        }
        try (DurableResponseStore store = open()) {
            CachedResponse got = store.get(key(1)).orElseThrow();
            assertNotSame(null, got);
            assertEquals(2000, got.storedAtMillis());
            assertFalse(store.list(EntryFilter.ALL).isEmpty());
        }
    }
}
