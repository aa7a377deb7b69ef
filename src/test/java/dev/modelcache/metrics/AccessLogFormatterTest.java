package dev.modelcache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class AccessLogFormatterTest {
    @Test
    void theTimeInUtcToTheMillisecondThenTheLineOnOneLine() {
        LogRecord record = new LogRecord(Level.INFO, "POST /v1/chat/completions provider=openai cache=HIT status=200");
        record.setInstant(Instant.parse("2026-12-07T07:42:23.100Z"));
        record.setSourceClassName(AccessLog.class.getName());
        record.setSourceMethodName("exchangeEnded");
        assertEquals("2026-12-07T07:42:23.100Z POST /v1/chat/completions provider=openai cache=HIT status=200"
                + System.lineSeparator(), new AccessLogFormatter().format(record));
    }

    @Test
    void aLineBreakInTheMessageCannotStartAnotherRecord() {
        LogRecord record = new LogRecord(Level.INFO, "GET /v1/models\r\n2026-01-01T00:00:00.000Z forged");
        record.setInstant(Instant.parse("2026-12-07T07:42:23Z"));
        assertEquals("2026-12-07T07:42:23.000Z GET /v1/models 2026-01-01T00:00:00.000Z forged" + System.lineSeparator(),
                new AccessLogFormatter().format(record));
    }
}
