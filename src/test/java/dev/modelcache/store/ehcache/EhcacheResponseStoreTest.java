package dev.modelcache.store.ehcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.http.Headers;
import dev.modelcache.store.RecordFixtures;
import dev.modelcache.stream.Chunk;
import dev.modelcache.support.LogCapture;
import dev.modelcache.support.TestClock;
import dev.modelcache.tokens.Usage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.ehcache.Cache;
import org.ehcache.PersistentCacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.EntryUnit;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.expiry.ExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EhcacheResponseStoreTest {
    private static final int HEAP = 10;
    private static final long DISK_MB = 8;

    @TempDir
    Path dir;
    /** Ehcache's time: tests move it past a lifetime instead of sleeping. */
    private final TestClock clock = new TestClock();

    private static CacheKey key(char c) {
        return new CacheKey(String.valueOf(c).repeat(64));
    }

    private static CachedResponse answer(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new CachedResponse(200, Headers.of("Content-Type", "application/json", "x-request-id", "r1"), bytes,
                List.of(new Chunk(bytes.length, 0)), 1234L, new Usage(3, 4, false), "openai", "gpt-4o");
    }

    private EhcacheResponseStore open(Duration ttl) {
        return new EhcacheResponseStore(dir, 0, HEAP, DISK_MB, ttl, clock);
    }

    private static void assertSameAnswer(CachedResponse expected, Optional<CachedResponse> actual) {
        assertTrue(actual.isPresent(), "expected a hit");
        RecordFixtures.assertSameAnswer(expected, actual.get());
    }

    @Test
    void putThenGet() {
        try (EhcacheResponseStore store = open(Duration.ZERO)) {
            assertEquals(Optional.empty(), store.get(key('a')));
            store.put(key('a'), answer("{\"x\":1}"));
            store.put(key('b'), answer("{\"x\":2}"));
            assertSameAnswer(answer("{\"x\":1}"), store.get(key('a')));
            assertSameAnswer(answer("{\"x\":2}"), store.get(key('b')));
            assertEquals(Optional.empty(), store.get(key('c')));
            assertEquals(0, store.failures());
        }
        assertTrue(Files.isDirectory(dir.resolve("ehcache")), "the disk tier lives in <cache dir>/ehcache");
    }

    @Test
    void putReplacesAnEarlierAnswer() {
        try (EhcacheResponseStore store = open(Duration.ZERO)) {
            store.put(key('a'), answer("old"));
            store.put(key('a'), answer("new"));
            assertSameAnswer(answer("new"), store.get(key('a')));
        }
    }

    @Test
    void entriesSurviveCloseAndReopen() {
        try (EhcacheResponseStore store = open(Duration.ZERO)) {
            store.put(key('a'), answer("{\"persisted\":true}"));
        }
        try (EhcacheResponseStore store = open(Duration.ZERO)) {
            assertSameAnswer(answer("{\"persisted\":true}"), store.get(key('a')));
            assertEquals(Optional.empty(), store.get(key('b')));
        }
    }

    @Test
    void moreEntriesThanTheHeapHoldsAreKeptOnDisk() {
        try (EhcacheResponseStore store = open(Duration.ZERO)) {
            for (int i = 0; i < HEAP * 3; i++) {
                store.put(new CacheKey(String.format("%064x", i)), answer("{\"i\":" + i + "}"));
            }
            for (int i = 0; i < HEAP * 3; i++) {
                assertSameAnswer(answer("{\"i\":" + i + "}"), store.get(new CacheKey(String.format("%064x", i))));
            }
        }
    }

    @Test
    void entryExpiresAfterItsTimeToLive() {
        try (EhcacheResponseStore store = open(Duration.ofSeconds(1))) {
            store.put(key('a'), answer("{}"));
            clock.advance(Duration.ofMillis(999));
            assertTrue(store.get(key('a')).isPresent(), "fresh entry is a hit");
            clock.advance(Duration.ofMillis(1));
            assertEquals(Optional.empty(), store.get(key('a')), "expired entry is a miss");
        }
    }

    @Test
    void anEntryWithItsOwnShorterTtlExpiresWhileTheOthersStay() {
        try (EhcacheResponseStore store = open(Duration.ofSeconds(2))) {
            store.put(key('a'), answer("{}").withTtl(Duration.ofSeconds(1)));
            store.put(key('b'), answer("{}"));
            store.put(key('c'), answer("{}").withTtl(Duration.ofHours(1)));
            assertSameAnswer(answer("{}").withTtl(Duration.ofSeconds(1)), store.get(key('a')));
            clock.advance(Duration.ofMillis(1_500));
            assertEquals(Optional.empty(), store.get(key('a')), "its own second is over");
            assertTrue(store.get(key('b')).isPresent(), "the store's two seconds are not");
            assertTrue(store.get(key('c')).isPresent());
            clock.advance(Duration.ofMillis(500));
            assertEquals(Optional.empty(), store.get(key('b')), "now the store's two seconds are over too");
            assertTrue(store.get(key('c')).isPresent(), "its own hour is not");
        }
    }

    @Test
    void theLongestOwnTtlIsKeptWithoutOverflowing() {
        try (EhcacheResponseStore store = open(Duration.ofSeconds(60))) {
            store.put(key('a'), answer("{}").withTtl(Duration.ofSeconds(Long.MAX_VALUE)));
            assertSameAnswer(answer("{}").withTtl(Duration.ofSeconds(Long.MAX_VALUE)), store.get(key('a')));
            assertEquals(0, store.failures());
        }
    }

    @Test
    void theExpiryPolicyGivesTheOwnTtlElseTheStoresElseNever() {
        EhcacheResponseStore.EntryTtl minute = new EhcacheResponseStore.EntryTtl(Duration.ofMinutes(1));
        EhcacheResponseStore.EntryTtl never = new EhcacheResponseStore.EntryTtl(Duration.ZERO);
        byte[] own = CachedResponseBytes.encode(answer("{}").withTtl(Duration.ofHours(1)));
        byte[] none = CachedResponseBytes.encode(answer("{}"));
        assertEquals(Duration.ofHours(1), minute.getExpiryForCreation("k", own), "longer than the store's");
        assertEquals(Duration.ofHours(1), never.getExpiryForCreation("k", own));
        assertEquals(Duration.ofMinutes(1), minute.getExpiryForCreation("k", none));
        assertEquals(ExpiryPolicy.INFINITE, never.getExpiryForCreation("k", none));
        assertEquals(Duration.ofHours(1), minute.getExpiryForUpdate("k", () -> none, own), "the new value decides");
        assertNull(minute.getExpiryForAccess("k", () -> own), "a read changes nothing");
        assertEquals(Duration.ofMinutes(1), minute.getExpiryForCreation("k", "garbage".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void zeroTimeToLiveMeansNoExpiry() {
        try (EhcacheResponseStore store = open(Duration.ZERO)) {
            store.put(key('a'), answer("{}"));
            clock.advance(Duration.ofDays(3650));
            assertTrue(store.get(key('a')).isPresent());
        }
    }

    @Test
    void garbageEntryReadsAsAMissAndCountsAFailure() {
        // Write garbage with Ehcache itself, configured as the store configures it.
        try (PersistentCacheManager manager = CacheManagerBuilder.newCacheManagerBuilder()
                .with(CacheManagerBuilder.persistence(dir.resolve("ehcache").toFile()))
                .withCache(EhcacheResponseStore.CACHE_NAME, CacheConfigurationBuilder.newCacheConfigurationBuilder(
                        String.class, byte[].class, ResourcePoolsBuilder.newResourcePoolsBuilder()
                                .heap(HEAP, EntryUnit.ENTRIES).disk(DISK_MB, MemoryUnit.MB, true)))
                .build(true)) {
            Cache<String, byte[]> cache = manager.getCache(EhcacheResponseStore.CACHE_NAME, String.class, byte[].class);
            cache.put(key('a').hex(), "this is not a ModelCache entry".getBytes(StandardCharsets.UTF_8));
            cache.put(key('b').hex(), CachedResponseBytes.encode(answer("{\"good\":1}")));
        }
        try (EhcacheResponseStore store = open(Duration.ZERO)) {
            assertEquals(Optional.empty(), store.get(key('a')));
            assertEquals(1, store.failures());
            assertSameAnswer(answer("{\"good\":1}"), store.get(key('b')));
            assertEquals(1, store.failures());
            // The slot is still usable.
            store.put(key('a'), answer("{\"fixed\":1}"));
            assertSameAnswer(answer("{\"fixed\":1}"), store.get(key('a')));
        }
    }

    /** Ehcache's "Byte based heap resources are deprecated" notice printed at every start of the proxy. */
    @Test
    void aHeapBoundedInBytesOpensWithoutEhcachesDeprecationNotice() {
        java.util.logging.Logger ehcache = java.util.logging.Logger.getLogger("org.ehcache");
        LogCapture capture = new LogCapture();
        ehcache.addHandler(capture);
        try (EhcacheResponseStore store = new EhcacheResponseStore(dir, 1024, HEAP, DISK_MB, Duration.ZERO, clock)) {
            store.put(key('a'), answer("{}"));
        } finally {
            ehcache.removeHandler(capture);
        }
        assertTrue(capture.records.stream().noneMatch(r -> String.valueOf(r.getMessage()).contains("deprecated")),
                () -> capture.records.stream().map(java.util.logging.LogRecord::getMessage).toList().toString());
        assertTrue(java.util.logging.Logger.getLogger("org.ehcache.impl.config.SizedResourcePoolImpl")
                .isLoggable(java.util.logging.Level.WARNING), "its warnings still pass");
    }
}
