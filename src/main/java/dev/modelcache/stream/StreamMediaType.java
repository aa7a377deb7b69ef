package dev.modelcache.stream;

import java.util.Locale;

/**
 * The one rule for whether an answer is a stream: its {@code Content-Type} is server-sent events
 * ({@code text/event-stream}) or newline-delimited JSON ({@code application/x-ndjson}, as Ollama streams). The
 * relay ({@code stream.StreamFraming}), the stored entry, the record index read at start and the entries API all ask
 * here; when each decided alone, Ollama's streams were streams to the relay and not to the record index. It lives in
 * {@code http} because both {@code cache} and {@code stream} read it, and {@code stream} imports {@code cache}.
 */
public enum StreamMediaType {
    SSE("text/event-stream"),
    NDJSON("application/x-ndjson");

    private final String mediaType;

    StreamMediaType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The stream type of an answer with this {@code Content-Type} (parameters and case allowed), or null: not a stream. */
    public static StreamMediaType of(String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (StreamMediaType candidate : values()) {
            if (candidate.mediaType.equals(type)) {
                return candidate;
            }
        }
        return null;
    }

    /** True when an answer with this {@code Content-Type} is a stream. */
    public static boolean isStream(String contentType) {
        return of(contentType) != null;
    }
}
