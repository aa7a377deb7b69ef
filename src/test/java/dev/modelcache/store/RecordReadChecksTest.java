package dev.modelcache.store;

import static dev.modelcache.store.RecordFixtures.key;
import static dev.modelcache.store.RecordFixtures.plain;
import static dev.modelcache.store.RecordFixtures.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelcache.cache.Body;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every read of a record checks that it is the record asked for and whole, not only the first; the folder walk at
 * start opens regular files only. (Over HTTP: {@code HostileRecordFilesIntegrationTest}.)
 */
class RecordReadChecksTest {
    private static final long UNBOUNDED = Long.MAX_VALUE;
    /** Bodies larger than this are streamed from their file ({@link Body.InFile}). */
    private static final long IN_MEMORY = 1024;

    @TempDir
    Path dir;

    private RecordStore open() throws IOException {
        RecordStore store = new RecordStore(dir.resolve("records"), Duration.ZERO, UNBOUNDED);
        store.open();
        return store;
    }

    private Path file(CacheKey key) {
        return dir.resolve("records").resolve(key.hex().substring(0, 2)).resolve(key.hex() + ".mcr");
    }

    private void swap(CacheKey a, CacheKey b) throws IOException {
        Path aside = file(a).resolveSibling("aside");
        Files.move(file(a), aside);
        Files.move(file(b), file(a));
        Files.move(aside, file(b));
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    @Test
    void aSmallRecordSwappedWithAnothersIsNeverServedForIt() throws IOException {
        RecordStore store = open();
        store.put(key(1), request(), plain("{\"answer\":1}", 1000));
        store.put(key(2), request(), plain("{\"answer\":2}", 1000));
        swap(key(1), key(2));
        assertEquals(java.util.Optional.empty(), store.request(key(1)), "nor is its request shown for it");
        assertThrows(IOException.class, () -> store.get(key(1), UNBOUNDED));
        assertFalse(store.contains(key(1)), "dropped from the index");
        assertEquals(java.util.Optional.empty(), store.get(key(1), UNBOUNDED), "and not read again as it is");
    }

    @Test
    void aLargeRecordSwappedWithAnothersAfterItsFirstHitIsNeverServedForIt() throws IOException {
        RecordStore store = open();
        store.put(key(1), request(), RecordFixtures.sized(5000, 1000));
        store.put(key(2), request(), RecordFixtures.sized(5000, 2000));
        assertTrue(store.get(key(1), IN_MEMORY).orElseThrow().bodySource() instanceof Body.InFile);
        swap(key(1), key(2));
        assertThrows(IOException.class, () -> store.get(key(1), IN_MEMORY));
        assertThrows(IOException.class, () -> store.get(key(2), IN_MEMORY));
        assertEquals(0, store.count());
    }

    @Test
    void aLargeRecordTruncatedAfterItsFirstHitIsNotServedAgain() throws IOException {
        RecordStore store = open();
        CachedResponse big = RecordFixtures.sized(300_000, 1000);
        store.put(key(1), request(), big);
        assertArrayEquals(big.body(), store.get(key(1), IN_MEMORY).orElseThrow().body());
        truncate(file(key(1)), Files.size(file(key(1))) - 1000);
        assertThrows(IOException.class, () -> store.get(key(1), IN_MEMORY), "its length is checked at every read");
        assertFalse(store.contains(key(1)));
        store.put(key(1), request(), big);
        assertArrayEquals(big.body(), store.get(key(1), IN_MEMORY).orElseThrow().body(), "a later put serves again");
    }

    @Test
    void aLargeRecordRewrittenInPlaceWithTheSameLengthIsCheckedAgain() throws IOException {
        RecordStore store = open();
        store.put(key(1), request(), RecordFixtures.sized(300_000, 1000));
        store.get(key(1), IN_MEMORY).orElseThrow();
        long size = Files.size(file(key(1)));
        try (FileChannel channel = FileChannel.open(file(key(1)), StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap("XXXX".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), size - 10);
        }
        Files.setLastModifiedTime(file(key(1)), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertThrows(IOException.class, () -> store.get(key(1), IN_MEMORY), "a changed file is a new version: its SHA-256 is checked");
    }

    @Test
    void aStreamedBodyThatFailsMidwayDropsItsEntry() throws IOException {
        RecordStore store = open();
        store.put(key(1), request(), RecordFixtures.sized(300_000, 1000));
        CachedResponse hit = store.get(key(1), IN_MEMORY).orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Body.Reader reader = hit.bodySource().open()) {
            reader.copy(out, 0, 1000);
            truncate(file(key(1)), Files.size(file(key(1))) - 200_000);
            assertThrows(IOException.class, () -> reader.copy(out, 1000, 300_000));
        }
        assertFalse(store.contains(key(1)), "the next request is a miss, not another broken hit");
        assertEquals(1, store.ignored());
    }

    @Test
    void aClientThatGoesAwayDoesNotDropTheEntry() throws IOException {
        RecordStore store = open();
        store.put(key(1), request(), RecordFixtures.sized(300_000, 1000));
        CachedResponse hit = store.get(key(1), IN_MEMORY).orElseThrow();
        java.io.OutputStream gone = new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        try (Body.Reader reader = hit.bodySource().open()) {
            assertThrows(IOException.class, () -> reader.copy(gone, 0, 300_000));
        }
        assertTrue(store.contains(key(1)));
    }

    @Test
    void aFifoOrALinkAmongTheRecordsIsSkippedAtStartAndWhenAskedFor() throws Exception {
        assumeFifos();
        RecordStore first = open();
        first.put(key(1), request(), plain("{\"answer\":1}", 1000));
        first.put(key(2), request(), plain("{\"answer\":2}", 1000));
        mkfifo(file(key(3)));
        Files.createDirectories(file(key(4)).getParent());
        Files.createSymbolicLink(file(key(4)), file(key(2)));
        RecordStore store = assertTimeoutPreemptively(Duration.ofSeconds(30), this::open, "a FIFO was opened at start");
        assertEquals(2, store.count());
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> store.get(key(3), UNBOUNDED), "a FIFO was opened on a miss");
        assertFalse(store.contains(key(3)));
        assertFalse(store.get(key(4), UNBOUNDED).isPresent(), "a link is not a record");
    }

