package dev.modelcache.stream;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The copy of an answer taken while it streams to the client. The first {@code memoryBytes} stay in memory; beyond
 * that the copy spills to a temporary file in {@code spillDir}, so a long stream does not hold the heap for its
 * whole life; if the spill file fails (a full disk), the copy stays in memory instead. Past {@code maxBytes} the copy
 * is abandoned (the answer is still relayed, but not stored nor counted).
 *
 * <p>Requests that follow the same answer read this copy while it is written ({@link ReadableCopy}), so a stream
 * is held once however many clients follow it. The writer's {@link #close()} and each reader's
 * {@link #release()} count down together; the spill file is deleted when the last of them is done.
 */
public final class Capture implements Closeable, ReadableCopy {
    private final Path spillDir;
    private final int memoryBytes;
    private final long maxBytes;
    private final Memory memory = new Memory();
    private Path spillFile;
    private OutputStream spill;
    private FileChannel readChannel;
    private long size;
    private boolean abandoned;
    private boolean refused;
    private boolean memoryOnly;
    private boolean writerDone;
    private int holders = 1;

    public Capture(Path spillDir, int memoryBytes, long maxBytes) {
        this.spillDir = spillDir;
        this.memoryBytes = memoryBytes;
        this.maxBytes = maxBytes;
    }

    public synchronized void write(byte[] bytes, int offset, int length) {
        if (abandoned) {
            return;
        }
        if (size + length > maxBytes) {
            abandon();
            return;
        }
        try {
            if (spill == null && !memoryOnly && memory.size() + length > memoryBytes) {
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
            // The spill file failed (disk full?): the copy goes on in memory, up to maxBytes (what reading it back
            // whole takes anyway), so the answer is still counted; abandoned only if even the file cannot be read.
            try {
                if (spill != null && memory.size() == 0 && size > 0) {
                    memory.write(readSpill(size));
                }
                discard();
                memoryOnly = true;
                memory.write(bytes, offset, length);
                size += length;
            } catch (IOException unreadable) {
                abandon();
            }
        }
    }

    private byte[] readSpill(long length) throws IOException {
        spill.flush();
        byte[] copy = new byte[(int) length];
        try (FileChannel channel = FileChannel.open(spillFile, StandardOpenOption.READ)) {
            ByteBuffer target = ByteBuffer.wrap(copy);
            while (target.hasRemaining() && channel.read(target) >= 0) {
                // reads on
            }
            if (target.hasRemaining()) {
                throw new IOException("the spill file ended early");
            }
        }
        return copy;
    }

    public synchronized long size() {
        return size;
    }

    /**
     * True when the copy was given up (too large, or the spill file failed) or {@linkplain #refuse() refused}:
     * nothing can be stored.
     */
    public synchronized boolean abandoned() {
        return abandoned || refused;
    }

    /**
     * The answer is not to be stored (an event outgrew the splitter's bound), but the copy is kept for the clients
     * following it, who still read every byte from it; it is bounded as before (memory, then the spill file).
     */
    public synchronized void refuse() {
        refused = true;
    }

    public synchronized boolean refused() {
        return refused;
    }

    /** Everything captured, in one array. */
    public synchronized byte[] toByteArray() {
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

    /**
     * The spill file holding everything captured, flushed, or empty when it all stayed in memory
     * ({@link #inMemory()}): a large answer is stored by copying this file through a small buffer rather than by
     * reading it into the heap. The file is only good while the capture is open: it goes when the last holder lets
     * go.
     */
    public synchronized Optional<Path> spilled() {
        checkKept();
        if (spill == null) {
            return Optional.empty();
        }
        try {
            spill.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(spillFile);
    }

    /** Everything captured, as one array, when it stayed in memory ({@link #spilled()} is empty). */
    public synchronized byte[] inMemory() {
        checkKept();
        if (spill != null) {
            throw new IllegalStateException("the capture spilled to " + spillFile);
        }
        return memory.toByteArray();
    }

    private void checkKept() {
        if (abandoned) {
            throw new IllegalStateException("the capture was abandoned");
        }
    }

    @Override
    public synchronized byte[] read(long from, int length) throws IOException {
        if (abandoned || holders == 0) {
            throw new IOException("the copy being followed was given up");
        }
        if (from < 0 || from + length > size) {
            throw new IOException("bytes " + from + "+" + length + " are not in a copy of " + size);
        }
        byte[] bytes = new byte[length];
        if (spill == null) {
            System.arraycopy(memory.array(), (int) from, bytes, 0, length);
            return bytes;
        }
        if (readChannel == null) {
            readChannel = FileChannel.open(spillFile, StandardOpenOption.READ);
        }
        ByteBuffer target = ByteBuffer.wrap(bytes);
        while (target.hasRemaining()) {
            if (readChannel.read(target, from + target.position()) < 0) {
                throw new IOException("the spill file ended early");
            }
        }
        return bytes;
    }

    @Override
    public synchronized boolean retain() {
        if (holders == 0 || abandoned) {
            return false;
        }
        holders++;
        return true;
    }

    @Override
    public synchronized void release() {
        if (holders > 0 && --holders == 0) {
            discard();
        }
    }

    private void abandon() {
        abandoned = true;
        memory.reset();
        discard();
    }

    /** The writer is done with the copy; it goes once no reader holds it either. */
    @Override
    public synchronized void close() {
        if (!writerDone) {
            writerDone = true;
            release();
        }
    }

    private void discard() {
        try {
            if (readChannel != null) {
                readChannel.close();
            }
            if (spill != null) {
                spill.close();
            }
            if (spillFile != null) {
                Files.deleteIfExists(spillFile);
            }
        } catch (IOException e) {
            // A temporary file we could not delete: the next start's clean-up of the spill folder takes it.
        } finally {
            readChannel = null;
            spill = null;
            spillFile = null;
        }
    }

    /** The in-memory part, readable in place. */
    private static final class Memory extends ByteArrayOutputStream {
        byte[] array() {
            return buf;
        }
    }
}
