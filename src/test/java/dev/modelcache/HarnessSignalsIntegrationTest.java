package dev.modelcache;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.OpenAiFixtures;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a test harness (the JUnit 5 extension) reads from the proxy: that a replay miss must not be retried, and
 * whether answers are still being relayed or stored before it exports them.
 */
class HarnessSignalsIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ASK = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    final CountDownLatch arrived = new CountDownLatch(1);
    final CountDownLatch answer = new CountDownLatch(1);

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(request -> {
        arrived.countDown();
        return Reply.json(200, OpenAiFixtures.CHAT_ANSWER).gateHead(answer);
    });

    @Test
    void aReplayMissTellsTheSdksNotToRetry() throws Exception {
        fixture.with("cache/mode", "replay");
        HttpResponse<String> miss = fixture.proxy().post(CHAT, ASK);
        assertEquals(504, miss.statusCode());
        assertEquals("false", miss.headers().firstValue("X-Should-Retry").orElse(null),
                "OpenAI's and Anthropic's SDKs retry a 504 unless told not to; asking again cannot hit");
    }

    @Test
    void healthCountsTheExchangesInFlight() throws Exception {
        TestProxy proxy = fixture.proxy();
        assertEquals(0, inFlight(proxy));
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return proxy.post(CHAT, ASK);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(arrived.await(30, java.util.concurrent.TimeUnit.SECONDS), "the provider was asked");
        assertEquals(1, inFlight(proxy), "an answer on its way");
        answer.countDown();
        assertEquals(200, waiting.get().statusCode());
        proxy.settledStats();
        proxy.app().inFlight().awaitIdle(java.time.Duration.ofSeconds(30));
        assertEquals(0, inFlight(proxy), "stored and done");
    }

    private static int inFlight(TestProxy proxy) throws Exception {
        return JSON.readTree(proxy.get("/_cache/health").body()).path("inFlight").asInt(-1);
    }
}
