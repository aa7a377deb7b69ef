package dev.modelcache.stream;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * How a streamed answer is cut into events, each recorded with its arrival time and replayed on its own: server-sent
 * events ({@code text/event-stream}, an event ends at a blank line) or newline-delimited JSON
 * ({@code application/x-ndjson}, one JSON object a line, as Ollama streams). A provider's {@link StreamDialect} names
 * the framing its streams use; an answer is a stream when its {@code Content-Type} is that framing's media type.
 */
public enum StreamFraming {
    SSE("text/event-stream"),
    NDJSON("application/x-ndjson");

    private final String mediaType;

    StreamFraming(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** True when a {@code Content-Type} value (parameters allowed) is this framing's media type. */
    public boolean matches(String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals(mediaType);
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
