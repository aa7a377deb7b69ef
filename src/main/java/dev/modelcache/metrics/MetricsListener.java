package dev.modelcache.metrics;

import dev.modelcache.store.ResponseStore;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.ProxyListener;
import dev.modelcache.events.Stored;
import dev.modelcache.events.UpstreamCall;
import dev.modelcache.http.CacheStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy's events as Micrometer meters, read out in Prometheus' text format by {@link #scrape()}. Names follow
 * Micrometer's cache conventions and OpenTelemetry's GenAI ones:
 * <ul>
 *   <li>{@code cache.gets} (result hit or miss: lookups only; refresh and bypass do not look up),
 *       {@code cache.puts} and the gauge {@code cache.size} (entries in the store);</li>
 *   <li>{@code modelcache.requests}: every proxied exchange by cache status (hit, miss, refresh, bypass, none) and
 *       HTTP status class;</li>
 *   <li>{@code gen_ai.client.token.usage}: tokens per exchange by type (input, output) and whether the cache saved
 *       them (hit) or they were spent;</li>
 *   <li>{@code modelcache.saved.usd} and {@code modelcache.spent.usd}: US dollars the cache saved (hits) and spent on
 *       providers (everything else), as each summary carries them (priced once by the pipeline, so the metrics, the
 *       ledger and the stats count the same dollars) and decided as the cost ledger decides
 *       ({@link ExchangeSummary#spending()}); {@code modelcache.unpriced.exchanges} (by saved or not): the exchanges
 *       of those whose model had no price, counted at 0 USD there as in the ledger and the stats;</li>
 *   <li>{@code gen_ai.client.operation.duration}: the whole exchange as the client saw it;</li>
 *   <li>{@code modelcache.upstream.duration}, {@code modelcache.upstream.time_to_first_byte} (status and headers)
 *       and, for streamed answers, {@code modelcache.upstream.time_to_first_event}: calls to providers, by result.</li>
 * </ul>
 * Tags are provider, model (the first {@value #MAX_MODELS} distinct, then "other"), cache status and status class;
 * never a key id, a caller or anything from a prompt.
 */
public final class MetricsListener implements ProxyListener {
    static final int MAX_MODELS = 100;
    private static final String CACHE_NAME = "responses";
    private static final String[] STATUS_CLASSES = {null, "1xx", "2xx", "3xx", "4xx", "5xx"};
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final BoundedNames models = new BoundedNames(MAX_MODELS);
    private final BoundedNames providers = new BoundedNames(MAX_MODELS);
    private final ConcurrentHashMap<RouteKey, Route> routes = new ConcurrentHashMap<>();

    /** Meters for the events, and the gauge {@code cache.size} reading {@code store}'s entry count when scraped. */
    public MetricsListener(ResponseStore store) {
        Gauge.builder("cache.size", store, s -> s.stats().entries()).tag("cache", CACHE_NAME).strongReference(true)
                .description("Entries in the response store").register(registry);
    }

    @Override
    public void exchangeEnded(ExchangeSummary exchange) {
        CacheStatus status = exchange.cacheStatus();
        Route route = route(new RouteKey(providers.of(exchange.provider()), models.of(exchange.model()), status,
                statusClass(exchange.httpStatus())));
        if (status == CacheStatus.HIT || status == CacheStatus.MISS) {
            route.gets().increment();
        }
        route.requests().increment();
        if (exchange.usage().promptTokens() > 0 || exchange.usage().completionTokens() > 0) {
            route.input().record(exchange.usage().promptTokens());
            route.output().record(exchange.usage().completionTokens());
        }
        if (exchange.spending() != ExchangeSummary.Spending.NONE) {
            route.dollars().increment(exchange.usd().doubleValue());
            if (exchange.unpriced()) {
                route.unpriced().increment();
            }
        }
        route.duration().record(Duration.ofMillis(exchange.totalMillis()));
    }

    @Override
    public void upstreamCall(UpstreamCall call) {
        Tags tags = Tags.of("provider", providers.of(call.provider()),
                "result", call.result().name().toLowerCase(Locale.ROOT), "status.class", statusClass(call.status()));
        timer("modelcache.upstream.duration", "Calls to providers, until the answer ended or the call failed")
                .tags(tags).register(registry).record(Duration.ofMillis(call.totalMillis()));
        if (call.status() > 0) {
            timer("modelcache.upstream.time_to_first_byte", "Calls to providers, until status and headers were in")
                    .tags(tags).register(registry).record(Duration.ofMillis(call.headersMillis()));
        }
        if (call.firstEventMillis() >= 0) {
            timer("modelcache.upstream.time_to_first_event",
                    "Streamed answers from providers, until their first whole event was in")
                    .tags(tags).register(registry).record(Duration.ofMillis(call.firstEventMillis()));
        }
    }

    @Override
    public void stored(Stored entry) {
        Counter.builder("cache.puts").description("Answers written to the cache")
                .tags("cache", CACHE_NAME, "provider", providers.of(entry.provider())).register(registry).increment();
    }

    /**
     * The access log's lines dropped because its handlers fell behind, as the counter
     * {@code modelcache.access_log.dropped} (read when scraped).
     */
    public void countDroppedLines(AccessLog accessLog) {
        FunctionCounter.builder("modelcache.access_log.dropped", accessLog, AccessLog::dropped)
                .description("Access log lines dropped because the log's handlers fell behind").register(registry);
    }

    /** Every meter in Prometheus' text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    private Route route(RouteKey key) {
        Route route = routes.get(key);
        if (route == null) {
            route = routes.computeIfAbsent(key, Route::new);
        }
        return route;
    }

    /** What an exchange's meters are told apart by: bounded names and statuses, so the routes are few. */
    private record RouteKey(String provider, String model, CacheStatus status, String statusClass) {
    }

    /**
     * The meters of one route, each registered the first time an exchange needs it (so the scrape shows the series it
     * always showed, and no zeros besides) and then kept: a meter built and looked up in the registry for every
     * exchange (tags sorted, an id made and hashed, six times) was most of what the metrics cost a hit. Two threads
     * that register the same meter at once get the same one from the registry.
     */
    private final class Route {
        private final RouteKey key;
        private final String cacheStatus;
        private final boolean saved;
        private volatile Counter gets;
        private volatile Counter requests;
        private volatile DistributionSummary input;
        private volatile DistributionSummary output;
        private volatile Counter dollars;
        private volatile Counter unpriced;
        private volatile Timer duration;

        Route(RouteKey key) {
            this.key = key;
            this.cacheStatus = key.status() == null ? BoundedNames.NONE : key.status().name().toLowerCase(Locale.ROOT);
            this.saved = key.status() == CacheStatus.HIT;
        }

        private Tags tags() {
            return Tags.of("provider", key.provider(), "model", key.model());
        }

        Counter gets() {
            Counter meter = gets;
            if (meter == null) {
                gets = meter = Counter.builder("cache.gets").description("Cache lookups").tags(tags())
                        .tag("cache", CACHE_NAME).tag("result", cacheStatus).register(registry);
            }
            return meter;
        }

        Counter requests() {
            Counter meter = requests;
            if (meter == null) {
                requests = meter = Counter.builder("modelcache.requests").description("Proxied exchanges")
                        .tags("provider", key.provider(), "cache.status", cacheStatus, "status.class", key.statusClass())
                        .register(registry);
            }
            return meter;
        }

        DistributionSummary input() {
            DistributionSummary meter = input;
            if (meter == null) {
                input = meter = tokenUsage("input");
            }
            return meter;
        }

        DistributionSummary output() {
            DistributionSummary meter = output;
            if (meter == null) {
                output = meter = tokenUsage("output");
            }
            return meter;
        }

        private DistributionSummary tokenUsage(String type) {
            return DistributionSummary.builder("gen_ai.client.token.usage").description("Tokens per exchange")
                    .tags(tags()).tag("saved", String.valueOf(saved)).tag("gen_ai.token.type", type).register(registry);
        }

        /** What the exchange cost, as its summary says, saved or spent. */
        Counter dollars() {
            Counter meter = dollars;
            if (meter == null) {
                dollars = meter = Counter.builder(saved ? "modelcache.saved.usd" : "modelcache.spent.usd")
                        .description(saved ? "US dollars the cache saved" : "US dollars spent on providers")
                        .tags(tags()).register(registry);
            }
            return meter;
        }

        /** One exchange of a model without a price, counted at 0 USD. */
        Counter unpriced() {
            Counter meter = unpriced;
            if (meter == null) {
                unpriced = meter = Counter.builder("modelcache.unpriced.exchanges")
                        .description("Exchanges of a model without a price, counted at 0 USD")
                        .tags(tags()).tag("saved", String.valueOf(saved)).register(registry);
            }
            return meter;
        }

        Timer duration() {
            Timer meter = duration;
            if (meter == null) {
                duration = meter = timer("gen_ai.client.operation.duration", "The whole proxied exchange, as the client saw it")
                        .tags(tags()).tag("cache.status", cacheStatus).register(registry);
            }
            return meter;
        }
    }

    private static Timer.Builder timer(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS);
    }

    private static String statusClass(int status) {
        return status < 100 || status > 599 ? BoundedNames.NONE : STATUS_CLASSES[status / 100];
    }
}
