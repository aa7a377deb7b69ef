package dev.modelcache.flight;

import dev.modelcache.http.Headers;
import dev.modelcache.stream.ReadableCopy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An event stream as the leader relays it: its status and storable headers, then where each event ends in the
 * leader's {@link ReadableCopy}. Followers read each event from that copy as it is published, so a stream is held
 * in memory once (up to the capture's threshold, then in its spill file) however many follow it. A follower
 * {@link #join() joins} before it reads and {@link #leave() leaves} after.
 */
public final class LiveStream {
    private final int status;
    private final Headers headers;
    private final ReadableCopy copy;
    private final List<Long> ends = new ArrayList<>();
    /** Followers relaying without a thread, told of each event and of the end (see {@link LiveFollower}). */
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private boolean ended;
    private boolean clean;

    LiveStream(int status, Headers headers, ReadableCopy copy) {
        this.status = status;
        this.headers = headers;
        this.copy = copy;
    }

    public int status() {
        return status;
    }

    public Headers headers() {
        return headers;
    }

    /** The leader's copy now holds one more event, ending at {@code end}. */
    public void published(long end) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ends.add(end);
            notifyAll();
        }
        listeners.forEach(Runnable::run);
    }

    /** The leader's stream ended, cleanly or not. The first call wins. */
    public void end(boolean cleanly) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            clean = cleanly;
            notifyAll();
        }
        listeners.forEach(Runnable::run);
    }

    /** Runs {@code wake} (on the leader's thread) after each event published and at the end, until it is removed. */
    void listen(Runnable wake) {
        listeners.add(wake);
    }

    void unlisten(Runnable wake) {
        listeners.remove(wake);
    }

    /** What {@link #poll} answers for an event not published yet. */
    static final byte[] NOT_YET = new byte[0];

    /**
     * Event {@code index} if it is published, {@link #NOT_YET} if not, null after the last event of a stream that
     * ended cleanly; fails when the stream broke off or its copy was given up. Never waits.
     */
    byte[] poll(int index) throws IOException {
        long from;
        long to;
        synchronized (this) {
            if (index >= ends.size()) {
                if (!ended) {
                    return NOT_YET;
                }
                if (!clean) {
                    throw new IOException("the identical request being followed broke off");
                }
                return null;
            }
            from = index == 0 ? 0 : ends.get(index - 1);
            to = ends.get(index);
        }
        return copy.read(from, (int) (to - from));
    }

    /** Holds the leader's copy for reading; false when it is gone already (the leader finished: look again). */
    public boolean join() {
        return copy.retain();
    }

    /** This follower is done reading. */
    public void leave() {
        copy.release();
    }

    /**
     * Event {@code index}, waiting up to {@code idle} for it to be published; null after the last event of a stream
     * that ended cleanly. Fails when the stream broke off, went silent, or its copy was given up.
     */
    public byte[] piece(int index, Duration idle) throws IOException {
        long from;
        long to;
        synchronized (this) {
            long deadline = System.nanoTime() + idle.toNanos();
            while (index >= ends.size() && !ended) {
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
            if (index >= ends.size()) {
                if (!clean) {
                    throw new IOException("the identical request being followed broke off");
                }
                return null;
            }
            from = index == 0 ? 0 : ends.get(index - 1);
            to = ends.get(index);
        }
        return copy.read(from, (int) (to - from));
    }

    /**
     * Writes every event to {@code out} as it is published, flushing each, and closes {@code out} after the last;
     * fails as {@link #piece} does, waiting at most {@code idle} for each event.
     */
    public void relayTo(OutputStream out, Duration idle) throws IOException {
        byte[] piece;
        for (int i = 0; (piece = piece(i, idle)) != null; i++) {
            out.write(piece);
            out.flush();
        }
        out.close();
    }
}
