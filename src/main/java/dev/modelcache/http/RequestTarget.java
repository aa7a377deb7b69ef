package dev.modelcache.http;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The request's path and query as the cache policy, the cache key and the provider see them. One resource has one
 * spelling: a path is normalised (RFC 3986 section 6.2.2) before anything decides on it, so that
 * {@code /v1/chat/../files}, {@code /v1//files} and {@code /v1/%66iles} are all {@code /v1/files}. What cannot be
 * normalised safely is refused with 400, and the query is checked so that it can always be sent on as it came.
 * Error messages never repeat the query, which may carry a credential.
 */
public final class RequestTarget {
    private static final String UNRESERVED_MARKS = "-._~";
    private static final String SUB_DELIMS = "!$&'()*+,;=";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private RequestTarget() {
    }

    /**
     * The path with percent-encoded unreserved characters decoded (other escapes upper-cased), repeated slashes
     * collapsed and dot segments resolved (RFC 3986 section 5.2.4); an empty path is {@code /}. Refused with 400
     * {@code invalid_path}: a malformed escape or a character not allowed in a path, a {@code ;} parameter (no LLM
     * API uses them, and servers disagree on what they mean), and a {@code ..} that climbs above the root.
     */
    public static String normalPath(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "/";
        }
        if (raw.charAt(0) != '/') {
            throw invalidPath("The request path must start with '/'.");
        }
        String decoded = decodeUnreserved(raw);
        Deque<String> segments = new ArrayDeque<>();
        String[] parts = decoded.split("/", -1);
        boolean directory = false;
        for (int i = 1; i < parts.length; i++) {
            String segment = parts[i];
            boolean last = i == parts.length - 1;
            directory = last && (segment.isEmpty() || segment.equals(".") || segment.equals(".."));
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    throw invalidPath("The request path climbs above the root with '..'.");
                }
                segments.removeLast();
                continue;
            }
            segments.addLast(segment);
        }
        if (segments.isEmpty()) {
            return "/";
        }
        return "/" + String.join("/", segments) + (directory ? "/" : "");
    }

    /**
     * The raw query, unchanged, once it is known to be well formed: every {@code %} followed by two hex digits, and
     * only characters RFC 3986 allows in a query. Refused with 400 {@code invalid_query} otherwise.
     */
    public static String checkedQuery(String raw) {
        if (raw == null) {
            return null;
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || hex(raw.charAt(i + 1)) < 0 || hex(raw.charAt(i + 2)) < 0) {
                    throw ProxyError.badRequest("invalid_query",
                            "The query string has a malformed percent-escape: '%' must be followed by two hex digits.");
                }
                i += 2;
            } else if (!isPchar(c) && c != '/' && c != '?') {
                throw ProxyError.badRequest("invalid_query",
                        "The query string has a character that must be percent-encoded (code point " + (int) c + ").");
            }
        }
        return raw;
    }

    private static String decodeUnreserved(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
                int low = high < 0 ? -1 : hex(raw.charAt(i + 2));
                if (low < 0) {
                    throw invalidPath("The request path has a malformed percent-escape.");
                }
                char value = (char) (high * 16 + low);
                if (isUnreserved(value)) {
                    out.append(value);
                } else {
                    out.append('%').append(HEX[high]).append(HEX[low]);
                }
                i += 2;
            } else if (c == ';') {
                throw invalidPath("Path parameters (';') are not supported; percent-encode a ';' that is data.");
            } else if (c == '/' || isPchar(c)) {
                out.append(c);
            } else {
                throw invalidPath("The request path has a character that must be percent-encoded (code point " + (int) c + ").");
            }
        }
        return out.toString();
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || UNRESERVED_MARKS.indexOf(c) >= 0;
    }

    private static boolean isPchar(char c) {
        return isUnreserved(c) || SUB_DELIMS.indexOf(c) >= 0 || c == ':' || c == '@';
    }

    private static int hex(char c) {
        return Character.digit(c, 16) >= 0 && c < 128 ? Character.digit(c, 16) : -1;
    }

    private static ProxyError invalidPath(String message) {
        return ProxyError.badRequest("invalid_path", message);
    }
}
