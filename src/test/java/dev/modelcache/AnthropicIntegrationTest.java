package dev.modelcache;

import static dev.modelcache.support.AnthropicFixtures.COUNT;
import static dev.modelcache.support.AnthropicFixtures.EVENTS;
import static dev.modelcache.support.AnthropicFixtures.MESSAGE;
import static dev.modelcache.support.AnthropicFixtures.MESSAGES;
import static dev.modelcache.support.AnthropicFixtures.OVERLOADED_EVENTS;
import static dev.modelcache.support.AnthropicFixtures.REQUEST;
import static dev.modelcache.support.AnthropicFixtures.STREAM_REQUEST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real servlet in embedded Tomcat in front of a fake Anthropic on loopback, speaking the Messages API. */
class AnthropicIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ALICE = {"x-api-key", "sk-ant-alice", "anthropic-version", "2023-06-01"};

    @TempDir
    Path cacheDir;
    FakeUpstream upstream;
    TestProxy proxy;

    /** Anthropic as configured by default, behind a path prefix to prove the prefix rule, and OpenAI beside it. */
    private void start(Function<FakeUpstream.Request, Reply> handler, String... extra) throws Exception {
        upstream = FakeUpstream.start().handler(handler);
        Map<String, String> settings = TestProxy.settings(upstream.baseUrl(), cacheDir);
        settings.put("providers/anthropic/type", "anthropic");
        settings.put("providers/anthropic/baseUrl", upstream.baseUrl() + "/anthropic");
        settings.put("providers/anthropic/models", "claude-*");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        proxy = TestProxy.start(settings);
    }

    private static Reply anthropic(FakeUpstream.Request request) {
        if (request.target().endsWith("/count_tokens")) {
            return Reply.json(200, COUNT);
        }
        return request.bodyText().contains("\"stream\":true") ? Reply.sse(EVENTS) : Reply.json(200, MESSAGE);
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    private static String cache(HttpResponse<?> response) {
        return response.headers().firstValue("X-Cache").orElse(null);
    }

    @Test
    void messageIsAMissThenAByteIdenticalHitAndReachesTheProviderBelowTheBasePathUntouched() throws Exception {
        start(AnthropicIntegrationTest::anthropic);
        HttpResponse<String> first = proxy.post(MESSAGES, REQUEST, ALICE);
        HttpResponse<String> second = proxy.post(MESSAGES, REQUEST, ALICE);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("MISS", cache(first));
        assertEquals("HIT", cache(second));
        assertEquals(MESSAGE, first.body());
        assertEquals(MESSAGE, second.body());
        assertEquals(1, upstream.calls());
        FakeUpstream.Request seen = upstream.requests().get(0);
        assertEquals("/anthropic/v1/messages", seen.target());
        assertEquals(REQUEST, seen.bodyText(), "cache_control blocks and all go on as they came");
        assertEquals("sk-ant-alice", seen.header("x-api-key"));
        assertEquals("2023-06-01", seen.header("anthropic-version"));
        List<ExchangeSummary> ended = proxy.events().awaitExchanges(2);
        assertEquals("anthropic", ended.get(0).provider());
        assertEquals(12 + 2048, ended.get(1).usage().promptTokens(), "a hit keeps its tokens, cache reads included");
        assertEquals(4, ended.get(1).usage().completionTokens());
    }

    @Test
    void streamedMessageIsAMissThenAByteIdenticalHit() throws Exception {
        start(AnthropicIntegrationTest::anthropic);
        HttpResponse<String> first = proxy.post(MESSAGES, STREAM_REQUEST, ALICE);
        HttpResponse<String> second = proxy.post(MESSAGES, STREAM_REQUEST, ALICE);
        assertEquals("MISS", cache(first));
        assertEquals("HIT", cache(second));
        assertEquals(String.join("", EVENTS), first.body());
        assertEquals(String.join("", EVENTS), second.body());
        assertTrue(second.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertEquals(1, upstream.calls());
        List<ExchangeSummary> ended = proxy.events().awaitExchanges(2);
        assertEquals(12 + 2048, ended.get(1).usage().promptTokens(), "from message_start, cache writes included");
        assertEquals(5, ended.get(1).usage().completionTokens(), "from message_delta");
    }

    @Test
    void versionBetaFlagsAndApiKeysEachKeepTheirOwnEntries() throws Exception {
        start(AnthropicIntegrationTest::anthropic);
        proxy.post(MESSAGES, REQUEST, ALICE);
        assertEquals("MISS", cache(proxy.post(MESSAGES, REQUEST, "x-api-key", "sk-ant-alice", "anthropic-version", "2023-01-01")));
        assertEquals("MISS", cache(proxy.post(MESSAGES, REQUEST, "x-api-key", "sk-ant-alice", "anthropic-version", "2023-06-01",
                "anthropic-beta", "prompt-caching-2024-07-31")));
        assertEquals("MISS", cache(proxy.post(MESSAGES, REQUEST, "x-api-key", "sk-ant-bob", "anthropic-version", "2023-06-01")));
        assertEquals("MISS", cache(proxy.post(MESSAGES, REQUEST, "Authorization", "Bearer oauth-carol", "anthropic-version", "2023-06-01")));
        assertEquals("HIT", cache(proxy.post(MESSAGES, REQUEST, ALICE)));
        assertEquals(5, upstream.calls());
    }

    @Test
    void countTokensAndBatchesPassThroughUncached() throws Exception {
        start(r -> r.target().contains("batches") ? Reply.json(200, "{\"id\":\"msgbatch_1\",\"type\":\"message_batch\"}")
                : anthropic(r));
        String count = "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        HttpResponse<String> first = proxy.post(MESSAGES + "/count_tokens", count, ALICE);
        HttpResponse<String> second = proxy.post(MESSAGES + "/count_tokens", count, ALICE);
        assertEquals(COUNT, second.body());
        assertEquals("BYPASS", cache(first));
        assertEquals("BYPASS", cache(second));
        String batch = "{\"requests\":[{\"custom_id\":\"a\",\"params\":" + REQUEST + "}]}";
        proxy.post(MESSAGES + "/batches", batch, ALICE);
        proxy.post(MESSAGES + "/batches", batch, ALICE);
        HttpResponse<String> poll = proxy.get(MESSAGES + "/batches/msgbatch_1", ALICE);
        assertEquals(200, poll.statusCode(), poll.body());
        assertEquals(5, upstream.calls(), "every one reached the provider");
        assertEquals("/anthropic/v1/messages/batches/msgbatch_1", upstream.requests().get(4).target(),
                "a request without a model on Anthropic's path goes to Anthropic, not the default provider");
    }

    @Test
    void modelListingOfAnAnthropicClientGoesToAnthropicAndIsCached() throws Exception {
        start(r -> Reply.json(200, "{\"data\":[{\"type\":\"model\",\"id\":\"claude-sonnet-4-5\"}],\"has_more\":false}"));
        HttpResponse<String> first = proxy.get("/v1/models?limit=20", ALICE);
        HttpResponse<String> second = proxy.get("/v1/models?limit=20", ALICE);
        assertEquals("MISS", cache(first));
        assertEquals("HIT", cache(second));
        assertEquals("/anthropic/v1/models?limit=20", upstream.requests().get(0).target());
        proxy.get("/v1/models", "Authorization", "Bearer sk-openai");
        assertEquals("/v1/models", upstream.requests().get(1).target(), "without anthropic-version: the default provider");
    }

    @Test
    void configuredKeyAndADefaultVersionGoUpstreamWhenTheCallerSendsNone() throws Exception {
        start(AnthropicIntegrationTest::anthropic, "providers/anthropic/apiKey", "sk-ant-server-secret");
        HttpResponse<String> answer = proxy.post(MESSAGES, REQUEST);
        assertEquals(200, answer.statusCode(), answer.body());
        FakeUpstream.Request seen = upstream.requests().get(0);
        assertEquals("sk-ant-server-secret", seen.header("x-api-key"));
        assertEquals("2023-06-01", seen.header("anthropic-version"));
        assertFalse(answer.headers().map().toString().contains("sk-ant-server-secret"));
        assertEquals("HIT", cache(proxy.post(MESSAGES, REQUEST)));
        proxy.close();
        proxy = null;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(cacheDir)) {
            for (Path file : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                String bytes = new String(java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(bytes.contains("sk-ant-server-secret"), "the server-side key is in " + cacheDir.relativize(file));
            }
        }
    }

    @Test
    void streamThatFailsWithAnErrorEventIsRelayedButNotStored() throws Exception {
        start(r -> Reply.sse(OVERLOADED_EVENTS));
        HttpResponse<String> first = proxy.post(MESSAGES, STREAM_REQUEST, ALICE);
        assertEquals(String.join("", OVERLOADED_EVENTS), first.body());
        proxy.events().awaitExchanges(1);
        proxy.events().awaitSettled();
        assertEquals("MISS", cache(proxy.post(MESSAGES, STREAM_REQUEST, ALICE)));
        assertEquals(2, upstream.calls());
    }

    @Test
    void replayMissOnAnAnthropicPathIsA504InAnthropicsErrorShape() throws Exception {
        start(AnthropicIntegrationTest::anthropic);
        HttpResponse<String> miss = proxy.post(MESSAGES, REQUEST, "x-api-key", "sk-ant-alice", "X-Cache-Mode", "replay");
        assertEquals(504, miss.statusCode());
        JsonNode body = JSON.readTree(miss.body());
        assertEquals("error", body.path("type").asText(), miss.body());
        assertEquals("timeout_error", body.at("/error/type").asText(), miss.body());
        assertFalse(body.at("/error/message").asText().isEmpty());
        assertEquals("cache_miss", body.at("/error/code").asText());
        assertEquals(0, upstream.calls());
    }

    @Test
    void unservedModelOnAnAnthropicPathIsA400InAnthropicsErrorShapeAndOnOpenAisInOpenAis() throws Exception {
        start(AnthropicIntegrationTest::anthropic);
        HttpResponse<String> refused = proxy.post(MESSAGES, "{\"model\":\"mistral-large\",\"max_tokens\":5,\"messages\":[]}", ALICE);
        assertEquals(400, refused.statusCode());
        JsonNode body = JSON.readTree(refused.body());
        assertEquals("error", body.path("type").asText(), refused.body());
        assertEquals("invalid_request_error", body.at("/error/type").asText());
        assertTrue(body.at("/error/message").asText().contains("mistral-large"));
        assertFalse(refused.body().contains("sk-ant-alice"));
        HttpResponse<String> openAi = proxy.post(TestProxy.CHAT, "{\"model\":\"mistral-large\",\"messages\":[]}");
        assertEquals("model_not_found", JSON.readTree(openAi.body()).at("/error/code").asText(), openAi.body());
        HttpResponse<String> broken = proxy.post(MESSAGES, "{\"model\":", ALICE);
        assertEquals(400, broken.statusCode());
        assertEquals("error", JSON.readTree(broken.body()).path("type").asText(), broken.body());
    }
}
