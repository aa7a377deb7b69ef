package dev.modelcache.sdk;

import static dev.modelcache.support.GeminiFixtures.ANSWER;
import static dev.modelcache.support.GeminiFixtures.EMBEDDING;
import static dev.modelcache.support.GeminiFixtures.EVENTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.types.EmbedContentResponse;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Google's official GenAI Java SDK ({@code com.google.genai:google-genai}) as a user runs it, its base URL
 * ({@code HttpOptions.baseUrl}) pointed at the proxy: every request twice, and the SDK must hand its caller the
 * same answer from the cache as from the provider, streamed and not.
 */
class GeminiJavaSdkIT {
    private static final String BATCH_EMBEDDINGS = "{\"embeddings\": [{\"values\": [0.013, -0.008]}]}";
    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().provider("gemini", "gemini", "", "gemini-*")
            .handler(r -> r.target().contains(":streamGenerateContent") ? Reply.sse(EVENTS)
                    : r.target().contains(":embedContent") ? Reply.json(200, EMBEDDING)
                    : r.target().contains(":batchEmbedContents") ? Reply.json(200, BATCH_EMBEDDINGS) : Reply.json(200, ANSWER));
    Client client;

    @BeforeEach
    void start() throws Exception {
        client = Client.builder().apiKey("AIza-sdk-test-key")
                .httpOptions(HttpOptions.builder().baseUrl(fixture.proxy().uri("").toString()).build()).build();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
    }

    private void assertMissThenHit() throws Exception {
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(2);
        assertEquals(CacheStatus.MISS, ended.get(0).cacheStatus());
        assertEquals(CacheStatus.HIT, ended.get(1).cacheStatus());
        assertEquals(1, fixture.upstream().calls());
    }

    @Test
    void generatedContentFromTheCacheIsTheProvidersAnswer() throws Exception {
        GenerateContentResponse first = client.models.generateContent("gemini-2.5-flash", "Say hello", null);
        GenerateContentResponse second = client.models.generateContent("gemini-2.5-flash", "Say hello", null);
        assertEquals("Hello!", first.text());
        assertEquals(first.text(), second.text());
        assertEquals(first.responseId(), second.responseId());
        assertEquals(20, second.usageMetadata().orElseThrow().thoughtsTokenCount().orElseThrow());
        assertMissThenHit();
        FakeUpstream.Request seen = fixture.upstream().requests().get(0);
        assertTrue(seen.target().matches("/v1(beta)?/models/gemini-2\\.5-flash:generateContent"), seen.target());
        assertEquals("AIza-sdk-test-key", seen.header("x-goog-api-key"), "the SDK's key reaches Google");
    }

    @Test
    void streamedContentFromTheCacheIsTheSameText() throws Exception {
        assertEquals("Hello!", streamed("Stream hello"));
        assertEquals("Hello!", streamed("Stream hello"));
        assertMissThenHit();
        assertTrue(fixture.upstream().requests().get(0).target().contains(":streamGenerateContent?alt=sse"),
                fixture.upstream().requests().get(0).target());
    }

    @Test
    void embeddingFromTheCacheIsTheProvidersEmbedding() throws Exception {
        EmbedContentResponse first = client.models.embedContent("gemini-embedding-001", "Hello", null);
        EmbedContentResponse second = client.models.embedContent("gemini-embedding-001", "Hello", null);
        assertEquals(List.of(0.013f, -0.008f), first.embeddings().orElseThrow().get(0).values().orElseThrow());
        assertEquals(first.embeddings().orElseThrow().get(0).values(), second.embeddings().orElseThrow().get(0).values());
        assertMissThenHit();
    }

    @Test
    void proxysOwnErrorReachesTheCallerAsAGoogleApiError() throws Exception {
        ApiException e = assertThrows(ApiException.class,
                () -> client.models.generateContent("llama-3-70b", "Hi", null));
        assertEquals(400, e.code());
        assertEquals("INVALID_ARGUMENT", e.status());
        assertTrue(e.message().contains("llama-3-70b"), e.message());
        assertEquals(0, fixture.upstream().calls());
    }

    private String streamed(String prompt) {
        StringBuilder text = new StringBuilder();
        try (ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream("gemini-2.5-flash", prompt, null)) {
            for (GenerateContentResponse chunk : stream) {
                text.append(chunk.text());
            }
        }
        return text.toString();
    }
}
