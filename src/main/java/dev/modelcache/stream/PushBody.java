package dev.modelcache.stream;

import java.io.IOException;

/**
 * A body that arrives without anyone waiting for it: it says when there may be something to read, and a read never
 * blocks. What holds a live stream is then memory, not a thread (see {@link LiveRelay}).
 */
public interface PushBody {
    /**
     * Copies what has arrived into {@code buffer}: the number of bytes, 0 when nothing has arrived yet, -1 after the
     * clean end. A body that broke off throws.
     */
    int poll(byte[] buffer) throws IOException;

    /** Runs {@code ready} (on any thread, perhaps at once) whenever {@link #poll} may have something new. */
    void onReady(Runnable ready);
}