    @Test
    void aStrayTmpFolderAmongTheRecordsCostsNoEntry() throws IOException {
        RecordStore first = open();
        for (int i = 1; i <= 6; i++) {
            first.put(key(i), request(), plain("{\"answer\":" + i + "}", 1000));
        }
        Path stray = Files.createDirectories(file(key(1)).resolveSibling("x.tmp"));
        Files.writeString(stray.resolve("inside"), "not ours");
        Files.createDirectories(file(key(1)).resolveSibling("y.mcr"));
        Path leftover = file(key(2)).resolveSibling(key(2).hex() + ".mcr-1.tmp");
        Files.writeString(leftover, "half a record");
        CacheKey elsewhere = new CacheKey("ab" + "0".repeat(62));
        first.put(key(8), request(), plain("{\"answer\":8}", 1000));
        first.put(elsewhere, request(), plain("{\"answer\":\"ab\"}", 1000));
        Path other = Files.createDirectories(dir.resolve("records").resolve("not-hex"));
        Files.move(file(key(8)), other.resolve(key(8).hex() + ".mcr"));
        Files.move(file(elsewhere), file(key(1)).resolveSibling(elsewhere.hex() + ".mcr"));
        RecordStore store = open();
        assertEquals(6, store.count(), "neither a record outside the two-hex-digit folders nor one in another key's folder");
        assertTrue(Files.exists(stray.resolve("inside")));
        assertFalse(Files.exists(leftover), "a temporary file a crash left is still deleted");
    }

    static void assumeFifos() {
        boolean linux = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux");
        boolean works;
        try {
            Path probe = Files.createTempDirectory("fifo-probe");
            works = tryMkfifo(probe.resolve("p"));
            Files.deleteIfExists(probe.resolve("p"));
            Files.delete(probe);
        } catch (IOException e) {
            works = false;
        }
        if (linux) {
            assertTrue(works, "mkfifo works on Linux");
        }
        assumeTrue(works, "no mkfifo here");
    }

    private static boolean tryMkfifo(Path path) {
        try {
            mkfifo(path);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void mkfifo(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        try {
            Process process = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("mkfifo " + path + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
