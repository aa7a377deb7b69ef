package dev.modelcache.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureTest {
    @TempDir
    Path dir;

    private Path spillDir() {
        return dir.resolve("spill");
    }

    private List<Path> spillFiles() throws IOException {
        if (!Files.exists(spillDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(spillDir())) {
            return files.toList();
        }
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void staysInMemoryUnderTheLimit() throws IOException {
        byte[] a = bytes(10, 1);
        byte[] b = bytes(6, 2);
        try (Capture capture = new Capture(spillDir(), 16, 1000)) {
            capture.write(a, 0, a.length);
            capture.write(b, 0, b.length);
            assertEquals(16, capture.size());
            assertEquals(List.of(), spillFiles());
            assertArrayEquals(concat(a, b), capture.toByteArray());
            assertFalse(capture.abandoned());
        }
    }

    @Test
    void spillsToAFileOverTheLimitAndDeletesItOnClose() throws IOException {
        byte[] a = bytes(10, 1);
        byte[] b = bytes(20, 2);
        byte[] c = bytes(500, 3);
        Capture capture = new Capture(spillDir(), 16, 1000);
        try {
            capture.write(a, 0, a.length);
            assertEquals(List.of(), spillFiles());
            capture.write(b, 0, b.length);
            assertEquals(1, spillFiles().size(), "one spill file while capturing");
            capture.write(c, 0, c.length);
            assertEquals(530, capture.size());
            assertArrayEquals(concat(concat(a, b), c), capture.toByteArray());
            assertEquals(530, Files.size(spillFiles().get(0)));
            assertFalse(capture.abandoned());
        } finally {
            capture.close();
        }
        assertEquals(List.of(), spillFiles(), "spill file deleted on close");
    }

    @Test
    void writeHonoursOffsetAndLength() {
        byte[] data = bytes(100, 7);
        try (Capture capture = new Capture(spillDir(), 8, 1000)) {
            capture.write(data, 5, 3);
            capture.write(data, 50, 40);
            byte[] expected = concat(java.util.Arrays.copyOfRange(data, 5, 8), java.util.Arrays.copyOfRange(data, 50, 90));
            assertArrayEquals(expected, capture.toByteArray());
        }
    }

    @Test
    void exactlyMaxBytesIsKept() {
        byte[] data = bytes(50, 1);
        try (Capture capture = new Capture(spillDir(), 16, 50)) {
            capture.write(data, 0, 50);
            assertFalse(capture.abandoned());
            assertArrayEquals(data, capture.toByteArray());
        }
    }

    @Test
    void abandonsPastMaxBytesInMemory() {
        try (Capture capture = new Capture(spillDir(), 1000, 50)) {
            capture.write(bytes(40, 1), 0, 40);
            capture.write(bytes(11, 2), 0, 11);
            assertTrue(capture.abandoned());
            assertThrows(IllegalStateException.class, capture::toByteArray);
            capture.write(bytes(1, 3), 0, 1);
            assertTrue(capture.abandoned(), "stays abandoned");
        }
    }

    @Test
    void abandonsPastMaxBytesAfterSpillingAndDeletesTheFile() throws IOException {
        try (Capture capture = new Capture(spillDir(), 16, 100)) {
            capture.write(bytes(60, 1), 0, 60);
            assertEquals(1, spillFiles().size());
            capture.write(bytes(60, 2), 0, 60);
            assertTrue(capture.abandoned());
            assertEquals(List.of(), spillFiles(), "abandoning drops the spill file at once");
            assertThrows(IllegalStateException.class, capture::toByteArray);
        }
    }

    @Test
    void zeroMaxBytesCapturesNothing() {
        try (Capture capture = new Capture(spillDir(), 16, 0)) {
            capture.write(bytes(1, 1), 0, 1);
            assertTrue(capture.abandoned());
        }
    }

    @Test
    void aReaderReadsWhatIsWrittenInMemoryAndAfterTheSpill() throws IOException {
        byte[] first = bytes(60, 1);
        byte[] second = bytes(80, 2);
        try (Capture capture = new Capture(spillDir(), 100, 1000)) {
            capture.write(first, 0, first.length);
            assertArrayEquals(java.util.Arrays.copyOfRange(first, 10, 30), capture.read(10, 20), "from memory");
            capture.write(second, 0, second.length);
            assertEquals(1, spillFiles().size(), "past 100 bytes the copy spilled");
            byte[] all = concat(first, second);
            assertArrayEquals(java.util.Arrays.copyOfRange(all, 50, 140), capture.read(50, 90), "from the spill file");
            assertThrows(IOException.class, () -> capture.read(100, 41), "nothing past what was written");
        }
    }

    @Test
    void theSpillFileOutlivesTheWriterWhileAReaderHoldsIt() throws IOException {
        byte[] data = bytes(300, 3);
        Capture capture = new Capture(spillDir(), 100, 1000);
        capture.write(data, 0, data.length);
        assertTrue(capture.retain(), "a follower joins");
        capture.close();
        assertEquals(1, spillFiles().size(), "the writer is done but a follower still reads");
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 200, 300), capture.read(200, 100));
        capture.release();
        assertEquals(List.of(), spillFiles(), "the last reader deleted it");
        assertFalse(capture.retain(), "a copy that is gone cannot be joined");
    }

    @Test
    void aReaderOfAnAbandonedCopyIsToldSo() {
        Capture capture = new Capture(spillDir(), 100, 50);
        assertTrue(capture.retain());
        capture.write(bytes(40, 4), 0, 40);
        capture.write(bytes(40, 5), 0, 40);
        assertThrows(IOException.class, () -> capture.read(0, 10), "past maxBytes the copy is given up");
        capture.release();
        capture.close();
    }
}
