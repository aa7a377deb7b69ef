package dev.modelcache;

import static dev.modelcache.support.GeminiFixtures.ANSWER;
import static dev.modelcache.support.GeminiFixtures.ARRAY;
import static dev.modelcache.support.GeminiFixtures.EMBED;
import static dev.modelcache.support.GeminiFixtures.EMBEDDING;
import static dev.modelcache.support.GeminiFixtures.EMBED_REQUEST;
import static dev.modelcache.support.GeminiFixtures.EVENTS;
import static dev.modelcache.support.GeminiFixtures.GENERATE;
import static dev.modelcache.support.GeminiFixtures.REQUEST;
import static dev.modelcache.support.GeminiFixtures.STREAM;
import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static dev.modelcache.support.ProxyExtension.xCache;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.LogCapture;
import dev.modelcache.support.ProxyExtension;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real servlet in embedded Tomcat in front of a fake Gemini on loopback, speaking Google's JSON and SSE. */
class GeminiIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ALICE = {"x-goog-api-key", "AIza-alice"};
    private static final String SECRET = "AIzaSECRETkey123";

    /** Gemini behind a path prefix (the prefix rule), OpenAI beside it as the default provider. */
    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(GeminiIntegrationTest::gemini)
            .provider("gemini", "gemini", "/google", "gemini-*");
    final LogCapture capture = new LogCapture();

    private static Reply gemini(FakeUpstream.Request request) {
        String target = request.target();
        if (target.contains("/openai/")) {
            return request.bodyText().contains("\"stream\":true") ? Reply.sse(CHAT_EVENTS) : Reply.json(200, CHAT_ANSWER);
        } else if (target.contains(":streamGenerateContent")) {
            return target.contains("alt=sse") ? Reply.sse(EVENTS) : Reply.json(200, ARRAY.get(0)).piece(ARRAY.get(1), 20, null);
        } else if (target.contains(":embedContent")) {
            return Reply.json(200, EMBEDDING);
        }
        return Reply.json(200, ANSWER);
    }

    @BeforeEach
    void listen() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void generateContentIsAMissThenAByteIdenticalHitUnderV1betaAndV1() throws Exception {
        for (String path : List.of(GENERATE, GENERATE.replace("/v1beta/", "/v1/"))) {
            HttpResponse<String> first = fixture.post(path, REQUEST, ALICE);
            HttpResponse<String> second = fixture.post(path, REQUEST, ALICE);
            assertEquals(200, first.statusCode(), first.body());
            assertEquals("MISS", xCache(first));
            assertEquals("HIT", xCache(second));
            assertEquals(ANSWER, first.body());
            assertEquals(ANSWER, second.body());
        }
        assertEquals(2, fixture.upstream().calls(), "/v1beta and /v1 are two APIs: one call each");
        FakeUpstream.Request seen = fixture.upstream().requests().get(0);
        assertEquals("/google" + GENERATE, seen.target());
        assertEquals("AIza-alice", seen.header("x-goog-api-key"));
        assertEquals(REQUEST, seen.bodyText());
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(4);
        assertEquals("gemini", ended.get(1).provider());
        assertEquals(3, ended.get(1).usage().promptTokens(), "a hit keeps its tokens");
        assertEquals(22, ended.get(1).usage().completionTokens(), "thoughts count as output");
    }

    @Test
    void streamGenerateContentWithAltSseIsAMissThenTheSameEventsReplayed() throws Exception {
        for (String path : List.of(STREAM, STREAM.replace("/v1beta/", "/v1/"))) {
            HttpResponse<String> first = fixture.post(path + "?alt=sse", REQUEST, ALICE);
            HttpResponse<String> second = fixture.post(path + "?alt=sse", REQUEST, ALICE);
            assertEquals("MISS", xCache(first), first.body());
            assertEquals("HIT", xCache(second));
            assertEquals(String.join("", EVENTS), first.body());
            assertEquals(String.join("", EVENTS), second.body());
            assertTrue(second.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        }
        assertEquals(2, fixture.upstream().calls());
        assertEquals("/google" + STREAM + "?alt=sse", fixture.upstream().requests().get(0).target());
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(4);
        assertEquals(3, ended.get(1).usage().promptTokens());
        assertEquals(2, ended.get(1).usage().completionTokens(), "from the last event's usageMetadata");
    }

    @Test
    void aStreamWithoutAltSseIsOneJsonArrayStoredWhole() throws Exception {
        HttpResponse<String> first = fixture.post(STREAM, REQUEST, ALICE);
        HttpResponse<String> second = fixture.post(STREAM, REQUEST, ALICE);
        assertEquals("MISS", xCache(first));
        assertEquals("HIT", xCache(second));
        assertEquals(String.join("", ARRAY), second.body());
        assertEquals(1, fixture.upstream().calls());
    }

    @Test
    void embedContentIsCachedAndACallerWithoutKeyGetsTheConfiguredOneAsGoogApiKey() throws Exception {
        fixture.with("providers/gemini/apiKey", "AIza-server");
        HttpResponse<String> first = fixture.post(EMBED, EMBED_REQUEST);
        HttpResponse<String> second = fixture.post(EMBED, EMBED_REQUEST);
        assertEquals("MISS", xCache(first), first.body());
        assertEquals("HIT", xCache(second));
        assertEquals(EMBEDDING, second.body());
        assertEquals("AIza-server", fixture.upstream().requests().get(0).header("x-goog-api-key"));
        fixture.post(GENERATE + "?key=AIza-caller", REQUEST);
        assertNull(fixture.upstream().requests().get(1).header("x-goog-api-key"), "a caller's key= is its credential: no server key added");
    }

    @Test
    void twoCallersWithDifferentKeyParametersGetSeparateEntriesAndTheKeyGoesUpstream() throws Exception {
        assertEquals("MISS", xCache(fixture.post(GENERATE + "?key=AIza-one", REQUEST)));
        assertEquals("MISS", xCache(fixture.post(GENERATE + "?key=AIza-two", REQUEST)));
        assertEquals("HIT", xCache(fixture.post(GENERATE + "?key=AIza-one", REQUEST)));
        assertEquals("HIT", xCache(fixture.post(GENERATE + "?key=AIza-two", REQUEST)));
        assertEquals("MISS", xCache(fixture.post(GENERATE, REQUEST)), "no credential is its own partition");
        assertEquals(3, fixture.upstream().calls());
        assertEquals("/google" + GENERATE + "?key=AIza-one", fixture.upstream().requests().get(0).target());
        assertEquals("/google" + GENERATE + "?key=AIza-two", fixture.upstream().requests().get(1).target());
    }

    @Test
    void explainFindsTheEntryOfANativePathByTheModelInThePathAndTheCallersKey() throws Exception {
        fixture.post(GENERATE + "?key=" + SECRET, REQUEST);
        fixture.proxy().events().awaitSettled(); // stored after its client had the answer
        HttpResponse<String> same = fixture.post("/_cache/explain" + GENERATE + "?key=" + SECRET, REQUEST);
        assertEquals(200, same.statusCode(), same.body());
        assertEquals("gemini", JSON.readTree(same.body()).path("provider").asText(), same.body());
        assertTrue(JSON.readTree(same.body()).path("hit").asBoolean(), same.body());
        HttpResponse<String> other = fixture.post("/_cache/explain" + GENERATE + "?key=AIza-other", REQUEST);
        assertFalse(JSON.readTree(other.body()).path("hit").asBoolean(), other.body());
        assertFalse(other.body().contains(SECRET) || other.body().contains("AIza-other"), other.body());
        assertEquals(1, fixture.upstream().calls());
    }

    @Test
    void theKeyParameterIsInNoRecordLogLineExportOrErrorBody() throws Exception {
        fixture.post(GENERATE + "?key=" + SECRET, REQUEST);
        fixture.post(STREAM + "?alt=sse&key=" + SECRET, REQUEST);
        fixture.post(EMBED + "?key=" + SECRET, EMBED_REQUEST);
        HttpResponse<String> refused = fixture.post(GENERATE + "?key=" + SECRET, "{\"contents\":[]}", "X-Cache-Mode", "replay");
        assertEquals(504, refused.statusCode());
        HttpResponse<String> unknown = fixture.post("/v1beta/models/llama-3:generateContent?key=" + SECRET, REQUEST);
        assertEquals(400, unknown.statusCode());
        fixture.upstream().close();
        HttpResponse<String> unreachable = fixture.post(GENERATE + "?key=" + SECRET, "{\"contents\":[1]}");
        assertEquals(502, unreachable.statusCode(), unreachable.body());
        for (HttpResponse<String> error : List.of(refused, unknown, unreachable)) {
            assertFalse(error.body().contains(SECRET), error.body());
        }
        fixture.proxy().events().awaitExchanges(6);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(fixture.cacheDir())) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertTrue(files.size() >= 3, files.toString());
        for (Path file : files) {
            assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(SECRET), file.toString());
        }
        HttpResponse<byte[]> zip = fixture.proxy().client().send(HttpRequest.newBuilder(fixture.proxy().uri("/_cache/export")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zip.statusCode());
        int entries = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries++;
                String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(SECRET) || entry.getName().contains(SECRET), entry.getName());
            }
        }
        assertTrue(entries >= 3, "the export holds the entries");
        for (LogRecord record : capture.records) {
            StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                text.append(' ').append(t);
            }
            assertFalse(text.toString().contains(SECRET), text.toString());
        }
    }

    @Test
    void theOpenAiCompatibleEndpointSpeaksOpenAiUnderItsPrefix() throws Exception {
        String chat = "{\"model\":\"gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";
        String streamed = "{\"model\":\"gemini-2.0-flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";
        String path = "/v1beta/openai/chat/completions";
        String[] bearer = {"Authorization", "Bearer AIza-alice"};
        assertEquals("MISS", xCache(fixture.post(path, chat, bearer)));
        HttpResponse<String> hit = fixture.post(path, chat, bearer);
        assertEquals("HIT", xCache(hit));
        assertEquals(CHAT_ANSWER, hit.body());
        assertEquals("MISS", xCache(fixture.post(path, streamed, bearer)));
        HttpResponse<String> streamHit = fixture.post(path, streamed, bearer);
        assertEquals("HIT", xCache(streamHit));
        assertEquals(String.join("", CHAT_EVENTS), streamHit.body());
        assertEquals(2, fixture.upstream().calls());
        assertEquals("/google/v1beta/openai/chat/completions", fixture.upstream().requests().get(0).target());
        assertEquals("Bearer AIza-alice", fixture.upstream().requests().get(0).header("Authorization"));
        assertEquals("gemini", fixture.proxy().events().awaitExchanges(4).get(3).provider());
        HttpResponse<String> refused = fixture.post(path, "{\"model\":\"gemini-2.0-flash\",\"messages\":[]}", "X-Cache-Mode", "replay");
        assertEquals(504, refused.statusCode());
        assertEquals("cache_miss", JSON.readTree(refused.body()).at("/error/code").asText(), "OpenAI's shape: " + refused.body());
    }

    @Test
    void aProxyErrorOnAGeminiPathIsInGooglesShape() throws Exception {
        HttpResponse<String> refused = fixture.post(GENERATE, REQUEST, "X-Cache-Mode", "replay");
        assertEquals(504, refused.statusCode());
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertEquals(504, error.path("code").asInt(), refused.body());
        assertEquals("DEADLINE_EXCEEDED", error.path("status").asText());
        assertFalse(error.path("message").asText().isEmpty());
        assertEquals("cache_miss", error.at("/details/0/reason").asText());
        HttpResponse<String> unknown = fixture.post("/v1/models/llama-3:generateContent", REQUEST);
        assertEquals(400, unknown.statusCode());
        assertEquals("INVALID_ARGUMENT", JSON.readTree(unknown.body()).at("/error/status").asText(), unknown.body());
        assertEquals(0, fixture.upstream().calls());
    }
}
