package dev.modelcache.provider;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether two model globs could both match one model name, decided exactly: {@code *} is any run of characters,
 * {@code ?} one character, letters compare without case, as {@link dev.modelcache.http.ModelGlob} matches. {@code gpt-*} and
 * {@code *-mini} overlap (both match {@code gpt-4o-mini}); {@code gpt-*} and {@code o1*} do not. The answer is
 * found by walking both globs at once (a model both match is a path through both), remembering each pair of
 * positions tried, so it takes at most (length + 1) x (length + 1) steps.
 */
public final class GlobOverlap {
    private final String a;
    private final String b;
    private final Map<Long, Boolean> seen = new HashMap<>();

    private GlobOverlap(String a, String b) {
        this.a = a.toLowerCase(Locale.ROOT);
        this.b = b.toLowerCase(Locale.ROOT);
    }

    /** True when some model name matches both globs. */
    public static boolean overlap(String a, String b) {
        return new GlobOverlap(a, b).from(0, 0);
    }

    /** The first glob of {@code a} that overlaps one of {@code b}, with it, or null when none does. */
    public static List<String> firstOverlap(List<String> a, List<String> b) {
        for (String x : a) {
            for (String y : b) {
                if (overlap(x, y)) {
                    return List.of(x, y);
                }
            }
        }
        return null;
    }

    private boolean from(int i, int j) {
        long at = ((long) i << 32) | j;
        Boolean known = seen.get(at);
        if (known != null) {
            return known;
        }
        seen.put(at, false); // a cycle adds nothing new
        boolean result = step(i, j);
        seen.put(at, result);
        return result;
    }

    private boolean step(int i, int j) {
        boolean endA = i == a.length();
        boolean endB = j == b.length();
        if (endA && endB) {
            return true;
        }
        if (!endA && a.charAt(i) == '*') {
            // The star matches nothing more, or takes what b's next token matches.
            return from(i + 1, j) || (!endB && from(i, j + 1));
        }
        if (!endB && b.charAt(j) == '*') {
            return from(i, j + 1) || (!endA && from(i + 1, j));
        }
        if (endA || endB) {
            return false;
        }
        char x = a.charAt(i);
        char y = b.charAt(j);
        return (x == '?' || y == '?' || x == y) && from(i + 1, j + 1);
    }
}
