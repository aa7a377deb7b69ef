package dev.modelcache.stream;

import java.io.IOException;

/**
 * A copy of an answer that other threads may read while it is still being written: followers of a stream read the
 * leader's copy instead of keeping one of their own. A reader {@linkplain #retain() retains} the copy before it
 * reads and {@linkplain #release() releases} it after, so the copy outlives its writer for as long as it is read.
 */
public interface ReadableCopy {
    /** {@code length} bytes from {@code from}, which must already have been written. */
    byte[] read(long from, int length) throws IOException;

    /** One more reader; false when the copy is already gone (its writer finished and every reader left). */
    boolean retain();

    /** A reader is done. */
    void release();
}
