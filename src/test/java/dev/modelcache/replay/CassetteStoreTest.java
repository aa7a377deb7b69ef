package dev.modelcache.replay;

import static dev.modelcache.replay.CassetteFixtures.KEYS;
import static dev.modelcache.replay.CassetteFixtures.all;
import static dev.modelcache.replay.CassetteFixtures.openStore;
import static dev.modelcache.replay.CassetteFixtures.putAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.DurableResponseStore;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.ResponseStore;
import dev.modelcache.config.ConfigException;
import dev.modelcache.replay.CassetteFixtures.Recorded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));
        ConfigException e = assertThrows(ConfigException.class, () -> CassetteStore.open(List.of(cassettes()), KEYS));
        assertTrue(e.getMessage().contains(file.getFileName().toString()) && e.getMessage().contains("torn"), e.getMessage());
    }

    @Test
    void theLayeredStorePrefersThePrimaryAndWritesOnlyThere() {
        Recorded chat = CassetteFixtures.plainChat("");
        Recorded embeddings = CassetteFixtures.embeddings("");
        try (ResponseStore layered = LayeredStore.withCassettes(openStore(dir.resolve("primary")), List.of(cassettes()), KEYS)) {
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
            assertSame(primary, LayeredStore.withCassettes(primary, List.of(), KEYS));
        }
    }
}
