package dev.modelcache;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelcache.flight.Flight;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests that waited for an identical one share its error answer whole, headers included. */
class WaitersOfAnErrorIntegrationTest {
    static final String RATE_LIMITED = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,"
            + "\"code\":\"rate_limit_exceeded\"}}";
    static final int CLIENTS = 4;

    @TempDir
    Path cacheDir;
    FakeUpstream upstream;
    TestProxy proxy;

    @BeforeEach
    void start() throws Exception {
        upstream = FakeUpstream.start();
        proxy = TestProxy.start(upstream.baseUrl(), cacheDir);
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        upstream.close();
    }

    @Test
    void everyWaiterOfA429GetsRetryAfterAndTheRateLimitFields() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        upstream.handler(r -> {
            await(answer);
            return Reply.json(429, RATE_LIMITED).header("Retry-After", "7")
                    .header("x-ratelimit-remaining-requests", "0").header("x-ratelimit-remaining-tokens", "0");
        });
        int withCookie = 0;
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                calls.add(pool.submit(() -> proxy.post(CHAT, ProxyIntegrationTest.BODY, "Authorization", "Bearer sk-alice")));
            }
            // Hold the provider's answer until every other request waits on the first one's flight.
            while (threadsWaitingOnAFlight() < CLIENTS - 1) {
                Thread.sleep(10);
            }
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
        assertEquals(1, upstream.calls(), "the waiters shared the first answer");
        assertEquals(1, withCookie, "the cookie went to the client whose request set it, and to no waiter");
    }

    private static long threadsWaitingOnAFlight() {
        return Thread.getAllStackTraces().values().stream()
                .filter(stack -> Arrays.stream(stack).anyMatch(frame -> frame.getClassName().equals(Flight.class.getName())
                        && frame.getMethodName().equals("await")))
                .count();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
