package dev.modelcache.billing;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger and the budget through a running proxy: a fake provider that reports 1000 prompt and 500 completion tokens. */
class CostsOverHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** gpt-4o-mini at 0.15 and 0.60 USD per million: 1000 * 0.15 + 500 * 0.60 = 450 per million. */
    static final String ONE_CALL = "0.00045";

    @TempDir
    Path cacheDir;
    FakeUpstream upstream;
    TestProxy proxy;

    @BeforeEach
    void provider() throws Exception {
        upstream = FakeUpstream.start().handler(r -> Reply.json(200, "{\"id\":\"c\",\"object\":\"chat.completion\","
                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500}}"));
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    void start(String... settings) throws Exception {
        Map<String, String> config = TestProxy.settings(upstream.baseUrl(), cacheDir);
        for (int i = 0; i + 1 < settings.length; i += 2) {
            config.put(settings[i], settings[i + 1]);
        }
        proxy = TestProxy.start(config);
    }

    /** Asks for at most 500 tokens: what a call may cost by the budget's estimate is then a little under one call. */
    static String ask(String question) {
        return "{\"model\":\"gpt-4o-mini\",\"max_tokens\":500,\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    HttpResponse<String> post(String question, String key) throws Exception {
        HttpResponse<String> response = proxy.post(CHAT, ask(question), "Authorization", "Bearer " + key);
        proxy.settledStats();
        return response;
    }

    JsonNode costs() throws Exception {
        return JSON.readTree(proxy.get("/_cache/stats").body()).path("costs");
    }

    static void assertUsd(String expected, JsonNode usd) {
        assertEquals(0, new BigDecimal(expected).compareTo(usd.decimalValue()), "expected " + expected + " USD, got " + usd);
    }

    static BigDecimal times(int n) {
        return new BigDecimal(ONE_CALL).multiply(BigDecimal.valueOf(n));
    }

    @Test
    void statsReportTheExactCostsOfAScriptedRunOfMissesAndHits() throws Exception {
        start();
        for (String question : new String[] {"one", "two", "three"}) {
            assertEquals("MISS", post(question, "sk-alice").headers().firstValue("X-Cache").orElse(""));
        }
        assertEquals("HIT", post("one", "sk-alice").headers().firstValue("X-Cache").orElse(""));
        assertEquals("HIT", post("two", "sk-alice").headers().firstValue("X-Cache").orElse(""));
        JsonNode costs = costs();
        assertEquals(3, costs.at("/total/spent/count").asLong());
        assertUsd(times(3).toPlainString(), costs.at("/total/spent/usd"));
        assertEquals(4500, costs.at("/total/spent/tokens").asLong());
        assertEquals(2, costs.at("/total/saved/count").asLong());
        assertUsd(times(2).toPlainString(), costs.at("/total/saved/usd"));
        assertEquals(2000, costs.at("/total/saved/inputTokens").asLong(), "hits keep their tokens");
        assertUsd(times(3).toPlainString(), costs.at("/byProvider/openai/spent/usd"));
        assertUsd(times(2).toPlainString(), costs.at("/byModel/gpt-4o-mini/saved/usd"));
        assertEquals(1, costs.path("byCaller").size(), "one caller");
        String caller = costs.path("byCaller").fieldNames().next();
        assertTrue(!caller.contains("sk-alice"), "a caller is named by its partition, never its key: " + caller);
        assertEquals(PriceTable.builtIn().checked(), costs.path("pricesChecked").asText());
    }

    @Test
    void theLedgerSurvivesARestartOnTheSameCacheFolder() throws Exception {
        start();
        post("one", "sk-alice");
        post("one", "sk-alice");
        proxy.close();
        proxy = null;
        start();
        JsonNode costs = costs();
        assertUsd(ONE_CALL, costs.at("/total/spent/usd"));
        assertUsd(ONE_CALL, costs.at("/total/saved/usd"));
        assertEquals("HIT", post("one", "sk-alice").headers().firstValue("X-Cache").orElse(""));
        assertUsd(times(2).toPlainString(), costs().at("/total/saved/usd"));
    }

    @Test
    void pastTheDailyCapAMissIsRefusedWith429WhileHitsAreStillServed() throws Exception {
        start("budget/dailyUsd", "0.0004");
        assertEquals(200, post("one", "sk-alice").statusCode());
        HttpResponse<String> refused = post("two", "sk-alice");
        assertEquals(429, refused.statusCode());
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertEquals("budget_exceeded", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("budget/dailyUsd"), error.toString());
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 0 && retryAfter <= 86_400, "seconds to the next UTC midnight: " + retryAfter);
        String midnight = Instant.now().plusSeconds(retryAfter).toString().substring(0, 10) + "T00:00:00Z";
        assertTrue(error.path("message").asText().contains(midnight), error.toString());
        assertEquals(1, upstream.calls(), "the refused miss never reached the provider");
        HttpResponse<String> hit = post("one", "sk-alice");
        assertEquals(200, hit.statusCode());
        assertEquals("HIT", hit.headers().firstValue("X-Cache").orElse(""));
    }

    @Test
    void withReplayPastTheCapAMissIsA504CacheMissWhileHitsAreStillServed() throws Exception {
        start("budget/dailyTokens", "1500", "budget/onExceeded", "replay");
        assertEquals(200, post("one", "sk-alice").statusCode());
        HttpResponse<String> refused = post("two", "sk-bob");
        assertEquals(504, refused.statusCode());
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertEquals("cache_miss", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("budget/dailyTokens"), error.toString());
        assertEquals(1, upstream.calls());
        assertEquals("HIT", post("one", "sk-alice").headers().firstValue("X-Cache").orElse(""));
    }

    @Test
    void aPerKeyCapStopsOnlyTheCallerWhoReachedIt() throws Exception {
        start("budget/perKeyDailyTokens", "1000");
        assertEquals(200, post("one", "sk-alice").statusCode());
        assertEquals(429, post("two", "sk-alice").statusCode());
        HttpResponse<String> bob = post("two", "sk-bob");
        assertEquals(200, bob.statusCode());
        assertEquals("MISS", bob.headers().firstValue("X-Cache").orElse(""));
        assertEquals(2, upstream.calls());
        assertEquals(429, post("three", "sk-bob").statusCode());
    }

    @Test
    void withProxyKeysTheLedgerAndThePerKeyCapFollowTheKeysNameEvenInSharedMode() throws Exception {
        start("auth/keys", "alice:sha256:" + dev.modelcache.auth.ProxyKeys.sha256Hex("mc-alice") + ",bob:sha256:"
                + dev.modelcache.auth.ProxyKeys.sha256Hex("mc-bob"), "providers/openai/apiKey", "sk-server-side",
                "cache/shared", "true", "budget/perKeyDailyTokens", "1000");
        assertEquals(200, post("one", "mc-alice").statusCode());
        assertEquals(429, post("two", "mc-alice").statusCode());
        assertEquals(200, post("two", "mc-bob").statusCode());
        JsonNode byCaller = costs().path("byCaller");
        assertEquals(java.util.Set.of("alice", "bob"), fieldNames(byCaller),
                byCaller.toString());
    }

    static java.util.Set<String> fieldNames(JsonNode node) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
