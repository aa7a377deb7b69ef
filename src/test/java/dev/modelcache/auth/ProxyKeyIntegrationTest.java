package dev.modelcache.auth;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code auth/keys}, clients authenticate to the proxy and the proxy to the provider: over real sockets, a
 * request without a valid proxy key is refused before the provider hears of it, an admitted one reaches the
 * provider with the server-side key only, and the cache is partitioned by the proxy key's name (or shared).
 */
class ProxyKeyIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALICE = "mc-alice-7f3a9c";
    static final String BOB = "mc-bob-55e01a";
    static final String SERVER_KEY = "sk-server-side-9d8c7b";
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";

    @TempDir
    Path cacheDir;
    FakeUpstream upstream;

    @BeforeEach
    void start() throws Exception {
        upstream = FakeUpstream.start().handler(r -> Reply.json(200, CHAT_ANSWER));
    }

    @AfterEach
    void stop() throws Exception {
        upstream.close();
    }

    static Map<String, String> settings(String upstreamBaseUrl, Path cacheDir) {
        Map<String, String> settings = TestProxy.settings(upstreamBaseUrl, cacheDir);
        settings.put("auth/keys", "alice:sha256:" + ProxyKeys.sha256Hex(ALICE) + ",bob:sha256:" + ProxyKeys.sha256Hex(BOB));
        settings.put("providers/openai/apiKey", SERVER_KEY);
        settings.put("admin/token", "admin-token-1234");
        return settings;
    }

    TestProxy proxy() throws Exception {
        return TestProxy.start(settings(upstream.baseUrl(), cacheDir));
    }

    @Test
    void aRequestWithoutAProxyKeyIs401InTheErrorShapeAndNeverReachesTheProvider() throws Exception {
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> answer = proxy.post(CHAT, BODY);
            assertRefused(answer);
            assertRefused(proxy.get("/v1/models"));
        }
        assertEquals(0, upstream.calls());
    }

    @Test
    void aWrongProxyKeyIs401AndNeverReachesTheProvider() throws Exception {
        try (TestProxy proxy = proxy()) {
            for (String[] header : new String[][] {{"Authorization", "Bearer mc-wrong"}, {"Authorization", ALICE},
                    {"Authorization", "Bearer " + ProxyKeys.sha256Hex(ALICE)}, {"x-api-key", "mc-wrong"},
                    {"Authorization", "Bearer " + SERVER_KEY}}) {
                HttpResponse<String> answer = proxy.post(CHAT, BODY, header);
                assertRefused(answer);
                assertFalse(answer.body().contains(header[1].replace("Bearer ", "")), answer.body());
            }
        }
        assertEquals(0, upstream.calls());
    }

    @Test
    void aValidProxyKeyInAnySdksHeaderIsAnsweredAndTheProviderSeesOnlyTheServerSideKey() throws Exception {
        String[] headers = {"Authorization", "x-api-key", "x-goog-api-key", "api-key"};
        try (TestProxy proxy = proxy()) {
            for (int i = 0; i < headers.length; i++) {
                String value = headers[i].equals("Authorization") ? "Bearer " + ALICE : ALICE;
                String body = BODY.replace("Say hi", "Say hi " + i);
                HttpResponse<String> answer = proxy.post(CHAT, body, headers[i], value);
                assertEquals(200, answer.statusCode(), headers[i] + ": " + answer.body());
                assertEquals("MISS", answer.headers().firstValue("X-Cache").orElse(null));
                FakeUpstream.Request seen = upstream.requests().get(i);
                assertEquals("Bearer " + SERVER_KEY, seen.header("Authorization"), headers[i]);
                for (String name : headers) {
                    if (!name.equals("Authorization")) {
                        assertNull(seen.header(name), name + " must not travel upstream");
                    }
                }
            }
        }
        assertEquals(headers.length, upstream.calls());
    }

    @Test
    void aClientsOwnProviderKeyBesideItsProxyKeyIsNotForwarded() throws Exception {
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> answer = proxy.post(CHAT, BODY, "x-api-key", ALICE, "api-key", "client-own-key");
            assertEquals(200, answer.statusCode(), answer.body());
        }
        FakeUpstream.Request seen = upstream.requests().get(0);
        assertEquals("Bearer " + SERVER_KEY, seen.header("Authorization"));
        assertNull(seen.header("api-key"));
        assertNull(seen.header("x-api-key"));
    }

    @Test
    void twoProxyKeysGetSeparateCacheEntriesAndEachItsOwnHits() throws Exception {
        try (TestProxy proxy = proxy()) {
            assertEquals("MISS", cacheStatus(proxy.post(CHAT, BODY, "Authorization", "Bearer " + ALICE)));
            assertEquals("MISS", cacheStatus(proxy.post(CHAT, BODY, "Authorization", "Bearer " + BOB)));
            assertEquals("HIT", cacheStatus(proxy.post(CHAT, BODY, "x-api-key", ALICE)),
                    "the partition follows the key's name, not the header it came in");
            assertEquals("HIT", cacheStatus(proxy.post(CHAT, BODY, "Authorization", "Bearer " + BOB)));
            JsonNode entries = JSON.readTree(proxy.get("/_cache/entries", "Authorization", "Bearer admin-token-1234").body());
            assertEquals(2, entries.path("entries").size(), entries.toString());
            assertFalse(entries.toString().contains("alice"), "the partition is a salted hash, not the name");
        }
        assertEquals(2, upstream.calls());
    }

    @Test
    void aKeyReplacedUnderTheSameNameKeepsItsEntries() throws Exception {
        try (TestProxy proxy = proxy()) {
            assertEquals("MISS", cacheStatus(proxy.post(CHAT, BODY, "Authorization", "Bearer " + ALICE)));
        }
        Map<String, String> rotated = settings(upstream.baseUrl(), cacheDir);
        rotated.put("auth/keys", "alice:sha256:" + ProxyKeys.sha256Hex("mc-alice-new"));
        try (TestProxy proxy = TestProxy.start(rotated)) {
            assertEquals("HIT", cacheStatus(proxy.post(CHAT, BODY, "Authorization", "Bearer mc-alice-new")));
            assertRefused(proxy.post(CHAT, BODY, "Authorization", "Bearer " + ALICE));
        }
        assertEquals(1, upstream.calls());
    }

    @Test
    void inSharedModeEveryProxyKeySharesOneEntry() throws Exception {
        Map<String, String> settings = settings(upstream.baseUrl(), cacheDir);
        settings.put("cache/shared", "true");
        try (TestProxy proxy = TestProxy.start(settings)) {
            assertEquals("MISS", cacheStatus(proxy.post(CHAT, BODY, "Authorization", "Bearer " + ALICE)));
            assertEquals("HIT", cacheStatus(proxy.post(CHAT, BODY, "Authorization", "Bearer " + BOB)));
            assertRefused(proxy.post(CHAT, BODY));
        }
        assertEquals(1, upstream.calls());
    }

    @Test
    void adminEndpointsKeepTheirOwnTokenAndHealthStaysOpen() throws Exception {
        try (TestProxy proxy = proxy()) {
            assertEquals(200, proxy.get("/_cache/health").statusCode());
            assertEquals(401, proxy.get("/_cache/stats", "Authorization", "Bearer " + ALICE).statusCode(),
                    "a proxy key is not the admin token");
            assertEquals(200, proxy.get("/_cache/stats", "Authorization", "Bearer admin-token-1234").statusCode());
        }
    }

    @Test
    void withoutProxyKeysNothingChanges() throws Exception {
        try (TestProxy proxy = TestProxy.start(upstream.baseUrl(), cacheDir)) {
            assertEquals(200, proxy.post(CHAT, BODY, "Authorization", "Bearer sk-client-own").statusCode());
        }
        assertEquals("Bearer sk-client-own", upstream.requests().get(0).header("Authorization"));
    }

    static String cacheStatus(HttpResponse<String> answer) {
        assertEquals(200, answer.statusCode(), answer.body());
        return answer.headers().firstValue("X-Cache").orElse(null);
    }

    static void assertRefused(HttpResponse<String> answer) throws Exception {
        assertEquals(401, answer.statusCode(), answer.body());
        JsonNode error = JSON.readTree(answer.body()).path("error");
        assertEquals("invalid_proxy_key", error.path("code").asText(), answer.body());
        assertEquals("invalid_request_error", error.path("type").asText(), answer.body());
        assertTrue(error.has("param"), answer.body());
        assertTrue(answer.headers().firstValue("WWW-Authenticate").isPresent());
    }
}
