package dev.modelcache.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** An ordered, immutable list of HTTP header fields with case-insensitive lookup. */
public final class Headers {
    public static final Headers EMPTY = new Headers(List.of());

    /**
     * Hop-by-hop fields (RFC 9110 section 7.6.1, plus the legacy ones proxies strip) and {@code Host}: never forwarded
     * in either direction. {@code Content-Length} is recomputed by whoever writes the body.
     */
    public static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
            "host", "content-length");

    private final List<Map.Entry<String, String>> fields;

    private Headers(List<Map.Entry<String, String>> fields) {
        this.fields = fields;
    }

    public static Headers of(List<Map.Entry<String, String>> fields) {
        return new Headers(List.copyOf(fields));
    }

    public static Headers of(String... namesAndValues) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            fields.add(Map.entry(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new Headers(Collections.unmodifiableList(fields));
    }

    public Optional<String> first(String name) {
        for (Map.Entry<String, String> field : fields) {
            if (field.getKey().equalsIgnoreCase(name)) {
                return Optional.of(field.getValue());
            }
        }
        return Optional.empty();
    }

    /** Every value of the field, in order, joined with ", " as RFC 9110 allows for list-valued fields; "" when absent. */
    public String joined(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> field : fields) {
            if (field.getKey().equalsIgnoreCase(name)) {
                values.add(field.getValue());
            }
        }
        return String.join(", ", values);
    }

    public List<Map.Entry<String, String>> fields() {
        return fields;
    }

    public Headers filter(Predicate<String> keepName) {
        return new Headers(fields.stream().filter(f -> keepName.test(f.getKey())).toList());
    }

    /**
     * End-to-end fields only: drops {@link #HOP_BY_HOP} and every field named in a {@code Connection} header
     * (RFC 9110 section 7.6.1).
     */
    public Headers endToEnd() {
        List<String> named = new ArrayList<>();
        for (Map.Entry<String, String> field : fields) {
            if (field.getKey().equalsIgnoreCase("connection")) {
                for (String token : field.getValue().split(",")) {
                    named.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return filter(name -> {
            String lower = name.toLowerCase(Locale.ROOT);
            return !HOP_BY_HOP.contains(lower) && !named.contains(lower);
        });
    }

    @Override
    public String toString() {
        return fields.stream().map(Map.Entry::getKey).toList().toString();
    }
}
