package dev.modelcache.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Text fit for a log line or an error message: a query string may carry a credential ({@code ?key=...}) and a URL's
 * user info a password, and exception messages (URI parsing, HttpClient) quote whole URLs. Both are cut out. For a
 * request body that is logged on purpose, {@link #json} and {@link #secrets} blank what looks like a credential.
 */
public final class Redacted {
    /** What stands in for a blanked credential. */
    public static final String MARK = "REDACTED";
    /** Names of query parameters and JSON fields whose values are credentials (Gemini's {@code key}, api keys, tokens). */
    public static final Pattern SECRET_NAME = Pattern.compile(
            "(?i)key|.*api[-_]?key.*|.*token.*|.*secret.*|.*password.*|sig|signature|x-amz-.*");
    /** Credentials recognisable by their form: bearer tokens, OpenAI and Anthropic keys ({@code sk-}), Google's. */
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "(?i)\\bbearer\\s+[^\\s\"',;]+|\\bsk-[A-Za-z0-9_-]{8,}|\\bAIza[A-Za-z0-9_-]{16,}");
    private static final Pattern QUERY = Pattern.compile("\\?[^\\s\"'<>\\]\\)]*");
    private static final Pattern USER_INFO = Pattern.compile("(?<=//)[^/?#@\\s\"'<>]*@");

    private Redacted() {
    }

    /** The text without query strings (from {@code ?} to the next blank) and with user info replaced by {@code ***}. */
    public static String text(String text) {
        if (text == null || text.indexOf('?') < 0 && text.indexOf('@') < 0) {
            return text; // nothing either pattern could match (a query starts with '?', user info ends with '@')
        }
        return USER_INFO.matcher(QUERY.matcher(text).replaceAll("")).replaceAll("***@");
    }

    /**
     * Free text (a request body that is not JSON) with bearer tokens, provider keys and URLs' user info replaced by
     * {@value #MARK}; query strings are cut only from text that holds a URL, so a question mark in prose stays.
     */
    public static String secrets(String text) {
        if (text == null) {
            return null;
        }
        String blanked = SECRET_VALUE.matcher(USER_INFO.matcher(text).replaceAll(MARK + "@")).replaceAll(MARK);
        return blanked.contains("://") ? QUERY.matcher(blanked).replaceAll("") : blanked;
    }

    /**
     * A copy of a JSON document in which every text value of a field named like a credential ({@link #SECRET_NAME};
     * numbers such as {@code max_tokens} are kept) is {@value #MARK}, and every other text value is {@link #secrets}'.
     */
    public static JsonNode json(JsonNode document) {
        JsonNode copy = document.deepCopy();
        blank(copy);
        return copy;
    }

    private static void blank(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = object.get(name);
                if (value.isTextual()) {
                    object.put(name, SECRET_NAME.matcher(name).matches() ? MARK : secrets(value.asText()));
                } else {
                    blank(value);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (item.isTextual()) {
                    ((ArrayNode) node).set(i, TextNode.valueOf(secrets(item.asText())));
                } else {
                    blank(item);
                }
            }
        }
    }

    /**
     * A copy of a failure for the log: each throwable in the cause chain keeps its class name and stack trace, and
     * its message is {@linkplain #text redacted}.
     */
    public static Throwable throwable(Throwable failure) {
        if (failure == null) {
            return null;
        }
        Copy copy = new Copy(failure.getClass().getName(), text(failure.getMessage()),
                failure.getCause() == failure ? null : throwable(failure.getCause()));
        copy.setStackTrace(failure.getStackTrace());
        return copy;
    }

    /** Stands in for the original in a log record; prints as the original class would. */
    private static final class Copy extends RuntimeException {
        private final String type;

        Copy(String type, String message, Throwable cause) {
            super(message, cause, false, true);
            this.type = type;
        }

        @Override
        public String toString() {
            return getMessage() == null ? type : type + ": " + getMessage();
        }
    }
}
