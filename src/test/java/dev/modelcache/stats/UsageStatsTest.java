package dev.modelcache.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.billing.PriceTable;
import dev.modelcache.cache.ResponseStore;
import dev.modelcache.cache.StoreStats;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.tokens.Usage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The counters' rules, one exchange at a time, with a clock the test moves. */
class UsageStatsTest {
    static final Instant START = Instant.parse("2026-12-03T10:00:30Z");
    @TempDir
    Path cacheDir;
    final AtomicLong millis = new AtomicLong(START.toEpochMilli());
    final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    };
    ResponseStore store;

    @BeforeEach
    void store() {
        store = mock(ResponseStore.class);
        when(store.stats()).thenReturn(new StoreStats(2, 2048, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0));
    }

    static ExchangeSummary exchange(String caller, CacheStatus status, boolean coalesced, int http) {
        return new ExchangeSummary("POST", "/v1/chat/completions", "openai", "gpt-4o-mini", status, coalesced, http,
                new Usage(1000, 500, false), "ab".repeat(32), caller, 7, "", status == CacheStatus.MISS ? 5 : -1, null);
    }

    @Test
    void aFollowerSharingAnErrorCountsAsARequestButCostsNothing() {
        UsageStats stats = UsageStats.inMemory(PriceTable.builtIn(), store, clock);
        stats.exchangeEnded(exchange("a", CacheStatus.MISS, false, 500));
        stats.exchangeEnded(exchange("a", CacheStatus.MISS, true, 500));
        JsonNode now = stats.sinceStart();
        assertEquals(2, now.path("requests").asLong());
        assertEquals(2, now.path("errors").asLong());
        assertEquals(1500, now.at("/tokens/spent/total").asLong(), "the leader's call, once");
        assertEquals(0, new BigDecimal("0.00045").compareTo(now.at("/usd/spent").decimalValue()));
        assertEquals(3, now.path("storeFailures").asLong(), "write and read failures of the store");
    }

    @Test
    void aSplitKeepsItsFirstThousandNamesAndCountsTheRestAsOther() {
        UsageStats stats = UsageStats.inMemory(PriceTable.builtIn(), store, clock);
        for (int i = 0; i < Totals.MAX_GROUPS + 50; i++) {
            stats.exchangeEnded(exchange("caller-" + i, CacheStatus.HIT, false, 200));
        }
        JsonNode byKey = stats.sinceStart().path("byKey");
        assertEquals(Totals.MAX_GROUPS + 1, byKey.size());
        assertEquals(50, byKey.at("/" + Totals.OTHER.replace("/", "~1") + "/requests").asLong());
        assertEquals(1, byKey.path("caller-0").path("requests").asLong());
    }

    @Test
    void theTimelineKeepsTheLastHourAMinuteAtATime() {
        UsageStats stats = UsageStats.inMemory(PriceTable.builtIn(), store, clock);
        stats.exchangeEnded(exchange("a", CacheStatus.MISS, false, 200));
        millis.addAndGet(60_000);
        stats.exchangeEnded(exchange("a", CacheStatus.HIT, false, 200));
        stats.exchangeEnded(exchange("a", CacheStatus.HIT, false, 200));
        JsonNode buckets = stats.timeline().path("buckets");
        assertEquals(Timeline.MINUTES, buckets.size());
        JsonNode last = buckets.get(Timeline.MINUTES - 1);
        assertEquals("2026-12-03T10:01:00Z", last.path("start").asText());
        assertEquals(2, last.path("hits").asLong());
        assertEquals(3000, last.path("savedTokens").asLong());
        assertEquals(1, buckets.get(Timeline.MINUTES - 2).path("misses").asLong());
        assertEquals(1, buckets.get(Timeline.MINUTES - 2).path("upstreamCalls").asLong());

        millis.addAndGet(59 * 60_000L); // 11:00: the window is 10:01 to 11:00; the miss's slot of 10:00 is reused
        stats.exchangeEnded(exchange("a", CacheStatus.HIT, false, 200));
        long requests = 0;
        for (JsonNode bucket : stats.timeline().path("buckets")) {
            requests += bucket.path("requests").asLong();
        }
        assertEquals(3, requests, "the two hits of 10:01 and the one now, not the miss of 10:00");
    }

    @Test
    void theLatestRequestsKeepTheNewestTwoHundred() {
        UsageStats stats = UsageStats.inMemory(PriceTable.builtIn(), store, clock);
        for (int i = 0; i < RecentRequests.KEPT + 5; i++) {
            millis.incrementAndGet();
            stats.exchangeEnded(exchange("a", CacheStatus.HIT, false, 200));
        }
        JsonNode rows = stats.recent(1000).path("requests");
        assertEquals(RecentRequests.KEPT, rows.size());
        assertTrue(rows.get(0).path("at").asText().compareTo(rows.get(1).path("at").asText()) > 0);
        assertEquals("abababababab", rows.get(0).path("key").asText());
        assertEquals(0, stats.recent(0).path("requests").size());
    }

    @Test
    void anUnreadableCountersFileIsMovedAsideAndCountingStartsAgain() throws Exception {
        Files.writeString(cacheDir.resolve(UsageStats.FILE_NAME), "{not json");
        try (UsageStats stats = UsageStats.open(cacheDir, PriceTable.builtIn(), store, clock)) {
            stats.exchangeEnded(exchange("a", CacheStatus.HIT, false, 200));
            assertEquals(1, stats.sinceCreated().path("requests").asLong());
            assertEquals(START.toString(), stats.sinceCreated().path("since").asText());
        }
        assertEquals("{not json", Files.readString(cacheDir.resolve(UsageStats.FILE_NAME + ".unreadable")));
        try (UsageStats reopened = UsageStats.open(cacheDir, PriceTable.builtIn(), store, clock)) {
            assertEquals(1, reopened.sinceCreated().path("requests").asLong());
            assertEquals(0, reopened.sinceStart().path("requests").asLong());
            assertEquals(6, reopened.sinceCreated().path("storeFailures").asLong(), "3 carried over and 3 of this run");
        }
    }
}
