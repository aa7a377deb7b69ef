package dev.modelcache.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy whose spill file fails (a full disk) goes on in memory, so the answer can still be counted: whether the
 * file cannot be made at all, or a write to it fails midway.
 */
class CaptureDiskFullTest {
    @TempDir
    Path dir;

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void aSpillFileThatCannotBeMadeLeavesTheCopyInMemory() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("spill"), "a file where the folder should be");
        byte[] a = bytes(10, 1);
        byte[] b = bytes(20, 2);
        try (Capture capture = new Capture(notAFolder, 16, 1000)) {
            capture.write(a, 0, a.length);
            capture.write(b, 0, b.length);
            assertFalse(capture.abandoned());
            assertEquals(30, capture.size());
            assertArrayEquals(concat(a, b), capture.toByteArray());
            assertArrayEquals(b, capture.read(10, 20), "a follower reads the copy from memory");
        }
    }

    @Test
    void aSpillFileThatFailsMidwayIsReadBackAndTheCopyGoesOnInMemory() throws Exception {
        Path spillDir = dir.resolve("spill");
        byte[] a = bytes(20, 1);
        byte[] b = bytes(7, 2);
        byte[] c = bytes(5, 3);
        try (Capture capture = new Capture(spillDir, 16, 1000)) {
            capture.write(a, 0, a.length); // spilled
            Field spill = Capture.class.getDeclaredField("spill");
            spill.setAccessible(true);
            OutputStream file = (OutputStream) spill.get(capture);
            spill.set(capture, new OutputStream() {
                @Override
                public void write(int x) throws IOException {
                    throw new IOException("No space left on device");
                }

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    throw new IOException("No space left on device");
                }

                @Override
                public void flush() throws IOException {
                    file.flush();
                }

                @Override
                public void close() throws IOException {
                    file.close();
                }
            });
            capture.write(b, 0, b.length);
            capture.write(c, 0, c.length);
            assertFalse(capture.abandoned());
            assertEquals(32, capture.size());
            assertArrayEquals(concat(concat(a, b), c), capture.toByteArray());
            try (Stream<Path> left = Files.list(spillDir)) {
                assertEquals(0, left.count(), "the failed spill file is gone");
            }
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
