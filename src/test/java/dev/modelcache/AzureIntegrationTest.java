package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real servlet in embedded Tomcat in front of a fake Azure OpenAI resource on loopback. */
class AzureIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "/openai/deployments/prod-chat/chat/completions";
    private static final String V1 = "?api-version=2024-10-21";
    private static final String V2 = "?api-version=2025-04-01-preview";
    private static final String REQUEST = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"temperature\":0}";
    private static final String STREAM_REQUEST = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":true}";
    private static final String EMBEDDINGS_ANSWER = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
            + "\"embedding\":[0.1,0.2]}],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";
    private static final String[] ALICE = {"api-key", "azure-key-alice"};

    @TempDir
    Path cacheDir;
    FakeUpstream upstream;
    TestProxy proxy;

    private void start(String... extra) throws Exception {
        upstream = FakeUpstream.start().handler(AzureIntegrationTest::azure);
        Map<String, String> settings = TestProxy.settings(upstream.baseUrl(), cacheDir);
        settings.put("providers/azure/type", "azure");
        settings.put("providers/azure/baseUrl", upstream.baseUrl());
        settings.put("providers/azure/models", "prod-*");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        proxy = TestProxy.start(settings);
    }

    private static Reply azure(FakeUpstream.Request request) {
        if (request.target().contains("/embeddings")) {
            return Reply.json(200, EMBEDDINGS_ANSWER);
        }
        return request.bodyText().contains("\"stream\":true") ? Reply.sse(CHAT_EVENTS) : Reply.json(200, CHAT_ANSWER);
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
    void chatCompletionIsRoutedByDeploymentAndIsAMissThenAHit() throws Exception {
        start();
        HttpResponse<String> miss = proxy.post(CHAT + V1, REQUEST, ALICE);
        HttpResponse<String> hit = proxy.post(CHAT + V1, REQUEST, ALICE);
        assertEquals(200, miss.statusCode(), miss.body());
        assertEquals("MISS", cache(miss));
        assertEquals("HIT", cache(hit));
        assertEquals(CHAT_ANSWER, hit.body());
        assertEquals(1, upstream.calls());
        FakeUpstream.Request seen = upstream.requests().get(0);
        assertEquals(CHAT + V1, seen.target(), "path and api-version reach Azure as sent");
        assertEquals("azure-key-alice", seen.header("api-key"));
        List<ExchangeSummary> ended = proxy.events().awaitExchanges(2);
        assertEquals("azure", ended.get(0).provider());
        assertEquals(11, ended.get(1).usage().promptTokens());
        assertEquals(3, ended.get(1).usage().completionTokens());
    }

    @Test
    void streamedChatCompletionIsAMissThenAnIdenticalHit() throws Exception {
        start();
        HttpResponse<String> miss = proxy.post(CHAT + V1, STREAM_REQUEST, ALICE);
        HttpResponse<String> hit = proxy.post(CHAT + V1, STREAM_REQUEST, ALICE);
        assertEquals("MISS", cache(miss));
        assertEquals("HIT", cache(hit));
        assertEquals(String.join("", CHAT_EVENTS), hit.body());
        assertTrue(hit.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertEquals(1, upstream.calls());
    }

    @Test
    void eachApiVersionAndEachKeyHasItsOwnEntry() throws Exception {
        start();
        proxy.post(CHAT + V1, REQUEST, ALICE);
        assertEquals("MISS", cache(proxy.post(CHAT + V2, REQUEST, ALICE)), "another api-version is another entry");
        assertEquals("MISS", cache(proxy.post(CHAT + V1, REQUEST, "api-key", "azure-key-bob")));
        assertEquals("MISS", cache(proxy.post(CHAT + V1, REQUEST, "Authorization", "Bearer entra-token-carol")));
        assertEquals("HIT", cache(proxy.post(CHAT + V1, REQUEST, ALICE)));
        assertEquals("HIT", cache(proxy.post(CHAT + V2, REQUEST, ALICE)));
        assertEquals(4, upstream.calls());
        assertEquals(CHAT + V2, upstream.requests().get(1).target());
    }

    @Test
    void embeddingsOfADeploymentAreCachedAndFilesPassThrough() throws Exception {
        start();
        String embed = "/openai/deployments/prod-embed/embeddings" + V1;
        assertEquals("MISS", cache(proxy.post(embed, "{\"input\":\"Hello\"}", ALICE)));
        assertEquals("HIT", cache(proxy.post(embed, "{\"input\":\"Hello\"}", ALICE)));
        String batch = "{\"input_file_id\":\"file-1\",\"endpoint\":\"/chat/completions\",\"completion_window\":\"24h\"}";
        assertEquals("BYPASS", cache(proxy.post("/openai/batches" + V1, batch, ALICE)));
        assertEquals("BYPASS", cache(proxy.post("/openai/batches" + V1, batch, ALICE)));
        assertEquals(3, upstream.calls());
    }

    @Test
    void aDeploymentNoEntryServesIsA400InOpenAisShape() throws Exception {
        start();
        HttpResponse<String> refused = proxy.post("/openai/deployments/staging-chat/chat/completions" + V1, REQUEST, ALICE);
        assertEquals(400, refused.statusCode());
        JsonNode body = JSON.readTree(refused.body());
        assertEquals("model_not_found", body.at("/error/code").asText(), refused.body());
        assertTrue(body.at("/error/message").asText().contains("staging-chat"));
        assertFalse(refused.body().contains("azure-key-alice"));
        assertEquals(0, upstream.calls());
    }

    @Test
    void theConfiguredKeyGoesUpstreamAsApiKeyAndIsNeverStored() throws Exception {
        start("providers/azure/apiKey", "azure-server-secret");
        HttpResponse<String> answer = proxy.post(CHAT + V1, REQUEST);
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("azure-server-secret", upstream.requests().get(0).header("api-key"));
        assertFalse(answer.headers().map().toString().contains("azure-server-secret"));
        assertEquals("HIT", cache(proxy.post(CHAT + V1, REQUEST)));
        proxy.close();
        proxy = null;
        try (Stream<Path> files = Files.walk(cacheDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(bytes.contains("azure-server-secret"), "the server-side key is in " + cacheDir.relativize(file));
            }
        }
    }
}
