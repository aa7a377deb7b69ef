package dev.modelcache.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.http.Redacted;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A request body as one quoted log field, for an access log told to log bodies ({@code log/bodies}): the bytes as
 * UTF-8 text, minified when they are JSON, with what looks like a credential {@linkplain Redacted blanked}, cut
 * after a number of characters ({@code …(+N chars)} says how many were left out), and escaped so that a quote,
 * backslash or line break in it can neither end the field nor start a new log line.
 */
final class BodyText {
    private BodyText() {
    }

    /** {@code "..."} with at most {@code maxChars} characters of the body's text (before escaping). */
    static String quoted(byte[] body, int maxChars) {
        String text = text(body);
        int cut = text.length() <= maxChars ? text.length() : maxChars;
        if (cut > 0 && cut < text.length() && Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        StringBuilder out = new StringBuilder(cut + 16).append('"');
        escape(text, cut, out);
        if (cut < text.length()) {
            out.append("…(+").append(text.length() - cut).append(" chars)");
        }
        return out.append('"').toString();
    }

    /** The body as text: minified JSON, else UTF-8 (malformed bytes as U+FFFD), credentials blanked either way. */
    static String text(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        try {
            JsonNode json = JsonParsers.REQUEST.readTree(body);
            if (json != null && !json.isMissingNode()) {
                return JsonParsers.REQUEST.writeValueAsString(Redacted.json(json));
            }
        } catch (IOException | NumberFormatException notJson) {
            // Logged as text below.
        }
        return Redacted.secrets(new String(body, StandardCharsets.UTF_8));
    }

    private static void escape(String text, int end, StringBuilder out) {
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < ' ' || Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
