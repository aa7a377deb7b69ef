package dev.modelcache.stats;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.ExchangeSummary.Spending;
import dev.modelcache.http.CacheStatus;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The last {@value #MINUTES} minutes since start, a bucket a minute: requests, hits, misses, the exchanges that
 * called a provider, and the dollars and tokens saved and spent; what the dashboard draws over time. Kept in memory
 * only (the days are in the cost ledger). Not thread-safe: {@link UsageStats} guards it.
 */
final class Timeline {
    static final int MINUTES = 60;
    private static final long MINUTE_MILLIS = 60_000;

    private static final class Bucket {
        long minute = -1;
        long requests;
        long hits;
        long misses;
        long upstreamCalls;
        long savedTokens;
        BigDecimal savedUsd = BigDecimal.ZERO;
        BigDecimal spentUsd = BigDecimal.ZERO;
    }

    private final Bucket[] buckets = new Bucket[MINUTES];

    Timeline() {
        for (int i = 0; i < MINUTES; i++) {
            buckets[i] = new Bucket();
        }
    }

    void add(long nowMillis, ExchangeSummary exchange) {
        Bucket bucket = bucket(nowMillis / MINUTE_MILLIS);
        bucket.requests++;
        if (exchange.cacheStatus() == CacheStatus.HIT) {
            bucket.hits++;
        } else if (exchange.cacheStatus() == CacheStatus.MISS) {
            bucket.misses++;
        }
        if (exchange.upstreamMillis() >= 0) {
            bucket.upstreamCalls++;
        }
        if (exchange.spending() == Spending.SAVED) {
            bucket.savedTokens += exchange.usage().totalTokens();
            bucket.savedUsd = bucket.savedUsd.add(exchange.usd());
        } else if (exchange.spending() == Spending.SPENT) {
            bucket.spentUsd = bucket.spentUsd.add(exchange.usd());
        }
    }

    private Bucket bucket(long minute) {
        Bucket bucket = buckets[(int) Math.floorMod(minute, (long) MINUTES)];
        if (bucket.minute != minute) {
            bucket.minute = minute;
            bucket.requests = bucket.hits = bucket.misses = bucket.upstreamCalls = bucket.savedTokens = 0;
            bucket.savedUsd = bucket.spentUsd = BigDecimal.ZERO;
        }
        return bucket;
    }

    /** Every minute of the last {@value #MINUTES} up to {@code nowMillis}, oldest first, empty ones included. */
    ObjectNode toJson(long nowMillis) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("bucketSeconds", MINUTE_MILLIS / 1000);
        ArrayNode shown = json.putArray("buckets");
        long now = nowMillis / MINUTE_MILLIS;
        for (long minute = now - MINUTES + 1; minute <= now; minute++) {
            Bucket bucket = buckets[(int) Math.floorMod(minute, (long) MINUTES)];
            boolean current = bucket.minute == minute;
            ObjectNode row = shown.addObject();
            row.put("start", Instant.ofEpochMilli(minute * MINUTE_MILLIS).toString());
            row.put("requests", current ? bucket.requests : 0);
            row.put("hits", current ? bucket.hits : 0);
            row.put("misses", current ? bucket.misses : 0);
            row.put("upstreamCalls", current ? bucket.upstreamCalls : 0);
            row.put("savedTokens", current ? bucket.savedTokens : 0);
            row.put("savedUsd", current ? Tally.usd(bucket.savedUsd) : BigDecimal.ZERO);
            row.put("spentUsd", current ? Tally.usd(bucket.spentUsd) : BigDecimal.ZERO);
        }
        return json;
    }
}
