package dev.modelcache.files;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a flush about once a second on one daemon thread, and once more when closed: for bookkeeping files that are
 * written after a change rather than at every change (the flush itself checks whether anything changed).
 */
public final class PeriodicFlush implements AutoCloseable {
    private final ScheduledExecutorService thread;
    private final Runnable flush;

    /** Starts flushing with {@code flush} (which must not throw) on a thread named {@code name}. */
    public PeriodicFlush(String name, Runnable flush) {
        this.flush = flush;
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(flush, 1, 1, TimeUnit.SECONDS);
    }

    /** Stops the periodic flushes (waiting up to 5 s for one under way) and flushes a last time. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush.run();
    }
}
