package dev.modelcache.stats;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /_cache/stats} and {@code GET /_cache/requests} after a scripted run of misses, hits, a refresh and a
 * provider error from two callers, and the counters since creation across a restart. The fake provider reports
 * 1000 prompt and 500 completion tokens; gpt-4o-mini at 0.15 and 0.60 USD per million makes a call 0.00045 USD.
 */
class StatsOverHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALICE = "sk-ALICESTATSKEY1";
    static final String BOB = "sk-BOBSTATSKEY22";
    static final String ONE_CALL = "0.00045";

    @TempDir
    Path cacheDir;
    FakeUpstream upstream;
    TestProxy proxy;

    @BeforeEach
    void provider() throws Exception {
        upstream = FakeUpstream.start().handler(r -> new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).contains("boom")
                ? Reply.json(500, "{\"error\":{\"message\":\"upstream broke\",\"type\":\"server_error\"}}")
                : Reply.json(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500}}"));
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    static String ask(String question) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    HttpResponse<String> post(String question, String key, String... headers) throws Exception {
        List<String> all = new ArrayList<>(List.of("Authorization", "Bearer " + key));
        all.addAll(List.of(headers));
        HttpResponse<String> response = proxy.post(CHAT, ask(question), all.toArray(String[]::new));
        proxy.settledStats();
        return response;
    }

    JsonNode stats() throws Exception {
        HttpResponse<String> response = proxy.get("/_cache/stats");
        assertEquals(200, response.statusCode(), response.body());
        assertFalse(response.body().contains("ALICESTATSKEY") || response.body().contains("BOBSTATSKEY"), response.body());
        return JSON.readTree(response.body());
    }

    /** Alice: miss, hit, hit, refresh, miss and hit in a namespace, a provider error; Bob: a miss (his own partition). */
    void scriptedRun() throws Exception {
        assertEquals("MISS", post("capital of France?", ALICE).headers().firstValue("X-Cache").orElse(""));
        assertEquals("HIT", post("capital of France?", ALICE).headers().firstValue("X-Cache").orElse(""));
        assertEquals("HIT", post("capital of France?", ALICE).headers().firstValue("X-Cache").orElse(""));
        assertEquals("REFRESH", post("capital of France?", ALICE, "Cache-Control", "no-cache").headers()
                .firstValue("X-Cache").orElse(""));
        assertEquals("MISS", post("capital of Peru?", ALICE, "X-Cache-Namespace", "suite-a").headers()
                .firstValue("X-Cache").orElse(""));
        assertEquals("HIT", post("capital of Peru?", ALICE, "X-Cache-Namespace", "suite-a").headers()
                .firstValue("X-Cache").orElse(""));
        assertEquals(500, post("boom", ALICE).statusCode());
        assertEquals("MISS", post("capital of France?", BOB).headers().firstValue("X-Cache").orElse(""));
    }

    static void assertUsd(String expected, JsonNode usd) {
        assertEquals(0, new BigDecimal(expected).compareTo(usd.decimalValue()), "expected " + expected + " USD, got " + usd);
    }

    static String times(int calls) {
        return new BigDecimal(ONE_CALL).multiply(BigDecimal.valueOf(calls)).toPlainString();
    }

    @Test
    void theStatsSplitRequestsTokensAndDollarsByStatusProviderModelNamespaceAndKey() throws Exception {
        proxy = TestProxy.start(TestProxy.settings(upstream.baseUrl(), cacheDir));
        scriptedRun();
        JsonNode now = stats().path("sinceStart");

        assertEquals(8, now.path("requests").asLong(), now.toString());
        assertEquals(Map.of("hit", 3, "miss", 4, "refresh", 1, "bypass", 0, "none", 0),
                JSON.convertValue(now.path("byStatus"), Map.class), now.toString());
        assertEquals(5, now.path("upstreamCalls").asLong());
        assertEquals(0, now.path("upstreamErrors").asLong(), "a 500 answer is an answer, not a failed call");
        assertEquals(1, now.path("errors").asLong());
        assertEquals(3.0 / 7, now.path("hitRatio").asDouble(), 1e-9);
        assertEquals(3 * 1500, now.at("/tokens/saved/total").asLong());
        assertEquals(3000, now.at("/tokens/saved/input").asLong());
        assertEquals(4 * 1500, now.at("/tokens/spent/total").asLong(), "the 500 answer has no usage");
        assertUsd(times(3), now.at("/usd/saved"));
        assertUsd(times(4), now.at("/usd/spent"));
        assertEquals(4, now.path("stored").asLong(), "France for Alice (twice: miss and refresh), Peru, France for Bob");
        assertEquals(3, now.path("entries").asLong());
        assertTrue(now.path("bytes").asLong() > 0, now.toString());
        assertEquals(0, now.path("storeFailures").asLong());
        assertEquals(0, now.path("inFlight").asLong());

        JsonNode openai = now.at("/byProvider/openai");
        assertEquals(8, openai.path("requests").asLong());
        assertEquals(5, openai.path("upstreamCalls").asLong());
        assertUsd(times(3), now.at("/byModel/gpt-4o-mini/savedUsd"));
        assertEquals(2, now.at("/byNamespace/suite-a/requests").asLong());
        assertEquals(1, now.at("/byNamespace/suite-a/hits").asLong());
        assertEquals(0.5, now.at("/byNamespace/suite-a/hitRatio").asDouble(), 1e-9);
        assertEquals(6, now.at("/byNamespace/(none)/requests").asLong());
        List<Long> perKey = new ArrayList<>();
        now.path("byKey").forEach(key -> perKey.add(key.path("requests").asLong()));
        assertEquals(List.of(1L, 7L), perKey.stream().sorted().toList(), now.path("byKey").toString());
        now.path("byKey").fieldNames().forEachRemaining(name -> assertTrue(name.matches("[0-9a-f]{16}"), name));

        JsonNode timeline = stats().path("timeline");
        assertEquals(60, timeline.path("bucketSeconds").asInt());
        long inTimeline = 0;
        for (JsonNode bucket : timeline.path("buckets")) {
            inTimeline += bucket.path("requests").asLong();
        }
        assertEquals(8, inTimeline, timeline.toString());
    }

    @Test
    void theLatestRequestsComeNewestFirstWithStatusLatencyAndNoCredential() throws Exception {
        proxy = TestProxy.start(TestProxy.settings(upstream.baseUrl(), cacheDir));
        scriptedRun();
        HttpResponse<String> response = proxy.get("/_cache/requests?limit=3");
        assertEquals(200, response.statusCode(), response.body());
        assertFalse(response.body().contains("STATSKEY"), response.body());
        JsonNode rows = JSON.readTree(response.body()).path("requests");
        assertEquals(3, rows.size(), rows.toString());
        JsonNode bob = rows.get(0);
        assertEquals("MISS", bob.path("cache").asText());
        assertEquals(200, bob.path("status").asInt());
        assertEquals(CHAT, bob.path("path").asText());
        assertEquals("gpt-4o-mini", bob.path("model").asText());
        assertTrue(bob.path("upstreamMs").asLong() >= 0, bob.toString());
        assertTrue(bob.path("totalMs").asLong() >= bob.path("upstreamMs").asLong(), bob.toString());
        assertTrue(bob.path("key").asText().matches("[0-9a-f]{12}"), bob.toString());
        assertUsd(ONE_CALL, bob.path("usd"));
        assertEquals(500, rows.get(1).path("status").asInt());
        JsonNode hit = rows.get(2);
        assertEquals("HIT", hit.path("cache").asText());
        assertEquals("suite-a", hit.path("namespace").asText());
        assertEquals(-1, hit.path("upstreamMs").asLong(), "a hit calls no provider");
        assertEquals(8, JSON.readTree(proxy.get("/_cache/requests").body()).path("requests").size());
        assertEquals(400, proxy.get("/_cache/requests?limit=many").statusCode());
    }

    @Test
    void theCountersSinceCreationSurviveARestartWhileThoseSinceStartBeginAgain() throws Exception {
        proxy = TestProxy.start(TestProxy.settings(upstream.baseUrl(), cacheDir));
        scriptedRun();
        String created = stats().at("/sinceCreated/since").asText();
        proxy.close();
        proxy = null;
        assertTrue(Files.exists(cacheDir.resolve("stats.json")));
        String file = Files.readString(cacheDir.resolve("stats.json"));
        assertFalse(file.contains("STATSKEY") || file.contains("capital"), file);

        proxy = TestProxy.start(TestProxy.settings(upstream.baseUrl(), cacheDir));
        JsonNode restarted = stats();
        assertEquals(0, restarted.at("/sinceStart/requests").asLong());
        assertEquals(8, restarted.at("/sinceCreated/requests").asLong());
        assertEquals(created, restarted.at("/sinceCreated/since").asText());
        assertUsd(times(3), restarted.at("/sinceCreated/usd/saved"));
        assertEquals(2, restarted.at("/sinceCreated/byNamespace/suite-a/requests").asLong());

        assertEquals("HIT", post("capital of France?", ALICE).headers().firstValue("X-Cache").orElse(""));
        JsonNode after = stats();
        assertEquals(1, after.at("/sinceStart/requests").asLong());
        assertEquals(9, after.at("/sinceCreated/requests").asLong());
        assertEquals(4, after.at("/sinceCreated/byStatus/hit").asLong());
        assertUsd(times(4), after.at("/sinceCreated/usd/saved"));
    }
}
