package dev.modelcache.replay.cassette;

import static dev.modelcache.replay.cassette.CassetteFixtures.KEYS;
import static dev.modelcache.replay.cassette.CassetteFixtures.all;
import static dev.modelcache.replay.cassette.CassetteFixtures.openStore;
import static dev.modelcache.replay.cassette.CassetteFixtures.putAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.config.ConfigException;
import dev.modelcache.replay.cassette.CassetteFixtures.Recorded;
import dev.modelcache.store.DurableResponseStore;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import dev.modelcache.support.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassetteStoreTest {
    @TempDir
    Path dir;

    private Path cassettes() {
        return dir.resolve("cassettes");
    }

    @BeforeEach
    void recordCassettes() throws IOException {
        try (DurableResponseStore store = openStore(dir.resolve("recorded"))) {
            putAll(store, all(""));
            Cassettes.export(store, CassetteFilter.ALL, cassettes(), KEYS, false);
        }
    }

    @Test
    void cassettesAreServedReadOnlyUnderTheirSharedKeys() {
        try (CassetteStore store = CassetteStore.open(List.of(cassettes()), KEYS)) {
            for (Recorded entry : all("")) {
                assertArrayEquals(entry.response().body(), store.get(entry.sharedKey()).orElseThrow().body());
                assertEquals(entry.response().chunks(), store.get(entry.sharedKey()).orElseThrow().chunks());
                assertEquals(CacheKeyFactory.SHARED, store.request(entry.sharedKey()).orElseThrow().partition());
                assertTrue(store.get(entry.key()).isEmpty(), "not under the recording caller's key");
            }
            Recorded one = CassetteFixtures.plainChat("");
            assertFalse(store.put(one.sharedKey(), one.request(), one.response()));
            assertFalse(store.remove(one.sharedKey()));
            assertTrue(store.get(one.sharedKey()).isPresent());
            assertEquals(4, store.list(EntryFilter.ALL).size());
            assertEquals(4, store.stats().entries());
        }
    }

    @Test
    void aMissingCassetteFolderStopsTheStartNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> CassetteStore.open(List.of(cassettes(), dir.resolve("nowhere")), KEYS));
        assertEquals("cache/cassettes", e.key());
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }

    @Test
    void aTornCassetteStopsTheStartNamingTheFile() throws IOException {
        Path file;
        try (Stream<Path> files = Files.walk(cassettes())) {
            file = files.filter(f -> f.toString().endsWith(".mcr")).sorted().findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, 200)); // cut in its header (a body cut short is read as an edit)
        ConfigException e = assertThrows(ConfigException.class, () -> CassetteStore.open(List.of(cassettes()), KEYS));
        assertTrue(e.getMessage().contains(file.getFileName().toString()) && e.getMessage().contains("the header does not read"),
                e.getMessage());
    }

    @Test
    void theLayeredStorePrefersThePrimaryAndWritesOnlyThere() {
        Recorded chat = CassetteFixtures.plainChat("");
        Recorded embeddings = CassetteFixtures.embeddings("");
        try (ResponseStore layered = CassetteStore.behind(openStore(dir.resolve("primary")), List.of(cassettes()), KEYS)) {
            var fresher = CassetteFixtures.plain("{\"fresher\":true}", "gpt-4o");
            assertTrue(layered.put(chat.sharedKey(), chat.request().withPartition(CacheKeyFactory.SHARED, ""), fresher));
            assertArrayEquals(fresher.body(), layered.get(chat.sharedKey()).orElseThrow().body(), "the primary first");
            assertArrayEquals(embeddings.response().body(), layered.get(embeddings.sharedKey()).orElseThrow().body());
            assertTrue(layered.request(embeddings.sharedKey()).isPresent(), "the miss explainer sees cassette entries");
            assertEquals(4, layered.list(EntryFilter.ALL).size(), "both, the shadowed cassette once");
            assertEquals(1, layered.stats().entries(), "the primary's statistics");
            assertTrue(layered.remove(chat.sharedKey()));
            assertFalse(layered.remove(embeddings.sharedKey()), "cassettes are never removed");
            assertArrayEquals(chat.response().body(), layered.get(chat.sharedKey()).orElseThrow().body(), "the cassette again");
        }
    }

    @Test
    void withoutCassetteFoldersThePrimaryIsUsedAsItIs() {
        try (DurableResponseStore primary = openStore(dir.resolve("primary"))) {
            assertSame(primary, CassetteStore.behind(primary, List.of(), KEYS));
        }
    }

    /**
     * The export command reads the record folder beside a running proxy: what it leaves out as expired is what the
     * proxy counts expired (an entry's own lifetime wins over the store's; a pinned entry never expires).
     */
    @Test
    void theExportCommandLeavesOutWhatTheProxyCountsExpiredAndNothingElse() throws IOException {
        TestClock clock = new TestClock();
        Duration ttl = Duration.ofMinutes(1);
        Path cache = dir.resolve("live");
        Recorded storesOwn = CassetteFixtures.plainChat("");
        Recorded ownHour = CassetteFixtures.streamedChat("");
        Recorded ownTenSeconds = CassetteFixtures.streamedResponses("");
        Recorded pinned = CassetteFixtures.embeddings("");
        try (DurableResponseStore store = EhcacheResponseStore.durable(cache, 1024, 0, 8, ttl, Long.MAX_VALUE, clock)) {
            store.put(storesOwn.key(), storesOwn.request(), storedNow(storesOwn, clock, Duration.ZERO));
            store.put(ownHour.key(), ownHour.request(), storedNow(ownHour, clock, Duration.ofHours(1)));
            store.put(ownTenSeconds.key(), ownTenSeconds.request(), storedNow(ownTenSeconds, clock, Duration.ofSeconds(10)));
            store.put(pinned.key(), pinned.request(), storedNow(pinned, clock, Duration.ZERO));
            assertTrue(store.setPinned(pinned.key(), true));

            clock.advance(Duration.ofSeconds(30));
            assertEquals(List.of(storesOwn.key().hex(), ownHour.key().hex(), pinned.key().hex()).stream().sorted().toList(),
                    exported(cache, ttl, clock), "its own 10 s are over, the store's minute is not");
            clock.advance(Duration.ofSeconds(90));
            assertEquals(List.of(ownHour.key().hex(), pinned.key().hex()).stream().sorted().toList(),
                    exported(cache, ttl, clock), "the store's minute is over; its own hour and a pin are not");
            for (Recorded entry : List.of(storesOwn, ownHour, ownTenSeconds, pinned)) {
                assertEquals(exported(cache, ttl, clock).contains(entry.key().hex()), store.get(entry.key()).isPresent(),
                        "the proxy agrees on " + entry.path());
            }
        }
    }

    private static CachedResponse storedNow(Recorded entry, TestClock clock, Duration ownTtl) {
        CachedResponse r = entry.response();
        return new CachedResponse(r.status(), r.headers(), r.body(), r.chunks(), clock.millis(), r.usage(), r.provider(),
                r.model()).withTtl(ownTtl);
    }

    private static List<String> exported(Path cache, Duration ttl, TestClock clock) throws IOException {
        try (CassetteStore records = CassetteStore.ofRecords(cache.resolve("records"), ttl, clock)) {
            return records.list(EntryFilter.ALL).stream().map(EntrySummary::key).sorted().toList();
        }
    }
}
