package dev.modelcache.replay;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.store.PathGroup;
import dev.modelcache.store.ResponseStore;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Says why a request missed the cache, after WireMock's near-miss report: it finds the caller's own stored entries
 * nearest to the request and names what differs ({@code /temperature 0.7 -> 0.2}, another namespace, an older key
 * recipe), so that a cassette that stopped matching can be fixed without reading hashes.
 *
 * <p>Only entries of the caller's own partition are compared: those are the only ones its request could have hit,
 * and another caller's entries must not shape the answer at all, or a caller could confirm someone else's prompt
 * field by field, one free {@code only-if-cached} guess at a time. When the caller has no entry for the provider
 * and path, the explanation says just that, in the same words whatever other callers have stored.</p>
 *
 * <p>The work is bounded whatever the request and the store hold: the candidates are the caller's entries of the
 * same provider, path and model (or, when there is none for that model, of any model, so that the model is the
 * difference), the {@value #MAX_CANDIDATES} newest at most of that {@link PathGroup}, which the record's index keeps
 * grouped so that every miss (each one shows its reason) costs the same however many other entries it holds; those
 * are read from their records, and no more once {@value #MAX_RECORD_BYTES} bytes of records were read; the bodies are compared
 * visiting at most {@value #MAX_VALUES_PER_ENTRY} values per entry and {@value #MAX_VALUES} in all (see
 * {@link JsonDiff} for depth and pointer length), and every value shown is cut short ({@link ShortText}). The
 * nearest is the one with the fewest differences; of equals, the newest. The differences of each candidate are only
 * counted; the nearest's are then listed and rendered, compared again within the same bound (a diff is pure, so the
 * count is the same), which spares rendering the values of 31 entries no one reads. Fields the key ignores are never
 * reported.</p>
 *
 * <p>Thread-safe. The only state kept between explanations is the {@value #RECENT_REQUESTS} stored requests read
 * last (small ones only), by key, each with whether it is stored under a key it no longer computes: every miss of a
 * busy path compares the same newest entries, and reading and parsing their record headers again was most of what a
 * miss cost, and computing each one's key again (canonical JSON and SHA-256) half of what was left. A key names one
 * request (its partition included) and the factory does not change, so what is kept never differs from what the
 * record says; an entry removed since is no longer listed, so it is not compared.</p>
 */
public final class MissExplainer {
    private static final Logger LOG = System.getLogger(MissExplainer.class.getName());
    /** Stored requests read and compared at most, per explanation. */
    public static final int MAX_CANDIDATES = 32;
    /** Bytes of record files read, per explanation, past which no further candidate is read. */
    public static final long MAX_RECORD_BYTES = 64L * 1024 * 1024;
    /** Values of the two bodies visited at most when comparing one entry. */
    public static final int MAX_VALUES_PER_ENTRY = JsonDiff.DEFAULT_VALUES;
    /** Values visited at most in all the comparisons of one explanation. */
    public static final int MAX_VALUES = 5 * MAX_VALUES_PER_ENTRY;
    /** Characters of a method or path named when nothing could be compared. */
    static final int MAX_PATH = 100;
    /** Hex digits of a key shown to name an entry. */
    public static final int SHORT_KEY = 12;
    /** Stored requests kept, read last, so that the next miss of the same path does not read them again. */
    static final int RECENT_REQUESTS = 128;
    /** Largest record header (its file less its body) whose request is kept. */
    static final long RECENT_HEADER_BYTES = 8 * 1024;

    private final ResponseStore store;
    private final CacheKeyFactory keys;
    private final Map<String, Known> recent = Collections.synchronizedMap(
            new LinkedHashMap<>(RECENT_REQUESTS * 2, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
                    return size() > RECENT_REQUESTS;
                }
            });

    public MissExplainer(ResponseStore store, CacheKeyFactory keys) {
        this.store = Objects.requireNonNull(store);
        this.keys = Objects.requireNonNull(keys);
    }

    /**
     * Why {@code missed} found no entry. Never fails: a store that cannot be read gives an explanation that says
     * so, since an explanation is an aid and must not turn a miss into an error.
     */
    public Explanation explain(RequestRecord missed) {
        return explain(missed, null);
    }

    /** The same, for a request whose key the caller has computed already ({@code keys.create(missed)}), or null. */
    public Explanation explain(RequestRecord missed, CacheKey missedKey) {
        Objects.requireNonNull(missed);
        try {
            return nearest(missed, missedKey != null ? missedKey : keys.create(missed));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot explain a miss for " + ShortText.ascii(missed.method(), MAX_PATH) + " "
                    + ShortText.ascii(missed.path(), MAX_PATH) + ": " + e);
            return Explanation.nothingToCompare("the miss could not be explained: the store could not be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private Explanation nearest(RequestRecord missed, CacheKey missedKey) {
        Comparison nearest = null;
        Known nearestRequest = null;
        int nearestValues = 0;
        int compared = 0;
        int valuesLeft = MAX_VALUES;
        long bytesLeft = MAX_RECORD_BYTES;
        for (EntrySummary entry : candidates(missed)) {
            if (valuesLeft <= 0 || bytesLeft <= 0) {
                break; // the bodies were large: the nearest of those compared is named
            }
            Optional<Known> stored = storedRequest(entry);
            bytesLeft -= Math.max(0, entry.fileBytes());
            if (stored.isEmpty() || !stored.get().request().partition().equals(missed.partition())) {
                continue; // removed or evicted since it was listed, or a record that is not what the index says
            }
            compared++;
            int values = Math.min(MAX_VALUES_PER_ENTRY, valuesLeft);
            // Counted, not listed: only the nearest's differences are shown, so only its are rendered (below).
            Comparison comparison = Comparison.of(missed, missedKey, entry, stored.get().request(),
                    stored.get().olderKey(), keys, 0, values);
            valuesLeft -= Math.max(1, comparison.body().visited());
            if (nearest == null || comparison.score() < nearest.score()) {
                nearest = comparison; // candidates come newest first, so of equal scores the newest stays
                nearestRequest = stored.get();
                nearestValues = values;
            }
            if (nearest.identical()) {
                break;
            }
        }
        return nearest == null ? nothingOfTheCallers(missed) : Explanation.of(Comparison.of(missed, missedKey,
                nearest.entry(), nearestRequest.request(), nearestRequest.olderKey(), keys, JsonDiff.DEFAULT_LIMIT,
                nearestValues), compared);
    }

    /**
     * The request of an entry just stored, read back from the store as a miss would read it, and kept with the requests
     * read last, when {@code requestBytes} (its body's size) is small: the next miss of its path, which compares it
     * first (it is the newest), then need not read its record. Called after the store, off the request's thread; what
     * is kept is what the record says, so no explanation changes.
     */
    public void stored(CacheKey key, long requestBytes) {
        if (requestBytes > RECENT_HEADER_BYTES) {
            return;
        }
        try {
            store.request(key).ifPresent(request -> recent.put(key.hex(),
                    new Known(request, Comparison.storedUnderOlderKey(request, key.hex(), keys))));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot read back a stored request: " + e);
        }
    }

    /** A stored request as read from its record, and whether its key is one it no longer computes. */
    private record Known(RequestRecord request, boolean olderKey) {
    }

    /** The request of a listed entry: kept from an earlier explanation, or read from its record. */
    private Optional<Known> storedRequest(EntrySummary entry) {
        Known kept = recent.get(entry.key());
        if (kept != null) {
            return Optional.of(kept);
        }
        Optional<RequestRecord> read = store.request(new CacheKey(entry.key()));
        if (read.isEmpty()) {
            return Optional.empty();
        }
        Known known = new Known(read.get(), Comparison.storedUnderOlderKey(read.get(), entry.key(), keys));
        if (entry.fileBytes() - entry.bodyBytes() <= RECENT_HEADER_BYTES) {
            recent.put(entry.key(), known);
        }
        return Optional.of(known);
    }

    /**
     * The explanation when the caller has no entry to compare: the same words whatever other callers stored, with
     * a hint that depends only on whether the cache is shared (imported cassettes are partition shared).
     */
    private static Explanation nothingOfTheCallers(RequestRecord missed) {
        String summary = "no stored entry of this caller for " + ShortText.cut(missed.method(), ShortText.MAX_BRIEF)
                + " " + ShortText.cut(missed.path(), MAX_PATH) + " at provider "
                + ShortText.cut(missed.provider(), ShortText.MAX_BRIEF);
        String hint = missed.partition().equals(CacheKeyFactory.SHARED)
                ? "; entries recorded by one caller before the cache was shared are never compared"
                : "; other callers' entries are never compared, nor shared ones (imported cassettes) unless "
                + "cache/shared is true";
        return Explanation.nothingToCompare(summary, summary + hint);
    }

    /**
     * The newest {@value #MAX_CANDIDATES} entries of the caller's partition for the same provider and exact path,
     * of the same model when there is any (the store's path filter is a prefix, so the exact path is checked here).
     */
    private List<EntrySummary> candidates(RequestRecord missed) {
        PathGroup sameModel = PathGroup.ofModel(missed.provider(), missed.path(), missed.partition(), missed.model());
        List<EntrySummary> chosen = store.newest(sameModel, MAX_CANDIDATES);
        return chosen.isEmpty() ? store.newest(sameModel.withAnyModel(), MAX_CANDIDATES) : chosen;
    }

    /** The first {@value #SHORT_KEY} hex digits of a key: enough to tell entries apart, short enough to read. */
    static String shortKey(String hex) {
        return hex.length() <= SHORT_KEY ? hex : hex.substring(0, SHORT_KEY);
    }
}
