package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.store.StoreStats;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.Listeners;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.metrics.MetricsListener;
import dev.modelcache.stats.UsageStats;
import dev.modelcache.tokens.Usage;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** One price per exchange: set once on the summary, and the ledger, the stats and the metrics count only that. */
class ExchangePricingTest {
    static ExchangeSummary exchange(String model, CacheStatus status, boolean coalesced, int http) {
        return new ExchangeSummary("POST", "/v1/chat/completions", "openai", model, status, coalesced, http,
                new Usage(1000, 500, false), "key", "alice", 1);
    }

    /** The three listeners that count dollars, told of events as the proxy tells them. */
    record Counting(CostLedger ledger, UsageStats stats, MetricsListener metrics, Listeners listeners) {
        static Counting create() {
            ResponseStore store = mock(ResponseStore.class);
            when(store.stats()).thenReturn(new StoreStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            CostLedger ledger = CostLedger.inMemory("2026-12-03", CostLedgerTest.NOON);
            UsageStats stats = UsageStats.inMemory(store, CostLedgerTest.NOON);
            MetricsListener metrics = new MetricsListener(store);
            return new Counting(ledger, stats, metrics, new Listeners(ledger, stats, metrics));
        }

        /** What the metrics counted as spent (or saved) in US dollars on {@code model}. */
        double metricUsd(String name, String model) {
            return metrics.scrape().lines()
                    .filter(line -> line.startsWith(name + "{") && line.contains("\"" + model + "\""))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
        }
    }

    @Test
    void eachExchangeIsPricedOnceAndNoListenerPricesItAgain() {
        PriceTable table = spy(PriceTable.builtIn());
        ExchangePricing pricing = new ExchangePricing(table);
        Counting counting = Counting.create();

        counting.listeners().exchangeEnded(pricing.price(exchange("gpt-4o-mini", CacheStatus.MISS, false, 200)));
        counting.listeners().exchangeEnded(pricing.price(exchange("gpt-4o-mini", CacheStatus.HIT, false, 200)));
        counting.listeners().exchangeEnded(pricing.price(exchange("gpt-unpriced", CacheStatus.MISS, false, 200)));
        JsonNode costs = counting.ledger().report();
        JsonNode stats = counting.stats().sinceStart();
        counting.metrics().scrape();

        verify(table, times(3)).lookup(any());
        // gpt-4o-mini: 1000 * 0.15 + 500 * 0.60 = 450 per million, spent once and saved once.
        assertEquals(0, new BigDecimal("0.00045").compareTo(costs.at("/total/spent/usd").decimalValue()));
        assertEquals(0, new BigDecimal("0.00045").compareTo(stats.at("/usd/spent").decimalValue()));
        assertEquals(0.00045, counting.metricUsd("modelcache_spent_usd_total", "gpt-4o-mini"), 1e-12);
        assertEquals(0.00045, counting.metricUsd("modelcache_saved_usd_total", "gpt-4o-mini"), 1e-12);
    }

    @Test
    void theListenersCountTheDollarsTheSummaryCarries() {
        Counting counting = Counting.create();
        // Not what the shipped table would say (0.00045): the listeners must not look it up.
        BigDecimal dollars = new BigDecimal("0.5");
        for (CacheStatus status : new CacheStatus[] {CacheStatus.MISS, CacheStatus.HIT}) {
            counting.listeners().exchangeEnded(exchange("gpt-4o-mini", status, false, 200).withPrice(dollars, true));
        }

        assertEquals(0, dollars.compareTo(counting.ledger().report().at("/total/spent/usd").decimalValue()));
        assertEquals(0, dollars.compareTo(counting.ledger().report().at("/total/saved/usd").decimalValue()));
        assertEquals(0, dollars.compareTo(counting.stats().sinceStart().at("/usd/spent").decimalValue()));
        assertEquals(0, dollars.compareTo(counting.stats().sinceCreated().at("/usd/saved").decimalValue()));
        assertEquals(0, dollars.compareTo(counting.stats().recent(1).at("/requests/0/usd").decimalValue()));
        assertEquals(0.5, counting.metricUsd("modelcache_spent_usd_total", "gpt-4o-mini"), 1e-12);
        assertEquals(0.5, counting.metricUsd("modelcache_saved_usd_total", "gpt-4o-mini"), 1e-12);
    }

    @Test
    void aModelWithoutAPriceCostsNothingAndIsMarkedUnpriced() {
        ExchangePricing pricing = new ExchangePricing(PriceTable.builtIn());
        ExchangeSummary unpriced = pricing.price(exchange("llama3.2", CacheStatus.MISS, false, 200));
        assertEquals(0, unpriced.usd().signum());
        assertFalse(unpriced.priced());
        assertTrue(unpriced.unpriced());
        ExchangeSummary priced = pricing.price(exchange("gpt-4o-mini", CacheStatus.HIT, false, 200));
        assertEquals(0, new BigDecimal("0.00045").compareTo(priced.usd()));
        assertTrue(priced.priced());
        assertFalse(priced.unpriced());
    }

    @Test
    void anExchangeThatCountsForNothingCostsNothing() {
        ExchangePricing pricing = new ExchangePricing(PriceTable.builtIn());
        ExchangeSummary follower = pricing.price(exchange("gpt-4o-mini", CacheStatus.MISS, true, 500));
        assertEquals(0, follower.usd().signum(), "an identical request's error, counted once, there");
        assertFalse(follower.unpriced());
        ExchangeSummary refused = pricing.price(exchange(null, null, false, 400));
        assertEquals(0, refused.usd().signum());
        assertFalse(refused.unpriced(), "refused before the cache was asked: no tokens to price");
    }

    @Test
    void promptCacheReadsAndWritesArePricedApart() {
        // claude-sonnet-4: 3 in, 15 out, 0.30 cache read, 3.75 cache write per million.
        // 10000 in (8000 read, 1000 written), 100 out: 1000*3 + 8000*0.30 + 1000*3.75 + 100*15 = 10650 per million.
        ExchangeSummary exchange = new ExchangeSummary("POST", "/v1/messages", "anthropic", "claude-sonnet-4-20250514",
                CacheStatus.MISS, false, 200, new Usage(10_000, 100, false, 8_000, 1_000), "key", "a", 1);
        BigDecimal usd = new ExchangePricing(PriceTable.builtIn()).price(exchange).usd();
        assertEquals(0, new BigDecimal("0.01065").compareTo(usd));
    }
}
