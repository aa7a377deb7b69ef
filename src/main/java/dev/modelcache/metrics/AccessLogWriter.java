package dev.modelcache.metrics;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Hands the access log's lines to java.util.logging on one thread of its own ({@value #THREAD}), so that a request
 * thread never waits for a log handler: a console or file handler writes (and flushes) under its own lock, and with
 * every request thread logging, all but one of them waited there. A line is queued in the order its exchange ended, at
 * most {@code capacity} at a time; when the queue is full (the handler cannot keep up) the line is dropped and
 * counted ({@link #dropped()}), and a WARNING says so at most once a minute. The queue is lock-free (a request thread
 * only adds to it and, when the writer sleeps, wakes it), and the writer flushes the handlers once it has written what
 * was queued rather than after each line. While lines keep coming, the writer takes them in batches every
 * {@link #LINGER_NANOS} instead of being woken for each (unless its queue is half full): a wake per exchange was a
 * thread switch per exchange on a busy core. {@link #close()} writes what is queued and ends the thread; a line that comes
 * after that is written on the caller's thread.
 * <p>
 * The line is made from its entry on the writer's thread too. Each record carries the time its exchange ended and the id of its request thread, as a record logged by that thread
 * would, so a container's formatter shows the same time and thread as before.
 */
final class AccessLogWriter<T> implements AutoCloseable {
    static final String THREAD = "modelcache-access-log";
    static final long WARN_EVERY_MILLIS = 60_000;
    private static final System.Logger LOG = System.getLogger(AccessLog.class.getName());
    /** Lines written between two looks at the drop count while the queue never empties. */
    private static final int CHECK_EVERY = 1024;
    private static final long CLOSE_WAIT_MILLIS = 10_000;
    /** How long the writer waits for more lines after writing some before it sleeps until woken: a line's delay at most. */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private record Line<T>(T entry, long atMillis, long threadId) {
    }

    private final Logger logger;
    private final Function<T, String> format;
    private final Clock clock;
    private final int capacity;
    private final ConcurrentLinkedQueue<Line<T>> queue = new ConcurrentLinkedQueue<>();
    /** Lines queued and not yet taken; reserved before a line is queued, so the queue never holds more. */
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder wakes = new LongAdder();
    /** The writer is about to sleep or sleeps: the next line wakes it. */
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private volatile boolean closing;
    private volatile boolean closed;
    private final Thread thread;
    /** The writer's own: the drop count at the last warning, and when that was. */
    private long warnedDrops;
    private long warnedAtMillis;
    private boolean warned;

    /** Writes to {@code logger} what {@code format} makes of each entry (on the writer's thread). */
    AccessLogWriter(Logger logger, Function<T, String> format, Clock clock, int capacity) {
        this.logger = logger;
        this.format = format;
        this.clock = clock;
        this.capacity = capacity;
        this.thread = new Thread(this::run, THREAD);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues {@code entry}, logged at the time now; false when the queue was full and the line was dropped. */
    boolean offer(T entry) {
        Line<T> line = new Line<>(entry, clock.millis(), Thread.currentThread().getId());
        if (closed) {
            write(line);
            flushHandlers();
            return true;
        }
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.increment();
            return false;
        }
        queue.offer(line);
        if (closed) {
            drain(); // the writer has ended since the check above: nobody else would take the line
            return true;
        }
        if (sleeping.get() && sleeping.compareAndSet(true, false) || queued.get() > capacity / 2) {
            wakes.increment();
            LockSupport.unpark(thread);
        }
        return true;
    }

    /** The writer's thread (for tests that watch it park). */
    Thread thread() {
        return thread;
    }

    /** How often a request thread woke the writer, since start. */
    long wakes() {
        return wakes.sum();
    }

    /** Lines dropped because the queue was full, since start. */
    long dropped() {
        return dropped.sum();
    }

    /** Lines waiting for the writer now. */
    int queued() {
        return Math.max(0, queued.get());
    }

    private void run() {
        long written = 0;
        boolean wrote = false;
        while (true) {
            Line<T> line = queue.poll();
            if (line != null) {
                queued.decrementAndGet();
                write(line);
                wrote = true;
                if (++written % CHECK_EVERY == 0) {
                    warnOfDrops();
                }
                continue;
            }
            flushHandlers();
            warnOfDrops();
            if (closing) {
                if (queue.isEmpty()) {
                    return;
                }
                continue;
            }
            if (wrote) {
                // Busy: wait a moment for the next lines without asking to be woken, so a request thread does not
                // wake this one (and the core switch to it) for every line; a half-full queue wakes it all the same.
                wrote = false;
                LockSupport.parkNanos(this, LINGER_NANOS);
                continue;
            }
            sleeping.set(true);
            if (queue.isEmpty() && !closing) {
                LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
            }
            sleeping.set(false);
        }
    }

    private void write(Line<T> line) {
        String text;
        try {
            text = format.apply(line.entry());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot make an access log line: " + e);
            return;
        }
        LogRecord record = new LogRecord(java.util.logging.Level.INFO, text);
        record.setInstant(Instant.ofEpochMilli(line.atMillis()));
        record.setLoggerName(logger.getName());
        record.setSourceClassName(AccessLog.class.getName());
        record.setSourceMethodName("exchangeEnded");
        record.setLongThreadID(line.threadId());
        try {
            logger.log(record);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the access log's handler failed: " + e);
        }
    }

    private void flushHandlers() {
        for (Handler handler : logger.getHandlers()) {
            try {
                handler.flush();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the access log's handler failed to flush: " + e);
            }
        }
    }

    /** A WARNING when lines were dropped since the last one, at most once a minute. */
    private void warnOfDrops() {
        long drops = dropped.sum();
        if (drops == warnedDrops) {
            return;
        }
        long now = clock.millis();
        if (warned && now - warnedAtMillis < WARN_EVERY_MILLIS) {
            return;
        }
        LOG.log(Level.WARNING, "the access log dropped " + (drops - warnedDrops) + " line(s)"
                + (warned ? " in the last minute" : "") + " (" + drops + " since start): its handler did not keep up and "
                + "its queue of " + capacity + " lines was full; requests were not held up. The count is in "
                + "/_cache/stats (accessLog.dropped) and /_cache/metrics (modelcache_access_log_dropped_total).");
        warned = true;
        warnedDrops = drops;
        warnedAtMillis = now;
    }

    /** Takes and writes whatever is queued, on the calling thread (once the writer has ended). */
    private synchronized void drain() {
        for (Line<T> line = queue.poll(); line != null; line = queue.poll()) {
            queued.decrementAndGet();
            write(line);
        }
        flushHandlers();
    }

    /**
     * Writes what is queued and ends the writer, waiting for it (up to {@value #CLOSE_WAIT_MILLIS} ms for a handler
     * that hangs, then interrupting it), so that an undeployed web application leaves no thread behind; lines that
     * come later are written on their own thread.
     */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(CLOSE_WAIT_MILLIS);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(CLOSE_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        drain();
    }
}
