package dev.modelcache;

import static dev.modelcache.support.AnthropicFixtures.COUNT;
import static dev.modelcache.support.AnthropicFixtures.EVENTS;
import static dev.modelcache.support.AnthropicFixtures.MESSAGE;
import static dev.modelcache.support.AnthropicFixtures.MESSAGES;
import static dev.modelcache.support.AnthropicFixtures.OVERLOADED_EVENTS;
import static dev.modelcache.support.AnthropicFixtures.REQUEST;
import static dev.modelcache.support.AnthropicFixtures.STREAM_REQUEST;
import static dev.modelcache.support.ProxyExtension.xCache;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real servlet in embedded Tomcat in front of a fake Anthropic on loopback, speaking the Messages API. */
class AnthropicIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ALICE = {"x-api-key", "sk-ant-alice", "anthropic-version", "2023-06-01"};

    /** Anthropic as configured by default, behind a path prefix to prove the prefix rule, and OpenAI beside it. */
    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(AnthropicIntegrationTest::anthropic)
            .provider("anthropic", "anthropic", "/anthropic", "claude-*");

    private static Reply anthropic(FakeUpstream.Request request) {
        if (request.target().endsWith("/count_tokens")) {
            return Reply.json(200, COUNT);
        }
        return request.bodyText().contains("\"stream\":true") ? Reply.sse(EVENTS) : Reply.json(200, MESSAGE);
    }

    @Test
    void messageIsAMissThenAByteIdenticalHitAndReachesTheProviderBelowTheBasePathUntouched() throws Exception {
        HttpResponse<String> first = fixture.post(MESSAGES, REQUEST, ALICE);
        HttpResponse<String> second = fixture.post(MESSAGES, REQUEST, ALICE);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("MISS", xCache(first));
        assertEquals("HIT", xCache(second));
        assertEquals(MESSAGE, first.body());
        assertEquals(MESSAGE, second.body());
        assertEquals(1, fixture.upstream().calls());
        FakeUpstream.Request seen = fixture.upstream().requests().get(0);
        assertEquals("/anthropic/v1/messages", seen.target());
        assertEquals(REQUEST, seen.bodyText(), "cache_control blocks and all go on as they came");
        assertEquals("sk-ant-alice", seen.header("x-api-key"));
        assertEquals("2023-06-01", seen.header("anthropic-version"));
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(2);
        assertEquals("anthropic", ended.get(0).provider());
        assertEquals(12 + 2048, ended.get(1).usage().promptTokens(), "a hit keeps its tokens, cache reads included");
        assertEquals(4, ended.get(1).usage().completionTokens());
    }

    @Test
    void streamedMessageIsAMissThenAByteIdenticalHit() throws Exception {
        HttpResponse<String> first = fixture.post(MESSAGES, STREAM_REQUEST, ALICE);
        HttpResponse<String> second = fixture.post(MESSAGES, STREAM_REQUEST, ALICE);
        assertEquals("MISS", xCache(first));
        assertEquals("HIT", xCache(second));
        assertEquals(String.join("", EVENTS), first.body());
        assertEquals(String.join("", EVENTS), second.body());
        assertTrue(second.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertEquals(1, fixture.upstream().calls());
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(2);
        assertEquals(12 + 2048, ended.get(1).usage().promptTokens(), "from message_start, cache writes included");
        assertEquals(5, ended.get(1).usage().completionTokens(), "from message_delta");
    }

    @Test
    void versionBetaFlagsAndApiKeysEachKeepTheirOwnEntries() throws Exception {
        fixture.post(MESSAGES, REQUEST, ALICE);
        assertEquals("MISS", xCache(fixture.post(MESSAGES, REQUEST, "x-api-key", "sk-ant-alice", "anthropic-version", "2023-01-01")));
        assertEquals("MISS", xCache(fixture.post(MESSAGES, REQUEST, "x-api-key", "sk-ant-alice", "anthropic-version", "2023-06-01",
                "anthropic-beta", "prompt-caching-2024-07-31")));
        assertEquals("MISS", xCache(fixture.post(MESSAGES, REQUEST, "x-api-key", "sk-ant-bob", "anthropic-version", "2023-06-01")));
        assertEquals("MISS", xCache(fixture.post(MESSAGES, REQUEST, "Authorization", "Bearer oauth-carol", "anthropic-version", "2023-06-01")));
        assertEquals("HIT", xCache(fixture.post(MESSAGES, REQUEST, ALICE)));
        assertEquals(5, fixture.upstream().calls());
    }

    @Test
    void countTokensAndBatchesPassThroughUncached() throws Exception {
        fixture.handler(r -> r.target().contains("batches") ? Reply.json(200, "{\"id\":\"msgbatch_1\",\"type\":\"message_batch\"}")
                : anthropic(r));
        String count = "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        HttpResponse<String> first = fixture.post(MESSAGES + "/count_tokens", count, ALICE);
        HttpResponse<String> second = fixture.post(MESSAGES + "/count_tokens", count, ALICE);
        assertEquals(COUNT, second.body());
        assertEquals("BYPASS", xCache(first));
        assertEquals("BYPASS", xCache(second));
        String batch = "{\"requests\":[{\"custom_id\":\"a\",\"params\":" + REQUEST + "}]}";
        fixture.post(MESSAGES + "/batches", batch, ALICE);
        fixture.post(MESSAGES + "/batches", batch, ALICE);
        HttpResponse<String> poll = fixture.get(MESSAGES + "/batches/msgbatch_1", ALICE);
        assertEquals(200, poll.statusCode(), poll.body());
        assertEquals(5, fixture.upstream().calls(), "every one reached the provider");
        assertEquals("/anthropic/v1/messages/batches/msgbatch_1", fixture.upstream().requests().get(4).target(),
                "a request without a model on Anthropic's path goes to Anthropic, not the default provider");
    }

    @Test
    void modelListingOfAnAnthropicClientGoesToAnthropicAndIsCached() throws Exception {
        fixture.handler(r -> Reply.json(200, "{\"data\":[{\"type\":\"model\",\"id\":\"claude-sonnet-4-5\"}],\"has_more\":false}"));
        HttpResponse<String> first = fixture.get("/v1/models?limit=20", ALICE);
        HttpResponse<String> second = fixture.get("/v1/models?limit=20", ALICE);
        assertEquals("MISS", xCache(first));
        assertEquals("HIT", xCache(second));
        assertEquals("/anthropic/v1/models?limit=20", fixture.upstream().requests().get(0).target());
        fixture.get("/v1/models", "Authorization", "Bearer sk-openai");
        assertEquals("/v1/models", fixture.upstream().requests().get(1).target(), "without anthropic-version: the default provider");
    }

    @Test
    void configuredKeyAndADefaultVersionGoUpstreamWhenTheCallerSendsNone() throws Exception {
        fixture.with("providers/anthropic/apiKey", "sk-ant-server-secret");
        HttpResponse<String> answer = fixture.post(MESSAGES, REQUEST);
        assertEquals(200, answer.statusCode(), answer.body());
        FakeUpstream.Request seen = fixture.upstream().requests().get(0);
        assertEquals("sk-ant-server-secret", seen.header("x-api-key"));
        assertEquals("2023-06-01", seen.header("anthropic-version"));
        assertFalse(answer.headers().map().toString().contains("sk-ant-server-secret"));
        assertEquals("HIT", xCache(fixture.post(MESSAGES, REQUEST)));
        fixture.stop();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(fixture.cacheDir())) {
            for (Path file : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                String bytes = new String(java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(bytes.contains("sk-ant-server-secret"), "the server-side key is in " + fixture.cacheDir().relativize(file));
            }
        }
    }

    @Test
    void streamThatFailsWithAnErrorEventIsRelayedButNotStored() throws Exception {
        fixture.handler(r -> Reply.sse(OVERLOADED_EVENTS));
        HttpResponse<String> first = fixture.post(MESSAGES, STREAM_REQUEST, ALICE);
        assertEquals(String.join("", OVERLOADED_EVENTS), first.body());
        fixture.proxy().events().awaitExchanges(1);
        fixture.proxy().events().awaitSettled();
        assertEquals("MISS", xCache(fixture.post(MESSAGES, STREAM_REQUEST, ALICE)));
        assertEquals(2, fixture.upstream().calls());
    }

    @Test
    void replayMissOnAnAnthropicPathIsA504InAnthropicsErrorShape() throws Exception {
        HttpResponse<String> miss = fixture.post(MESSAGES, REQUEST, "x-api-key", "sk-ant-alice", "X-Cache-Mode", "replay");
        assertEquals(504, miss.statusCode());
        JsonNode body = JSON.readTree(miss.body());
        assertEquals("error", body.path("type").asText(), miss.body());
        assertEquals("timeout_error", body.at("/error/type").asText(), miss.body());
        assertFalse(body.at("/error/message").asText().isEmpty());
        assertEquals("cache_miss", body.at("/error/code").asText());
        assertEquals(0, fixture.upstream().calls());
    }

    @Test
    void unservedModelOnAnAnthropicPathIsA400InAnthropicsErrorShapeAndOnOpenAisInOpenAis() throws Exception {
        HttpResponse<String> refused = fixture.post(MESSAGES, "{\"model\":\"mistral-large\",\"max_tokens\":5,\"messages\":[]}", ALICE);
        assertEquals(400, refused.statusCode());
        JsonNode body = JSON.readTree(refused.body());
        assertEquals("error", body.path("type").asText(), refused.body());
        assertEquals("invalid_request_error", body.at("/error/type").asText());
        assertTrue(body.at("/error/message").asText().contains("mistral-large"));
        assertFalse(refused.body().contains("sk-ant-alice"));
        HttpResponse<String> openAi = fixture.post(TestProxy.CHAT, "{\"model\":\"mistral-large\",\"messages\":[]}");
        assertEquals("model_not_found", JSON.readTree(openAi.body()).at("/error/code").asText(), openAi.body());
        HttpResponse<String> broken = fixture.post(MESSAGES, "{\"model\":", ALICE);
        assertEquals(400, broken.statusCode());
        assertEquals("error", JSON.readTree(broken.body()).path("type").asText(), broken.body());
    }
}
