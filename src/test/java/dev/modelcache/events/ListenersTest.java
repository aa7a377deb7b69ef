package dev.modelcache.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelcache.admin.ProxyStats;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.tokens.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenersTest {
    private static ExchangeSummary exchange(CacheStatus status, boolean coalesced, Usage usage) {
        return new ExchangeSummary("POST", "/v1/chat/completions", "openai", "gpt-4o", status, coalesced, 200, usage,
                "k", "caller", 1);
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheOthers() {
        List<String> seen = new ArrayList<>();
        Listeners listeners = new Listeners(new ProxyListener() {
            @Override
            public void exchangeEnded(ExchangeSummary exchange) {
                throw new IllegalStateException("broken listener");
            }
        });
        listeners.add(new ProxyListener() {
            @Override
            public void exchangeEnded(ExchangeSummary exchange) {
                seen.add(exchange.path());
            }
        });
        listeners.exchangeEnded(exchange(CacheStatus.HIT, false, Usage.NONE));
        assertEquals(List.of("/v1/chat/completions"), seen);
    }

    @Test
    void theStatsCountEachExchangeByItsCacheStatus() {
        ProxyStats stats = new ProxyStats();
        Listeners listeners = new Listeners(stats);
        listeners.exchangeEnded(exchange(CacheStatus.HIT, true, new Usage(10, 3, false)));
        listeners.exchangeEnded(exchange(CacheStatus.HIT, false, new Usage(5, 1, false)));
        listeners.exchangeEnded(exchange(CacheStatus.MISS, false, new Usage(7, 7, false)));
        listeners.exchangeEnded(exchange(CacheStatus.REFRESH, false, Usage.NONE));
        listeners.exchangeEnded(exchange(CacheStatus.BYPASS, false, Usage.NONE));
        listeners.exchangeEnded(exchange(null, false, Usage.NONE));
        listeners.upstreamCall(new UpstreamCall("openai", UpstreamCall.Result.COMPLETE, 200, 5, 9));
        listeners.upstreamCall(new UpstreamCall("openai", UpstreamCall.Result.TIMEOUT, 0, 5, 5));
        listeners.stored(new Stored("k", "openai", "gpt-4o", 10));
        listeners.flightStarted();
        ProxyStats.Snapshot s = stats.snapshot();
        assertEquals(6, s.requests(), "a refused request counts as a request");
        assertEquals(2, s.hits());
        assertEquals(1, s.coalesced());
        assertEquals(1, s.misses());
        assertEquals(1, s.refreshes());
        assertEquals(1, s.bypasses());
        assertEquals(15, s.savedPromptTokens(), "only hits save tokens");
        assertEquals(4, s.savedCompletionTokens());
        assertEquals(2, s.upstreamCalls());
        assertEquals(1, s.upstreamErrors());
        assertEquals(1, s.stored());
        assertEquals(1, s.inFlight());
        listeners.flightEnded();
        assertEquals(0, stats.snapshot().inFlight());
    }
}
