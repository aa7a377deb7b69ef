package dev.modelcache.upstream;

import dev.modelcache.stream.PushBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Receives one answer on HttpClient's I/O reactor without ever blocking it: the head completes {@link #head()}, the
 * body goes into a queue of at most {@link #WINDOW} bytes (more is not asked for through the capacity channel until
 * the reader took some, so a reader that stops reading stops the provider through TCP, as a blocking read did). The
 * body is read either by a thread that may block ({@link #blocking()}, for answers relayed on the request's thread)
 * or without blocking ({@link PushBody}, for a stream relayed while no thread waits for it), never both.
 *
 * <p>It keeps the provider's timeout itself ({@link #watch}, see {@link ProviderSilence}): the answer fails with a
 * {@link java.net.SocketTimeoutException} when the provider has been silent too long while its reader waited.
 */
final class AnswerConsumer implements AsyncResponseConsumer<Void>, PushBody {
    /** Bytes of an answer held between the provider and its reader. */
    static final int WINDOW = 64 * 1024;

    private final CompletableFuture<HttpResponse> head = new CompletableFuture<>();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private byte[] first;
    private int firstOffset;
    private int queued;
    private int granted;
    private boolean ended;
    private Exception failure;
    private CapacityChannel capacity;
    private Runnable ready = () -> { };
    private final ProviderSilence silence = new ProviderSilence();
    private FutureCallback<Void> done;
    private boolean bodyless;

    CompletableFuture<HttpResponse> head() {
        return head;
    }

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context,
                                FutureCallback<Void> done) {
        silence.restart();
        synchronized (this) {
            this.done = done;
            this.bodyless = entity == null;
        }
        if (entity == null) {
            end();
        }
        head.complete(response);
    }

    /** True when the answer has no body at all (a HEAD, a 204, a 304): there is nothing to decode. */
    synchronized boolean bodyless() {
        return bodyless;
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) {
    }

    @Override
    public void updateCapacity(CapacityChannel channel) throws IOException {
        int more;
        synchronized (this) {
            // Called when the connection's window ran out: nothing granted is left (whatever this count said).
            capacity = channel;
            more = Math.max(0, WINDOW - queued);
            granted = more;
        }
        if (more > 0) {
            channel.update(more);
        }
    }

    @Override
    public void consume(ByteBuffer src) {
        Runnable wake;
        silence.heard();
        synchronized (this) {
            byte[] bytes = new byte[src.remaining()];
            src.get(bytes);
            queue.add(bytes);
            queued += bytes.length;
            granted = Math.max(0, granted - bytes.length);
            wake = ready;
            notifyAll();
        }
        wake.run();
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) {
        end();
    }

    private void end() {
        Runnable wake;
        FutureCallback<Void> finished;
        synchronized (this) {
            ended = true;
            wake = ready;
            finished = done;
            notifyAll();
        }
        if (finished != null) {
            finished.completed(null);
        }
        wake.run();
    }

    @Override
    public void failed(Exception cause) {
        Runnable wake;
        synchronized (this) {
            if (!ended && failure == null) {
                failure = cause;
            }
            wake = ready;
            notifyAll();
        }
        head.completeExceptionally(cause);
        wake.run();
    }

    @Override
    public void releaseResources() {
    }

    @Override
    public void onReady(Runnable ready) {
        synchronized (this) {
            this.ready = ready;
        }
        ready.run();
    }

    @Override
    public int poll(byte[] buffer) throws IOException {
        int n;
        grant();
        synchronized (this) {
            n = take(buffer);
            if (n == 0) {
                if (failure != null) {
                    throw failure instanceof IOException io ? io : new IOException(failure);
                }
                if (ended) {
                    return -1;
                }
                silence.readerWaits();
            }
        }
        grant();
        return n;
    }

    /** Copies queued bytes into {@code buffer}; guarded by this. */
    private int take(byte[] buffer) {
        int n = 0;
        while (n < buffer.length) {
            if (first == null) {
                first = queue.poll();
                firstOffset = 0;
                if (first == null) {
                    break;
                }
            }
            int length = Math.min(buffer.length - n, first.length - firstOffset);
            System.arraycopy(first, firstOffset, buffer, n, length);
            n += length;
            firstOffset += length;
            if (firstOffset == first.length) {
                first = null;
            }
        }
        queued -= n;
        return n;
    }

    /**
     * Fails the answer (and runs {@code abort}, which cuts the call) once the provider has been silent for
     * {@code timeout} while the reader waited.
     */
    void watch(ScheduledExecutorService timer, Duration timeout, Runnable abort) {
        silence.watch(timer, timeout, this::over, silent -> {
            failed(silent);
            abort.run();
        });
    }

    private synchronized boolean over() {
        return ended || failure != null;
    }

    /** Asks the provider for as much as the reader has taken, outside the lock (the channel takes the reactor's). */
    private void grant() throws IOException {
        CapacityChannel channel;
        int more;
        synchronized (this) {
            channel = capacity;
            more = Math.max(0, WINDOW - queued - granted);
            if (channel == null || more <= 0 || (more < WINDOW / 4 && queued > 0)) {
                return;
            }
            granted += more;
        }
        channel.update(more);
    }

    /** The body for a reader that may block until bytes come; a failed answer is its read's IOException. */
    InputStream blocking() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n == -1 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                byte[] into = off == 0 && len == b.length ? b : new byte[len];
                int n;
                synchronized (AnswerConsumer.this) {
                    while ((n = take(into)) == 0) {
                        if (failure != null) {
                            throw failure instanceof IOException io ? io : new IOException(failure);
                        }
                        if (ended) {
                            return -1;
                        }
                        silence.readerWaits();
                        try {
                            AnswerConsumer.this.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException("interrupted while reading the provider's answer");
                        }
                    }
                }
                grant();
                if (n > 0 && into != b) {
                    System.arraycopy(into, 0, b, off, n);
                }
                return n;
            }
        };
    }
}
