package dev.modelcache.replay;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * One stored entry held against the request that missed: the body's differences, the other causes, and a score
 * (how many things differ) by which the nearest entry is chosen.
 *
 * @param entry     the stored entry, as the store lists it
 * @param body      the JSON body's differences (none when either body is not JSON)
 * @param causes    what else differs, or why nothing visible does
 * @param identical true when the entry's key is the very key that missed
 */
record Comparison(EntrySummary entry, JsonDiff.Result body, List<Cause> causes, boolean identical) {
    Comparison {
        causes = List.copyOf(causes);
    }

    /** How far the entry is from the request: 0 for the same key, else the number of differences and causes. */
    int score() {
        return identical ? 0 : body.total() + causes.size();
    }

    /**
     * Compares the entry {@code entry}, whose record is {@code stored}, with {@code missed} (whose key is
     * {@code missedKey}): both are the same caller's, so every value may be shown. The bodies are compared visiting
     * at most {@code maxValues} values; when they hold more, the comparison says it is partial. {@code olderKey}: what
     * {@link #storedUnderOlderKey} says of the entry (the explainer keeps it with the stored request it read).
     */
    static Comparison of(RequestRecord missed, CacheKey missedKey, EntrySummary entry, RequestRecord stored,
                         boolean olderKey, CacheKeyFactory keys, int differenceLimit, int maxValues) {
        String id = MissExplainer.shortKey(entry.key());
        if (entry.key().equals(missedKey.hex())) {
            return new Comparison(entry, JsonDiff.between(null, null), List.of(new Cause(
                    "an identical entry exists (key " + id + ")", "an identical entry exists (key " + id
                            + "): it expired, was stored after the lookup, or a sequence used up its answers")), true);
        }
        List<Cause> causes = new ArrayList<>(Causes.between(stored, missed));
        JsonDiff.Result body = stored.bodyType().equals(RequestRecord.JSON_BODY)
                && missed.bodyType().equals(RequestRecord.JSON_BODY)
                ? JsonDiff.between(stored.body(), missed.body(), keys.ignoredFields(), differenceLimit, maxValues)
                : JsonDiff.between(null, null);
        if (body.partial()) {
            causes.add(new Cause("compared in part", "the bodies were compared in part: the explainer reads at most "
                    + maxValues + " values of them, " + JsonDiff.MAX_DEPTH + " levels deep"));
        }
        if (olderKey) {
            causes.add(new Cause("stored under an older key", "stored under key " + id + ", which its request no"
                    + " longer computes (the ignored fields changed since it was recorded): import or re-record"));
        } else if (causes.isEmpty() && body.isEmpty()) {
            causes.add(new Cause("key differs, no compared field does", "the request matches this entry in every "
                    + "field compared, but its key differs (key " + id + ", request " + MissExplainer.shortKey(
                    missedKey.hex()) + ")"));
        }
        return new Comparison(entry, body, causes, false);
    }

    /**
     * True when {@code stored}, of today's key recipe, no longer computes the key {@code key} it is stored under (the
     * ignored fields changed since). The same for a given entry as long as the factory is: a key and a hash to compute,
     * which is why the explainer keeps the answer rather than ask again at every miss.
     */
    static boolean storedUnderOlderKey(RequestRecord stored, String key, CacheKeyFactory keys) {
        return stored.keyRecipe().equals(CacheKeyFactory.VERSION) && CacheKeyFactory.canKey(stored)
                && !keys.create(stored).hex().equals(key);
    }
}
