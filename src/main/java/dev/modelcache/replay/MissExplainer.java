package dev.modelcache.replay;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.cache.ResponseStore;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Says why a request missed the cache, after WireMock's near-miss report: it finds the stored entries nearest to
 * the request and names what differs ({@code /temperature 0.7 -> 0.2}, another caller, another namespace, an older
 * key recipe), so that a cassette that stopped matching can be fixed without reading hashes.
 *
 * <p>The work is bounded whatever the store holds: the candidates are the entries of the same provider, path and
 * model (or, when there is none for that model, of any model, so that the model is the difference), listed from
 * the store's in-memory index, and only the {@value #MAX_CANDIDATES} newest are read from their records. The
 * nearest is the one with the fewest differences; of equals, the newest. Fields the key ignores are never
 * reported, and another caller's values are never shown.</p>
 *
 * <p>Thread-safe: it keeps no state between explanations.</p>
 */
public final class MissExplainer {
    private static final Logger LOG = System.getLogger(MissExplainer.class.getName());
    /** Stored requests read and compared at most, per explanation. */
    public static final int MAX_CANDIDATES = 32;
    /** Hex digits of a key shown to name an entry. */
    public static final int SHORT_KEY = 12;

    private final ResponseStore store;
    private final CacheKeyFactory keys;

    public MissExplainer(ResponseStore store, CacheKeyFactory keys) {
        this.store = Objects.requireNonNull(store);
        this.keys = Objects.requireNonNull(keys);
    }

    /**
     * Why {@code missed} found no entry. Never fails: a store that cannot be read gives an explanation that says
     * so, since an explanation is an aid and must not turn a miss into an error.
     */
    public Explanation explain(RequestRecord missed) {
        Objects.requireNonNull(missed);
        try {
            return nearest(missed);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot explain a miss for " + missed.method() + " " + missed.path() + ": " + e);
            return Explanation.nothingToCompare("the miss could not be explained: the store could not be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private Explanation nearest(RequestRecord missed) {
        CacheKey missedKey = keys.create(missed);
        Comparison nearest = null;
        int compared = 0;
        for (EntrySummary entry : candidates(missed)) {
            Optional<RequestRecord> stored = store.request(new CacheKey(entry.key()));
            if (stored.isEmpty()) {
                continue; // removed or evicted since it was listed
            }
            compared++;
            Comparison comparison = Comparison.of(missed, missedKey, entry, stored.get(), keys,
                    JsonDiff.DEFAULT_LIMIT);
            if (nearest == null || comparison.score() < nearest.score()) {
                nearest = comparison; // candidates come newest first, so of equal scores the newest stays
            }
            if (nearest.identical()) {
                break;
            }
        }
        if (nearest == null) {
            int forProvider = store.list(new EntryFilter(missed.provider(), null, null, null, null)).size();
            return Explanation.nothingToCompare("no stored entry for " + missed.method() + " " + missed.path()
                    + " at provider " + missed.provider() + " (" + forProvider + " entries stored for "
                    + missed.provider() + " in all)");
        }
        return Explanation.of(nearest, compared);
    }

    /**
     * The newest {@value #MAX_CANDIDATES} entries for the same provider and exact path, of the same model when
     * there is any (the store's path filter is a prefix, so the exact path is checked here).
     */
    private List<EntrySummary> candidates(RequestRecord missed) {
        List<EntrySummary> samePath = store.list(new EntryFilter(missed.provider(), null, missed.path(), null, null))
                .stream().filter(entry -> missed.path().equals(entry.path())).toList();
        List<EntrySummary> sameModel = samePath.stream()
                .filter(entry -> Objects.equals(missed.model(), entry.model())).toList();
        List<EntrySummary> chosen = sameModel.isEmpty() ? samePath : sameModel;
        return chosen.subList(0, Math.min(MAX_CANDIDATES, chosen.size()));
    }

    /** The first {@value #SHORT_KEY} hex digits of a key: enough to tell entries apart, short enough to read. */
    static String shortKey(String hex) {
        return hex.length() <= SHORT_KEY ? hex : hex.substring(0, SHORT_KEY);
    }
}
