package dev.modelcache.servlet;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The bytes of one request body as they arrive. A body with a Content-Length (what API clients send) is read straight
 * into one array of that length, handed on as it is: no read buffer, no growing copy, no final copy. Only a chunked
 * body, whose length nobody knows, grows an array as it comes. A body is at most the servlet's {@code maxBodyBytes},
 * checked by the reader after each read ({@link #size()} may pass it by one read before it is refused).
 */
final class BodyBytes {
    /** First capacity of a chunked body's array; it doubles as needed. */
    static final int CHUNKED_START_BYTES = 1024;

    private final boolean declared;
    private final int limit;
    private byte[] bytes;
    private int size;

    /**
     * {@code declaredLength}: the request's Content-Length (at most {@code maxBytes}), or -1 when it has none
     * (chunked); the array never grows past one byte more than {@code maxBytes}, enough to see a body is too large.
     */
    BodyBytes(long declaredLength, int maxBytes) {
        this.declared = declaredLength >= 0 && declaredLength <= maxBytes;
        this.limit = (int) Math.min(Integer.MAX_VALUE - 8L, maxBytes + 1L);
        this.bytes = new byte[declared ? (int) declaredLength : Math.min(CHUNKED_START_BYTES, limit)];
    }

    /** Reads what one {@code read} gives; -1 at the end. A declared body's array is never outgrown. */
    int readFrom(InputStream in) throws IOException {
        if (size == bytes.length) {
            if (size >= limit) {
                return 0;
            }
            if (declared) {
                // All declared bytes are here; anything more would be the next request's, so only the end is left.
                int b = in.read();
                if (b == -1) {
                    return -1;
                }
                grow();
                bytes[size++] = (byte) b;
                return 1;
            }
            grow();
        }
        int n = in.read(bytes, size, bytes.length - size);
        if (n > 0) {
            size += n;
        }
        return n;
    }

    /**
     * Reads, without waiting, what has already arrived of a body with a Content-Length; true when that is all of it.
     * It reads only while the container says bytes are buffered ({@code available() > 0}): Tomcat then takes them
     * from its buffer and never waits on the socket, so a client slow to send holds no thread here (the rest is read
     * without blocking by {@link BodyReader}, which goes on from what this read). A chunked body is never read here.
     */
    boolean readArrived(InputStream in) throws IOException {
        while (declared && size < bytes.length && in.available() > 0) {
            int n = in.read(bytes, size, bytes.length - size);
            if (n <= 0) {
                return false;
            }
            size += n;
        }
        return declared && size == bytes.length;
    }

    private void grow() {
        bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(CHUNKED_START_BYTES, 2L * bytes.length)));
    }

    int size() {
        return size;
    }

    /** The array the reader holds now (for tests: its capacity is what a body costs while it arrives). */
    int capacity() {
        return bytes.length;
    }

    /** The body: the array itself when it is exactly full (a declared body read whole), else a copy of what came. */
    byte[] bytes() {
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }
}
