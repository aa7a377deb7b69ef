package dev.modelcache.files;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bookkeeping file written after a change rather than at every change: its owner marks it {@link #changed()},
 * and about once a second (and when closed) one daemon thread writes the owner's snapshot through
 * {@link AtomicFile}, if anything changed since the last write. A write that fails is logged and tried again at the
 * next tick: bookkeeping never stops the proxy. Without a file, nothing is written.
 */
public final class FlushedFile implements AutoCloseable {
    private static final Logger LOG = System.getLogger(FlushedFile.class.getName());

    /** The owner's state as the file's bytes; called on the writing thread, so it takes the owner's own lock. */
    @FunctionalInterface
    public interface Snapshot {
        byte[] bytes() throws IOException;
    }

    private final Path file;
    private final String what;
    private final Snapshot snapshot;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final Object writing = new Object();
    private final ScheduledExecutorService thread;
    /** The one thread {@link #thread} runs on, joined on {@link #close()}. */
    private final AtomicReference<Thread> worker = new AtomicReference<>();

    /**
     * Writes {@code snapshot} to {@code file} (null: never) after changes, on a thread named {@code modelcache-<name>};
     * {@code what} names the file in warnings ("the cost ledger").
     */
    public FlushedFile(Path file, String name, String what, Snapshot snapshot) {
        this.file = file;
        this.what = what;
        this.snapshot = snapshot;
        if (file == null) {
            thread = null;
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "modelcache-" + name);
            t.setDaemon(true);
            worker.set(t);
            return t;
        });
        thread.scheduleWithFixedDelay(this::flushQuietly, 1, 1, TimeUnit.SECONDS);
    }

    /** Something changed: the next tick writes the file. */
    public void changed() {
        dirty.set(true);
    }

    /** Writes the file now if something changed since it was last written. */
    public void flush() throws IOException {
        if (file == null) {
            return;
        }
        synchronized (writing) {
            if (!dirty.getAndSet(false)) {
                return;
            }
            try {
                AtomicFile.write(file, snapshot.bytes());
            } catch (IOException | RuntimeException e) {
                dirty.set(true);
                throw e;
            }
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot write " + what + " " + file + ": " + e.getMessage());
        }
    }

    /**
     * Stops the periodic writes (waiting up to 5 s for one under way, then interrupting it), waits for the thread itself
     * to end, and writes a last time. An executor counts as terminated a moment before its thread has ended; a web
     * application undeployed in that moment leaves a live thread behind, which Tomcat reports as a leak.
     */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
            Thread ended = worker.get();
            if (ended != null) {
                ended.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushQuietly();
    }
}
