package dev.modelcache.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The request's path and query as the cache policy, the cache key and the provider see them. One resource has one
 * spelling: a path is normalised (RFC 3986 section 6.2.2) before anything decides on it, so that
 * {@code /v1/chat/../files}, {@code /v1//files} and {@code /v1/%66iles} are all {@code /v1/files}. What cannot be
 * normalised safely is refused with 400. The query gets the same treatment per parameter
 * ({@link #canonicalQuery}), so that a credential has one name: {@code k%65y=} is {@code key=} for the partition,
 * the cache key, the redaction and the provider alike. Error messages never repeat the query, which may carry a
 * credential.
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
        // Every request's path is normalised twice (to route it, then in its Exchange), and nearly every one is normal
        // already: such a path is itself, known after one scan.
        return isNormal(raw) ? raw : normalised(raw);
    }

    /**
     * True when {@code raw} (starting with '/') is its own normal form: only unescaped path characters (no '%', no
     * ';'), no empty segment but a last one after a named segment (a trailing '/'), and no '.' or '..' segment.
     */
    static boolean isNormal(String raw) {
        int n = raw.length();
        int start = 1;
        for (int i = 1; i <= n; i++) {
            if (i == n || raw.charAt(i) == '/') {
                int length = i - start;
                if (length == 0 ? i != n && n > 1
                        : raw.charAt(start) == '.' && (length == 1 || (length == 2 && raw.charAt(start + 1) == '.'))) {
                    return false;
                }
                start = i + 1;
            } else {
                char c = raw.charAt(i);
                if (c == '%' || c == ';' || !isPchar(c)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@link #normalPath} the long way: escapes of unreserved characters decoded, dot segments and empty ones gone. */
    static String normalised(String raw) {
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

    /**
     * The query in its one canonical form, what everything after the servlet sees and what is sent on: well formed
     * ({@link #checkedQuery}), with percent-encoded unreserved characters decoded and other escapes upper-cased in
     * every name and value (an equivalent spelling, RFC 3986 section 6.2.2.2), so that a name such as {@code k%65y}
     * reads {@code key} to every check. Refused with 400 {@code invalid_query}, because servers disagree on what
     * they mean: a parameter whose name, wholly decoded ({@code +} as a space, blanks and control characters dropped), is named
     * like a credential ({@link Redacted#SECRET_NAME}) but is not spelled plainly ({@code key+}, {@code %20key}), and a
     * credential-named parameter given twice in any spelling or case ({@code key=a&k%65y=b}), as it is not known
     * which of the two a provider would take.
     */
    public static String canonicalQuery(String raw) {
        if (checkedQuery(raw) == null || raw.isEmpty()) {
            return raw;
        }
        List<String> parameters = new ArrayList<>();
        Set<String> credentials = new HashSet<>();
        for (String parameter : raw.split("&", -1)) {
            int equals = parameter.indexOf('=');
            String name = canonicalPart(equals < 0 ? parameter : parameter.substring(0, equals));
            String loose = looseName(name);
            if (Redacted.SECRET_NAME.matcher(loose).matches()) {
                if (!name.toLowerCase(Locale.ROOT).equals(loose)) {
                    throw ProxyError.badRequest("invalid_query", "A query parameter named like a credential must be"
                            + " spelled plainly, without escapes, '+' or blanks in its name.");
                }
                if (!credentials.add(loose)) {
                    throw ProxyError.badRequest("invalid_query",
                            "A query parameter named like a credential is given more than once.");
                }
            }
            parameters.add(equals < 0 ? name : name + "=" + canonicalPart(parameter.substring(equals + 1)));
        }
        return String.join("&", parameters);
    }

    /**
     * The query without the parameters named {@code name} in any case (the query must be {@linkplain #canonicalQuery
     * canonical}); null when nothing is left.
     */
    public static String withoutParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        List<String> kept = new ArrayList<>();
        for (String parameter : query.split("&", -1)) {
            int equals = parameter.indexOf('=');
            if (!(equals < 0 ? parameter : parameter.substring(0, equals)).equalsIgnoreCase(name)) {
                kept.add(parameter);
            }
        }
        return kept.isEmpty() ? null : String.join("&", kept);
    }

    /** A name or value with unreserved escapes decoded and the others upper-cased (its characters already checked). */
    private static String canonicalPart(String part) {
        StringBuilder out = new StringBuilder(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '%') {
                int high = hex(part.charAt(i + 1));
                int low = hex(part.charAt(i + 2));
                char value = (char) (high * 16 + low);
                if (isUnreserved(value)) {
                    out.append(value);
                } else {
                    out.append('%').append(HEX[high]).append(HEX[low]);
                }
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** A name as the most lenient server would read it: all escapes decoded, '+' a space, blanks and controls dropped, lower case. */
    private static String looseName(String name) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%') {
                bytes.write(hex(name.charAt(i + 1)) * 16 + hex(name.charAt(i + 2)));
                i += 2;
            } else {
                bytes.write(c == '+' ? ' ' : c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8).replaceAll("[\\p{Cntrl}\\s]+", "").toLowerCase(Locale.ROOT);
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

    /** Percent-decoding as in a path: {@code +} stays a plus sign; a malformed escape is kept as it is. */
    public static String percentDecoded(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int high = i + 2 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
            int low = i + 2 < bytes.length ? Character.digit(bytes[i + 2], 16) : -1;
            if (bytes[i] == '%' && high >= 0 && low >= 0) {
                out.write(high * 16 + low);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
