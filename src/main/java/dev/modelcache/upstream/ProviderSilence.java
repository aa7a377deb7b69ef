package dev.modelcache.upstream;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The provider's timeout of one answer ({@code upstream/responseTimeout}), kept by the proxy rather than the socket:
 * the answer fails when the provider has sent nothing for that long (counted from the call's start for the head, the
 * connect included: a loopback or TLS connect is a small part of it) while its reader waits for it. Time in which the
 * reader has not taken what came (a slow client holds the relay back) is not the provider's silence: a blocking read
 * that waited on the client never timed out either. A timer looks at it again within a tenth of the timeout.
 */
final class ProviderSilence {
    private long quietSince = System.nanoTime();
    /** The reader has found nothing to read and waits for the provider (the only time its silence counts). */
    private boolean waiting = true;

    /** The head came: the provider's silence counts anew. */
    synchronized void restart() {
        quietSince = System.nanoTime();
    }

    /** Bytes came: the provider is not silent, and the reader has something to take. */
    synchronized void heard() {
        quietSince = System.nanoTime();
        waiting = false;
    }

    /** The reader found nothing: the provider's silence counts from now (unless it already did). */
    synchronized void readerWaits() {
        if (!waiting) {
            waiting = true;
            quietSince = System.nanoTime();
        }
    }

    /**
     * Tells {@code silent} the {@link SocketTimeoutException} once the provider has been silent for {@code timeout}
     * while the reader waited; stops looking once {@code over} (the answer ended or failed).
     */
    void watch(ScheduledExecutorService timer, Duration timeout, BooleanSupplier over,
               Consumer<SocketTimeoutException> silent) {
        restart();
        timer.schedule(() -> check(timer, timeout, over, silent), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void check(ScheduledExecutorService timer, Duration timeout, BooleanSupplier over,
                       Consumer<SocketTimeoutException> silent) {
        if (over.getAsBoolean()) {
            return;
        }
        long next;
        synchronized (this) {
            long now = System.nanoTime();
            if (!waiting) {
                quietSince = now; // the reader is busy or behind: the provider is not the one keeping it waiting
            }
            // Looked at again within a tenth of the timeout: the silence may start anew meanwhile (bytes, a read).
            next = Math.min(quietSince + timeout.toNanos() - now, timeout.toNanos() / 10);
            if (quietSince + timeout.toNanos() - now <= 0) {
                next = 0;
            }
        }
        if (next > 0) {
            try {
                timer.schedule(() -> check(timer, timeout, over, silent), next, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The client is closing: its calls end with it.
            }
            return;
        }
        silent.accept(new SocketTimeoutException("Read timed out (" + timeout.toSeconds() + " s without a byte)"));
    }
}
