package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
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
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(AzureIntegrationTest::azure).provider("azure", "azure", "", "prod-*");

    private static Reply azure(FakeUpstream.Request request) {
        if (request.target().contains("/embeddings")) {
            return Reply.json(200, EMBEDDINGS_ANSWER);
        }
        return request.bodyText().contains("\"stream\":true") ? Reply.sse(CHAT_EVENTS) : Reply.json(200, CHAT_ANSWER);
    }

    @Test
    void chatCompletionIsRoutedByDeploymentAndIsAMissThenAHit() throws Exception {
        HttpResponse<String> miss = fixture.post(CHAT + V1, REQUEST, ALICE);
        HttpResponse<String> hit = fixture.post(CHAT + V1, REQUEST, ALICE);
        assertEquals(200, miss.statusCode(), miss.body());
        assertEquals("MISS", xCache(miss));
        assertEquals("HIT", xCache(hit));
        assertEquals(CHAT_ANSWER, hit.body());
        assertEquals(1, fixture.upstream().calls());
        FakeUpstream.Request seen = fixture.upstream().requests().get(0);
        assertEquals(CHAT + V1, seen.target(), "path and api-version reach Azure as sent");
        assertEquals("azure-key-alice", seen.header("api-key"));
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(2);
        assertEquals("azure", ended.get(0).provider());
        assertEquals(11, ended.get(1).usage().promptTokens());
        assertEquals(3, ended.get(1).usage().completionTokens());
    }

    @Test
    void streamedChatCompletionIsAMissThenAnIdenticalHit() throws Exception {
        HttpResponse<String> miss = fixture.post(CHAT + V1, STREAM_REQUEST, ALICE);
        HttpResponse<String> hit = fixture.post(CHAT + V1, STREAM_REQUEST, ALICE);
        assertEquals("MISS", xCache(miss));
        assertEquals("HIT", xCache(hit));
        assertEquals(String.join("", CHAT_EVENTS), hit.body());
        assertTrue(hit.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertEquals(1, fixture.upstream().calls());
    }

    @Test
    void eachApiVersionAndEachKeyHasItsOwnEntry() throws Exception {
        fixture.post(CHAT + V1, REQUEST, ALICE);
        assertEquals("MISS", xCache(fixture.post(CHAT + V2, REQUEST, ALICE)), "another api-version is another entry");
        assertEquals("MISS", xCache(fixture.post(CHAT + V1, REQUEST, "api-key", "azure-key-bob")));
        assertEquals("MISS", xCache(fixture.post(CHAT + V1, REQUEST, "Authorization", "Bearer entra-token-carol")));
        assertEquals("HIT", xCache(fixture.post(CHAT + V1, REQUEST, ALICE)));
        assertEquals("HIT", xCache(fixture.post(CHAT + V2, REQUEST, ALICE)));
        assertEquals(4, fixture.upstream().calls());
        assertEquals(CHAT + V2, fixture.upstream().requests().get(1).target());
    }

    @Test
    void embeddingsOfADeploymentAreCachedAndFilesPassThrough() throws Exception {
        String embed = "/openai/deployments/prod-embed/embeddings" + V1;
        assertEquals("MISS", xCache(fixture.post(embed, "{\"input\":\"Hello\"}", ALICE)));
        assertEquals("HIT", xCache(fixture.post(embed, "{\"input\":\"Hello\"}", ALICE)));
        String batch = "{\"input_file_id\":\"file-1\",\"endpoint\":\"/chat/completions\",\"completion_window\":\"24h\"}";
        assertEquals("BYPASS", xCache(fixture.post("/openai/batches" + V1, batch, ALICE)));
        assertEquals("BYPASS", xCache(fixture.post("/openai/batches" + V1, batch, ALICE)));
        assertEquals(3, fixture.upstream().calls());
    }

    @Test
    void aDeploymentNoEntryServesIsA400InOpenAisShape() throws Exception {
        HttpResponse<String> refused = fixture.post("/openai/deployments/staging-chat/chat/completions" + V1, REQUEST, ALICE);
        assertEquals(400, refused.statusCode());
        JsonNode body = JSON.readTree(refused.body());
        assertEquals("model_not_found", body.at("/error/code").asText(), refused.body());
        assertTrue(body.at("/error/message").asText().contains("staging-chat"));
        assertFalse(refused.body().contains("azure-key-alice"));
        assertEquals(0, fixture.upstream().calls());
    }

    @Test
    void theConfiguredKeyGoesUpstreamAsApiKeyAndIsNeverStored() throws Exception {
        fixture.with("providers/azure/apiKey", "azure-server-secret");
        HttpResponse<String> answer = fixture.post(CHAT + V1, REQUEST);
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("azure-server-secret", fixture.upstream().requests().get(0).header("api-key"));
        assertFalse(answer.headers().map().toString().contains("azure-server-secret"));
        assertEquals("HIT", xCache(fixture.post(CHAT + V1, REQUEST)));
        fixture.stop();
        try (Stream<Path> files = Files.walk(fixture.cacheDir())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(bytes.contains("azure-server-secret"), "the server-side key is in " + fixture.cacheDir().relativize(file));
            }
        }
    }
}
