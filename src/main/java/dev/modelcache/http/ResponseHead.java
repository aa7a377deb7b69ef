package dev.modelcache.http;

import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.Map;

/**
 * The one writer of a client's status line and header fields, for a stored answer, a followed stream and a fresh
 * answer alike. {@code X-Cache} and {@code Age} are decided here and nowhere else: {@code Age} goes with a
 * {@link CacheStatus#HIT} only, counted from the moment the answer was stored.
 */
public final class ResponseHead {
    /** Marks a body whose length is not known up front (an event stream): it goes out chunked. */
    public static final long UNKNOWN_LENGTH = -1;

    private ResponseHead() {
    }

    /**
     * Writes the head: {@code status}, the end-to-end fields of {@code fields} (for a {@link CacheStatus#HIT} only
     * those {@link HeaderPolicy#stored} keeps, whatever the store handed back), the {@code X-Cache} label, {@code Age} for a
     * hit, and {@code Content-Length} when the length is known. The framing is always this proxy's own: a
     * {@code Content-Length} or {@code Transfer-Encoding} in {@code fields} is never sent.
     */
    public static void write(HttpServletResponse response, int status, Headers fields, CacheStatus label,
                             long storedAtMillis, long contentLength) {
        write(response, status, fields, label, storedAtMillis, contentLength, Clock.systemUTC());
    }

    /** The same, counting {@code Age} on {@code clock}: the clock the answer's store time was read from. */
    public static void write(HttpServletResponse response, int status, Headers fields, CacheStatus label,
                             long storedAtMillis, long contentLength, Clock clock) {
        response.setStatus(status);
        Headers sent = HeaderPolicy.toClient(fields, label == CacheStatus.HIT);
        for (Map.Entry<String, String> field : sent.fields()) {
            response.addHeader(field.getKey(), field.getValue());
        }
        response.setHeader("X-Cache", label.name());
        if (label == CacheStatus.HIT) {
            long age = Math.max(0, (clock.millis() - storedAtMillis) / 1000);
            response.setHeader("Age", Long.toString(age));
        }
        if (contentLength >= 0) {
            response.setContentLengthLong(contentLength);
        }
    }
}
