package dev.modelcache.flight;

import dev.modelcache.http.Headers;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An event stream as the leader relays it: its status and storable headers, then each event as it arrives.
 * Holds at most {@code maxBytes}; past that, or when the upstream breaks off, followers are told it broke.
 */
public final class LiveStream {
    private final int status;
    private final Headers headers;
    private final long maxBytes;
    private final List<byte[]> pieces = new ArrayList<>();
    private long bytes;
    private boolean ended;
    private boolean clean;

    LiveStream(int status, Headers headers, long maxBytes) {
        this.status = status;
        this.headers = headers;
        this.maxBytes = maxBytes;
    }

    public int status() {
        return status;
    }

    public Headers headers() {
        return headers;
    }

    /** The leader relayed one more event. */
    public synchronized void add(byte[] piece) {
        if (ended) {
            return;
        }
        bytes += piece.length;
        if (bytes > maxBytes) {
            end(false);
            return;
        }
        pieces.add(piece);
        notifyAll();
    }

    /** The leader's stream ended, cleanly or not. The first call wins. */
    public synchronized void end(boolean cleanly) {
        if (!ended) {
            ended = true;
            clean = cleanly;
            notifyAll();
        }
    }

    /**
     * Piece {@code index}, waiting up to {@code idle} for it to arrive; null after the last piece of a stream
     * that ended cleanly. Fails when the stream broke off or went silent.
     */
    public synchronized byte[] piece(int index, Duration idle) throws IOException {
        long deadline = System.nanoTime() + idle.toNanos();
        while (index >= pieces.size() && !ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new InterruptedIOException("the identical request being followed went silent");
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while following an identical request");
            }
        }
        if (index < pieces.size()) {
            return pieces.get(index);
        }
        if (!clean) {
            throw new IOException("the identical request being followed broke off");
        }
        return null;
    }
}
