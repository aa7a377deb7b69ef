package dev.modelcache.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.config.ProviderConfig;
import dev.modelcache.http.ErrorShape;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.stream.SseEvent;
import dev.modelcache.support.OpenAiFixtures;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.tokens.Usage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AzureProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "/openai/deployments/prod-chat/chat/completions";

    private static ModelProvider provider(String apiKey) {
        return ProviderTypes.create(new ProviderConfig("azure", "azure", URI.create("https://contoso.openai.azure.com"),
                List.of("prod-*", "team-?"), apiKey), new TokenCounter());
    }

    private static Exchange post(String path, String body) {
        return new Exchange("POST", path, "api-version=2024-10-21", Headers.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theModelIsTheDeploymentInThePathOrUnderV1TheBodysModel() {
        ModelProvider azure = provider(null);
        assertTrue(ProviderTypes.names().contains("azure"));
        assertEquals("prod-chat", azure.model(post(CHAT, "{\"messages\":[]}")));
        assertEquals("prod-chat", azure.model(post(CHAT, "{\"model\":\"gpt-4o\",\"messages\":[]}")), "the path wins");
        assertEquals("prod-embed", azure.model(post("/openai/deployments/prod-embed/embeddings", "{\"input\":\"x\"}")));
        assertEquals("prod-chat", azure.model(post("/openai/v1/chat/completions", "{\"model\":\"prod-chat\",\"messages\":[]}")));
        assertNull(azure.model(post("/v1/chat/completions", "{\"model\":\"prod-chat\",\"messages\":[]}")),
                "OpenAI's own paths are not Azure's");
        assertNull(azure.model(post("/openai/deployments/", "{}")));
        assertTrue(azure.claims("prod-chat"));
        assertTrue(azure.claims("team-a"));
        assertFalse(azure.claims("gpt-4o"));
    }

    @Test
    void requestsAreRoutedByDeploymentBesideOpenAi() {
        ModelProvider azure = provider(null);
        ModelProvider openAi = new OpenAiProvider(new ProviderConfig("openai", "openai", URI.create("https://api.openai.com"),
                List.of("gpt-*"), null), new TokenCounter());
        ProviderTable table = new ProviderTable(List.of(openAi, azure), "openai");
        assertSame(azure, table.resolve(post(CHAT, "{\"messages\":[]}")));
        assertSame(openAi, table.resolve(post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}")));
        ProxyError unserved = org.junit.jupiter.api.Assertions.assertThrows(ProxyError.class,
                () -> table.resolve(post("/openai/deployments/staging-chat/chat/completions", "{\"messages\":[]}")));
        assertEquals("model_not_found", unserved.code());
        assertTrue(unserved.getMessage().contains("staging-chat"));
    }

    @Test
    void targetKeepsThePathAndTheApiVersion() {
        assertEquals(URI.create("https://contoso.openai.azure.com/openai/deployments/prod-chat/chat/completions?api-version=2024-10-21"),
                provider(null).target(CHAT, "api-version=2024-10-21"));
    }

    @Test
    void credentialIsTheApiKeyHeaderOrAnEntraIdBearerToken() {
        ModelProvider p = provider(null);
        String keyA = p.credential(Headers.of("api-key", "azure-a"));
        assertFalse(keyA.isEmpty());
        assertNotEquals(keyA, p.credential(Headers.of("Api-Key", "azure-b")));
        assertEquals("Bearer entra-1", p.credential(Headers.of("Authorization", "Bearer entra-1")));
        assertEquals("", p.credential(Headers.of("Content-Type", "application/json")));
        assertEquals(List.of(Map.entry("api-key", "azure-server")), provider("azure-server").defaultAuthentication());
        assertEquals(List.of(), p.defaultAuthentication());
    }

    @Test
    void filesBatchesFineTuningAndAssistantsAreStatefulBothUnderOpenaiAndOpenaiV1() {
        ModelProvider p = provider(null);
        for (String path : List.of("/openai/files", "/openai/files/file-1", "/openai/batches", "/openai/fine_tuning/jobs",
                "/openai/assistants", "/openai/threads/t1/runs", "/openai/vector_stores", "/openai/v1/files",
                "/openai/v1/batches/b1")) {
            assertTrue(p.isStateful(path), path);
        }
        for (String path : List.of(CHAT, "/openai/deployments/prod-embed/embeddings", "/openai/v1/chat/completions")) {
            assertFalse(p.isStateful(path), path);
            assertTrue(p.ownsPath(path), path);
        }
        assertFalse(p.ownsPath("/v1/chat/completions"));
        assertFalse(p.ownsPath("/openaix"));
    }

    @Test
    void streamsUsageAndErrorsAreOpenAis() throws Exception {
        ModelProvider p = provider(null);
        List<String> events = OpenAiFixtures.CHAT_EVENTS;
        SseEvent last = SseEvent.parse(events.get(events.size() - 1).getBytes(StandardCharsets.UTF_8));
        assertTrue(p.streamDialect().isTerminal(last));
        assertSame(ErrorShape.OPENAI, p.errorShape());
        Usage usage = p.usage(null, JSON.readTree(OpenAiFixtures.CHAT_ANSWER));
        assertEquals(11, usage.promptTokens());
        assertEquals(3, usage.completionTokens());
        assertTrue(p.varyHeaders().isEmpty(), "api-version is in the query, which the key holds already");
    }
}
