package dev.modelcache.http;

/**
 * The one rule for model-name globs, wherever a glob names models: the provider table's {@code providers/<name>/models}
 * (routing), the price table's keys ({@code gpt-4o-mini*}) and the export filter's {@code model}. Before, each of
 * those matched in its own way (export with case, prices with {@code ?} as a plain character), so one glob could name
 * different models in different places. Here: {@code *} is any run of characters (also none), {@code ?} exactly one,
 * every other character stands for itself; the glob must match the whole name; letters compare without case, as
 * {@link String#equalsIgnoreCase} compares them (the README: "case does not count").
 *
 * <p>Matching walks glob and name once, going back only to the last {@code *} passed, so it takes at most
 * length(glob) x length(name) steps whatever the input (a regex or a recursive walk may take far longer on a glob
 * such as {@code *a*a*a*b}). {@code GlobOverlap} in {@code provider} answers the other question, whether two globs
 * can match one name, under the same rule.
 */
public final class ModelGlob {
    private ModelGlob() {
    }

    /** True when {@code glob} matches the whole of {@code model}; a null model or glob matches nothing. */
    public static boolean matches(String glob, String model) {
        if (glob == null || model == null) {
            return false;
        }
        int g = 0;
        int m = 0;
        int star = -1; // the glob position after the last star passed
        int resume = 0; // the name position that star's run ends at so far
        while (m < model.length()) {
            if (g < glob.length() && glob.charAt(g) == '*') {
                star = ++g;
                resume = m;
            } else if (g < glob.length() && (glob.charAt(g) == '?' || sameLetter(glob.charAt(g), model.charAt(m)))) {
                g++;
                m++;
            } else if (star >= 0) {
                g = star;
                m = ++resume; // the last star takes one more character
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }

    /** True when {@code glob} has no wildcard, so it names one model. */
    public static boolean isExact(String glob) {
        return glob.indexOf('*') < 0 && glob.indexOf('?') < 0;
    }

    /**
     * How narrowly {@code glob} names its models, for the price table where the most specific matching key wins: the
     * more fixed characters (not {@code *} or {@code ?}), the more specific, and an exact name beats any glob with as
     * many fixed characters.
     */
    public static int specificity(String glob) {
        int fixed = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c != '*' && c != '?') {
                fixed++;
            }
        }
        return fixed * 2 + (isExact(glob) ? 1 : 0);
    }

    private static boolean sameLetter(char a, char b) {
        if (a == b) {
            return true;
        }
        char upperA = Character.toUpperCase(a);
        char upperB = Character.toUpperCase(b);
        return upperA == upperB || Character.toLowerCase(upperA) == Character.toLowerCase(upperB);
    }
}
