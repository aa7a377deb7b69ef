package dev.modelcache.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a CI job needs after a replay run ({@code GET /_cache/report}): the requests that missed, each with its
 * explanation, and the stored entries no request used, so that a job can fail on either. It counts from the start
 * of the proxy, or from the last {@code POST /_cache/report/reset}. At most {@value #MAX_MISSES} misses are kept
 * in detail (the count goes on), each in a bounded size: its explanation is, and its path and model are cut to
 * {@value #MAX_TEXT} characters (a model is whatever string the body held, and a thousand kept misses must not
 * keep a thousand request bodies).
 */
public final class ReplayReport {
    public static final int MAX_MISSES = 1000;
    /** Characters of a missed request's path or model kept. */
    static final int MAX_TEXT = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConcurrentLinkedQueue<ObjectNode> misses = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();
    private final AtomicLong missCount = new AtomicLong();
    private final Set<String> used = ConcurrentHashMap.newKeySet();
    private final Clock clock;
    private volatile Instant since;

    /** A report on the system clock. */
    public ReplayReport() {
        this(Clock.systemUTC());
    }

    /** A report whose miss times and start ({@code since}) are read from {@code clock}: the proxy's. */
    public ReplayReport(Clock clock) {
        this.clock = clock;
        this.since = clock.instant();
    }

    /** A request that missed; {@code offline} when it was refused rather than sent to the provider. */
    public void missed(RequestRecord request, CacheKey key, Explanation explanation, boolean offline) {
        missCount.incrementAndGet();
        if (kept.incrementAndGet() > MAX_MISSES) {
            kept.decrementAndGet();
            return;
        }
        ObjectNode miss = JSON.createObjectNode();
        miss.put("key", key.shortId());
        miss.put("method", request.method());
        miss.put("path", ShortText.cut(request.path(), MAX_TEXT));
        miss.put("model", request.model() == null ? null : ShortText.cut(request.model(), MAX_TEXT));
        miss.put("namespace", request.namespace());
        if (request.sequence() > 1) {
            miss.put("sequence", request.sequence());
        }
        miss.put("answered", offline ? "504 cache_miss" : "from the provider");
        miss.put("at", clock.instant().toString());
        miss.set("explanation", explanation.toJson());
        misses.add(miss);
    }

    /** An entry that answered a request. */
    public void used(CacheKey key) {
        used.add(key.hex());
    }

    /** The report over {@code entries} (the stored entries, cassettes included): misses, and entries never used. */
    public ObjectNode snapshot(List<EntrySummary> entries) {
        ObjectNode report = JSON.createObjectNode();
        report.put("since", since.toString());
        report.put("missCount", missCount.get());
        ArrayNode missList = report.putArray("misses");
        misses.forEach(missList::add);
        ArrayNode unused = report.putArray("unused");
        long usedCount = 0;
        for (EntrySummary entry : entries) {
            if (used.contains(entry.key())) {
                usedCount++;
                continue;
            }
            ObjectNode item = unused.addObject();
            item.put("key", new CacheKey(entry.key()).shortId());
            item.put("namespace", entry.namespace());
            item.put("method", entry.method());
            item.put("path", entry.path());
            item.put("model", entry.model());
        }
        report.put("usedCount", usedCount);
        report.put("unusedCount", unused.size());
        return report;
    }

    /** Forgets the misses and uses counted so far. */
    public void reset() {
        misses.clear();
        kept.set(0);
        missCount.set(0);
        used.clear();
        since = clock.instant();
    }
}
