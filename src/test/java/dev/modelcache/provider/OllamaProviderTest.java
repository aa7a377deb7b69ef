package dev.modelcache.provider;

import static dev.modelcache.support.OllamaFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OllamaFixtures.CHAT_LINES;
import static dev.modelcache.support.OllamaFixtures.EMBED_ANSWER;
import static dev.modelcache.support.OllamaFixtures.FAILED_LINES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.config.ProviderConfig;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.stream.SseEvent;
import dev.modelcache.stream.StreamDialect;
import dev.modelcache.stream.StreamFraming;
import dev.modelcache.support.OpenAiFixtures;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.tokens.Usage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OllamaProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelProvider provider(String apiKey) {
        return ProviderTypes.create(new ProviderConfig("ollama", "ollama", URI.create("http://localhost:11434"),
                List.of("llama*", "qwen*", "mistral*"), apiKey), new TokenCounter());
    }

    private static SseEvent line(String text) {
        return StreamFraming.NDJSON.event(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Exchange post(String path, String body) {
        return new Exchange("POST", path, null, Headers.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theOllamaTypeIsKnownAndRoutesByTheBodysModel() {
        ModelProvider ollama = provider(null);
        assertTrue(ProviderTypes.names().contains("ollama"));
        assertEquals("llama3.2", ollama.model(post("/api/chat", "{\"model\":\"llama3.2\",\"messages\":[]}")));
        assertTrue(ollama.claims("llama3.2:latest"));
        assertTrue(ollama.claims("qwen3:4b"));
        assertFalse(ollama.claims("gpt-4o"));
        ModelProvider openAi = new OpenAiProvider(new ProviderConfig("openai", "openai", URI.create("https://api.openai.com"),
                List.of("gpt-*"), null), new TokenCounter());
        ProviderTable table = new ProviderTable(List.of(openAi, ollama), "openai");
        assertSame(ollama, table.resolve(post("/api/generate", "{\"model\":\"mistral:7b\",\"prompt\":\"Hi\"}")));
        assertSame(ollama, table.resolve(new Exchange("GET", "/api/tags", null, Headers.EMPTY, new byte[0])),
                "a listing without a model on Ollama's path goes to Ollama");
        assertSame(openAi, table.resolve(new Exchange("GET", "/v1/models", null, Headers.EMPTY, new byte[0])));
    }

    @Test
    void nativePathsAreOwnedAndModelManagementIsStateful() {
        ModelProvider p = provider(null);
        for (String path : List.of("/api/chat", "/api/generate", "/api/embed", "/api/embeddings", "/api/tags")) {
            assertTrue(p.ownsPath(path), path);
            assertFalse(p.isStateful(path), path);
        }
        for (String path : List.of("/api/pull", "/api/push", "/api/create", "/api/delete", "/api/copy",
                "/api/blobs/sha256:abc", "/api/show")) {
            assertTrue(p.isStateful(path), path);
        }
        assertFalse(p.ownsPath("/apix"));
        assertFalse(p.ownsPath("/v1/chat/completions"));
    }

    @Test
    void aLocalOllamaNeedsNoCredentialButABearerTokenPartitions() {
        ModelProvider p = provider(null);
        assertEquals("", p.credential(Headers.of("Content-Type", "application/json")));
        assertEquals("Bearer cloud-a", p.credential(Headers.of("Authorization", "Bearer cloud-a")));
        assertNotEquals(p.credential(Headers.of("Authorization", "Bearer cloud-a")),
                p.credential(Headers.of("Authorization", "Bearer cloud-b")));
        assertEquals(List.of(), p.defaultAuthentication());
        assertEquals(List.of(Map.entry("Authorization", "Bearer ol-server")), provider("ol-server").defaultAuthentication());
        assertEquals(List.of(), p.varyHeaders());
    }

    @Test
    void upstreamTargetFollowsTheBaseUrl() {
        assertEquals(URI.create("http://localhost:11434/api/chat"), provider(null).target("/api/chat", null));
    }

    @Test
    void streamsAreNewlineDelimitedJsonEndedByTheDoneLineAndFailedByAnErrorLine() {
        StreamDialect dialect = provider(null).streamDialect();
        assertTrue(dialect.terminalRequired(), "a stream without its done line was cut, whatever its HTTP framing");
        assertTrue(dialect.isTerminal(line(CHAT_LINES.get(2))));
        for (String text : CHAT_LINES.subList(0, 2)) {
            assertFalse(dialect.isTerminal(line(text)), text);
            assertFalse(dialect.isError(line(text)), text);
        }
        assertTrue(dialect.isError(line(FAILED_LINES.get(1))));
        assertFalse(dialect.isTerminal(line(FAILED_LINES.get(1))));
        assertFalse(dialect.isTerminal(line("{\"message\":{\"content\":\"\\\"done\\\":true\"},\"done\":false}\n")),
                "content that mentions done is not the done line");
        assertFalse(dialect.isTerminal(line("{\"done\":tr")), "a cut line is no line");
        assertFalse(dialect.isError(line("\n")));
    }

    @Test
    void theOpenAiCompatibleV1StreamsEndFailAndCountAsOpenAis() {
        ModelProvider p = provider(null);
        List<String> events = OpenAiFixtures.CHAT_EVENTS;
        List<SseEvent> parsed = events.stream().map(text -> SseEvent.parse(text.getBytes(StandardCharsets.UTF_8))).toList();
        assertTrue(p.streamDialect().isTerminal(parsed.get(parsed.size() - 1)), "[DONE]");
        assertFalse(p.streamDialect().isTerminal(parsed.get(1)));
        assertTrue(p.streamDialect().isError(SseEvent.parse("data: {\"error\":{\"message\":\"boom\"}}\n\n"
                .getBytes(StandardCharsets.UTF_8))));
        Usage usage = p.streamUsage(null, parsed.stream().map(SseEvent::data).toList());
        assertEquals(9, usage.promptTokens(), "from the usage chunk");
        assertEquals(2, usage.completionTokens());
        assertFalse(p.ownsPath("/v1/chat/completions"), "errors there stay OpenAI's");
    }

    @Test
    void usageIsPromptEvalCountAndEvalCountAsReported() throws Exception {
        ModelProvider p = provider(null);
        Usage chat = p.usage(null, JSON.readTree(CHAT_ANSWER));
        assertEquals(new Usage(26, 3, false), chat);
        assertEquals(new Usage(8, 0, false), p.usage(null, JSON.readTree(EMBED_ANSWER)));
        assertEquals(Usage.NONE, p.usage(null, JSON.readTree("{\"embedding\":[0.1,0.2]}")), "the legacy embeddings report none");
        List<String> data = CHAT_LINES.stream().map(text -> line(text).data()).toList();
        assertEquals(new Usage(26, 3, false), p.streamUsage(null, data), "from the done line");
    }

    @Test
    void proxyErrorsAreWrittenInOllamasShape() throws Exception {
        ProxyError e = ProxyError.badRequest("model_not_found", "The model 'x' is not served.");
        byte[] body = provider(null).errorShape().render(e);
        JsonNode json = JSON.readTree(body);
        assertEquals("The model 'x' is not served.", json.path("error").asText());
        assertTrue(json.path("error").isTextual(), "Ollama's clients read error as a string");
        assertEquals("model_not_found", json.path("code").asText());
        assertEquals('\n', (char) body[body.length - 1]);
    }
}
