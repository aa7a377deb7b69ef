package dev.modelcache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.modelcache.billing.ExchangePricing;
import dev.modelcache.billing.PriceTable;
import dev.modelcache.config.LogConfig;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.store.StoreStats;
import dev.modelcache.tokens.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The metrics keep each route's meters instead of building and looking them up for every exchange (issue 19), and
 * scrape exactly as when they were built each time: the same series, the same values.
 */
class MetricsRoutesTest {
    static final ExchangePricing PRICING = new ExchangePricing(PriceTable.builtIn());

    static List<ExchangeSummary> exchanges() {
        String[] models = {"gpt-4o-mini", "gpt-4o", "no-such-model", null};
        CacheStatus[] statuses = {CacheStatus.HIT, CacheStatus.MISS, CacheStatus.REFRESH, CacheStatus.BYPASS, null};
        int[] http = {200, 200, 429, 502, 0};
        List<ExchangeSummary> all = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            all.add(PRICING.price(new ExchangeSummary("POST", "/v1/chat/completions", i % 7 == 0 ? "anthropic" : "openai",
                    models[i % models.length], statuses[i % statuses.length], i % 11 == 0, http[i % http.length],
                    i % 5 == 0 ? Usage.NONE : new Usage(i, i % 13, false), "k", "c", i % 900)));
        }
        return all;
    }

    @Test
    void theScrapeIsWhatBuildingTheMetersForEachExchangeGave() {
        ResponseStore store = mock(ResponseStore.class);
        when(store.stats()).thenReturn(new StoreStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        MetricsListener metrics = new MetricsListener(store);
        Reference reference = new Reference();
        List<ExchangeSummary> all = exchanges();
        all.forEach(metrics::exchangeEnded); // in one order: dollars are doubles, summed in any other they may differ
        all.forEach(reference::exchangeEnded);
        List<String> expected = lines(reference.registry.scrape());
        List<String> actual = lines(metrics.scrape());
        assertTrue(expected.size() > 100, "a scrape worth comparing: " + expected.size());
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }

    @Test
    void theAccessLogsDroppedLinesAreACounter() {
        ResponseStore store = mock(ResponseStore.class);
        MetricsListener metrics = new MetricsListener(store);
        try (AccessLog log = new AccessLog(new LogConfig(true, false, 100), Clock.systemUTC())) {
            metrics.countDroppedLines(log);
            assertTrue(metrics.scrape().contains("modelcache_access_log_dropped_total 0.0"), metrics.scrape());
        }
    }

    /** The lines of a scrape, sorted, without the store's gauge (the reference has none). */
    private static List<String> lines(String scrape) {
        return scrape.lines().filter(line -> !line.contains("cache_size")).sorted().toList();
    }

    /** exchangeEnded as it was before the routes were kept: every meter built and registered for each exchange. */
    static final class Reference {
        private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
                Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
                Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final BoundedNames models = new BoundedNames(MetricsListener.MAX_MODELS);
        final BoundedNames providers = new BoundedNames(MetricsListener.MAX_MODELS);

        void exchangeEnded(ExchangeSummary exchange) {
            CacheStatus status = exchange.cacheStatus();
            String provider = providers.of(exchange.provider());
            String model = models.of(exchange.model());
            String cacheStatus = status == null ? BoundedNames.NONE : status.name().toLowerCase(Locale.ROOT);
            Tags route = Tags.of("cache", "responses", "provider", provider, "model", model);
            if (status == CacheStatus.HIT || status == CacheStatus.MISS) {
                Counter.builder("cache.gets").description("Cache lookups").tags(route).tag("result", cacheStatus)
                        .register(registry).increment();
            }
            Counter.builder("modelcache.requests").description("Proxied exchanges").tags("provider", provider,
                    "cache.status", cacheStatus, "status.class", statusClass(exchange.httpStatus()))
                    .register(registry).increment();
            Tags tokens = Tags.of("provider", provider, "model", model, "saved", String.valueOf(status == CacheStatus.HIT));
            if (exchange.usage().promptTokens() > 0 || exchange.usage().completionTokens() > 0) {
                tokenUsage(tokens, "input").record(exchange.usage().promptTokens());
                tokenUsage(tokens, "output").record(exchange.usage().completionTokens());
            }
            if (exchange.spending() != ExchangeSummary.Spending.NONE) {
                boolean saved = exchange.spending() == ExchangeSummary.Spending.SAVED;
                Tags tags = Tags.of("provider", provider, "model", model);
                Counter.builder(saved ? "modelcache.saved.usd" : "modelcache.spent.usd")
                        .description(saved ? "US dollars the cache saved" : "US dollars spent on providers")
                        .tags(tags).register(registry).increment(exchange.usd().doubleValue());
                if (exchange.unpriced()) {
                    Counter.builder("modelcache.unpriced.exchanges")
                            .description("Exchanges of a model without a price, counted at 0 USD")
                            .tags(tags).tag("saved", String.valueOf(saved)).register(registry).increment();
                }
            }
            Timer.builder("gen_ai.client.operation.duration").description("The whole proxied exchange, as the client saw it")
                    .serviceLevelObjectives(BUCKETS)
                    .tags("provider", provider, "model", model, "cache.status", cacheStatus).register(registry)
                    .record(Duration.ofMillis(exchange.totalMillis()));
        }

        private DistributionSummary tokenUsage(Tags tags, String type) {
            return DistributionSummary.builder("gen_ai.client.token.usage").description("Tokens per exchange")
                    .tags(tags).tag("gen_ai.token.type", type).register(registry);
        }

        private static String statusClass(int status) {
            return status < 100 || status > 599 ? BoundedNames.NONE : status / 100 + "xx";
        }
    }
}
