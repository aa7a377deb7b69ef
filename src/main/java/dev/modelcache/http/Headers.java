package dev.modelcache.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * An ordered, immutable list of HTTP header fields with case-insensitive lookup. A list that {@link HeaderPolicy#stored}
 * made (or found already as it keeps it) is marked so, and is not filtered again when a hit's head is written.
 */
public final class Headers {
    public static final Headers EMPTY = new Headers(List.of());

    private final List<Map.Entry<String, String>> fields;
    private final boolean stored;

    private Headers(List<Map.Entry<String, String>> fields) {
        this(fields, false);
    }

    private Headers(List<Map.Entry<String, String>> fields, boolean stored) {
        this.fields = fields;
        this.stored = stored;
    }

    /** The same fields, marked as what {@link HeaderPolicy#stored} keeps. */
    Headers markedStored() {
        return stored ? this : new Headers(fields, true);
    }

    /** True when these are the fields {@link HeaderPolicy#stored} keeps: filtering them again changes nothing. */
    boolean isStored() {
        return stored;
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

    /** End-to-end fields only: the hop-by-hop rule of {@link HeaderPolicy#endToEnd}. */
    public Headers endToEnd() {
        return HeaderPolicy.endToEnd(this);
    }

    @Override
    public String toString() {
        return fields.stream().map(Map.Entry::getKey).toList().toString();
    }
}
