package dev.modelcache.cache;

import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the proxy's own request controls ({@code X-Cache-Mode}, {@code -TTL}, {@code -Namespace}, {@code -Sequence},
 * {@code -Coalesce}, {@code -Replay}) strictly: each holds one value, and a value outside the documented ones is
 * refused with 400 naming the header and what it accepts. A control that was silently ignored would look like it
 * worked: {@code X-Cache-Coalesce: of} would coalesce anyway, and of two {@code X-Cache-Namespace} fields one would
 * win unseen, so a test suite would read another suite's entries. The same value sent twice is one value.
 */
final class ControlHeaders {
    /** The error code for each control, so that a client can tell which one was refused. */
    private static final Map<String, String> CODES = Map.of(
            CachePolicy.MODE_HEADER, "invalid_cache_mode",
            CachePolicy.TTL_HEADER, "invalid_cache_control",
            CachePolicy.NAMESPACE_HEADER, "invalid_cache_namespace",
            CachePolicy.SEQUENCE_HEADER, "invalid_cache_sequence",
            CachePolicy.COALESCE_HEADER, "invalid_cache_coalesce",
            CachePolicy.REPLAY_HEADER, "invalid_cache_replay");

    /** What every control's name starts with. */
    private static final String PREFIX = "X-Cache-";

    private final Headers headers;
    /** Whether any field is named like a control: most requests send none, and are then read once, not per control. */
    private final boolean any;

    ControlHeaders(Headers headers) {
        this.headers = headers;
        boolean found = false;
        for (Map.Entry<String, String> field : headers.fields()) {
            if (field.getKey().regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                found = true;
                break;
            }
        }
        this.any = found;
    }

    /** The one value of control {@code name}, trimmed; empty when absent; 400 when fields disagree. */
    Optional<String> value(String name) {
        if (!any) {
            return Optional.empty();
        }
        String found = null;
        for (Map.Entry<String, String> field : headers.fields()) {
            if (field.getKey().equalsIgnoreCase(name)) {
                String value = field.getValue().trim();
                if (found != null && !found.equalsIgnoreCase(value)) {
                    throw refused(name, "The " + name + " header was sent more than once with different values;"
                            + " send it once.");
                }
                found = value;
            }
        }
        return Optional.ofNullable(found);
    }

    /** {@code on}/{@code off} (also {@code true}/{@code false}, {@code 1}/{@code 0}), any case; empty when absent. */
    Optional<Boolean> onOff(String name) {
        return value(name).map(text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "on", "true", "1" -> true;
            case "off", "false", "0" -> false;
            default -> throw refused(name, "The " + name + " header must be on or off.");
        });
    }

    /** The value of {@code name}, which must be one of {@code allowed} (any case, returned in lower case). */
    Optional<String> oneOf(String name, List<String> allowed) {
        return value(name).map(text -> {
            String lower = text.toLowerCase(Locale.ROOT);
            if (!allowed.contains(lower)) {
                throw refused(name, "The " + name + " header must be " + alternatives(allowed) + ".");
            }
            return lower;
        });
    }

    /** "a, b or c". */
    private static String alternatives(List<String> allowed) {
        int last = allowed.size() - 1;
        return last == 0 ? allowed.get(0) : String.join(", ", allowed.subList(0, last)) + " or " + allowed.get(last);
    }

    /** A 400 for control {@code name}, with its code. */
    static ProxyError refused(String name, String message) {
        return ProxyError.badRequest(CODES.getOrDefault(name, "invalid_cache_control"), message);
    }
}
