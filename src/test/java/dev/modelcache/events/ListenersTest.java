package dev.modelcache.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelcache.http.CacheStatus;
import dev.modelcache.tokens.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenersTest {
    private static ExchangeSummary exchange(CacheStatus status) {
        return new ExchangeSummary("POST", "/v1/chat/completions", "openai", "gpt-4o", status, false, 200, Usage.NONE,
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
        listeners.exchangeEnded(exchange(CacheStatus.HIT));
        assertEquals(List.of("/v1/chat/completions"), seen);
    }
}
