package dev.modelcache.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.billing.ExchangePricing;
import dev.modelcache.billing.PriceTable;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.store.StoreStats;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.Listeners;
import dev.modelcache.events.Stored;
import dev.modelcache.events.UpstreamCall;
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

    /** An exchange as the pipeline hands it to the listeners: priced once, by the shipped table. */
    static ExchangeSummary exchange(String caller, CacheStatus status, boolean coalesced, int http) {
        return new ExchangePricing(PriceTable.builtIn()).price(new ExchangeSummary("POST", "/v1/chat/completions",
                "openai", "gpt-4o-mini", status, coalesced, http, new Usage(1000, 500, false), "ab".repeat(32), caller, 7,
                "", status == CacheStatus.MISS ? 5 : -1, null));
    }

    static ExchangeSummary exchange(CacheStatus status, boolean coalesced, Usage usage) {
        return new ExchangeSummary("POST", "/v1/chat/completions", "openai", "gpt-4o", status, coalesced, 200, usage,
                "k", "caller", 1);
    }

    /** The flat counters /_cache/stats shows at its top level, which ProxyStats kept before UsageStats counted alone. */
    @Test
    void theFlatCountersCountEachExchangeByItsCacheStatus() {
        UsageStats stats = UsageStats.inMemory(store, clock);
        Listeners listeners = new Listeners(stats);
        listeners.exchangeEnded(exchange(CacheStatus.HIT, true, new Usage(10, 3, false)));
        listeners.exchangeEnded(exchange(CacheStatus.HIT, false, new Usage(5, 1, false)));
        listeners.exchangeEnded(exchange(CacheStatus.MISS, false, new Usage(7, 7, false)));
        listeners.exchangeEnded(exchange(CacheStatus.MISS, true, new Usage(7, 7, false)));
        listeners.exchangeEnded(exchange(CacheStatus.REFRESH, false, Usage.NONE));
        listeners.exchangeEnded(exchange(CacheStatus.BYPASS, false, Usage.NONE));
        listeners.exchangeEnded(exchange(null, false, Usage.NONE));
        listeners.upstreamCall(new UpstreamCall("openai", UpstreamCall.Result.COMPLETE, 200, 5, 9));
        listeners.upstreamCall(new UpstreamCall("openai", UpstreamCall.Result.TIMEOUT, 0, 5, 5));
        listeners.stored(new Stored("k", "openai", "gpt-4o", 10));
        listeners.flightStarted();
        UsageStats.Snapshot s = stats.snapshot();
        assertEquals(7, s.requests(), "a refused request counts as a request");
        assertEquals(2, s.hits());
        assertEquals(1, s.coalesced(), "a hit that waited; not a follower that shared an error");
        assertEquals(2, s.misses());
        assertEquals(1, s.refreshes());
        assertEquals(1, s.bypasses());
        assertEquals(15, s.savedPromptTokens(), "only hits save tokens");
        assertEquals(4, s.savedCompletionTokens());
        assertEquals(2, s.upstreamCalls());
        assertEquals(1, s.upstreamErrors());
        assertEquals(1, s.stored());
        assertEquals(1, s.inFlight());
        assertEquals(1, stats.sinceStart().path("coalesced").asLong(), "the same count in the breakdown");
        assertEquals(7, stats.counters().path("requests").asLong());
        listeners.flightEnded();
        assertEquals(0, stats.snapshot().inFlight());
    }

    @Test
    void aFollowerSharingAnErrorCountsAsARequestButCostsNothing() {
        UsageStats stats = UsageStats.inMemory(store, clock);
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
        UsageStats stats = UsageStats.inMemory(store, clock);
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
        UsageStats stats = UsageStats.inMemory(store, clock);
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
        UsageStats stats = UsageStats.inMemory(store, clock);
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
        try (UsageStats stats = UsageStats.open(cacheDir, store, clock)) {
            stats.exchangeEnded(exchange("a", CacheStatus.HIT, false, 200));
            assertEquals(1, stats.sinceCreated().path("requests").asLong());
            assertEquals(START.toString(), stats.sinceCreated().path("since").asText());
        }
        assertEquals("{not json", Files.readString(cacheDir.resolve(UsageStats.FILE_NAME + ".unreadable")));
        try (UsageStats reopened = UsageStats.open(cacheDir, store, clock)) {
            assertEquals(1, reopened.sinceCreated().path("requests").asLong());
            assertEquals(0, reopened.sinceStart().path("requests").asLong());
            assertEquals(6, reopened.sinceCreated().path("storeFailures").asLong(), "3 carried over and 3 of this run");
        }
    }
}
