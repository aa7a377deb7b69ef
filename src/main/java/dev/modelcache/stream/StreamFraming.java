package dev.modelcache.stream;

import java.util.function.Consumer;

/**
 * How a streamed answer is cut into events, each recorded with its arrival time and replayed on its own: server-sent
 * events ({@code text/event-stream}, an event ends at a blank line) or newline-delimited JSON
 * ({@code application/x-ndjson}, one JSON object a line, as Ollama streams). The answer's {@code Content-Type} says
 * which, as it says how to read any body; what the events mean is the provider's {@link StreamDialect}.
 */
public enum StreamFraming {
    SSE(StreamMediaType.SSE),
    NDJSON(StreamMediaType.NDJSON);

    private final StreamMediaType type;

    StreamFraming(StreamMediaType type) {
        this.type = type;
    }

    public String mediaType() {
        return type.mediaType();
    }

    /**
     * The framing of an answer with this {@code Content-Type} (parameters allowed), or null: not a stream. Whether it
     * is a stream is {@link StreamMediaType}'s rule, the one the stored entry and the record index use too.
     */
    public static StreamFraming of(String contentType) {
        StreamMediaType type = StreamMediaType.of(contentType);
        return type == null ? null : type == StreamMediaType.SSE ? SSE : NDJSON;
    }

    /** True when a {@code Content-Type} value (parameters allowed) is this framing's media type. */
    public boolean matches(String contentType) {
        return StreamMediaType.of(contentType) == type;
    }

    /** A splitter that hands each event of a body in this framing to {@code onEvent}, with its exact bytes. */
    public EventSplitter splitter(Consumer<byte[]> onEvent) {
        return this == SSE ? new SseSplitter(onEvent) : new LineSplitter(onEvent);
    }

    /** One event's bytes, as the dialect reads them: a parsed server-sent event, or a line whose data is its JSON. */
    public SseEvent event(byte[] raw) {
        return this == SSE ? SseEvent.parse(raw) : SseEvent.line(raw);
    }
}
