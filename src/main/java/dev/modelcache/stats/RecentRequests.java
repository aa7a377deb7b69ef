package dev.modelcache.stats;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.http.Redacted;
import java.time.Instant;

/**
 * The last {@value #KEPT} proxied exchanges, for the dashboard's list of latest requests: when, what, which model
 * and namespace, the cache status ({@link #label}), the status line, the time taken, tokens, dollars (and whether the model had a
 * price) and the cache key's short id.
 * The path has no query string (it may carry a credential); no prompt text is kept. Not thread-safe:
 * {@link UsageStats} guards it.
 */
final class RecentRequests {
    static final int KEPT = 200;
    private static final int KEY_CHARS = 12;

    /** Each row as shown, built when added: the summary itself is not kept (it holds the request's body). */
    private final ObjectNode[] rows = new ObjectNode[KEPT];
    private long added;

    void add(Instant at, ExchangeSummary exchange) {
        rows[(int) (added % KEPT)] = row(at, exchange);
        added++;
    }

    /** The newest {@code limit} (at most {@value #KEPT}), newest first. */
    ObjectNode toJson(int limit) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ArrayNode shown = json.putArray("requests");
        long oldest = Math.max(0, added - Math.min(limit, KEPT));
        for (long i = added - 1; i >= oldest; i--) {
            shown.add(rows[(int) (i % KEPT)]);
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

    private static ObjectNode row(Instant at, ExchangeSummary e) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("at", at.toString());
        json.put("method", e.method());
        json.put("path", Redacted.text(e.path()));
        json.put("provider", e.provider());
        json.put("model", e.model());
        json.put("namespace", e.namespace());
        json.put("cache", label(e));
        json.put("coalesced", e.coalesced());
        json.put("status", e.httpStatus());
        json.put("totalMs", e.totalMillis());
        json.put("upstreamMs", e.upstreamMillis());
        json.put("inputTokens", e.usage().promptTokens());
        json.put("outputTokens", e.usage().completionTokens());
        json.put("usd", Tally.usd(e.usd()));
        json.put("priced", e.priced());
        json.put("key", e.keyId() == null ? null : e.keyId().substring(0, Math.min(KEY_CHARS, e.keyId().length())));
        return json;
    }
}
