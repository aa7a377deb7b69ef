package dev.modelcache.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.billing.ExchangePricing;
import dev.modelcache.billing.PriceTable;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.Stored;
import dev.modelcache.events.UpstreamCall;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.store.StoreStats;
import dev.modelcache.tokens.Usage;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stats count an exchange without a lock (issue 19): a request thread never waits for a reader or another
 * request thread, and what many threads count at once adds up exactly, dollars included.
 */
class LockFreeStatsTest {
    final Clock clock = Clock.fixed(Instant.parse("2026-12-07T09:00:00Z"), ZoneOffset.UTC);
    final ExchangePricing pricing = new ExchangePricing(PriceTable.builtIn());
    ResponseStore store;

    @BeforeEach
    void store() {
        store = mock(ResponseStore.class);
        when(store.stats()).thenReturn(new StoreStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    ExchangeSummary exchange(String caller, String model, CacheStatus status, int prompt, int completion) {
        return pricing.price(new ExchangeSummary("POST", "/v1/chat/completions", "openai", model, status, false, 200,
                new Usage(prompt, completion, false), "cd".repeat(32), caller, 3, "", -1, null));
    }

    /**
     * Before, every exchange took the stats' monitor, which the readers ({@code /_cache/stats}, the file writer) held
     * too: here another thread holds it, and the events are still counted.
     */
    @Test
    void anExchangeIsCountedWhileAnotherThreadHoldsTheStatsMonitor() throws Exception {
        UsageStats stats = UsageStats.inMemory(store, clock);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            synchronized (stats) {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        holder.start();
        assertTrue(held.await(30, TimeUnit.SECONDS));
        CountDownLatch counted = new CountDownLatch(1);
        Thread request = new Thread(() -> {
            stats.exchangeEnded(exchange("a", "gpt-4o-mini", CacheStatus.HIT, 10, 5));
            stats.upstreamCall(new UpstreamCall("openai", UpstreamCall.Result.COMPLETE, 200, 1, 2));
            stats.stored(new Stored("k", "openai", "gpt-4o-mini", 10));
            stats.snapshot();
            stats.recent(10);
            counted.countDown();
        });
        request.start();
        try {
            assertTrue(counted.await(30, TimeUnit.SECONDS), "the request thread waited for the monitor");
            assertEquals(1, stats.snapshot().hits());
            assertEquals(1, stats.snapshot().upstreamCalls());
            assertEquals(1, stats.snapshot().stored());
        } finally {
            release.countDown();
            holder.join();
            request.join();
        }
    }

    @Test
    void exchangesCountedAtOnceAddUpExactlyDollarsIncluded() throws Exception {
        UsageStats stats = UsageStats.inMemory(store, clock);
        String[] models = {"gpt-4o-mini", "gpt-4o", "claude-3-5-haiku-latest", "no-such-model"};
        int threads = 4;
        int each = 2_000;
        List<ExchangeSummary> all = new ArrayList<>();
        for (int i = 0; i < threads * each; i++) {
            all.add(exchange("caller-" + i % 7, models[i % models.length], i % 3 == 0 ? CacheStatus.MISS : CacheStatus.HIT,
                    i % 1000, i % 333));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<ExchangeSummary> mine = all.subList(t * each, (t + 1) * each);
                done.add(pool.submit(() -> mine.forEach(stats::exchangeEnded)));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        BigDecimal saved = BigDecimal.ZERO;
        BigDecimal spent = BigDecimal.ZERO;
        long savedTokens = 0;
        for (ExchangeSummary e : all) {
            if (e.cacheStatus() == CacheStatus.HIT) {
                saved = saved.add(e.usd());
                savedTokens += e.usage().totalTokens();
            } else {
                spent = spent.add(e.usd());
            }
        }
        JsonNode now = stats.sinceStart();
        assertEquals(threads * each, now.path("requests").asLong());
        assertEquals(savedTokens, now.at("/tokens/saved/total").asLong());
        assertEquals(saved.stripTrailingZeros(), now.at("/usd/saved").decimalValue(), "exact, not a double");
        assertEquals(spent.stripTrailingZeros(), now.at("/usd/spent").decimalValue());
        assertEquals(threads * each / models.length, now.at("/byModel/no-such-model/unpriced").asLong());
        long byCaller = 0;
        for (JsonNode tally : now.path("byKey")) {
            byCaller += tally.path("requests").asLong();
        }
        assertEquals(threads * each, byCaller);
        JsonNode minute = stats.timeline().path("buckets").get(Timeline.MINUTES - 1);
        assertEquals(threads * each, minute.path("requests").asLong());
        assertEquals(saved.stripTrailingZeros(), minute.path("savedUsd").decimalValue());
    }

    /** Threads that bring new names at once cannot pass the cap of a split between its check and its put. */
    @Test
    void aSplitKeepsItsCapWhenNewNamesComeAtOnce() throws Exception {
        UsageStats stats = UsageStats.inMemory(store, clock);
        int threads = 4;
        int each = Totals.MAX_GROUPS / 2;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        stats.exchangeEnded(exchange("t" + thread + "-" + i, "gpt-4o-mini", CacheStatus.HIT, 1, 1));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode byKey = stats.sinceStart().path("byKey");
        assertEquals(Totals.MAX_GROUPS + 1, byKey.size(), "the first names and (other)");
        assertEquals(threads * each - Totals.MAX_GROUPS, byKey.path(Totals.OTHER).path("requests").asLong());
    }
}
