package dev.modelcache.metrics;

import dev.modelcache.config.LogConfig;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.ProxyListener;
import dev.modelcache.http.Redacted;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One INFO line per proxied exchange on the logger {@value #LOGGER}, for the container's logging:
 * <pre>POST /v1/chat/completions provider=openai model=gpt-4o-mini namespace=- cache=MISS status=200
 * upstream_ms=38 total_ms=41 prompt_tokens=12 completion_tokens=7 key_id=3f9a0c1d2e4b caller=d843820cee20bd64</pre>
 * (on one line). The path has no query string (it may carry a credential), {@code namespace} is the request's
 * {@code X-Cache-Namespace}, {@code upstream_ms} the exchange's own call to the provider ({@code -} when it made none:
 * a hit, a coalesced follower, a refusal), {@code key_id} the cache key's first {@value #KEY_CHARS} hex digits (the
 * {@code X-Cache-Key} of the answer, to find its entry), {@code caller} who asked: a proxy key's name, or the salted
 * 16-hex id of the provider key (the cache partition; {@code shared} with {@code cache/shared}), never a credential.
 * A hit that waited for an identical request shows as {@code cache=HIT coalesced}; a request refused before the cache
 * was asked as {@code cache=-}. No prompt text is written unless {@code log/bodies} is on: then the line ends with
 * {@code body="..."}, the request body as {@link BodyText} gives it (never the answer's). The launchers print each
 * record as the time in UTC, a blank and this line ({@link AccessLogFormatter}); a container formats it as its own
 * logging configuration says.
 * <p>
 * The request thread only queues the exchange (without its body); the {@link AccessLogWriter} makes the line and
 * hands it to the logger's handlers on a thread of its own, in order, dropping (and counting) lines rather than holding a request up when the handlers fall
 * behind by more than {@value #QUEUED_LINES} lines. {@link #close()} writes what is queued and ends that thread.
 */
public final class AccessLog implements ProxyListener, AutoCloseable {
    public static final String LOGGER = "dev.modelcache.access";
    static final int KEY_CHARS = 12;
    /** Lines the writer may fall behind by before lines are dropped (each at most a few hundred characters). */
    static final int QUEUED_LINES = 8192;
    private static final int MAX_FIELD = 200;

    /** Held here: java.util.logging keeps its loggers only weakly, and a container's configuration is on this one. */
    private final Logger logger = Logger.getLogger(LOGGER);
    private final boolean bodies;
    private final int bodyMaxChars;
    private final AccessLogWriter<Queued> writer;

    /** An exchange as it waits for the writer: its summary without the request body, and the body's text if logged. */
    private record Queued(ExchangeSummary exchange, String body) {
    }

    /** The access log as {@code config} says: with request bodies only when {@code log/bodies} is on. */
    public AccessLog(LogConfig config, Clock clock) {
        this(config, clock, QUEUED_LINES);
    }

    AccessLog(LogConfig config, Clock clock, int queuedLines) {
        this.bodies = config.bodies();
        this.bodyMaxChars = config.bodyMaxChars();
        this.writer = new AccessLogWriter<>(logger, queued -> line(queued.exchange(), queued.body()), clock, queuedLines);
    }

    @Override
    public void exchangeEnded(ExchangeSummary exchange) {
        if (logger.isLoggable(Level.INFO)) {
            writer.offer(queued(exchange));
        }
    }

    /**
     * What the writer needs of the exchange to make its line there: the summary without the request body, which it
     * holds (up to the largest body allowed) and which would stay in memory for as long as the line is queued; with
     * {@code log/bodies} on, the body's text, cut to {@code log/bodyMaxChars} here.
     */
    private Queued queued(ExchangeSummary e) {
        String body = bodies ? BodyText.quoted(e.requestBody(), bodyMaxChars) : null;
        ExchangeSummary kept = e.requestBody() == null ? e : new ExchangeSummary(e.method(), e.path(), e.provider(),
                e.model(), e.cacheStatus(), e.coalesced(), e.httpStatus(), e.usage(), e.keyId(), e.caller(),
                e.totalMillis(), e.namespace(), e.upstreamMillis(), null, e.usd(), e.priced());
        return new Queued(kept, body);
    }

    /** Lines dropped since start because the log's handlers fell behind (see {@link AccessLogWriter}). */
    public long dropped() {
        return writer.dropped();
    }

    /** What {@code /_cache/stats} shows under {@code accessLog}: lines {@code dropped} since start and {@code queued} now. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("dropped", writer.dropped());
        json.put("queued", writer.queued());
        return json;
    }

    /** Writes the lines still queued and ends the writer's thread. */
    @Override
    public void close() {
        writer.close();
    }

    String line(ExchangeSummary e) {
        return line(e, bodies ? BodyText.quoted(e.requestBody(), bodyMaxChars) : null);
    }

    /** The line of {@code e}, ending with {@code body} (already quoted) when it is not null. */
    private static String line(ExchangeSummary e, String body) {
        StringBuilder line = new StringBuilder(160);
        line.append(clean(e.method())).append(' ').append(clean(Redacted.text(e.path())));
        line.append(" provider=").append(clean(e.provider()));
        line.append(" model=").append(clean(e.model()));
        line.append(" namespace=").append(clean(e.namespace()));
        line.append(" cache=").append(e.cacheStatus() == null ? "-" : e.cacheStatus().name());
        if (e.coalesced()) {
            line.append(" coalesced");
        }
        line.append(" status=").append(e.httpStatus());
        line.append(" upstream_ms=").append(e.upstreamMillis() < 0 ? "-" : String.valueOf(e.upstreamMillis()));
        line.append(" total_ms=").append(e.totalMillis());
        line.append(" prompt_tokens=").append(e.usage().promptTokens());
        line.append(" completion_tokens=").append(e.usage().completionTokens());
        if (e.usage().estimated()) {
            line.append(" tokens_estimated");
        }
        String key = e.keyId();
        line.append(" key_id=").append(key == null ? "-" : clean(key.substring(0, Math.min(KEY_CHARS, key.length()))));
        line.append(" caller=").append(clean(e.caller()));
        if (body != null) {
            line.append(" body=").append(body);
        }
        return line.toString();
    }

    /**
     * The value without blanks or control characters (so a client cannot forge a log line), at most
     * {@value #MAX_FIELD} characters; "-" when missing.
     */
    private static String clean(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_FIELD));
        for (int i = 0; i < value.length() && out.length() < MAX_FIELD; i++) {
            char c = value.charAt(i);
            out.append(c <= ' ' || c == 0x7f || Character.isISOControl(c) ? '_' : c);
        }
        return out.toString();
    }
}
