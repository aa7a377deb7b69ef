package dev.modelcache.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The differences between two JSON trees, as the cache key sees them: where the stored request's body and the body
 * that missed disagree, each as a {@link Difference} at a JSON pointer with both values rendered short.
 *
 * <ul>
 *   <li>Objects are compared field by field (in name order, as the key's canonical form writes them), arrays
 *       element by element by index: a message added at the end is one difference, {@code /messages/4}.</li>
 *   <li>Numbers are compared by exact value, so {@code 0.70} equals {@code 0.7}; an integer never equals a number
 *       written with a fraction or exponent ({@code 1} and {@code 1.0}), because the key's canonical form spells
 *       them differently and they are different keys.</li>
 *   <li>Fields at an ignored pointer, and everything under it, are left out: they are not part of the key.</li>
 *   <li>Bounded: at most {@code limit} differences are listed; the rest are only counted ({@link Result#more()}).</li>
 * </ul>
 * Pure: it reads the two trees and nothing else.
 */
public final class JsonDiff {
    /** Differences listed when no other limit is given; a person reads no more than that. */
    public static final int DEFAULT_LIMIT = 50;

    private final Set<String> ignored;
    private final int limit;
    private final List<Difference> listed = new ArrayList<>();
    private int more;

    private JsonDiff(Collection<String> ignored, int limit) {
        this.ignored = new TreeSet<>(ignored);
        this.limit = limit;
    }

    /**
     * What a diff found: the first differences, in the order they were found (fields by name, elements by
     * index), and how many more there are.
     *
     * @param differences at most the limit asked for
     * @param more        differences found past the limit, counted but not listed
     */
    public record Result(List<Difference> differences, int more) {
        public Result {
            differences = List.copyOf(differences);
        }

        /** Every difference found, listed or not. */
        public int total() {
            return differences.size() + more;
        }

        public boolean isEmpty() {
            return total() == 0;
        }
    }

    /** The differences from {@code before} (the stored body) to {@code after}, at most {@value #DEFAULT_LIMIT}. */
    public static Result between(JsonNode before, JsonNode after) {
        return between(before, after, List.of(), DEFAULT_LIMIT);
    }

    /**
     * The differences from {@code before} to {@code after}, without those at or under the {@code ignored} JSON
     * pointers, listing at most {@code limit} (at least 0) and counting the rest.
     */
    public static Result between(JsonNode before, JsonNode after, Collection<String> ignored, int limit) {
        JsonDiff diff = new JsonDiff(ignored, Math.max(0, limit));
        diff.compare("", before, after);
        return new Result(diff.listed, diff.more);
    }

    private void compare(String pointer, JsonNode before, JsonNode after) {
        boolean beforeAbsent = before == null || before.isMissingNode();
        boolean afterAbsent = after == null || after.isMissingNode();
        if ((beforeAbsent && afterAbsent) || isIgnored(pointer)) {
            return;
        }
        if (beforeAbsent || afterAbsent) {
            add(pointer, before, after);
        } else if (before.isObject() && after.isObject()) {
            Set<String> names = new TreeSet<>();
            before.fieldNames().forEachRemaining(names::add);
            after.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                compare(pointer + "/" + escape(name), before.get(name), after.get(name));
            }
        } else if (before.isArray() && after.isArray()) {
            for (int i = 0; i < Math.max(before.size(), after.size()); i++) {
                compare(pointer + "/" + i, before.get(i), after.get(i));
            }
        } else if (!sameScalar(before, after)) {
            add(pointer, before, after);
        }
    }

    private void add(String pointer, JsonNode before, JsonNode after) {
        if (listed.size() < limit) {
            listed.add(new Difference(pointer, ShortText.value(before), ShortText.value(after)));
        } else {
            more++;
        }
    }

    private boolean isIgnored(String pointer) {
        if (ignored.isEmpty() || pointer.isEmpty()) {
            return false;
        }
        for (String field : ignored) {
            if (pointer.equals(field) || pointer.startsWith(field + "/")) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when two values that are not both objects or both arrays are the same for the key: equal numbers of
     * the same kind (integer or not), or equal strings, booleans or nulls.
     */
    static boolean sameScalar(JsonNode before, JsonNode after) {
        if (before.isNumber() && after.isNumber()) {
            if (before.isIntegralNumber() != after.isIntegralNumber()) {
                return false;
            }
            if (before.isIntegralNumber()) {
                return before.bigIntegerValue().equals(after.bigIntegerValue());
            }
            if (!finite(before) || !finite(after)) {
                return Double.compare(before.doubleValue(), after.doubleValue()) == 0;
            }
            return before.decimalValue().compareTo(after.decimalValue()) == 0;
        }
        return before.equals(after);
    }

    private static boolean finite(JsonNode number) {
        return number.isBigDecimal() || Double.isFinite(number.doubleValue());
    }

    /** A field name as a JSON pointer token: {@code ~} as {@code ~0}, {@code /} as {@code ~1} (RFC 6901). */
    static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
