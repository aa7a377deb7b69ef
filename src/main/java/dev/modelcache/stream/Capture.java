package dev.modelcache.stream;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The copy of an answer taken while it streams to the client. The first {@code memoryBytes} stay in memory; beyond
 * that the copy spills to a temporary file in {@code spillDir}, so a long stream does not hold the heap for its
 * whole life. Past {@code maxBytes} the copy is abandoned (the answer is still relayed, but not stored).
 * {@link #close()} always deletes the spill file.
 */
public final class Capture implements Closeable {
    private final Path spillDir;
    private final int memoryBytes;
    private final long maxBytes;
    private final ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path spillFile;
    private OutputStream spill;
    private long size;
    private boolean abandoned;

    public Capture(Path spillDir, int memoryBytes, long maxBytes) {
        this.spillDir = spillDir;
        this.memoryBytes = memoryBytes;
        this.maxBytes = maxBytes;
    }

    public void write(byte[] bytes, int offset, int length) {
        if (abandoned) {
            return;
        }
        if (size + length > maxBytes) {
            abandon();
            return;
        }
        try {
            if (spill == null && memory.size() + length > memoryBytes) {
                Files.createDirectories(spillDir);
                spillFile = Files.createTempFile(spillDir, "capture-", ".part");
                spill = Files.newOutputStream(spillFile);
                memory.writeTo(spill);
                memory.reset();
            }
            if (spill != null) {
                spill.write(bytes, offset, length);
            } else {
                memory.write(bytes, offset, length);
            }
            size += length;
        } catch (IOException e) {
            // The copy failed (disk full?): the client still gets its answer, only the cache goes without.
            abandon();
        }
    }

    public long size() {
        return size;
    }

    /** True when the copy was given up (too large, or the spill file failed): nothing can be stored. */
    public boolean abandoned() {
        return abandoned;
    }

    /** Everything captured, in one array. */
    public byte[] toByteArray() {
        if (abandoned) {
            throw new IllegalStateException("the capture was abandoned");
        }
        if (spill == null) {
            return memory.toByteArray();
        }
        try {
            spill.flush();
            return Files.readAllBytes(spillFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void abandon() {
        abandoned = true;
        memory.reset();
        close();
    }

    @Override
    public void close() {
        try {
            if (spill != null) {
                spill.close();
            }
            if (spillFile != null) {
                Files.deleteIfExists(spillFile);
            }
        } catch (IOException e) {
            // A temporary file we could not delete: the next start's clean-up of the spill folder takes it.
        } finally {
            spill = null;
            spillFile = null;
        }
    }
}
