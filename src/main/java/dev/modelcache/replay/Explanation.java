package dev.modelcache.replay;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Why a request missed the cache: the caller's nearest stored entry, what differs between its request and this
 * one, and a one-line summary for the {@value #HEADER} response header. Bounded in size whatever the request held:
 * a summary of at most {@value #SUMMARY_LIMIT} characters, at most {@link JsonDiff#DEFAULT_LIMIT} differences, each
 * value cut to a few dozen characters and each pointer to {@link JsonDiff#MAX_POINTER}.
 *
 * @param summary            one line of printable ASCII, at most {@value #SUMMARY_LIMIT} characters: safe in a
 *                           header whatever the request held (made so by the constructor)
 * @param nearestKey         the nearest entry's key, its first {@value MissExplainer#SHORT_KEY} hex digits; null
 *                           when no entry was near enough to compare
 * @param differences        the JSON body's differences from the nearest entry's request (stored, then request),
 *                           never an ignored field
 * @param causes             the other reasons, as sentences: namespace, key recipe, header, query, method, body
 *                           type, a body compared only in part; or that an identical entry exists; or that the
 *                           caller has nothing stored to compare
 * @param candidatesCompared how many stored requests were read and compared
 * @param moreDifferences    body differences found past those listed
 */
public record Explanation(String summary, String nearestKey, List<Difference> differences, List<String> causes,
                          int candidatesCompared, int moreDifferences) {
    /** The response header that carries {@link #summary()}. */
    public static final String HEADER = "X-Cache-Miss-Reason";
    /** Longest summary, in characters. */
    public static final int SUMMARY_LIMIT = 200;
    /** Items (causes, then differences) the summary names before saying how many more there are. */
    static final int SUMMARY_ITEMS = 3;

    public Explanation {
        summary = ShortText.ascii(summary == null ? "" : summary, SUMMARY_LIMIT);
        differences = List.copyOf(differences);
        causes = List.copyOf(causes);
    }

    /** The explanation when no stored entry could be compared: {@code why} is its summary and only cause. */
    static Explanation nothingToCompare(String why) {
        return nothingToCompare(why, why);
    }

    /** The explanation when no stored entry could be compared: {@code summary} in short, {@code cause} in full. */
    static Explanation nothingToCompare(String summary, String cause) {
        return new Explanation(summary, null, List.of(), List.of(cause), 0, 0);
    }

    /** The explanation that {@code nearest}, found among {@code compared} stored requests, gives. */
    static Explanation of(Comparison nearest, int compared) {
        List<String> items = new ArrayList<>();
        nearest.causes().forEach(cause -> items.add(cause.brief()));
        nearest.body().differences().forEach(difference -> items.add(brief(difference)));
        int total = items.size() + nearest.body().more();
        String id = MissExplainer.shortKey(nearest.entry().key());
        String head = "nearest entry " + id + ": ";
        String tail = total > SUMMARY_ITEMS ? " and " + (total - SUMMARY_ITEMS) + " more" : "";
        List<String> named = items.subList(0, Math.min(SUMMARY_ITEMS, items.size()));
        return new Explanation(head + fit(named, SUMMARY_LIMIT - head.length() - tail.length()) + tail, id,
                nearest.body().differences(), nearest.causes().stream().map(Cause::detail).toList(), compared,
                nearest.body().more());
    }

    /**
     * The items joined by {@code "; "} in at most {@code room} ASCII characters: each is cut to an equal share of
     * what is left, so short items leave room for long ones and the count that follows is never cut off.
     */
    private static String fit(List<String> items, int room) {
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            String separator = i == 0 ? "" : "; ";
            int share = (room - joined.length()) / (items.size() - i) - separator.length();
            joined.append(separator).append(ShortText.ascii(items.get(i), Math.max(3, share)));
        }
        return joined.toString();
    }

    /** A difference in a few words: both values when they are short, else only where. */
    static String brief(Difference difference) {
        String where = difference.pointer().isEmpty() ? "(body)" : difference.pointer();
        if (difference.before().length() + difference.after().length() > ShortText.MAX_STRING) {
            return where + " differs";
        }
        return where + " " + difference.before() + " -> " + difference.after();
    }

    /**
     * The explanation for a response body: {@code summary}, {@code nearestKey} (null when none),
     * {@code causes}, {@code differences} as {@code {path, stored, request}}, {@code moreDifferences} and
     * {@code candidatesCompared}.
     */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("summary", summary);
        json.put("nearestKey", nearestKey);
        ArrayNode reasons = json.putArray("causes");
        causes.forEach(reasons::add);
        ArrayNode diffs = json.putArray("differences");
        for (Difference difference : differences) {
            diffs.addObject().put("path", difference.pointer()).put("stored", difference.before())
                    .put("request", difference.after());
        }
        json.put("moreDifferences", moreDifferences);
        json.put("candidatesCompared", candidatesCompared);
        return json;
    }
}
