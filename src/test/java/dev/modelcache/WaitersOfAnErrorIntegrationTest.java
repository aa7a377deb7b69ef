package dev.modelcache;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.Flights;
import dev.modelcache.support.ProxyExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Requests that waited for an identical one share its error answer whole, headers included. */
class WaitersOfAnErrorIntegrationTest {
    static final String RATE_LIMITED = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,"
            + "\"code\":\"rate_limit_exceeded\"}}";
    static final int CLIENTS = 4;

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension();

    @Test
    void everyWaiterOfA429GetsRetryAfterAndTheRateLimitFields() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        fixture.handler(r -> {
            Flights.hold(answer);
            return Reply.json(429, RATE_LIMITED).header("Retry-After", "7")
                    .header("x-ratelimit-remaining-requests", "0").header("x-ratelimit-remaining-tokens", "0");
        });
        int withCookie = 0;
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                calls.add(pool.submit(() -> fixture.post(CHAT, ProxyIntegrationTest.BODY, "Authorization", "Bearer sk-alice")));
            }
            // Hold the provider's answer until every other request waits on the first one's flight.
            Flights.awaitWaiters(CLIENTS - 1);
            answer.countDown();
            for (Future<HttpResponse<String>> call : calls) {
                HttpResponse<String> response = call.get(30, TimeUnit.SECONDS);
                assertEquals(429, response.statusCode());
                assertEquals(RATE_LIMITED, response.body());
                assertEquals("7", response.headers().firstValue("Retry-After").orElse(null));
                assertEquals("0", response.headers().firstValue("x-ratelimit-remaining-requests").orElse(null));
                assertEquals("0", response.headers().firstValue("x-ratelimit-remaining-tokens").orElse(null));
                assertEquals("req_fake", response.headers().firstValue("x-request-id").orElse(null));
                withCookie += response.headers().firstValue("Set-Cookie").isPresent() ? 1 : 0;
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, fixture.upstream().calls(), "the waiters shared the first answer");
        assertEquals(1, withCookie, "the cookie went to the client whose request set it, and to no waiter");
    }
}
