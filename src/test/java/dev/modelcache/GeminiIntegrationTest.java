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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real servlet in embedded Tomcat in front of a fake Gemini on loopback, speaking Google's JSON and SSE. */
class GeminiIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ALICE = {"x-goog-api-key", "AIza-alice"};
    private static final String SECRET = "AIzaSECRETkey123";

    @TempDir
    Path cacheDir;
    FakeUpstream upstream;
    TestProxy proxy;
    final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Gemini behind a path prefix (the prefix rule), OpenAI beside it as the default provider. */
    private void start(String... extra) throws Exception {
        upstream = FakeUpstream.start().handler(GeminiIntegrationTest::gemini);
        Map<String, String> settings = TestProxy.settings(upstream.baseUrl(), cacheDir);
        settings.put("providers/gemini/type", "gemini");
        settings.put("providers/gemini/baseUrl", upstream.baseUrl() + "/google");
        settings.put("providers/gemini/models", "gemini-*");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
        proxy = TestProxy.start(settings);
    }

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

    @AfterEach
    void stop() throws Exception {
        Logger.getLogger("").removeHandler(capture);
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    private static String cache(HttpResponse<?> response) {
        return response.headers().firstValue("X-Cache").orElse(null);
    }

    @Test
    void generateContentIsAMissThenAByteIdenticalHitUnderV1betaAndV1() throws Exception {
        start();
        for (String path : List.of(GENERATE, GENERATE.replace("/v1beta/", "/v1/"))) {
            HttpResponse<String> first = proxy.post(path, REQUEST, ALICE);
            HttpResponse<String> second = proxy.post(path, REQUEST, ALICE);
            assertEquals(200, first.statusCode(), first.body());
            assertEquals("MISS", cache(first));
            assertEquals("HIT", cache(second));
            assertEquals(ANSWER, first.body());
            assertEquals(ANSWER, second.body());
        }
        assertEquals(2, upstream.calls(), "/v1beta and /v1 are two APIs: one call each");
        FakeUpstream.Request seen = upstream.requests().get(0);
        assertEquals("/google" + GENERATE, seen.target());
        assertEquals("AIza-alice", seen.header("x-goog-api-key"));
        assertEquals(REQUEST, seen.bodyText());
        List<ExchangeSummary> ended = proxy.events().awaitExchanges(4);
        assertEquals("gemini", ended.get(1).provider());
        assertEquals(3, ended.get(1).usage().promptTokens(), "a hit keeps its tokens");
        assertEquals(22, ended.get(1).usage().completionTokens(), "thoughts count as output");
    }

    @Test
    void streamGenerateContentWithAltSseIsAMissThenTheSameEventsReplayed() throws Exception {
        start();
        for (String path : List.of(STREAM, STREAM.replace("/v1beta/", "/v1/"))) {
            HttpResponse<String> first = proxy.post(path + "?alt=sse", REQUEST, ALICE);
            HttpResponse<String> second = proxy.post(path + "?alt=sse", REQUEST, ALICE);
            assertEquals("MISS", cache(first), first.body());
            assertEquals("HIT", cache(second));
            assertEquals(String.join("", EVENTS), first.body());
            assertEquals(String.join("", EVENTS), second.body());
            assertTrue(second.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        }
        assertEquals(2, upstream.calls());
        assertEquals("/google" + STREAM + "?alt=sse", upstream.requests().get(0).target());
        List<ExchangeSummary> ended = proxy.events().awaitExchanges(4);
        assertEquals(3, ended.get(1).usage().promptTokens());
        assertEquals(2, ended.get(1).usage().completionTokens(), "from the last event's usageMetadata");
    }

    @Test
    void aStreamWithoutAltSseIsOneJsonArrayStoredWhole() throws Exception {
        start();
        HttpResponse<String> first = proxy.post(STREAM, REQUEST, ALICE);
        HttpResponse<String> second = proxy.post(STREAM, REQUEST, ALICE);
        assertEquals("MISS", cache(first));
        assertEquals("HIT", cache(second));
        assertEquals(String.join("", ARRAY), second.body());
        assertEquals(1, upstream.calls());
    }

    @Test
    void embedContentIsCachedAndACallerWithoutKeyGetsTheConfiguredOneAsGoogApiKey() throws Exception {
        start("providers/gemini/apiKey", "AIza-server");
        HttpResponse<String> first = proxy.post(EMBED, EMBED_REQUEST);
        HttpResponse<String> second = proxy.post(EMBED, EMBED_REQUEST);
        assertEquals("MISS", cache(first), first.body());
        assertEquals("HIT", cache(second));
        assertEquals(EMBEDDING, second.body());
        assertEquals("AIza-server", upstream.requests().get(0).header("x-goog-api-key"));
        proxy.post(GENERATE + "?key=AIza-caller", REQUEST);
        assertNull(upstream.requests().get(1).header("x-goog-api-key"), "a caller's key= is its credential: no server key added");
    }

    @Test
    void twoCallersWithDifferentKeyParametersGetSeparateEntriesAndTheKeyGoesUpstream() throws Exception {
        start();
        assertEquals("MISS", cache(proxy.post(GENERATE + "?key=AIza-one", REQUEST)));
        assertEquals("MISS", cache(proxy.post(GENERATE + "?key=AIza-two", REQUEST)));
        assertEquals("HIT", cache(proxy.post(GENERATE + "?key=AIza-one", REQUEST)));
        assertEquals("HIT", cache(proxy.post(GENERATE + "?key=AIza-two", REQUEST)));
        assertEquals("MISS", cache(proxy.post(GENERATE, REQUEST)), "no credential is its own partition");
        assertEquals(3, upstream.calls());
        assertEquals("/google" + GENERATE + "?key=AIza-one", upstream.requests().get(0).target());
        assertEquals("/google" + GENERATE + "?key=AIza-two", upstream.requests().get(1).target());
    }

    @Test
    void explainFindsTheEntryOfANativePathByTheModelInThePathAndTheCallersKey() throws Exception {
        start();
        proxy.post(GENERATE + "?key=" + SECRET, REQUEST);
        HttpResponse<String> same = proxy.post("/_cache/explain" + GENERATE + "?key=" + SECRET, REQUEST);
        assertEquals(200, same.statusCode(), same.body());
        assertEquals("gemini", JSON.readTree(same.body()).path("provider").asText(), same.body());
        assertTrue(JSON.readTree(same.body()).path("hit").asBoolean(), same.body());
        HttpResponse<String> other = proxy.post("/_cache/explain" + GENERATE + "?key=AIza-other", REQUEST);
        assertFalse(JSON.readTree(other.body()).path("hit").asBoolean(), other.body());
        assertFalse(other.body().contains(SECRET) || other.body().contains("AIza-other"), other.body());
        assertEquals(1, upstream.calls());
    }

    @Test
    void theKeyParameterIsInNoRecordLogLineExportOrErrorBody() throws Exception {
        start();
        proxy.post(GENERATE + "?key=" + SECRET, REQUEST);
        proxy.post(STREAM + "?alt=sse&key=" + SECRET, REQUEST);
        proxy.post(EMBED + "?key=" + SECRET, EMBED_REQUEST);
        HttpResponse<String> refused = proxy.post(GENERATE + "?key=" + SECRET, "{\"contents\":[]}", "X-Cache-Mode", "replay");
        assertEquals(504, refused.statusCode());
        HttpResponse<String> unknown = proxy.post("/v1beta/models/llama-3:generateContent?key=" + SECRET, REQUEST);
        assertEquals(400, unknown.statusCode());
        upstream.close();
        HttpResponse<String> unreachable = proxy.post(GENERATE + "?key=" + SECRET, "{\"contents\":[1]}");
        assertEquals(502, unreachable.statusCode(), unreachable.body());
        for (HttpResponse<String> error : List.of(refused, unknown, unreachable)) {
            assertFalse(error.body().contains(SECRET), error.body());
        }
        proxy.events().awaitExchanges(6);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(cacheDir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertTrue(files.size() >= 3, files.toString());
        for (Path file : files) {
            assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(SECRET), file.toString());
        }
        HttpResponse<byte[]> zip = proxy.client().send(HttpRequest.newBuilder(proxy.uri("/_cache/export")).GET().build(),
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
        for (LogRecord record : logged) {
            StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                text.append(' ').append(t);
            }
            assertFalse(text.toString().contains(SECRET), text.toString());
        }
    }

    @Test
    void theOpenAiCompatibleEndpointSpeaksOpenAiUnderItsPrefix() throws Exception {
        start();
        String chat = "{\"model\":\"gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";
        String streamed = "{\"model\":\"gemini-2.0-flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";
        String path = "/v1beta/openai/chat/completions";
        String[] bearer = {"Authorization", "Bearer AIza-alice"};
        assertEquals("MISS", cache(proxy.post(path, chat, bearer)));
        HttpResponse<String> hit = proxy.post(path, chat, bearer);
        assertEquals("HIT", cache(hit));
        assertEquals(CHAT_ANSWER, hit.body());
        assertEquals("MISS", cache(proxy.post(path, streamed, bearer)));
        HttpResponse<String> streamHit = proxy.post(path, streamed, bearer);
        assertEquals("HIT", cache(streamHit));
        assertEquals(String.join("", CHAT_EVENTS), streamHit.body());
        assertEquals(2, upstream.calls());
        assertEquals("/google/v1beta/openai/chat/completions", upstream.requests().get(0).target());
        assertEquals("Bearer AIza-alice", upstream.requests().get(0).header("Authorization"));
        assertEquals("gemini", proxy.events().awaitExchanges(4).get(3).provider());
        HttpResponse<String> refused = proxy.post(path, "{\"model\":\"gemini-2.0-flash\",\"messages\":[]}", "X-Cache-Mode", "replay");
        assertEquals(504, refused.statusCode());
        assertEquals("cache_miss", JSON.readTree(refused.body()).at("/error/code").asText(), "OpenAI's shape: " + refused.body());
    }

    @Test
    void aProxyErrorOnAGeminiPathIsInGooglesShape() throws Exception {
        start();
        HttpResponse<String> refused = proxy.post(GENERATE, REQUEST, "X-Cache-Mode", "replay");
        assertEquals(504, refused.statusCode());
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertEquals(504, error.path("code").asInt(), refused.body());
        assertEquals("DEADLINE_EXCEEDED", error.path("status").asText());
        assertFalse(error.path("message").asText().isEmpty());
        assertEquals("cache_miss", error.at("/details/0/reason").asText());
        HttpResponse<String> unknown = proxy.post("/v1/models/llama-3:generateContent", REQUEST);
        assertEquals(400, unknown.statusCode());
        assertEquals("INVALID_ARGUMENT", JSON.readTree(unknown.body()).at("/error/status").asText(), unknown.body());
        assertEquals(0, upstream.calls());
    }
}
