package dev.modelcache.stream;

import java.util.Arrays;

/**
 * The bytes of an event a splitter has not seen the end of yet, held in one array that never grows past
 * {@code limit}: a stream that never ends its event cannot make the proxy hold more than that for it.
 */
final class PendingBytes {
    private static final int INITIAL_BYTES = 1024;
    /** After an event larger than this, the array goes back to its first size instead of staying large. */
    private static final int KEPT_BYTES = 64 * 1024;

    private final int limit;
    private byte[] bytes;
    private int size;

    PendingBytes(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a pending event must be allowed at least one byte, not " + limit);
        }
        this.limit = limit;
        this.bytes = new byte[Math.min(INITIAL_BYTES, limit)];
    }

    int size() {
        return size;
    }

    boolean full() {
        return size == limit;
    }

    /** How many more bytes fit. */
    int room() {
        return limit - size;
    }

    /** The length of the array held now, which is never more than the limit. */
    int capacity() {
        return bytes.length;
    }

    /** Adds {@code length} bytes, which must fit ({@link #room()}). */
    void add(byte[] from, int offset, int length) {
        grow(length);
        System.arraycopy(from, offset, bytes, size, length);
        size += length;
    }

    /** The bytes held, in a new array; then none. */
    byte[] take() {
        byte[] taken = Arrays.copyOf(bytes, size);
        size = 0;
        if (bytes.length > KEPT_BYTES) {
            bytes = new byte[Math.min(INITIAL_BYTES, limit)];
        }
        return taken;
    }

    private void grow(int more) {
        if (more > room()) {
            throw new IllegalStateException(more + " bytes do not fit in a pending event of at most " + limit);
        }
        if (size + more > bytes.length) {
            long doubled = Math.max(2L * bytes.length, size + more);
            bytes = Arrays.copyOf(bytes, (int) Math.min(doubled, limit));
        }
    }
}
