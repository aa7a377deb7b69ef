package dev.modelcache.stream;

import java.nio.charset.StandardCharsets;

/**
 * One server-sent event as it came over the wire: {@link #raw} holds its exact bytes, blank line included, so that
 * replay is byte-identical; {@link #type} and {@link #data} are parsed from it (WHATWG HTML, "Server-sent events":
 * {@code event:} names the type, {@code data:} lines are joined with newlines, comments start with a colon). Which
 * events end or fail a stream is the provider's {@link StreamDialect}.
 */
public record SseEvent(byte[] raw, String type, String data) {
    public static SseEvent parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        String type = null;
        StringBuilder data = null;
        for (String line : text.split("\r\n|\r|\n")) {
            if (line.isEmpty() || line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            if (field.equals("event")) {
                type = value;
            } else if (field.equals("data")) {
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return new SseEvent(raw, type, data == null ? null : data.toString());
    }

    /**
     * A line of newline-delimited JSON read as an event without a type whose data is the line without its line
     * ending ({@link StreamFraming#NDJSON}), so that a dialect reads both framings alike.
     */
    public static SseEvent line(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return new SseEvent(raw, null, text.substring(0, end));
    }
}
