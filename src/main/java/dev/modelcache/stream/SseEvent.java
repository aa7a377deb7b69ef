package dev.modelcache.stream;

import java.nio.charset.StandardCharsets;

/**
 * One server-sent event as it came over the wire: {@link #raw} holds its exact bytes, blank line included, so that
 * replay is byte-identical; {@link #type} and {@link #data} are parsed from it (WHATWG HTML, "Server-sent events":
 * {@code event:} names the type, {@code data:} lines are joined with newlines, comments start with a colon).
 */
public record SseEvent(byte[] raw, String type, String data) {
    /** OpenAI's end-of-stream sentinel on chat and legacy completions. */
    public static final String DONE = "[DONE]";

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
     * The event that closes a stream normally: OpenAI's {@code [DONE]}, the Responses API's
     * {@code response.completed}, Anthropic's {@code message_stop}.
     */
    public boolean isTerminal() {
        return DONE.equals(data) || "response.completed".equals(type) || "message_stop".equals(type)
                || (data != null && (data.contains("\"type\":\"response.completed\"") || data.contains("\"type\":\"message_stop\"")));
    }

    /**
     * An event that reports a failure inside a 200 stream ({@code event: error}, the Responses API's
     * {@code response.failed}, an OpenAI chunk that is an {@code error} object): such a stream is relayed but never stored.
     */
    public boolean isError() {
        if ("error".equals(type) || "response.failed".equals(type)) {
            return true;
        }
        return data != null && (data.startsWith("{\"error\"") || data.contains("\"type\":\"response.failed\"")
                || data.startsWith("{\"type\":\"error\""));
    }
}
