package dev.modelcache.servlet;

import dev.modelcache.http.Exchange;
import dev.modelcache.http.ProxyError;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads a request body with Servlet non-blocking I/O: no container thread waits while a client is slow to send,
 * so stalled uploads cannot starve health checks and hits. Bytes are kept up to {@code maxBodyBytes} (then 413);
 * once all have arrived, {@link Handler#handle} runs on the container thread that delivered the end, and the
 * asynchronous request is completed. A body that does not arrive within the asynchronous timeout is answered with
 * 408; a body the container cannot read (malformed chunks, cut short) is logged in one line and answered 400 while
 * the client still listens ({@link #onError(Throwable)}).
 */
final class BodyReader implements ReadListener, AsyncListener {
    private static final Logger LOG = System.getLogger(BodyReader.class.getName());

    /**
     * What runs once the whole body is read (the normal handling of the request); false when the answer goes on
     * without this thread and completes the request itself.
     */
    interface Handler {
        boolean handle(byte[] body) throws IOException;
    }

    /** Writes an error in the proxy's shape if the response is still uncommitted. */
    interface ErrorWriter {
        void write(ProxyError error) throws IOException;
    }

    private final AsyncContext async;
    private final ServletInputStream in;
    private final int maxBodyBytes;
    private final Handler handler;
    private final ErrorWriter errors;
    private final String what;
    private final BodyBytes body;
    private final AtomicBoolean finished = new AtomicBoolean();

    /** {@code body}: where the body goes, holding what arrived before this reader took over (maybe nothing). */
    BodyReader(AsyncContext async, ServletInputStream in, int maxBodyBytes, BodyBytes body, Handler handler,
               ErrorWriter errors, String what) {
        this.async = async;
        this.in = in;
        this.maxBodyBytes = maxBodyBytes;
        this.body = body;
        this.handler = handler;
        this.errors = errors;
        this.what = what;
    }

    @Override
    public void onDataAvailable() throws IOException {
        while (!finished.get() && in.isReady()) {
            int n = body.readFrom(in);
            if (n == -1) {
                return;
            }
            if (body.size() > maxBodyBytes) {
                fail(Exchange.tooLarge(maxBodyBytes));
                return;
            }
        }
    }

    @Override
    public void onAllDataRead() throws IOException {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        boolean answered = true;
        try {
            answered = handler.handle(body.bytes());
        } finally {
            if (answered) {
                async.complete();
            }
        }
    }

    /**
     * The container could not read the body: its chunked framing is malformed (a size that is not hex, data longer
     * than its size, a missing CRLF), it ended before it was complete, or the connection failed. Answered 400 (408
     * for a read that timed out) with {@code Connection: close} while the response is still open: a client that sent
     * a bad body learns why instead of seeing its connection dropped. A client that has already gone gets nothing,
     * and the failed write is only logged at DEBUG. Tomcat lets the response be written here: it calls this with
     * the response released from the error it reported and closes the connection after.
     */
    @Override
    public void onError(Throwable t) {
        if (!finished.get()) {
            LOG.log(Level.INFO, "request body of " + what + " not received in full (" + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage()) + "); nothing was sent upstream");
        }
        fail(timedOut(t) ? new ProxyError(408, "invalid_request_error", "request_timeout",
                "The request body stopped arriving; nothing was sent upstream.")
                : ProxyError.badRequest("invalid_body", "The request body could not be read: its chunked framing is"
                        + " malformed or it ended before it was complete. Nothing was sent upstream."));
    }

    private static boolean timedOut(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        fail(new ProxyError(408, "invalid_request_error", "request_timeout", "The request body did not arrive in time"
                + " (" + async.getTimeout() / 1000 + " s); nothing was sent upstream."));
    }

    @Override
    public void onError(AsyncEvent event) {
        onError(event.getThrowable() == null ? new IOException("connection failed") : event.getThrowable());
    }

    @Override
    public void onComplete(AsyncEvent event) {
        finished.set(true);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }

    /** Answers with {@code error} and closes the connection (the writer flushes it): the rest of the body is not read. */
    private void fail(ProxyError error) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        try {
            errors.write(error);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "could not answer " + what + " with " + error.status(), e);
        } finally {
            async.complete();
        }
    }
}
