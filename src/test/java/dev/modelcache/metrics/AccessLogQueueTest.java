package dev.modelcache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.LogConfig;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.support.LogCapture;
import dev.modelcache.tokens.Usage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The access log is written by one thread of its own through a bounded queue (issue 19): a request thread never
 * waits for the log's handler, lines keep the order their exchanges ended in, a full queue drops (and counts) lines,
 * and close writes what is queued and ends the thread. No timing: latches, counts and thread identity.
 */
@Timeout(120) // a guard against a hang (a request thread blocked on the handler), not a measure of speed
class AccessLogQueueTest {
    static final LogConfig CONFIG = new LogConfig(true, false, 100);

    /** Held here: java.util.logging keeps its loggers only weakly. */
    final Logger access = Logger.getLogger(AccessLog.LOGGER);
    final Logger warnings = Logger.getLogger(AccessLog.class.getName());
    final Probe probe = new Probe();
    final LogCapture warned = new LogCapture();
    final AtomicLong millis = new AtomicLong(Instant.parse("2026-12-07T09:00:00Z").toEpochMilli());
    final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    };
    final List<AccessLog> opened = new ArrayList<>();

    /**
     * Keeps each record with the thread that published it; a path starting /hold makes publish wait for {@link #go}
     * (a fresh pair of latches per hold, see {@link #rearm}). Counts flushes: the writer flushes when it runs out of
     * lines, just before it looks at the drop count.
     */
    static final class Probe extends Handler {
        final LinkedBlockingQueue<LogRecord> records = new LinkedBlockingQueue<>();
        final List<String> publishers = new CopyOnWriteArrayList<>();
        final AtomicLong flushes = new AtomicLong();
        volatile CountDownLatch holding = new CountDownLatch(1);
        volatile CountDownLatch go = new CountDownLatch(1);

        void rearm() {
            holding = new CountDownLatch(1);
            go = new CountDownLatch(1);
        }

        @Override
        public void publish(LogRecord record) {
            publishers.add(Thread.currentThread().getName());
            if (record.getMessage().startsWith("POST /hold")) {
                holding.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            records.add(record);
        }

        List<String> paths() {
            List<String> paths = new ArrayList<>();
            records.forEach(r -> paths.add(r.getMessage().substring(5, r.getMessage().indexOf(' ', 5))));
            return paths;
        }

        @Override
        public void flush() {
            flushes.incrementAndGet();
        }

        @Override
        public void close() {
        }
    }

    @BeforeEach
    void listen() {
        access.addHandler(probe);
        access.setUseParentHandlers(false);
        warnings.addHandler(warned);
    }

    @AfterEach
    void stop() {
        probe.go.countDown();
        opened.forEach(AccessLog::close);
        access.removeHandler(probe);
        access.setUseParentHandlers(true);
        warnings.removeHandler(warned);
    }

    AccessLog open(int queued) {
        AccessLog log = new AccessLog(CONFIG, clock, queued);
        opened.add(log);
        return log;
    }

    static ExchangeSummary exchange(String path) {
        return new ExchangeSummary("POST", path, "openai", "gpt-4o-mini", CacheStatus.HIT, false, 200,
                new Usage(1, 1, false), "ab".repeat(32), "caller", 1);
    }

    @Test
    void linesKeepTheirOrderAndAreWrittenByOneThreadOfTheirOwn() throws Exception {
        AccessLog log = open(AccessLog.QUEUED_LINES);
        int threads = 4;
        int each = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Set<Long> requestThreads = ConcurrentSet.create();
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    requestThreads.add(Thread.currentThread().getId());
                    start.await();
                    for (int i = 0; i < each; i++) {
                        log.exchangeEnded(exchange("/t" + thread + "/" + i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        log.close();
        assertEquals(threads * each, probe.records.size(), "one line per exchange");
        int[] next = new int[threads];
        for (String path : probe.paths()) {
            String[] parts = path.split("/");
            int thread = Integer.parseInt(parts[1].substring(1));
            assertEquals(next[thread]++, Integer.parseInt(parts[2]), "each thread's lines in the order they ended: " + path);
        }
        assertEquals(Set.of(AccessLogWriter.THREAD), new HashSet<>(probe.publishers),
                "the handler is called by the log's own thread, never a request thread");
        for (LogRecord record : probe.records) {
            assertTrue(requestThreads.contains(record.getLongThreadID()), "the record names its request thread");
            assertEquals(Level.INFO, record.getLevel());
            assertEquals(clock.instant(), record.getInstant(), "the time its exchange ended");
        }
        assertEquals(0, log.dropped());
    }

    @Test
    void aBlockedHandlerHoldsUpNoExchangeAndTheLinesItMissesAreCounted() throws Exception {
        AccessLog log = open(4);
        log.exchangeEnded(exchange("/hold"));
        assertTrue(probe.holding.await(60, TimeUnit.SECONDS), "the handler took the first line");
        CountDownLatch returned = new CountDownLatch(1);
        Thread request = new Thread(() -> {
            for (int i = 0; i < 9; i++) {
                log.exchangeEnded(exchange("/after/" + i));
            }
            returned.countDown();
        });
        request.start();
        assertTrue(returned.await(60, TimeUnit.SECONDS), "exchanges waited for the blocked handler");
        assertEquals(5, log.dropped(), "four lines queued, five dropped");
        assertEquals(5, log.toJson().path("dropped").asLong());
        assertEquals(4, log.toJson().path("queued").asLong());
        probe.go.countDown();
        log.close();
        assertEquals(List.of("/hold", "/after/0", "/after/1", "/after/2", "/after/3"), probe.paths());
        assertEquals(1, warned.records.stream().filter(r -> r.getLevel() == Level.WARNING
                && r.getMessage().contains("dropped 5 line")).count(), warned.records.toString());
    }

    @Test
    void theDropWarningComesAtMostOnceAMinute() throws Exception {
        AccessLog log = open(1);
        dropOneBehindAHeldLine(log);
        settle(log);
        assertEquals(1, warnings().size(), warned.records.toString());
        assertTrue(warnings().get(0).contains("dropped 1 line(s) (1 since start)"), warnings().get(0));
        dropOneBehindAHeldLine(log);
        settle(log);
        assertEquals(1, warnings().size(), "a second drop within the minute: no second warning");
        millis.addAndGet(AccessLogWriter.WARN_EVERY_MILLIS);
        settle(log);
        assertEquals(2, warnings().size(), warned.records.toString());
        assertTrue(warnings().get(1).contains("dropped 1 line(s) in the last minute (2 since start)"), warnings().get(1));
    }

    /** The handler holds a line, one more is queued (the queue holds one) and the next is dropped; then it goes on. */
    private void dropOneBehindAHeldLine(AccessLog log) throws InterruptedException {
        probe.rearm();
        long dropped = log.dropped();
        log.exchangeEnded(exchange("/hold"));
        assertTrue(probe.holding.await(60, TimeUnit.SECONDS));
        log.exchangeEnded(exchange("/queued"));
        log.exchangeEnded(exchange("/dropped"));
        assertEquals(dropped + 1, log.dropped());
        probe.go.countDown();
        awaitLine("/queued"); // the queue is empty again
    }

    /**
     * Returns once the writer has run out of lines and looked at the drop count: a line is written and flushed (the
     * look follows the flush on the writer's thread), then one more line is written (after that look).
     */
    private void settle(AccessLog log) throws InterruptedException {
        LogRecord first = written(log, "/settle");
        long flushes = probe.flushes.get();
        while (probe.flushes.get() == flushes) {
            written(log, "/nudge"); // the writer had a line after /settle: it flushes once it has none
        }
        written(log, "/settled");
        assertNotEquals(null, first);
    }

    private LogRecord written(AccessLog log, String path) throws InterruptedException {
        log.exchangeEnded(exchange(path));
        return awaitLine(path);
    }

    private LogRecord awaitLine(String path) throws InterruptedException {
        while (true) {
            LogRecord record = probe.records.poll(60, TimeUnit.SECONDS);
            assertNotEquals(null, record, "no line " + path);
            if (record.getMessage().startsWith("POST " + path + " ")) {
                return record;
            }
        }
    }

    private List<String> warnings() {
        return warned.records.stream().filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage).toList();
    }

    @Test
    void closeWritesWhatIsQueuedAndEndsTheThreadAndLaterLinesAreStillWritten() throws Exception {
        Set<Thread> before = threads();
        AccessLog log = open(AccessLog.QUEUED_LINES);
        log.exchangeEnded(exchange("/hold"));
        assertTrue(probe.holding.await(60, TimeUnit.SECONDS));
        for (int i = 0; i < 100; i++) {
            log.exchangeEnded(exchange("/queued/" + i));
        }
        Set<Thread> mine = threads();
        mine.removeAll(before);
        assertEquals(1, mine.size(), "one writer thread");
        probe.go.countDown();
        log.close();
        assertEquals(101, probe.records.size(), "close wrote every queued line");
        for (Thread thread : mine) {
            assertFalse(thread.isAlive(), thread + " still alive after close()");
        }
        log.exchangeEnded(exchange("/late"));
        assertEquals(102, probe.records.size(), "a line after close is written on its own thread");
        assertEquals(Thread.currentThread().getName(), probe.publishers.get(101));
    }

    private static Set<Thread> threads() {
        Set<Thread> named = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(AccessLogWriter.THREAD)) {
                named.add(thread);
            }
        }
        return named;
    }

    /** A set several threads add to. */
    private static final class ConcurrentSet {
        static <T> Set<T> create() {
            return java.util.concurrent.ConcurrentHashMap.newKeySet();
        }
    }
}
