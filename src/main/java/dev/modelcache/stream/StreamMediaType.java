package dev.modelcache.stream;

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
        // As contentType.split(";")[0].trim().toLowerCase(ROOT), without making those strings on every hit: the
        // media types are lower-case ASCII without a 'k', and no other character lower-cases to one of theirs.
        int end = contentType == null ? 0 : contentType.indexOf(';') < 0 ? contentType.length() : contentType.indexOf(';');
        int start = 0;
        while (start < end && contentType.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && contentType.charAt(end - 1) <= ' ') {
            end--;
        }
        for (StreamMediaType candidate : VALUES) {
            if (candidate.named(contentType, start, end)) {
                return candidate;
            }
        }
        return null;
    }

    private static final StreamMediaType[] VALUES = values();

    private boolean named(String text, int start, int end) {
        if (end - start != mediaType.length()) {
            return false;
        }
        for (int i = 0; i < mediaType.length(); i++) {
            char c = text.charAt(start + i);
            if (c != mediaType.charAt(i) && !(c >= 'A' && c <= 'Z' && c + ('a' - 'A') == mediaType.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** True when an answer with this {@code Content-Type} is a stream. */
    public static boolean isStream(String contentType) {
        return of(contentType) != null;
    }
}
