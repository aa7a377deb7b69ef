package dev.modelcache.admin;

import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.ProxyListener;
import dev.modelcache.events.Stored;
import dev.modelcache.events.UpstreamCall;
import dev.modelcache.http.CacheStatus;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters since start, kept by listening to the proxy's events; cheap to bump from many request threads
 * (LongAdder). {@link #snapshot()} reads them into an immutable record.
 * <ul>
 *   <li>requests: proxied exchanges that ended (admin requests are not counted);</li>
 *   <li>hits: answered from the cache, including requests that waited for an identical one in flight
 *       (coalesced counts those separately);</li>
 *   <li>misses, refreshes, bypasses: answered by the provider, by {@code X-Cache} status;</li>
 *   <li>upstreamCalls: calls actually sent to a provider; upstreamErrors: of those, the ones that failed to
 *       connect, timed out or broke off;</li>
 *   <li>stored: answers written to the cache;</li>
 *   <li>savedPromptTokens, savedCompletionTokens: the tokens the hits would have cost;</li>
 *   <li>inFlight: a gauge, not a counter: upstream calls under way that identical requests may wait on.</li>
 * </ul>
 */
public final class ProxyStats implements ProxyListener {
    private final LongAdder requests = new LongAdder();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder refreshes = new LongAdder();
    private final LongAdder bypasses = new LongAdder();
    private final LongAdder coalesced = new LongAdder();
    private final LongAdder upstreamCalls = new LongAdder();
    private final LongAdder upstreamErrors = new LongAdder();
    private final LongAdder stored = new LongAdder();
    private final LongAdder savedPromptTokens = new LongAdder();
    private final LongAdder savedCompletionTokens = new LongAdder();
    private final LongAdder inFlight = new LongAdder();

    public record Snapshot(long requests, long hits, long misses, long refreshes, long bypasses, long coalesced,
                           long upstreamCalls, long upstreamErrors, long stored, long savedPromptTokens,
                           long savedCompletionTokens, long inFlight) {
    }

    @Override
    public void exchangeEnded(ExchangeSummary exchange) {
        requests.increment();
        CacheStatus status = exchange.cacheStatus();
        if (status == null) {
            return;
        }
        switch (status) {
            case HIT -> {
                hits.increment();
                if (exchange.coalesced()) {
                    coalesced.increment();
                }
                savedPromptTokens.add(exchange.usage().promptTokens());
                savedCompletionTokens.add(exchange.usage().completionTokens());
            }
            case MISS -> misses.increment();
            case REFRESH -> refreshes.increment();
            case BYPASS -> bypasses.increment();
        }
    }

    @Override
    public void upstreamCall(UpstreamCall call) {
        upstreamCalls.increment();
        if (call.failed()) {
            upstreamErrors.increment();
        }
    }

    @Override
    public void stored(Stored entry) {
        stored.increment();
    }

    @Override
    public void flightStarted() {
        inFlight.increment();
    }

    @Override
    public void flightEnded() {
        inFlight.decrement();
    }

    public Snapshot snapshot() {
        return new Snapshot(requests.sum(), hits.sum(), misses.sum(), refreshes.sum(), bypasses.sum(), coalesced.sum(),
                upstreamCalls.sum(), upstreamErrors.sum(), stored.sum(), savedPromptTokens.sum(),
                savedCompletionTokens.sum(), inFlight.sum());
    }
}
