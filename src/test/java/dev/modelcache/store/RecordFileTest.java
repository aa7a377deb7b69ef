package dev.modelcache.store;

import static dev.modelcache.store.RecordFixtures.key;
import static dev.modelcache.store.RecordFixtures.plain;
import static dev.modelcache.store.RecordFixtures.request;
import static dev.modelcache.store.RecordFixtures.stream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.Body;
import dev.modelcache.cache.CachedResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordFileTest {
    @TempDir
    Path dir;

    @Test
    void aWrittenRecordReadsBackWholeWithItsKeyRequestAndChunks() throws IOException {
        Path file = dir.resolve("a/b/stream.mcr");
        RecordFile.write(file, key(7), request(), stream(1000));
        RecordFile.Contents read = RecordFile.read(file);
        assertEquals(key(7), read.key());
        assertEquals(request(), read.request());
        assertArrayEquals(stream(1000).body(), read.response().body());
        assertEquals(stream(1000).chunks(), read.response().chunks());
        assertArrayEquals(Files.readAllBytes(file), RecordFile.bytes(key(7), request(), stream(1000)));
    }

    @Test
    void aWrittenRecordIsOwnerOnlyInNewOwnerOnlyFoldersWithNoTemporaryFileLeft() throws IOException {
        Path file = dir.resolve("new/folder/x.mcr");
        RecordFile.write(file, key(1), request(), plain("{}", 1));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void aTornOrForeignFileIsRefusedWithTheReason() throws IOException {
        Path file = dir.resolve("x.mcr");
        RecordFile.write(file, key(1), request(), plain("{\"answer\":42}", 1));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
        assertTrue(assertThrows(IOException.class, () -> RecordFile.read(file)).getMessage().contains("torn record"));
        bytes[bytes.length - 2] = 'X';
        Files.write(file, bytes);
        assertTrue(assertThrows(IOException.class, () -> RecordFile.read(file)).getMessage().contains("SHA-256"));
        Files.writeString(file, "hello");
        assertTrue(assertThrows(IOException.class, () -> RecordFile.read(file)).getMessage().contains("not a modelcache-record"));
    }

    @Test
    void aRecordWrittenBesideARunningStoreIsServedWithoutARestart() throws IOException {
        RecordStore store = new RecordStore(dir.resolve("records"), Duration.ZERO, Long.MAX_VALUE);
        store.open();
        assertTrue(store.get(key(3), Long.MAX_VALUE).isEmpty());
        RecordFile.write(RecordFile.pathIn(dir.resolve("records"), key(3)), key(3), request(), plain("{\"x\":3}", 5));
        assertArrayEquals(plain("{\"x\":3}", 5).body(), store.get(key(3), Long.MAX_VALUE).orElseThrow().body());
        assertEquals(1, store.count());
    }

    @Test
    void anInvalidRecordWrittenBesideARunningStoreIsAMissAndIsNotIndexed() throws IOException {
        RecordStore store = new RecordStore(dir.resolve("records"), Duration.ZERO, Long.MAX_VALUE);
        store.open();
        Path file = RecordFile.pathIn(dir.resolve("records"), key(4));
        RecordFile.write(file, key(5), request(), plain("{}", 5)); // the header names another key
        assertTrue(store.get(key(4), Long.MAX_VALUE).isEmpty());
        assertTrue(store.get(key(4), Long.MAX_VALUE).isEmpty());
        assertEquals(0, store.count());
        assertEquals(1, store.ignored(), "looked at once, not at every miss");
    }

    @Test
    void aLargeRecordIsCheckedThroughABufferAndItsBodyLeftInTheFile() throws IOException {
        Path file = dir.resolve("large.mcr");
        CachedResponse large = RecordFixtures.sized(3 * 1024 * 1024, 9);
        RecordFile.write(file, key(8), request(), large);
        RecordFile.Contents read = RecordFile.read(file);
        assertTrue(read.response().bodySource() instanceof Body.InFile, "not read into memory: " + read.response().bodySource().getClass());
        assertArrayEquals(large.body(), read.response().body());
        assertEquals(request(), read.request());

        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1000] ^= 1;
        Files.write(file, bytes);
        assertTrue(assertThrows(IOException.class, () -> RecordFile.read(file)).getMessage().contains("SHA-256"));
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));
        assertTrue(assertThrows(IOException.class, () -> RecordFile.read(file)).getMessage().contains("torn record"));
    }

    @Test
    void aHeaderLongerThanTheBoundIsRefusedBeforeItIsHeldWhole() throws IOException {
        Path file = dir.resolve("x.mcr");
        RecordFile.write(file, key(1), request(), plain("{\"answer\":42}", 1));
        long header = Files.size(file) - "{\"answer\":42}".length();
        assertEquals(key(1), RecordFile.read(file, header).key(), "a header of exactly the bound is read");
        IOException refused = assertThrows(IOException.class, () -> RecordFile.read(file, header - 1));
        assertTrue(refused.getMessage().contains("longer than " + (header - 1) + " bytes"), refused.getMessage());

        // A header of 4 MiB of one string, in a file too large to be read whole: refused after the bound, not parsed.
        byte[] huge = ("modelcache-record 1\n{\"key\":\"" + "a".repeat(4 * 1024 * 1024) + "\"}\n\n").getBytes(StandardCharsets.US_ASCII);
        Files.write(file, huge);
        IOException tooLong = assertThrows(IOException.class, () -> RecordFile.read(file, 100_000));
        assertTrue(tooLong.getMessage().contains("longer than 100000 bytes"), tooLong.getMessage());
    }

    @Test
    void storedAtIsWrittenAsAnIsoInstantAndAnOlderNumericOneStillReads() throws IOException {
        Path file = dir.resolve("when.mcr");
        RecordFile.write(file, key(1), request(), plain("{}", 1_765_000_000_123L));
        String text = Files.readString(file);
        assertTrue(text.contains("\"storedAt\" : \"2025-12-06T05:46:40.123Z\","), text);
        assertEquals(1_765_000_000_123L, RecordFile.read(file).response().storedAtMillis());
        Files.writeString(file, text.replace("\"2025-12-06T05:46:40.123Z\"", "1765000000123"));
        assertEquals(1_765_000_000_123L, RecordFile.read(file).response().storedAtMillis(), "as versions before 18 wrote it");
        Files.writeString(file, text.replace("\"2025-12-06T05:46:40.123Z\"", "\"2025-12-06T05:46:40Z\""));
        assertEquals(1_765_000_000_000L, RecordFile.read(file).response().storedAtMillis(), "as a person may write it");
        Files.writeString(file, text.replace("\"2025-12-06T05:46:40.123Z\"", "\"yesterday\""));
        IOException e = assertThrows(IOException.class, () -> RecordFile.read(file));
        assertTrue(e.getMessage().contains("storedAt"), e.getMessage());
    }
}
