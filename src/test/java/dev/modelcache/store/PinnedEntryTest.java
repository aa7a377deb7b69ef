package dev.modelcache.store;

import static dev.modelcache.store.RecordFixtures.key;
import static dev.modelcache.store.RecordFixtures.plain;
import static dev.modelcache.store.RecordFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinnedEntryTest {
    @TempDir
    Path dir;

    private RecordStore open(Duration ttl, long maxBytes) throws IOException {
        RecordStore store = new RecordStore(dir.resolve("records"), ttl, maxBytes);
        store.open();
        return store;
    }

    private long oneRecordBytes() throws IOException {
        RecordStore probe = open(Duration.ZERO, Long.MAX_VALUE);
        probe.put(key(99), request(), RecordFixtures.sized(1000, 1000));
        long bytes = probe.bytes();
        probe.remove(key(99));
        return bytes;
    }

    @Test
    void evictionPastTheSizeBoundSkipsThePinnedOldestEntry() throws IOException {
        long oneRecord = oneRecordBytes();
        RecordStore store = open(Duration.ZERO, oneRecord * 3);
        store.put(key(1), request(), RecordFixtures.sized(1000, 1001));
        assertTrue(store.setPinned(key(1), true));
        for (int i = 2; i <= 5; i++) {
            store.put(key(i), request(), RecordFixtures.sized(1000, 1000 + i));
        }
        List<String> kept = store.list(EntryFilter.ALL).stream().map(EntrySummary::key).toList();
        assertEquals(List.of(key(5).hex(), key(4).hex(), key(1).hex()), kept, "the pinned oldest entry stays");
        assertEquals(2, store.evictions());
    }

    @Test
    void aPinnedEntryDoesNotExpireAndItsPinSurvivesAReopen() throws IOException {
        long now = System.currentTimeMillis();
        RecordStore store = open(Duration.ofSeconds(60), Long.MAX_VALUE);
        store.put(key(1), request(), plain("{}", now - 120_000));
        store.put(key(2), request(), plain("{}", now - 120_000));
        assertTrue(store.setPinned(key(1), true));

        RecordStore reopened = open(Duration.ofSeconds(60), Long.MAX_VALUE);
        assertTrue(reopened.pinned(key(1).hex()));
        assertTrue(reopened.get(key(1), Long.MAX_VALUE).isPresent(), "pinned: kept past the store's ttl");
        assertFalse(reopened.contains(key(2)), "unpinned: expired at open");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("pins"))));
    }

    @Test
    void unpinningLetsTheEntryExpireAndRemovingItForgetsThePin() throws IOException {
        long now = System.currentTimeMillis();
        RecordStore store = open(Duration.ofSeconds(60), Long.MAX_VALUE);
        store.put(key(1), request(), plain("{}", now - 120_000));
        store.put(key(2), request(), plain("{}", now));
        assertTrue(store.setPinned(key(1), true));
        assertTrue(store.setPinned(key(2), true));
        assertTrue(store.setPinned(key(1), false));
        assertTrue(store.get(key(1), Long.MAX_VALUE).isEmpty());
        assertTrue(store.remove(key(2)));
        assertFalse(store.pinned(key(2).hex()));
        assertFalse(store.setPinned(key(3), true), "no entry, no pin");
        assertEquals("", Files.readString(dir.resolve("pins")));
    }
}
