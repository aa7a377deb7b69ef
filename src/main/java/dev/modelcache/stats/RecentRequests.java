package dev.modelcache.stats;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.http.Redacted;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@value #KEPT} proxied exchanges, for the dashboard's list of latest requests: when, what, which model
 * and namespace, the cache status ({@link #label}), the status line, the time taken, tokens, dollars (and whether the model had a
 * price) and the cache key's short id.
 * The path has no query string (it may carry a credential); no prompt text is kept. Thread-safe without a lock: an
 * exchange takes the next number and puts a compact {@link Row} in its slot; the JSON is built only when the list is
 * read, so a request thread neither waits for the others nor builds a row nobody may ask for.
 */
final class RecentRequests {
    static final int KEPT = 200;
    private static final int KEY_CHARS = 12;

    /**
     * What a row shows, copied from the summary (which is not kept: it holds the request's body), with its number
     * {@code seq} so that a reader skips a slot whose newer row is still being put.
     */
    private record Row(long seq, Instant at, String method, String path, String provider, String model,
                       String namespace, String cache, boolean coalesced, int status, long totalMs, long upstreamMs,
                       long inputTokens, long outputTokens, BigDecimal usd, boolean priced, String keyId) {
        ObjectNode toJson() {
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            json.put("at", at.toString());
            json.put("method", method);
            json.put("path", Redacted.text(path));
            json.put("provider", provider);
            json.put("model", model);
            json.put("namespace", namespace);
            json.put("cache", cache);
            json.put("coalesced", coalesced);
            json.put("status", status);
            json.put("totalMs", totalMs);
            json.put("upstreamMs", upstreamMs);
            json.put("inputTokens", inputTokens);
            json.put("outputTokens", outputTokens);
            json.put("usd", Tally.usd(usd));
            json.put("priced", priced);
            json.put("key", keyId == null ? null : keyId.substring(0, Math.min(KEY_CHARS, keyId.length())));
            return json;
        }
    }

    private final AtomicReferenceArray<Row> rows = new AtomicReferenceArray<>(KEPT);
    private final AtomicLong added = new AtomicLong();

    void add(Instant at, ExchangeSummary e) {
        long seq = added.getAndIncrement();
        rows.set((int) (seq % KEPT), new Row(seq, at, e.method(), e.path(), e.provider(), e.model(), e.namespace(),
                label(e), e.coalesced(), e.httpStatus(), e.totalMillis(), e.upstreamMillis(), e.usage().promptTokens(),
                e.usage().completionTokens(), e.usd(), e.priced(), e.keyId()));
    }

    /** The newest {@code limit} (at most {@value #KEPT}), newest first; a row still being put is left out. */
    ObjectNode toJson(int limit) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ArrayNode shown = json.putArray("requests");
        long newest = added.get();
        long oldest = Math.max(0, newest - Math.min(limit, KEPT));
        for (long i = newest - 1; i >= oldest; i--) {
            Row row = rows.get((int) (i % KEPT));
            if (row != null && row.seq() == i) {
                shown.add(row.toJson());
            }
        }
        return json;
    }

    /**
     * The row's cache label: {@code X-Cache}'s value (HIT, MISS, REFRESH, BYPASS), except {@code ERROR} for an answer
     * with a status of 400 or more (the provider's 401, 429 or 5xx, or the proxy's own error). {@code X-Cache} stays
     * MISS for a provider's error (the answer did not come from the cache), but such an answer is never stored, and a
     * list that showed it as a MISS would read as an entry filled. Null when the request was refused before the
     * cache was asked and got no error status.
     */
    static String label(ExchangeSummary e) {
        if (e.httpStatus() >= 400) {
            return "ERROR";
        }
        return e.cacheStatus() == null ? null : e.cacheStatus().name();
    }
}
