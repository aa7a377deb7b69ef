package dev.modelcache.proxy;

import dev.modelcache.cache.Body;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A body read as a stream, a buffer at a time, so that a parser can walk an answer that lies in a file without the
 * whole of it in the heap.
 */
final class BodyInputStream extends InputStream {
    private final Body.Reader reader;
    private final long length;
    private long position;

    BodyInputStream(Body.Reader reader, long length) {
        this.reader = reader;
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int count) throws IOException {
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(Math.min(count, Body.FILE_BUFFER_BYTES), length - position);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(n);
        reader.copy(bytes, position, position + n);
        System.arraycopy(bytes.toByteArray(), 0, target, offset, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        // The reader is the caller's to close.
    }
}
