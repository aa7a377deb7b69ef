package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static dev.modelcache.support.OpenAiFixtures.RESPONSES_EVENTS;
import static dev.modelcache.support.ProxyExtension.postBytes;
import static dev.modelcache.support.ProxyExtension.xCache;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.TestProxy;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Record with a key, export the cassettes, wipe the cache, and replay them with no key and no provider: plain,
 * streamed (chat and Responses API) and embeddings answers come back byte for byte.
 */
class CassetteRoundTripIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "sk-test-ROUNDTRIP-0123456789abcdef";
    static final String EMBEDDING = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.0023064255,-0.009327292]}],"
            + "\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";
    /** Path and body of each recorded request. */
    static final Map<String, String[]> REQUESTS = new LinkedHashMap<>();

    static {
        REQUESTS.put("plain", new String[] {"/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"});
        REQUESTS.put("stream", new String[] {"/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"});
        REQUESTS.put("responses", new String[] {"/v1/responses", "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"input\":\"hi\"}"});
        REQUESTS.put("embeddings", new String[] {"/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}"});
    }

    @TempDir
    Path work;
    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension();

    /** Records the four answers with a key in namespace "suite"; returns each one's bytes. */
    Map<String, byte[]> record(TestProxy proxy) throws Exception {
        Map<String, byte[]> answers = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> request : REQUESTS.entrySet()) {
            HttpResponse<byte[]> response = postBytes(proxy, request.getValue()[0], request.getValue()[1],
                    "Authorization", "Bearer " + SECRET, "X-Cache-Namespace", "suite");
            assertEquals(200, response.statusCode(), request.getKey());
            assertEquals("MISS", xCache(response), request.getKey());
            answers.put(request.getKey(), response.body());
        }
        return answers;
    }

    void startUpstream() throws Exception {
        fixture.handler(r -> {
            String body = r.bodyText();
            if (r.target().startsWith("/v1/embeddings")) {
                return Reply.json(200, EMBEDDING);
            } else if (r.target().startsWith("/v1/responses")) {
                return Reply.sse(RESPONSES_EVENTS);
            }
            return body.contains("\"stream\":true") ? Reply.sse(CHAT_EVENTS) : Reply.json(200, CHAT_ANSWER);
        });
    }

    static byte[] exportZip(TestProxy proxy, String query) throws Exception {
        HttpResponse<byte[]> zip = proxy.client().send(HttpRequest.newBuilder(proxy.uri("/_cache/export" + query)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zip.statusCode());
        assertEquals("application/zip", zip.headers().firstValue("Content-Type").orElseThrow());
        return zip.body();
    }

    static void unzip(byte[] zip, Path into) throws Exception {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (!entry.isDirectory()) {
                    Path file = into.resolve(entry.getName());
                    Files.createDirectories(file.getParent());
                    Files.write(file, in.readAllBytes());
                }
            }
        }
    }

    void assertReplaysByteForByte(TestProxy proxy, Map<String, byte[]> answers, String... headers) throws Exception {
        for (Map.Entry<String, String[]> request : REQUESTS.entrySet()) {
            HttpResponse<byte[]> response = postBytes(proxy, request.getValue()[0], request.getValue()[1], headers);
            assertEquals(200, response.statusCode(), request.getKey() + ": " + new String(response.body(), StandardCharsets.UTF_8));
            assertEquals("HIT", xCache(response), request.getKey());
            assertArrayEquals(answers.get(request.getKey()), response.body(), request.getKey());
        }
    }

    @Test
    void exportedCassettesReplayOfflineWithNoKeyFromAFreshCacheByteForByte() throws Exception {
        startUpstream();
        TestProxy recorder = fixture.another(work.resolve("cache-1"));
        Map<String, byte[]> answers = record(recorder);
        String partition = JSON.readTree(recorder.get("/_cache/entries").body()).path("entries").path(0).path("partition").asText();
        Path cassettes = work.resolve("cassettes");
        unzip(exportZip(recorder, "?namespace=suite"), cassettes);
        fixture.upstream().close();

        try (Stream<Path> files = Files.walk(cassettes)) {
            List<Path> records = files.filter(Files::isRegularFile).toList();
            assertEquals(4, records.size(), records.toString());
            for (Path file : records) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(SECRET), "no credential in " + file);
                assertFalse(text.contains(SECRET.substring(8, 24)), "not even part of it in " + file);
                assertFalse(text.contains(partition), "no partition id in " + file);
                assertTrue(file.toString().contains("suite"), "the namespace names the folder: " + file);
            }
        }

        TestProxy ci = fixture.another(work.resolve("cache-2"), "cache/cassettes", cassettes.toString(), "cache/mode", "replay",
                "cache/shared", "true");
        assertReplaysByteForByte(ci, answers, "X-Cache-Namespace", "suite");
        HttpResponse<byte[]> changed = postBytes(ci, "/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}", "X-Cache-Namespace", "suite");
        assertEquals(504, changed.statusCode());
        assertTrue(new String(changed.body(), StandardCharsets.UTF_8).contains("/messages/0/content"));
        JsonNode report = JSON.readTree(ci.get("/_cache/report").body());
        assertEquals(1, report.path("missCount").asInt(), report.toString());
        assertEquals(0, report.path("unusedCount").asInt(), report.toString());
        assertEquals(4, fixture.upstream().calls(), "only the recording reached the provider");
    }

    @Test
    void anImportedZipIsServedFromTheStoreAfterTheCacheWasWiped() throws Exception {
        startUpstream();
        TestProxy recorder = fixture.another(work.resolve("cache-1"));
        Map<String, byte[]> answers = record(recorder);
        byte[] zip = exportZip(recorder, "");
        fixture.upstream().close();

        TestProxy fresh = fixture.another(work.resolve("cache-2"), "cache/shared", "true");
        HttpResponse<String> imported = fresh.client().send(HttpRequest.newBuilder(fresh.uri("/_cache/import"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(zip)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, imported.statusCode(), imported.body());
        assertEquals(4, JSON.readTree(imported.body()).path("imported").asInt(), imported.body());
        assertReplaysByteForByte(fresh, answers, "X-Cache-Namespace", "suite", "Authorization", "Bearer sk-someone-else");
    }

    @Test
    void aZipThatIsNotCassettesIsRefusedWith400() throws Exception {
        startUpstream();
        TestProxy proxy = fixture.another(work.resolve("cache"));
        HttpResponse<String> refused = proxy.client().send(HttpRequest.newBuilder(proxy.uri("/_cache/import"))
                .POST(HttpRequest.BodyPublishers.ofString("not a zip")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("invalid_cassettes", JSON.readTree(refused.body()).path("error").path("code").asText());
    }

    @Test
    void aRecordedSequenceKeepsItsOrderThroughCassettes() throws Exception {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        fixture.handler(r -> Reply.json(200, "{\"turn\":" + n.incrementAndGet() + "}"));
        String ask = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"next step?\"}]}";
        TestProxy recorder = fixture.another(work.resolve("cache-1"), "cache/sequences", "true");
        for (int i = 1; i <= 2; i++) {
            assertEquals("{\"turn\":" + i + "}", new String(postBytes(recorder, "/v1/chat/completions", ask, "X-Cache-Namespace", "agent").body(),
                    StandardCharsets.UTF_8));
        }
        Path cassettes = work.resolve("cassettes");
        unzip(exportZip(recorder, ""), cassettes);
        fixture.upstream().close();

        TestProxy ci = fixture.another(work.resolve("cache-2"), "cache/cassettes", cassettes.toString(), "cache/mode", "replay",
                "cache/shared", "true", "cache/sequences", "true");
        for (String expected : new String[] {"{\"turn\":1}", "{\"turn\":2}", "{\"turn\":2}"}) {
            HttpResponse<byte[]> answer = postBytes(ci, "/v1/chat/completions", ask, "X-Cache-Namespace", "agent");
            assertEquals(expected, new String(answer.body(), StandardCharsets.UTF_8));
        }
        assertEquals(2, n.get());
    }
}
