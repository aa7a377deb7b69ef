package dev.modelcache.cache;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a cached answer's body lies: a region of a byte array (an entry held by Ehcache, viewed in place rather
 * than copied for every hit), or a region of a record file (a large entry, streamed from disk for every hit
 * through a small buffer, so that many readers of a large answer hold no large arrays).
 */
public sealed interface Body {
    /** Bytes a reader copies at a time from a file. */
    int FILE_BUFFER_BYTES = 64 * 1024;

    long length();

    /** Opens the body for one replay; the reader copies byte ranges of it. */
    Reader open() throws IOException;

    /** One replay's access to a body. */
    interface Reader extends Closeable {
        /** Writes the bytes {@code [from, to)} of the body. */
        void copy(OutputStream out, long from, long to) throws IOException;
    }

    static Body of(byte[] bytes) {
        return new InMemory(bytes, 0, bytes.length);
    }

    /** {@code size} bytes of {@code array} from {@code offset}; the array is shared, never written. */
    record InMemory(byte[] array, int offset, int size) implements Body, Reader {
        public InMemory {
            if (offset < 0 || size < 0 || offset + size > array.length) {
                throw new IllegalArgumentException("region " + offset + "+" + size + " outside an array of " + array.length);
            }
        }

        @Override
        public long length() {
            return size;
        }

        @Override
        public Reader open() {
            return this;
        }

        @Override
        public void copy(OutputStream out, long from, long to) throws IOException {
            out.write(array, offset + (int) from, (int) (to - from));
        }

        @Override
        public void close() {
            // Nothing to release.
        }
    }

    /**
     * {@code size} bytes of {@code file} from {@code offset}. A read that finds the file shorter than that, or that
     * fails, calls {@code onUnreadable} before it throws: the store that handed the body out forgets its entry, so
     * that the request after a broken hit is a miss rather than the same broken hit again. A failed write to the
     * client is not the file's fault and calls nothing.
     */
    record InFile(Path file, long offset, long size, Runnable onUnreadable) implements Body {
        public InFile(Path file, long offset, long size) {
            this(file, offset, size, () -> { });
        }

        @Override
        public long length() {
            return size;
        }

        @Override
        public Reader open() throws IOException {
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
                if (channel.size() < offset + size) {
                    long found = channel.size();
                    channel.close();
                    throw new IOException("record file " + file + " has " + found + " bytes, not " + (offset + size));
                }
            } catch (IOException e) {
                onUnreadable.run();
                throw e;
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(FILE_BUFFER_BYTES, Math.max(1, size)));
            return new Reader() {
                @Override
                public void copy(OutputStream out, long from, long to) throws IOException {
                    long position = offset + from;
                    long end = offset + to;
                    while (position < end) {
                        buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                        int n = read(position);
                        out.write(buffer.array(), 0, n);
                        position += n;
                    }
                }

                private int read(long position) throws IOException {
                    try {
                        int n = channel.read(buffer, position);
                        if (n < 0) {
                            throw new IOException("record file " + file + " ended early");
                        }
                        return n;
                    } catch (IOException e) {
                        onUnreadable.run();
                        throw e;
                    }
                }

                @Override
                public void close() throws IOException {
                    channel.close();
                }
            };
        }
    }
}
