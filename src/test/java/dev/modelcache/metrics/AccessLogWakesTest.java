package dev.modelcache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * While lines keep coming, the access log's writer takes them in batches: a request thread does not wake it for each
 * line (a wake per exchange was a thread switch per exchange). Every line is still written, in order.
 */
class AccessLogWakesTest {
    static final int LINES = 50;

    @Test
    void aBusyWriterIsNotWokenForEachLine() throws Exception {
        Logger logger = Logger.getAnonymousLogger();
        logger.setUseParentHandlers(false);
        List<String> written = new CopyOnWriteArrayList<>();
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                written.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        try (AccessLogWriter<String> writer = new AccessLogWriter<>(logger, line -> line, Clock.systemUTC(), 8192)) {
            writer.offer("first");
            long wakes = writer.wakes();
            for (int i = 0; i < LINES; i++) {
                // Each line comes once the writer has written the one before and parked: a writer that sleeps until
                // woken would be woken for every line.
                while (written.size() < i + 1 || writer.thread().getState() != Thread.State.TIMED_WAITING) {
                    Thread.onSpinWait();
                }
                writer.offer("line " + i);
            }
            long woken = writer.wakes() - wakes;
            assertTrue(woken <= LINES / 2, LINES + " lines woke the writer " + woken + " times");
            writer.close();
            assertEquals(LINES + 1, written.size());
            assertEquals("line " + (LINES - 1), written.get(LINES));
        }
    }
}
