package dev.modelcache.cache;

import static dev.modelcache.cache.RecordFixtures.key;
import static dev.modelcache.cache.RecordFixtures.plain;
import static dev.modelcache.cache.RecordFixtures.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RekeyingTest {
    @TempDir
    Path dir;

    private DurableResponseStore open() {
        return DurableResponseStore.open(dir, 1024, 100, 16, Duration.ZERO, 1 << 30);
    }

    /** A record of an older recipe: stored under a key the current recipe does not compute. */
    private static RequestRecord olderRecipe() {
        RequestRecord current = request("openai", "gpt-4o", "/v1/chat/completions", "0123456789abcdef");
        return new RequestRecord(current.provider(), current.method(), current.path(), current.query(),
                current.varyHeaders(), current.body(), current.partition(), "modelcache-key-2", current.model(),
                current.namespace(), current.bodyType());
    }

    @Test
    void anEntryOfAnOlderKeyRecipeIsFoundUnderItsNewKeyAfterTheStart() {
        CacheKeyFactory keys = new CacheKeyFactory(new byte[32]);
        RequestRecord old = olderRecipe();
        CacheKey newKey = keys.create(old.withCurrentRecipe());
        try (DurableResponseStore store = open()) {
            store.put(key(7), old, plain("{\"paid\":true}", System.currentTimeMillis()));
            assertEquals(1, Rekeying.run(dir, store, keys));
            assertTrue(store.get(key(7)).isEmpty(), "the old key is gone");
            assertArrayEquals("{\"paid\":true}".getBytes(), store.get(newKey).orElseThrow().body());
            assertEquals(CacheKeyFactory.VERSION, store.request(newKey).orElseThrow().keyRecipe());
            assertEquals("0123456789abcdef", store.request(newKey).orElseThrow().partition(), "the partition stays");
        }
    }

    @Test
    void theRecipeIsCheckedOnceAndAgainWhenTheIgnoredFieldsChange() throws Exception {
        CacheKeyFactory keys = new CacheKeyFactory(new byte[32]);
        try (DurableResponseStore store = open()) {
            store.put(key(7), olderRecipe(), plain("{}", System.currentTimeMillis()));
            assertEquals(1, Rekeying.run(dir, store, keys));
            assertEquals(0, Rekeying.run(dir, store, keys));
            assertTrue(Files.readString(dir.resolve(Rekeying.FILE)).contains(CacheKeyFactory.VERSION));
            CacheKeyFactory messagesBlind = new CacheKeyFactory(new byte[32], List.of("/messages"), false);
            assertEquals(1, Rekeying.run(dir, store, messagesBlind));
            assertEquals(1, store.list(EntryFilter.ALL).size());
        }
    }
}
