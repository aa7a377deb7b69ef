package dev.modelcache.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.config.ProviderConfig;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.stream.SseEvent;
import dev.modelcache.stream.StreamDialect;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.tokens.Usage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnthropicProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A streamed Messages answer as api.anthropic.com sends it, prompt caching on. */
    static final List<String> EVENTS = List.of(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":100,\"cache_read_input_tokens\":2000,\"output_tokens\":1}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: ping\ndata: {\"type\": \"ping\"}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");

    private static AnthropicProvider provider(String apiKey) {
        return new AnthropicProvider(new ProviderConfig("anthropic", "anthropic", URI.create("https://api.anthropic.com"),
                List.of("claude-*"), apiKey), new TokenCounter());
    }

    private static SseEvent event(String text) {
        return SseEvent.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void credentialIsTheApiKeyHeaderOrTheBearerToken() {
        AnthropicProvider p = provider(null);
        String keyA = p.credential(Headers.of("x-api-key", "sk-ant-a"));
        String keyB = p.credential(Headers.of("X-Api-Key", "sk-ant-b"));
        assertFalse(keyA.isEmpty());
        assertNotEquals(keyA, keyB);
        assertEquals("Bearer oauth-1", p.credential(Headers.of("Authorization", "Bearer oauth-1")));
        assertNotEquals(p.credential(Headers.of("Authorization", "Bearer oauth-1")),
                p.credential(Headers.of("Authorization", "Bearer oauth-2")));
        assertEquals("", p.credential(Headers.of("anthropic-version", "2023-06-01")));
    }

    @Test
    void versionAndBetaHeadersVaryTheKey() {
        assertEquals(List.of("anthropic-version", "anthropic-beta"), provider(null).varyHeaders());
    }

    @Test
    void configuredKeyGoesUpstreamAsXApiKey() {
        assertEquals(List.of(Map.entry("x-api-key", "sk-ant-server")), provider("sk-ant-server").defaultAuthentication());
        assertEquals(List.of(), provider(null).defaultAuthentication());
    }

    @Test
    void versionIsAddedOnlyWhenTheCallerSentNone() {
        AnthropicProvider p = provider(null);
        assertEquals(List.of(Map.entry("anthropic-version", "2023-06-01")), p.requiredHeaders(Headers.EMPTY));
        assertEquals(List.of(), p.requiredHeaders(Headers.of("Anthropic-Version", "2024-01-01")));
    }

    @Test
    void messagesPathsAreOwnedAndCountsBatchesAndFilesAreStateful() {
        AnthropicProvider p = provider(null);
        assertTrue(p.ownsPath("/v1/messages"));
        assertTrue(p.ownsPath("/v1/messages/batches/msgbatch_1"));
        assertFalse(p.ownsPath("/v1/messagesx"));
        assertFalse(p.ownsPath("/v1/chat/completions"));
        assertFalse(p.isStateful("/v1/messages"));
        assertTrue(p.isStateful("/v1/messages/count_tokens"));
        assertTrue(p.isStateful("/v1/messages/batches"));
        assertTrue(p.isStateful("/v1/messages/batches/msgbatch_1/results"));
        assertTrue(p.isStateful("/v1/files/file_1"));
    }

    @Test
    void upstreamTargetKeepsTheBaseUrlsPrefix() {
        AnthropicProvider p = new AnthropicProvider(new ProviderConfig("a", "anthropic",
                URI.create("https://gateway.example/anthropic"), List.of("claude-*"), null), new TokenCounter());
        assertEquals(URI.create("https://gateway.example/anthropic/v1/messages?beta=true"), p.target("/v1/messages", "beta=true"));
    }

    @Test
    void messageStopEndsTheStreamAndErrorEventFailsIt() {
        StreamDialect dialect = provider(null).streamDialect();
        assertTrue(dialect.isTerminal(event(EVENTS.get(EVENTS.size() - 1))));
        for (String text : EVENTS.subList(0, EVENTS.size() - 1)) {
            assertFalse(dialect.isTerminal(event(text)), text);
            assertFalse(dialect.isError(event(text)), text);
        }
        assertTrue(dialect.isError(event("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n")));
        assertFalse(dialect.isTerminal(event("data: [DONE]\n\n")));
        // Text that merely mentions the words is content, not an event type.
        assertFalse(dialect.isError(event("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"{\\\"type\\\":\\\"error\\\"}\"}}\n\n")));
    }

    @Test
    void streamUsageComesFromMessageStartAndMessageDeltaWithCacheReadsAndWrites() {
        List<String> data = new ArrayList<>();
        for (String text : EVENTS) {
            data.add(event(text).data());
        }
        Usage usage = provider(null).streamUsage(null, data);
        assertEquals(12 + 100 + 2000, usage.promptTokens());
        assertEquals(15, usage.completionTokens());
        assertFalse(usage.estimated());
        assertEquals(2000, usage.cacheReadTokens());
        assertEquals(100, usage.cacheWriteTokens());
    }

    @Test
    void responseUsageIncludesCacheReadsAndWrites() throws Exception {
        JsonNode response = JSON.readTree("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Hi!\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":9,"
                + "\"cache_creation_input_tokens\":5,\"cache_read_input_tokens\":7,\"output_tokens\":3}}");
        Usage usage = provider(null).usage(null, response);
        assertEquals(21, usage.promptTokens());
        assertEquals(3, usage.completionTokens());
        assertEquals(7, usage.cacheReadTokens());
        assertEquals(5, usage.cacheWriteTokens());
    }

    @Test
    void proxyErrorsAreWrittenInAnthropicsShape() throws Exception {
        ProxyError e = ProxyError.badRequest("model_not_found", "The model 'x' is not served.");
        JsonNode body = JSON.readTree(e.body(provider(null).errorShape()));
        assertEquals("error", body.path("type").asText());
        assertEquals("invalid_request_error", body.at("/error/type").asText());
        assertEquals("The model 'x' is not served.", body.at("/error/message").asText());
        JsonNode miss = JSON.readTree(new ProxyError(504, "cache_miss", "cache_miss", "No stored answer.")
                .body(provider(null).errorShape()));
        assertEquals("timeout_error", miss.at("/error/type").asText());
        assertEquals("cache_miss", miss.at("/error/code").asText());
        assertEquals("authentication_error", AnthropicErrorShape.type(401));
        assertEquals("rate_limit_error", AnthropicErrorShape.type(429));
        assertEquals("api_error", AnthropicErrorShape.type(502));
    }
}
