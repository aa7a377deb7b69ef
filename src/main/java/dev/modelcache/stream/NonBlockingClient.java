package dev.modelcache.stream;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;

/**
 * The client's side of a stream relayed without a thread: what is written here is queued and sent with the Servlet
 * API's non-blocking writes ({@link ServletOutputStream#isReady()}, {@link WriteListener#onWritePossible()}), each
 * piece flushed as soon as the socket takes it, so no call ever waits for the client. What it has not taken yet is
 * {@link #pendingBytes()}: the relay reads no more from the provider while that is above {@link #HIGH_WATER}, so a
 * slow client slows its provider (through TCP) as a blocking write did, and the proxy holds a bounded amount for it.
 *
 * <p>A client that went away (a failed write, or the container's {@link #onError}: a write that timed out) is
 * {@linkplain #gone() gone}: its bytes are dropped from then on, and writes fail as they did on a broken socket, so
 * the relay reads the provider to its end at its pace. {@link #close()} ends the response once everything queued
 * is out; {@code done} runs once, when it is, or at once for a client that is gone.
 */
public final class NonBlockingClient extends OutputStream implements WriteListener {
    /** Bytes queued for a client above which the relay stops reading its provider until the client takes some. */
    public static final int HIGH_WATER = 64 * 1024;

    private final ServletOutputStream out;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int pendingBytes;
    private boolean dirty;
    private boolean closing;
    private boolean breaking;
    private boolean closed;
    private boolean gone;
    private boolean doneRun;
    private boolean wrote;
    private Runnable room = () -> { };
    private Runnable done = () -> { };

    public NonBlockingClient(ServletOutputStream out) {
        this.out = out;
    }

    /** {@code room}: run (on any thread) when the queue fell below the mark; {@code done}: see the class. */
    public synchronized void listen(Runnable room, Runnable done) {
        this.room = room;
        this.done = done;
    }

    public synchronized int pendingBytes() {
        return gone ? 0 : pendingBytes;
    }

    public synchronized boolean gone() {
        return gone;
    }

    /** True once a byte went to the container: the response is committed, or about to be. */
    public synchronized boolean wrote() {
        return wrote;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        synchronized (this) {
            if (gone || closing) {
                throw new IOException(gone ? "the client went away" : "the response is closed");
            }
            byte[] copy = new byte[length];
            System.arraycopy(bytes, offset, copy, 0, length);
            queue.add(copy);
            pendingBytes += length;
        }
        drain();
    }

    /** Nothing to do: every piece is flushed as soon as the client can take it. */
    @Override
    public void flush() {
    }

    @Override
    public void close() {
        synchronized (this) {
            closing = true;
        }
        drain();
    }

    /**
     * The answer broke off after bytes went to this client: what is queued still goes out, flushed, as a blocking
     * relay would have written it before it saw the break; then {@code then} runs once (at once for a client that is
     * gone), and the caller breaks the connection. The response is not closed, so the client sees a cut answer.
     */
    public void breakOff(Runnable then) {
        synchronized (this) {
            breaking = true;
            closing = true;
            done = then;
        }
        drain();
    }

    /** The relay gave up on this client (its answer failed): nothing more is sent, and nothing is done at the end. */
    public synchronized void abandon() {
        gone = true;
        doneRun = true;
        queue.clear();
        pendingBytes = 0;
    }

    @Override
    public void onWritePossible() {
        drain();
    }

    @Override
    public void onError(Throwable t) {
        synchronized (this) {
            goneNow();
        }
        after();
    }

    private void goneNow() {
        gone = true;
        queue.clear();
        pendingBytes = 0;
    }

    /** Writes what the socket takes now; the container calls {@link #onWritePossible()} when it takes more. */
    private void drain() {
        synchronized (this) {
            try {
                while (!gone && !closed && out.isReady()) {
                    byte[] next = queue.poll();
                    if (next != null) {
                        pendingBytes -= next.length;
                        out.write(next);
                        wrote = true;
                        dirty = true;
                    } else if (dirty) {
                        out.flush();
                        dirty = false;
                    } else if (closing) {
                        if (!breaking) {
                            out.close();
                        }
                        closed = true;
                    } else {
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // A broken socket, or a request the container already ended after its client went away.
                goneNow();
            }
        }
        after();
    }

    /** Outside the lock (the relay takes its own, then this one): tell the relay there is room, or that all is out. */
    private void after() {
        Runnable then = null;
        Runnable more;
        synchronized (this) {
            more = pendingBytes < HIGH_WATER / 2 ? room : null;
            if (!doneRun && closing && (gone || (closed && isReadySafely()))) {
                doneRun = true;
                then = done;
            }
        }
        if (more != null) {
            more.run();
        }
        if (then != null) {
            then.run();
        }
    }

    private boolean isReadySafely() {
        try {
            return out.isReady();
        } catch (RuntimeException e) {
            return true;
        }
    }
}
