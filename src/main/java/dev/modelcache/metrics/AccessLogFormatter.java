package dev.modelcache.metrics;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

/**
 * The access log's line as the launchers print it: the record's time in UTC to the millisecond, a blank, then the
 * {@link AccessLog} line, as in
 * <pre>2026-12-07T07:42:23.123Z POST /v1/chat/completions provider=openai model=gpt-4o-mini ... caller=d843820cee20bd64</pre>
 * One line per exchange, so that {@code grep}, {@code awk} and log shippers see one record per line: JUL's
 * {@code SimpleFormatter} spends a second line on the time and the logging method, which told nothing here. No level
 * is printed (the access log has only INFO lines) and the time has a fixed width (so the lines align and sort).
 */
public final class AccessLogFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** Compiled once: the writer formats every exchange's line (String.replaceAll compiled it for each). */
    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n]+");

    @Override
    public String format(LogRecord record) {
        String message = formatMessage(record);
        if (message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
            message = LINE_BREAKS.matcher(message).replaceAll(" ");
        }
        return TIME.format(record.getInstant()) + " " + message + System.lineSeparator();
    }
}
