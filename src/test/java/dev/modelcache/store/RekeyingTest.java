package dev.modelcache.store;

import static dev.modelcache.store.RecordFixtures.key;
import static dev.modelcache.store.RecordFixtures.plain;
import static dev.modelcache.store.RecordFixtures.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.files.FileTrees;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RekeyingTest {
    @TempDir
    Path dir;

    private DurableResponseStore open() {
        return EhcacheResponseStore.durable(dir, 1024, 100, 16, Duration.ZERO, 1 << 30);
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

    /**
     * The recipe file goes through the one durable path ({@code files.AtomicFile}): whole, 0600, no temporary file
     * left, and a stale {@code key-recipe.tmp} is removed rather than written through. The hand-written copy wrote
     * through a link left at that name, into the file it pointed at, and then moved the link into place.
     */
    @Test
    void theRecipeIsWrittenWholeOwnerOnlyAndNotThroughALinkAtTheTemporaryName() throws Exception {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        // Beside the cache folder, not in it; deleted at the end, for @TempDir deletes only its own folder.
        Path outside = Files.createTempDirectory(dir.getParent(), "outside");
        try {
            Path elsewhere = Files.writeString(outside.resolve("target"), "kept");
            Files.createSymbolicLink(dir.resolve(Rekeying.FILE + ".tmp"), elsewhere);
            CacheKeyFactory keys = new CacheKeyFactory(new byte[32]);
            try (DurableResponseStore store = open()) {
                Rekeying.run(dir, store, keys);
            }
            Path file = dir.resolve(Rekeying.FILE);
            assertEquals("kept", Files.readString(elsewhere), "the file a stale link pointed at is untouched");
            assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS), "the recipe file is a file, not a link");
            assertEquals(Rekeying.recipe(keys), Files.readString(file));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertFalse(Files.exists(dir.resolve(Rekeying.FILE + ".tmp"), LinkOption.NOFOLLOW_LINKS), "no temporary file");
        } finally {
            FileTrees.delete(outside);
        }
    }
}
