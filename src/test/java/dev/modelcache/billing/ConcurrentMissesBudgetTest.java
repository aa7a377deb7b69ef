package dev.modelcache.billing;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import dev.modelcache.tokens.TokenCounter;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forty different questions at once against a 0.10 USD cap, with a provider that answers none of them until every
 * one has either reached it or been refused: the calls under way must not pass the cap together. Each call asks
 * gpt-4o (2.50 and 10.00 USD per million tokens) for at most 1000 tokens, and the provider reports exactly the prompt
 * the proxy counts and those 1000 tokens, so each estimate is exact (about 0.01005 USD) and the bound is the cap
 * itself: 9 calls fit, the other 31 get 429. Before reservations all 40 went (about 0.40 USD).
 */
class ConcurrentMissesBudgetTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int CALLS = 40;
    static final BigDecimal CAP = new BigDecimal("0.10");
    static final TokenCounter COUNTER = new TokenCounter();

    @TempDir
    Path cacheDir;
    FakeUpstream upstream;
    TestProxy proxy;
    final CountDownLatch arrivedOrRefused = new CountDownLatch(CALLS);

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    static String ask(int i) {
        return "{\"model\":\"gpt-4o\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"question " + i + "\"}]}";
    }

    Reply answerWhenAllAreIn(FakeUpstream.Request request) {
        arrivedOrRefused.countDown();
        try {
            arrivedOrRefused.await(20, TimeUnit.SECONDS);
            long prompt = COUNTER.countPrompt("gpt-4o", JSON.readTree(request.body())).tokens();
            return Reply.json(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"length\"}],"
                    + "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":1000}}");
        } catch (Exception e) {
            return Reply.json(500, "{}");
        }
    }

    void start(String capKey) throws Exception {
        upstream = FakeUpstream.start().handler(this::answerWhenAllAreIn);
        Map<String, String> config = TestProxy.settings(upstream.baseUrl(), cacheDir);
        config.put(capKey, CAP.toPlainString());
        config.put("upstream/responseTimeout", "30");
        proxy = TestProxy.start(config);
    }

    @Test
    void fortyConcurrentMissesStayWithinTheDailyCap() throws Exception {
        start("budget/dailyUsd");
        assertSpendingStaysWithinTheCap();
    }

    @Test
    void fortyConcurrentMissesOfOneCallerStayWithinItsCap() throws Exception {
        start("budget/perKeyDailyUsd");
        assertSpendingStaysWithinTheCap();
    }

    void assertSpendingStaysWithinTheCap() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CALLS);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < CALLS; i++) {
                String body = ask(i);
                answers.add(clients.submit(() -> {
                    HttpResponse<String> response = proxy.post(CHAT, body, "Authorization", "Bearer sk-alice");
                    if (response.statusCode() == 429) {
                        arrivedOrRefused.countDown();
                    }
                    return response;
                }));
            }
            int answered = 0;
            int refused = 0;
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                if (response.statusCode() == 200) {
                    answered++;
                } else {
                    assertEquals(429, response.statusCode(), response.body());
                    assertTrue(response.body().contains("budget_exceeded"), response.body());
                    refused++;
                }
            }
            proxy.settledStats();
            JsonNode spent = JSON.readTree(proxy.get("/_cache/stats").body()).at("/costs/total/spent");
            BigDecimal usd = spent.path("usd").decimalValue();
            assertTrue(usd.compareTo(CAP) <= 0, "spent " + usd + " USD in " + answered + " calls, past the cap of " + CAP);
            assertEquals(9, answered, "as many calls as fit under the cap went: " + usd + " USD spent");
            assertEquals(CALLS - 9, refused);
            assertEquals(answered, upstream.calls(), "a refused call never reached the provider");
            assertEquals(answered, spent.path("count").asLong());
        } finally {
            clients.shutdownNow();
        }
    }
}
