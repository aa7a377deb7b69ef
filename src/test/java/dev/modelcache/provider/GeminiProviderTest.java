package dev.modelcache.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.config.ProviderConfig;
import dev.modelcache.http.ErrorShape;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.stream.SseEvent;
import dev.modelcache.stream.StreamDialect;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.tokens.Usage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeminiProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A generateContent answer as generativelanguage.googleapis.com sends it, with thinking and a context cache. */
    static final String ANSWER = """
            {
              "candidates": [{"content": {"parts": [{"text": "Hello!"}], "role": "model"}, "finishReason": "STOP", "index": 0}],
              "usageMetadata": {"promptTokenCount": 1200, "candidatesTokenCount": 7, "totalTokenCount": 1247,
                "cachedContentTokenCount": 1024, "thoughtsTokenCount": 40,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 1200}]},
              "modelVersion": "gemini-2.5-flash",
              "responseId": "abc"
            }
            """;

    /** A streamGenerateContent?alt=sse answer: usage grows on each event, the last one has the finishReason. */
    static final List<String> EVENTS = List.of(
            "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hel\"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 9,\"candidatesTokenCount\": 1,\"totalTokenCount\": 10},\"modelVersion\": \"gemini-2.5-flash\"}\r\n\r\n",
            "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"lo!\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 9,\"candidatesTokenCount\": 3,\"totalTokenCount\": 20,\"thoughtsTokenCount\": 8},\"modelVersion\": \"gemini-2.5-flash\"}\r\n\r\n");

    private static GeminiProvider provider(String apiKey) {
        return new GeminiProvider(new ProviderConfig("gemini", "gemini",
                URI.create("https://generativelanguage.googleapis.com"), List.of("gemini-*"), apiKey), new TokenCounter());
    }

    private static Exchange post(String path, String query, String body, String... headers) {
        String[] fields = new String[headers.length + 2];
        fields[0] = "Content-Type";
        fields[1] = "application/json";
        System.arraycopy(headers, 0, fields, 2, headers.length);
        return new Exchange("POST", path, query, Headers.of(fields), body.getBytes(StandardCharsets.UTF_8));
    }

    private static SseEvent event(String text) {
        return SseEvent.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> data(List<String> events) {
        return events.stream().map(e -> event(e).data()).toList();
    }

    @Test
    void theModelComesFromTheNativePathUnderV1betaAndV1() {
        GeminiProvider p = provider(null);
        assertEquals("gemini-2.5-flash", p.model(post("/v1beta/models/gemini-2.5-flash:generateContent", null, "{}")));
        assertEquals("gemini-2.5-flash", p.model(post("/v1/models/gemini-2.5-flash:streamGenerateContent", "alt=sse", "{}")));
        assertEquals("gemini-embedding-001", p.model(post("/v1beta/models/gemini-embedding-001:embedContent", null, "{}")));
        assertEquals("gemini-2.5-flash", p.model(new Exchange("GET", "/v1beta/models/gemini-2.5-flash", null, Headers.EMPTY, new byte[0])));
    }

    @Test
    void anUrlEncodedModelOrColonIsDecoded() {
        GeminiProvider p = provider(null);
        assertEquals("gemini-2.5-flash", p.model(post("/v1beta/models/gemini-2.5-flash%3AgenerateContent", null, "{}")));
        assertEquals("gemini-2.5-flash", p.model(post("/v1/models/gemini%2D2.5-flash%3acountTokens", null, "{}")));
        assertEquals("gemini-2.5-flash", p.model(post("/v1/models/gemini%2D2.5-flash:countTokens", null, "{}")));
    }

    @Test
    void onTheOpenAiCompatibleEndpointTheModelComesFromTheBodyWithoutModelsPrefix() {
        GeminiProvider p = provider(null);
        assertEquals("gemini-2.0-flash", p.model(post("/v1beta/openai/chat/completions", null, "{\"model\":\"gemini-2.0-flash\"}")));
        assertEquals("gemini-2.0-flash", p.model(post("/v1beta/openai/chat/completions", null, "{\"model\":\"models/gemini-2.0-flash\"}")));
    }

    @Test
    void v1ModelListingAndOpenAiPathsAreNotGeminis() {
        GeminiProvider p = provider(null);
        assertNull(p.model(new Exchange("GET", "/v1/models", null, Headers.EMPTY, new byte[0])));
        assertNull(p.model(new Exchange("GET", "/v1/models/gpt-4o", null, Headers.EMPTY, new byte[0])));
        assertFalse(p.ownsPath("/v1/models"));
        assertFalse(p.ownsPath("/v1/models/gpt-4o"));
        assertFalse(p.ownsPath("/v1/chat/completions"));
        assertTrue(p.ownsPath("/v1/models/gemini-2.5-flash:generateContent"));
        assertTrue(p.ownsPath("/v1beta/models"));
        assertTrue(p.ownsPath("/v1beta/openai/chat/completions"));
        assertTrue(p.ownsPath("/upload/v1beta/files"));
    }

    @Test
    void filesCachesTunedModelsBatchesAndOperationsAreStatefulGenerationAndEmbeddingAreNot() {
        GeminiProvider p = provider(null);
        for (String path : List.of("/v1beta/files", "/upload/v1beta/files", "/v1beta/cachedContents/x", "/v1beta/tunedModels",
                "/v1beta/batches/b1", "/v1beta/operations/o1", "/v1beta/models/gemini-2.5-flash:batchGenerateContent",
                "/v1beta/models/veo-3:predictLongRunning", "/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent")) {
            assertTrue(p.isStateful(path), path);
        }
        for (String path : List.of("/v1beta/models/gemini-2.5-flash:generateContent", "/v1/models/gemini-2.5-flash:streamGenerateContent",
                "/v1beta/models/gemini-embedding-001:embedContent", "/v1beta/models/gemini-embedding-001:batchEmbedContents",
                "/v1beta/models/gemini-2.5-flash:countTokens", "/v1beta/openai/chat/completions")) {
            assertFalse(p.isStateful(path), path);
        }
    }

    @Test
    void credentialIsTheGoogApiKeyHeaderOrTheKeyQueryParameterOrABearerToken() {
        GeminiProvider p = provider(null);
        String path = "/v1beta/models/gemini-2.5-flash:generateContent";
        String header = p.credential(post(path, null, "{}", "x-goog-api-key", "AIza-alice"));
        String query = p.credential(post(path, "key=AIza-alice", "{}"));
        String otherQuery = p.credential(post(path, "alt=sse&key=AIza-bob", "{}"));
        assertFalse(header.isEmpty());
        assertFalse(query.isEmpty());
        assertNotEquals(query, otherQuery, "two key= values are two callers");
        assertNotEquals(header, query, "the same key in another place is kept apart: no guessing");
        assertEquals(query, p.credential(post(path, "key=AIza%2Dalice", "{}")), "percent-encoding does not matter");
        assertEquals("", p.credential(post(path, "alt=sse", "{}")));
        assertEquals("", p.credential(post(path, "monkey=x", "{}")));
        assertFalse(p.credential(post("/v1beta/openai/chat/completions", null, "{}", "Authorization", "Bearer AIza-x")).isEmpty());
    }

    @Test
    void noHeaderVariesTheKeyAndAConfiguredKeyGoesUpstreamAsGoogApiKey() {
        assertEquals(List.of(), provider(null).varyHeaders());
        assertEquals(List.of(Map.entry("x-goog-api-key", "AIza-server")), provider("AIza-server").defaultAuthentication());
        assertEquals(List.of(), provider(null).defaultAuthentication());
    }

    @Test
    void usageComesFromUsageMetadataWithThoughtsAsOutputAndCachedContentAsCacheReads() throws Exception {
        Usage usage = provider(null).usage(JSON.readTree("{\"contents\":[]}"), JSON.readTree(ANSWER));
        assertEquals(new Usage(1200, 47, false, 1024, 0), usage);
    }

    @Test
    void aStreamWithoutAltSseIsOneJsonArrayWhoseLastUsageHolds() throws Exception {
        JsonNode array = JSON.readTree("[" + event(EVENTS.get(0)).data() + "," + event(EVENTS.get(1)).data() + "]");
        assertEquals(new Usage(9, 11, false), provider(null).usage(null, array));
    }

    @Test
    void streamUsageIsTheLastEventsUsageMetadata() {
        assertEquals(new Usage(9, 11, false), provider(null).streamUsage(null, data(EVENTS)));
    }

    @Test
    void embeddingsAndCountsReportNoTokens() throws Exception {
        GeminiProvider p = provider(null);
        assertEquals(Usage.NONE, p.usage(null, JSON.readTree("{\"embedding\":{\"values\":[0.1,0.2]}}")));
        assertEquals(Usage.NONE, p.usage(null, JSON.readTree("{\"totalTokens\":31,\"promptTokensDetails\":[]}")));
    }

    @Test
    void openAiShapedAnswersOnTheCompatibleEndpointAreCountedAsOpenAis() throws Exception {
        JsonNode answer = JSON.readTree("{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"gemini-2.0-flash\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}");
        assertEquals(new Usage(5, 3, false), provider(null).usage(null, answer));
        List<String> chunks = List.of("{\"choices\":[{\"delta\":{\"content\":\"Hi\"},\"index\":0}],\"object\":\"chat.completion.chunk\","
                + "\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":1,\"total_tokens\":5}}", "[DONE]");
        assertEquals(new Usage(4, 1, false), provider(null).streamUsage(null, chunks));
    }

    @Test
    void theEventWithAFinishReasonEndsTheStreamAndAnErrorObjectFailsIt() {
        StreamDialect dialect = provider(null).streamDialect();
        assertFalse(dialect.isTerminal(event(EVENTS.get(0))));
        assertTrue(dialect.isTerminal(event(EVENTS.get(1))));
        assertTrue(dialect.isTerminal(event("data: {\"promptFeedback\": {\"blockReason\": \"SAFETY\"}}\n\n")));
        assertFalse(dialect.isError(event(EVENTS.get(1))));
        assertTrue(dialect.isError(event("data: {\"error\": {\"code\": 503, \"message\": \"The model is overloaded.\", \"status\": \"UNAVAILABLE\"}}\n\n")));
        assertTrue(dialect.isTerminal(event("data: [DONE]\n\n")), "the OpenAI-compatible endpoint's sentinel");
    }

    @Test
    void proxyErrorsAreInGooglesShapeOnNativePathsAndOpenAisOnTheCompatibleEndpoint() throws Exception {
        GeminiProvider p = provider(null);
        ProxyError error = ProxyError.badRequest("model_not_found", "No provider serves it.");
        JsonNode body = JSON.readTree(p.errorShape("/v1beta/models/x:generateContent").render(error));
        assertEquals(400, body.at("/error/code").asInt());
        assertEquals("No provider serves it.", body.at("/error/message").asText());
        assertEquals("INVALID_ARGUMENT", body.at("/error/status").asText());
        assertEquals("model_not_found", body.at("/error/details/0/reason").asText());
        assertSame(ErrorShape.OPENAI, p.errorShape("/v1beta/openai/chat/completions"));
        assertEquals(Map.of(401, "UNAUTHENTICATED", 404, "NOT_FOUND", 429, "RESOURCE_EXHAUSTED", 502, "UNAVAILABLE",
                504, "DEADLINE_EXCEEDED"), Map.of(401, GeminiErrorShape.status(401), 404, GeminiErrorShape.status(404),
                429, GeminiErrorShape.status(429), 502, GeminiErrorShape.status(502), 504, GeminiErrorShape.status(504)));
    }

    @Test
    void theTargetIsTheBaseThenThePathWithTheQueryAsItCame() {
        assertEquals(URI.create("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=AIza-a"),
                provider(null).target("/v1beta/models/gemini-2.5-flash:streamGenerateContent", "alt=sse&key=AIza-a"));
        assertEquals(URI.create("https://generativelanguage.googleapis.com/v1beta/openai/chat/completions"),
                provider(null).target("/v1beta/openai/chat/completions", null));
    }
}
