package dev.modelcache.replay;

import com.fasterxml.jackson.core.JsonPointer;
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
 *   <li>Bounded, whatever the bodies hold, since every miss is explained: at most {@code limit} differences are
 *       listed (the rest are only counted, {@link Result#more()}); at most {@code maxValues} values are visited
 *       (each pair of values compared, and each field of an object, counts one) and {@value #MAX_DEPTH} levels
 *       descended, and what lies past either is left uncompared ({@link Result#partial()}); a pointer is shown in
 *       at most {@value #MAX_POINTER} characters, however long the field names on its way.</li>
 * </ul>
 * Pure: it reads the two trees and nothing else.
 */
public final class JsonDiff {
    /** Differences listed when no other limit is given; a person reads no more than that. */
    public static final int DEFAULT_LIMIT = 50;
    /** Values visited when no other bound is given: far more than a chat request holds, far less than 32 MB can. */
    public static final int DEFAULT_VALUES = 20_000;
    /** Levels of nesting compared; a request's parser allows 1000, a real request uses a dozen. */
    public static final int MAX_DEPTH = 64;
    /** Characters of a pointer shown; a longer one is cut with an ellipsis. */
    public static final int MAX_POINTER = 512;

    private final List<JsonPointer> ignored;
    private final int limit;
    private final List<Difference> listed = new ArrayList<>();
    private int more;
    private int left;
    private boolean partial;
    private boolean exhausted;

    private JsonDiff(Collection<String> ignored, int limit, int maxValues) {
        // The empty pointer (the whole body) is never ignored, as the key never leaves the whole body out.
        this.ignored = ignored.stream().map(JsonPointer::compile).filter(pointer -> !pointer.matches()).toList();
        this.limit = limit;
        this.left = maxValues;
    }

    /**
     * What a diff found: the first differences, in the order they were found (fields by name, elements by
     * index), how many more there are, and whether parts of the trees were left uncompared.
     *
     * @param differences at most the limit asked for
     * @param more        differences found past the limit, counted but not listed
     * @param partial     true when the trees were larger or deeper than the diff may read: parts were not compared
     * @param visited     the values visited, to charge against an explanation's budget
     */
    public record Result(List<Difference> differences, int more, boolean partial, int visited) {
        public Result {
            differences = List.copyOf(differences);
        }

        /** A complete result. */
        public Result(List<Difference> differences, int more) {
            this(differences, more, false, 0);
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
     * pointers, listing at most {@code limit} (at least 0) and counting the rest, visiting at most
     * {@value #DEFAULT_VALUES} values.
     */
    public static Result between(JsonNode before, JsonNode after, Collection<String> ignored, int limit) {
        return between(before, after, ignored, limit, DEFAULT_VALUES);
    }

    /** {@link #between(JsonNode, JsonNode, Collection, int)}, visiting at most {@code maxValues} values. */
    public static Result between(JsonNode before, JsonNode after, Collection<String> ignored, int limit,
                                 int maxValues) {
        JsonDiff diff = new JsonDiff(ignored, Math.max(0, limit), Math.max(0, maxValues));
        diff.compare("", false, diff.ignored, 0, before, after);
        return new Result(diff.listed, diff.more, diff.partial, Math.max(0, maxValues) - diff.left);
    }

    /**
     * Compares the values at {@code pointer} ({@code cut}: already shortened, so nothing more is appended), where
     * {@code ignoring} are the tails of the ignored pointers that lead through here.
     */
    private void compare(String pointer, boolean cut, List<JsonPointer> ignoring, int depth, JsonNode before,
                         JsonNode after) {
        boolean beforeAbsent = before == null || before.isMissingNode();
        boolean afterAbsent = after == null || after.isMissingNode();
        if (beforeAbsent && afterAbsent) {
            return;
        }
        if (!spend(1)) {
            return;
        }
        if (beforeAbsent || afterAbsent) {
            add(pointer, before, after);
        } else if (before.isContainerNode() && before.getNodeType() == after.getNodeType()) {
            if (depth >= MAX_DEPTH) {
                partial = true;
            } else if (before.isObject()) {
                compareFields(pointer, cut, ignoring, depth, before, after);
            } else {
                for (int i = 0; i < Math.max(before.size(), after.size()) && !exhausted; i++) {
                    descend(pointer, cut, Integer.toString(i), i, ignoring, depth, before.get(i), after.get(i));
                }
            }
        } else if (!sameScalar(before, after)) {
            add(pointer, before, after);
        }
    }

    private void compareFields(String pointer, boolean cut, List<JsonPointer> ignoring, int depth, JsonNode before,
                               JsonNode after) {
        if (!spend(before.size() + after.size())) {
            return;
        }
        Set<String> names = new TreeSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (exhausted) {
                return;
            }
            descend(pointer, cut, name, -1, ignoring, depth, before.get(name), after.get(name));
        }
    }

    /** Takes {@code values} from what is left; false, and the result partial, when not that many are left. */
    private boolean spend(int values) {
        if (values > left) {
            left = 0;
            exhausted = true;
            partial = true;
            return false;
        }
        left -= values;
        return true;
    }

    /**
     * The tails of the ignored pointers in {@code ignoring} that continue below the field {@code name} (or the
     * element {@code index}); null when one of them ends there, so that the field is ignored.
     */
    private static List<JsonPointer> under(List<JsonPointer> ignoring, String name, int index) {
        if (ignoring.isEmpty()) {
            return ignoring;
        }
        List<JsonPointer> under = new ArrayList<>();
        for (JsonPointer pointer : ignoring) {
            if (pointer.matchesProperty(name) || (index >= 0 && pointer.matchesElement(index))) {
                JsonPointer tail = pointer.tail();
                if (tail.matches()) {
                    return null;
                }
                under.add(tail);
            }
        }
        return under;
    }

    /**
     * Compares the values under the field {@code name} (or the element {@code index}), unless it is ignored. Its
     * pointer is at most {@value #MAX_POINTER} characters, cut with an ellipsis; once cut, nothing more is appended.
     */
    private void descend(String pointer, boolean cut, String name, int index, List<JsonPointer> ignoring, int depth,
                         JsonNode before, JsonNode after) {
        List<JsonPointer> under = under(ignoring, name, index);
        if (under == null) {
            return;
        }
        if (cut || limit == 0) {
            compare(pointer, true, under, depth + 1, before, after); // nothing is listed: no pointer is shown
            return;
        }
        String joined = pointer + "/" + escape(name.length() > MAX_POINTER ? name.substring(0, MAX_POINTER) : name);
        boolean tooLong = joined.length() > MAX_POINTER;
        compare(tooLong ? ShortText.cut(joined, MAX_POINTER) : joined, tooLong, under, depth + 1, before, after);
    }

    private void add(String pointer, JsonNode before, JsonNode after) {
        if (listed.size() < limit) {
            listed.add(new Difference(pointer, ShortText.value(before), ShortText.value(after)));
        } else {
            more++;
        }
    }

    /**
     * True when two values that are not both objects or both arrays are the same for the key: equal numbers of
     * the same kind (integer or not), or equal strings, booleans or nulls. Cheap for any number a parser gives:
     * an exact comparison aligns scales only when both numbers have the same magnitude, so {@code 1e999999999}
     * against {@code 0.7} costs no more than {@code 1} against {@code 2}.
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
