package dev.modelcache.stats;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.billing.UsdSum;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.ExchangeSummary.Spending;
import dev.modelcache.http.CacheStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The last {@value #MINUTES} minutes since start, a bucket a minute: requests, hits, misses, the exchanges that
 * called a provider, and the dollars and tokens saved and spent; what the dashboard draws over time. Kept in memory
 * only (the days are in the cost ledger). Thread-safe without a lock: a bucket counts on adders, and the bucket of a
 * new minute replaces the one of an hour before by compare-and-set, so request threads never wait for each other.
 */
final class Timeline {
    static final int MINUTES = 60;
    private static final long MINUTE_MILLIS = 60_000;

    private static final class Bucket {
        final long minute;
        final LongAdder requests = new LongAdder();
        final LongAdder hits = new LongAdder();
        final LongAdder misses = new LongAdder();
        final LongAdder upstreamCalls = new LongAdder();
        final LongAdder savedTokens = new LongAdder();
        final UsdSum savedUsd = new UsdSum();
        final UsdSum spentUsd = new UsdSum();

        Bucket(long minute) {
            this.minute = minute;
        }
    }

    private final AtomicReferenceArray<Bucket> buckets = new AtomicReferenceArray<>(MINUTES);

    Timeline() {
        for (int i = 0; i < MINUTES; i++) {
            buckets.set(i, new Bucket(-1));
        }
    }

    void add(long nowMillis, ExchangeSummary exchange) {
        Bucket bucket = bucket(nowMillis / MINUTE_MILLIS);
        if (bucket == null) {
            return; // a time more than an hour older than a minute already counted: out of the window
        }
        bucket.requests.increment();
        if (exchange.cacheStatus() == CacheStatus.HIT) {
            bucket.hits.increment();
        } else if (exchange.cacheStatus() == CacheStatus.MISS) {
            bucket.misses.increment();
        }
        if (exchange.upstreamMillis() >= 0) {
            bucket.upstreamCalls.increment();
        }
        if (exchange.spending() == Spending.SAVED) {
            bucket.savedTokens.add(exchange.usage().totalTokens());
            bucket.savedUsd.add(exchange.usd());
        } else if (exchange.spending() == Spending.SPENT) {
            bucket.spentUsd.add(exchange.usd());
        }
    }

    /** The bucket of {@code minute}, replacing an older minute's in its slot; null when its slot holds a newer one. */
    private Bucket bucket(long minute) {
        int slot = (int) Math.floorMod(minute, (long) MINUTES);
        while (true) {
            Bucket bucket = buckets.get(slot);
            if (bucket.minute == minute) {
                return bucket;
            }
            if (bucket.minute > minute) {
                return null;
            }
            Bucket fresh = new Bucket(minute);
            if (buckets.compareAndSet(slot, bucket, fresh)) {
                return fresh;
            }
        }
    }

    /** Every minute of the last {@value #MINUTES} up to {@code nowMillis}, oldest first, empty ones included. */
    ObjectNode toJson(long nowMillis) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("bucketSeconds", MINUTE_MILLIS / 1000);
        ArrayNode shown = json.putArray("buckets");
        long now = nowMillis / MINUTE_MILLIS;
        for (long minute = now - MINUTES + 1; minute <= now; minute++) {
            Bucket bucket = buckets.get((int) Math.floorMod(minute, (long) MINUTES));
            boolean current = bucket.minute == minute;
            ObjectNode row = shown.addObject();
            row.put("start", Instant.ofEpochMilli(minute * MINUTE_MILLIS).toString());
            row.put("requests", current ? bucket.requests.sum() : 0);
            row.put("hits", current ? bucket.hits.sum() : 0);
            row.put("misses", current ? bucket.misses.sum() : 0);
            row.put("upstreamCalls", current ? bucket.upstreamCalls.sum() : 0);
            row.put("savedTokens", current ? bucket.savedTokens.sum() : 0);
            row.put("savedUsd", current ? Tally.usd(bucket.savedUsd.sum()) : BigDecimal.ZERO);
            row.put("spentUsd", current ? Tally.usd(bucket.spentUsd.sum()) : BigDecimal.ZERO);
        }
        return json;
    }
}
