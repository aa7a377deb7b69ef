package dev.modelcache;

import static dev.modelcache.support.OllamaFixtures.CHAT;
import static dev.modelcache.support.OllamaFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OllamaFixtures.CHAT_LINES;
import static dev.modelcache.support.OllamaFixtures.CHAT_REQUEST;
import static dev.modelcache.support.OllamaFixtures.CHAT_REQUEST_NO_STREAM;
import static dev.modelcache.support.OllamaFixtures.EMBED;
import static dev.modelcache.support.OllamaFixtures.EMBED_ANSWER;
import static dev.modelcache.support.OllamaFixtures.EMBED_REQUEST;
import static dev.modelcache.support.OllamaFixtures.FAILED_LINES;
import static dev.modelcache.support.OllamaFixtures.GENERATE;
import static dev.modelcache.support.OllamaFixtures.GENERATE_ANSWER;
import static dev.modelcache.support.OllamaFixtures.GENERATE_REQUEST;
import static dev.modelcache.support.ProxyExtension.xCache;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.OpenAiFixtures;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.TestProxy;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real servlet in embedded Tomcat in front of a fake Ollama on loopback, speaking its native API. */
class OllamaIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Ollama as its disabled default entry would configure it, and OpenAI beside it. */
    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(OllamaIntegrationTest::ollama)
            .provider("ollama", "ollama", "/ollama", "llama*,qwen*,mistral*,gemma*,phi*,deepseek-r1*");

    /** Streams unless the body says "stream": false, as Ollama does. */
    private static Reply ollama(FakeUpstream.Request request) {
        String body = request.bodyText();
        if (request.target().endsWith(GENERATE)) {
            return Reply.json(200, GENERATE_ANSWER);
        }
        if (request.target().endsWith(EMBED)) {
            return Reply.json(200, EMBED_ANSWER);
        }
        return body.contains("\"stream\":false") ? Reply.json(200, CHAT_ANSWER) : Reply.ndjson(CHAT_LINES);
    }

    @Test
    void chatStreamsByDefaultAsNdjsonAndIsAMissThenAByteIdenticalHit() throws Exception {
        HttpResponse<byte[]> miss = fixture.postBytes(CHAT, CHAT_REQUEST);
        HttpResponse<byte[]> hit = fixture.postBytes(CHAT, CHAT_REQUEST);
        byte[] upstreamBytes = String.join("", CHAT_LINES).getBytes(StandardCharsets.UTF_8);
        assertEquals("MISS", xCache(miss));
        assertEquals("HIT", xCache(hit));
        assertArrayEquals(upstreamBytes, miss.body(), "the miss relays the upstream's bytes");
        assertArrayEquals(upstreamBytes, hit.body(), "the hit replays the same bytes");
        assertTrue(hit.headers().firstValue("Content-Type").orElse("").startsWith("application/x-ndjson"));
        assertFalse(hit.headers().firstValue("Content-Length").isPresent(), "a replayed stream is not sized up front");
        assertEquals(1, fixture.upstream().calls());
        assertEquals("/ollama/api/chat", fixture.upstream().requests().get(0).target());
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(2);
        assertEquals("ollama", ended.get(0).provider());
        assertEquals(26, ended.get(1).usage().promptTokens(), "a hit keeps the done line's prompt_eval_count");
        assertEquals(3, ended.get(1).usage().completionTokens(), "and its eval_count");
    }

    @Test
    void realtimeReplayHandsOutTheLinesOneByOneAtTheirRecordedPace() throws Exception {
        fixture.handler(r -> Reply.ndjson(CHAT_LINES).pauseEach(200));
        fixture.postBytes(CHAT, CHAT_REQUEST);
        fixture.proxy().events().awaitExchanges(1);
        fixture.proxy().events().awaitSettled();
        HttpRequest request = HttpRequest.newBuilder(fixture.proxy().uri(CHAT)).header("Content-Type", "application/json")
                .header("X-Cache-Replay", "realtime").POST(HttpRequest.BodyPublishers.ofString(CHAT_REQUEST)).build();
        long start = System.nanoTime();
        HttpResponse<InputStream> paced = fixture.proxy().client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("HIT", xCache(paced));
        List<Long> lineMillis = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (InputStream in = paced.body()) {
            int b;
            while ((b = in.read()) != -1) {
                bytes.write(b);
                if (b == '\n') {
                    lineMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
            }
        }
        assertEquals(String.join("", CHAT_LINES), bytes.toString(StandardCharsets.UTF_8));
        assertEquals(3, lineMillis.size());
        assertTrue(lineMillis.get(1) - lineMillis.get(0) >= 150, "the second line came a pause after the first: " + lineMillis);
        assertTrue(lineMillis.get(2) - lineMillis.get(1) >= 150, "and the third a pause later: " + lineMillis);
    }

    @Test
    void anIdenticalRequestFollowsALiveStreamLineByLineWithoutASecondCall() throws Exception {
        CountDownLatch restMaySend = new CountDownLatch(1);
        fixture.handler(r -> Reply.ndjson(CHAT_LINES).gateBefore(1, restMaySend));
        HttpRequest request = HttpRequest.newBuilder(fixture.proxy().uri(CHAT)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT_REQUEST)).build();
        HttpResponse<InputStream> leader = fixture.proxy().client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream leaderBody = leader.body()) {
            assertEquals(CHAT_LINES.get(0), readLine(leaderBody), "the first line is out before the rest was sent");
            HttpResponse<InputStream> follower = fixture.proxy().client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals("HIT", xCache(follower));
            try (InputStream followerBody = follower.body()) {
                assertEquals(CHAT_LINES.get(0), readLine(followerBody), "the follower gets the line already there");
                restMaySend.countDown();
                assertEquals(String.join("", CHAT_LINES.subList(1, 3)),
                        new String(followerBody.readAllBytes(), StandardCharsets.UTF_8));
            }
            assertEquals(String.join("", CHAT_LINES.subList(1, 3)), new String(leaderBody.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(1, fixture.upstream().calls());
    }

    private static String readLine(InputStream in) throws Exception {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Test
    void chatWithStreamFalseIsOneJsonAnswerMissThenHit() throws Exception {
        HttpResponse<String> miss = fixture.post(CHAT, CHAT_REQUEST_NO_STREAM);
        HttpResponse<String> hit = fixture.post(CHAT, CHAT_REQUEST_NO_STREAM);
        assertEquals("MISS", xCache(miss));
        assertEquals("HIT", xCache(hit));
        assertEquals(CHAT_ANSWER, hit.body());
        assertTrue(hit.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(1, fixture.upstream().calls());
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(2);
        assertEquals(26, ended.get(1).usage().promptTokens());
        assertEquals(3, ended.get(1).usage().completionTokens());
    }

    @Test
    void generateAndEmbedAreMissesThenHits() throws Exception {
        assertEquals("MISS", xCache(fixture.post(GENERATE, GENERATE_REQUEST)));
        HttpResponse<String> generated = fixture.post(GENERATE, GENERATE_REQUEST);
        assertEquals("HIT", xCache(generated));
        assertEquals(GENERATE_ANSWER, generated.body());
        assertEquals("MISS", xCache(fixture.post(EMBED, EMBED_REQUEST)));
        HttpResponse<String> embedded = fixture.post(EMBED, EMBED_REQUEST);
        assertEquals("HIT", xCache(embedded));
        assertEquals(EMBED_ANSWER, embedded.body());
        assertEquals(2, fixture.upstream().calls());
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(4);
        assertEquals(8, ended.get(3).usage().promptTokens(), "embed reports its prompt_eval_count");
    }

    @Test
    void aStreamCutBeforeItsDoneLineIsRelayedButNotStored() throws Exception {
        fixture.handler(r -> Reply.ndjson(CHAT_LINES.subList(0, 2)));
        HttpResponse<byte[]> first = fixture.postBytes(CHAT, CHAT_REQUEST);
        assertEquals(String.join("", CHAT_LINES.subList(0, 2)), new String(first.body(), StandardCharsets.UTF_8));
        fixture.proxy().events().awaitExchanges(1);
        fixture.proxy().events().awaitSettled();
        assertEquals("MISS", xCache(fixture.postBytes(CHAT, CHAT_REQUEST)), "a chunked stream that ended cleanly without done: true");
        assertEquals(2, fixture.upstream().calls());
    }

    @Test
    void aStreamThatFailsWithAnErrorLineIsRelayedButNotStored() throws Exception {
        fixture.handler(r -> Reply.ndjson(FAILED_LINES));
        HttpResponse<byte[]> first = fixture.postBytes(CHAT, CHAT_REQUEST);
        assertEquals(String.join("", FAILED_LINES), new String(first.body(), StandardCharsets.UTF_8));
        fixture.proxy().events().awaitExchanges(1);
        fixture.proxy().events().awaitSettled();
        assertEquals("MISS", xCache(fixture.postBytes(CHAT, CHAT_REQUEST)));
        assertEquals(2, fixture.upstream().calls());
    }

    @Test
    void theOpenAiCompatibleV1OfTheSameModelsIsCachedEventByEvent() throws Exception {
        fixture.handler(r -> Reply.sse(OpenAiFixtures.CHAT_EVENTS));
        String request = "{\"model\":\"llama3.2\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        HttpResponse<byte[]> miss = fixture.postBytes(TestProxy.CHAT, request);
        HttpResponse<byte[]> hit = fixture.postBytes(TestProxy.CHAT, request);
        assertEquals("MISS", xCache(miss));
        assertEquals("HIT", xCache(hit));
        assertEquals(String.join("", OpenAiFixtures.CHAT_EVENTS), new String(hit.body(), StandardCharsets.UTF_8));
        assertEquals("/ollama/v1/chat/completions", fixture.upstream().requests().get(0).target());
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(2);
        assertEquals("ollama", ended.get(0).provider());
        assertEquals(9, ended.get(1).usage().promptTokens(), "OpenAI's usage chunk");
    }

    @Test
    void modelManagementAndListingsPassThroughUncached() throws Exception {
        fixture.handler(r -> Reply.json(200, "{\"status\":\"success\"}"));
        String pull = "{\"model\":\"llama3.2\",\"stream\":false}";
        assertEquals("BYPASS", xCache(fixture.post("/api/pull", pull)));
        assertEquals("BYPASS", xCache(fixture.post("/api/pull", pull)));
        assertEquals("BYPASS", xCache(fixture.post("/api/show", "{\"model\":\"llama3.2\"}")));
        HttpResponse<String> tags = fixture.get("/api/tags");
        assertEquals(200, tags.statusCode(), tags.body());
        assertEquals(4, fixture.upstream().calls());
        assertEquals("/ollama/api/tags", fixture.upstream().requests().get(3).target(), "a listing without a model goes to Ollama");
    }

    @Test
    void aBearerTokenKeepsItsCallersEntriesApart() throws Exception {
        fixture.post(CHAT, CHAT_REQUEST_NO_STREAM, "Authorization", "Bearer ol-alice");
        assertEquals("MISS", xCache(fixture.post(CHAT, CHAT_REQUEST_NO_STREAM, "Authorization", "Bearer ol-bob")));
        assertEquals("MISS", xCache(fixture.post(CHAT, CHAT_REQUEST_NO_STREAM)));
        assertEquals("HIT", xCache(fixture.post(CHAT, CHAT_REQUEST_NO_STREAM, "Authorization", "Bearer ol-alice")));
        assertEquals(3, fixture.upstream().calls());
    }

    @Test
    void proxyErrorsOnOllamasPathsAreInOllamasShape() throws Exception {
        HttpResponse<String> miss = fixture.post(CHAT, CHAT_REQUEST, "X-Cache-Mode", "replay");
        assertEquals(504, miss.statusCode());
        JsonNode body = JSON.readTree(miss.body());
        assertTrue(body.path("error").isTextual(), miss.body());
        assertFalse(body.path("error").asText().isEmpty());
        assertEquals("cache_miss", body.path("code").asText());
        HttpResponse<String> refused = fixture.post(GENERATE, "{\"model\":\"granite3\",\"prompt\":\"Hi\"}");
        assertEquals(400, refused.statusCode());
        assertTrue(JSON.readTree(refused.body()).path("error").asText().contains("granite3"), refused.body());
        assertEquals(0, fixture.upstream().calls());
    }

    /**
     * The entries API says what the relay said: an NDJSON answer is a stream. After a restart it used to list
     * Ollama's streams as {@code "eventStream": false} (the record index, read from the headers, knew only SSE), and
     * it showed their lines as one event (split at blank lines, which NDJSON never has).
     */
    @Test
    void aStoredNdjsonStreamIsListedAsAStreamAndShownLineByLine() throws Exception {
        assertEquals("MISS", xCache(fixture.postBytes(CHAT, CHAT_REQUEST)));
        fixture.proxy().events().awaitStored(1);
        assertTrue(JSON.readTree(fixture.get("/_cache/entries").body()).at("/entries/0/eventStream").asBoolean(),
                "listed as a stream while the proxy that stored it runs");
        fixture.restart();
        JsonNode listed = JSON.readTree(fixture.get("/_cache/entries").body());
        assertEquals(1, listed.get("count").asInt(), listed.toString());
        JsonNode entry = listed.at("/entries/0");
        assertEquals("ollama", entry.get("provider").asText(), entry.toString());
        assertTrue(entry.get("eventStream").asBoolean(), "and after a restart, from the record's header: " + entry);
        JsonNode shown = JSON.readTree(fixture.get("/_cache/entries/" + entry.get("key").asText()).body());
        assertEquals("events", shown.at("/response/bodyShown").asText(), shown.toString());
        JsonNode events = shown.at("/response/events");
        assertEquals(CHAT_LINES.size(), events.size(), shown.toString());
        for (int i = 0; i < CHAT_LINES.size(); i++) {
            assertEquals(CHAT_LINES.get(i).strip(), events.get(i).asText());
        }
    }
}
