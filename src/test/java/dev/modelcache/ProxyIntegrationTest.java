package dev.modelcache;

import static dev.modelcache.support.ProxyExtension.xCache;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;

import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.UpstreamCall;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real servlet in embedded Tomcat against a fake OpenAI on loopback: the behaviour a user sees. */
class ProxyIntegrationTest {
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";
    static final String SAME_BODY_REORDERED = "{ \"messages\" : [ {\"content\":\"Say hi\", \"role\":\"user\"} ],\n  \"model\": \"gpt-4o-mini\" }";
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER));

    @Test
    void everyExchangeEndsWithOneEventThatTellsItsCacheStatusAndTheUpstreamTiming() throws Exception {
        fixture.post(CHAT, BODY, "Authorization", "Bearer sk-alice");
        fixture.post(CHAT, BODY, "Authorization", "Bearer sk-alice");
        fixture.post(CHAT, "{\"model\":\"claude-unknown\"}");
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(3);
        fixture.proxy().events().awaitSettled();
        assertEquals(3, ended.size(), "one event per exchange");
        ExchangeSummary miss = ended.get(0);
        assertEquals(CacheStatus.MISS, miss.cacheStatus());
        assertEquals("openai", miss.provider());
        assertEquals(200, miss.httpStatus());
        assertEquals(64, miss.keyId().length());
        ExchangeSummary hit = ended.get(1);
        assertEquals(CacheStatus.HIT, hit.cacheStatus());
        assertEquals(miss.keyId(), hit.keyId());
        assertEquals(11, hit.usage().promptTokens(), "a hit tells the tokens it saved");
        ExchangeSummary refused = ended.get(2);
        assertNull(refused.cacheStatus(), "refused before the cache was consulted");
        assertEquals(400, refused.httpStatus());
        List<UpstreamCall> calls = fixture.proxy().events().upstreamCalls();
        assertEquals(1, calls.size());
        assertEquals(UpstreamCall.Result.COMPLETE, calls.get(0).result());
        assertEquals(200, calls.get(0).status());
        assertTrue(calls.get(0).totalMillis() >= calls.get(0).headersMillis());
    }

    @Test
    void secondIdenticalCallIsServedFromTheCache() throws Exception {
        HttpResponse<String> first = fixture.post(CHAT, BODY, "Authorization", "Bearer sk-alice");
        HttpResponse<String> second = fixture.post(CHAT, SAME_BODY_REORDERED, "Authorization", "Bearer sk-alice");

        assertEquals(200, first.statusCode());
        assertEquals("MISS", xCache(first));
        assertEquals(200, second.statusCode());
        assertEquals("HIT", xCache(second));
        assertTrue(second.headers().firstValue("Age").isPresent(), "a hit carries Age");
        assertEquals(CHAT_ANSWER, first.body());
        assertEquals(CHAT_ANSWER, second.body());
        assertEquals("application/json", second.headers().firstValue("Content-Type").orElse(null));
        assertEquals("req_fake", second.headers().firstValue("x-request-id").orElse(null));
        assertEquals(1, fixture.upstream().calls(), "the provider is called once");

        var stats = fixture.proxy().settledStats();
        assertEquals(1, stats.hits());
        assertEquals(11, stats.savedPromptTokens());
        assertEquals(3, stats.savedCompletionTokens());
    }

    @Test
    void requestGoesUpWithQueryBodyAndEndToEndHeadersOnly() throws Exception {
        fixture.post(CHAT + "?api-version=2024-06-01", BODY, "Authorization", "Bearer sk-alice",
                "OpenAI-Organization", "org-1", "X-Cache-Replay", "realtime");
        FakeUpstream.Request seen = fixture.upstream().requests().get(0);
        assertEquals("POST", seen.method());
        assertEquals(CHAT + "?api-version=2024-06-01", seen.target());
        assertEquals(BODY, seen.bodyText());
        assertEquals("Bearer sk-alice", seen.header("Authorization"));
        assertEquals("org-1", seen.header("OpenAI-Organization"));
        assertNull(seen.header("X-Cache-Replay"), "the proxy's own controls stay here");
        assertEquals(fixture.upstream().baseUrl().substring("http://".length()), seen.header("Host"),
                "Host names the provider, not the proxy");
        assertNull(seen.header("Accept-Encoding"), "the provider answers uncompressed");
    }

    @Test
    void hopByHopHeadersStayOnTheirHop() throws Exception {
        // The JDK client refuses to send Connection or TE itself, so this request is written by hand.
        byte[] body = BODY.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fixture.proxy().uri("/").getPort())) {
            socket.getOutputStream().write(("POST " + CHAT + " HTTP/1.1\r\nHost: proxy.example\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n"
                    + "Connection: close, X-Hop\r\nX-Hop: 1\r\nTE: trailers\r\nKeep-Alive: timeout=5\r\n"
                    + "Proxy-Authorization: Basic c2VjcmV0\r\nX-End-To-End: kept\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(body);
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
        FakeUpstream.Request seen = fixture.upstream().requests().get(0);
        assertEquals("kept", seen.header("X-End-To-End"));
        for (String hop : new String[] {"X-Hop", "TE", "Keep-Alive", "Proxy-Authorization"}) {
            assertNull(seen.header(hop), hop + " is not forwarded");
        }
        assertFalse(String.valueOf(seen.header("Connection")).contains("X-Hop"));
        assertEquals(fixture.upstream().baseUrl().substring("http://".length()), seen.header("Host"));
    }

    @Test
    void differentApiKeysNeverShareEntries() throws Exception {
        fixture.post(CHAT, BODY, "Authorization", "Bearer sk-alice");
        HttpResponse<String> bob = fixture.post(CHAT, BODY, "Authorization", "Bearer sk-bob");
        HttpResponse<String> nobody = fixture.post(CHAT, BODY);
        assertEquals("MISS", xCache(bob));
        assertEquals("MISS", xCache(nobody));
        assertEquals(3, fixture.upstream().calls());
        assertEquals("HIT", xCache(fixture.post(CHAT, BODY, "Authorization", "Bearer sk-bob")));
        assertEquals(3, fixture.upstream().calls());
    }

    @Test
    void upstreamErrorsPassThroughAndAreNotCached() throws Exception {
        String error = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
        for (int status : new int[] {400, 401, 429, 500, 503}) {
            fixture.handler(r -> Reply.json(status, error).header("Retry-After", "1"));
            int before = fixture.upstream().calls();
            HttpResponse<String> first = fixture.post(CHAT, BODY, "Authorization", "Bearer sk-alice");
            HttpResponse<String> second = fixture.post(CHAT, BODY, "Authorization", "Bearer sk-alice");
            assertEquals(status, first.statusCode());
            assertEquals(error, first.body());
            assertEquals("1", first.headers().firstValue("Retry-After").orElse(null));
            assertEquals(status, second.statusCode());
            assertEquals("MISS", xCache(second));
            assertEquals(before + 2, fixture.upstream().calls(), "status " + status + " is never cached");
        }
    }

    @Test
    void aRestartWithTheSameCacheFolderStillHits() throws Exception {
        fixture.post(CHAT, BODY, "Authorization", "Bearer sk-alice");
        fixture.restart();
        HttpResponse<String> after = fixture.post(CHAT, BODY, "Authorization", "Bearer sk-alice");
        assertEquals("HIT", xCache(after));
        assertEquals(CHAT_ANSWER, after.body());
        assertEquals(1, fixture.upstream().calls());
    }

    @Test
    void credentialsAndCookiesAreNeverStored() throws Exception {
        fixture.post(CHAT, BODY, "Authorization", "Bearer sk-very-secret-key");
        HttpResponse<String> hit = fixture.post(CHAT, BODY, "Authorization", "Bearer sk-very-secret-key");
        assertEquals("HIT", xCache(hit));
        assertTrue(hit.headers().firstValue("Set-Cookie").isEmpty(), "cookies are not replayed");
        fixture.stop();
        try (Stream<Path> files = Files.walk(fixture.cacheDir())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(content.contains("sk-very-secret-key"), file + " holds the API key");
                assertFalse(content.contains("secret-cookie"), file + " holds the cookie");
            }
        }
    }

    @Test
    void unknownModelGets400NamingIt() throws Exception {
        HttpResponse<String> response = fixture.post(CHAT, "{\"model\":\"llama-3-70b\",\"messages\":[]}");
        assertEquals(400, response.statusCode());
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertEquals("model_not_found", error.get("code").asText());
        assertEquals("invalid_request_error", error.get("type").asText());
        assertTrue(error.get("message").asText().contains("llama-3-70b"));
        assertEquals(0, fixture.upstream().calls());
    }

    @Test
    void requestsWithoutAModelGoToTheDefaultProvider() throws Exception {
        fixture.handler(r -> Reply.json(200, "{\"object\":\"list\",\"data\":[]}"));
        HttpResponse<String> models = fixture.get("/v1/models", "Authorization", "Bearer sk-alice");
        assertEquals(200, models.statusCode());
        assertEquals("GET", fixture.upstream().requests().get(0).method());
        assertEquals("/v1/models", fixture.upstream().requests().get(0).target());
    }

    @Test
    void badInputGetsAClearOpenAiError() throws Exception {
        HttpResponse<String> broken = fixture.post(CHAT, "{\"model\": \"gpt-4o\", ");
        assertEquals(400, broken.statusCode());
        assertEquals("invalid_json", JSON.readTree(broken.body()).at("/error/code").asText());

        HttpResponse<String> huge = fixture.post(CHAT, "{\"model\":\"gpt-4o\",\"x\":\"" + "a".repeat(40 * 1024 * 1024) + "\"}");
        assertEquals(413, huge.statusCode());
        assertEquals("request_too_large", JSON.readTree(huge.body()).at("/error/code").asText());
        assertEquals(0, fixture.upstream().calls());
    }

    @Test
    void upstreamDownGives502() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        fixture.with("providers/openai/baseUrl", "http://127.0.0.1:" + closedPort);
        HttpResponse<String> response = fixture.post(CHAT, BODY, "Authorization", "Bearer sk-alice");
        assertEquals(502, response.statusCode());
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertEquals("upstream_unreachable", error.get("code").asText());
        assertFalse(response.body().contains("sk-alice"));
    }

    @Test
    void slowUpstreamGives504() throws Exception {
        fixture.with("upstream/responseTimeout", "1");
        fixture.handler(r -> Reply.json(200, CHAT_ANSWER).delayHeaders(3000));
        HttpResponse<String> response = fixture.post(CHAT, BODY, "Authorization", "Bearer sk-alice");
        assertEquals(504, response.statusCode());
        assertEquals("upstream_timeout", JSON.readTree(response.body()).at("/error/code").asText());
    }

    @Test
    void anUpstreamThatNeverAcceptsGives504AfterTheConnectTimeout() throws Exception {
        // A listener whose accept queue is full: the kernel drops further connection attempts, so they hang.
        List<java.net.Socket> fillers = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 10; i++) {
                java.net.Socket filler = new java.net.Socket();
                fillers.add(filler);
                try {
                    filler.connect(new java.net.InetSocketAddress("127.0.0.1", full.getLocalPort()), 300);
                } catch (java.net.SocketTimeoutException queueFull) {
                    break;
                }
            }
            fixture.with("providers/openai/baseUrl", "http://127.0.0.1:" + full.getLocalPort(), "upstream/connectTimeout", "1");
            long start = System.nanoTime();
            HttpResponse<String> response = fixture.post(CHAT, BODY, "Authorization", "Bearer sk-alice");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, response.statusCode(), response.body());
            assertEquals("upstream_timeout", JSON.readTree(response.body()).at("/error/code").asText());
            assertTrue(millis >= 900, "waited for the 1 s connect timeout, took " + millis + " ms");
        } finally {
            for (java.net.Socket filler : fillers) {
                filler.close();
            }
        }
    }

    @Test
    void cacheControlNoStoreBypassesAndNoCacheRefreshes() throws Exception {
        assertEquals("BYPASS", xCache(fixture.post(CHAT, BODY, "Cache-Control", "no-store")));
        assertEquals("MISS", xCache(fixture.post(CHAT, BODY)));
        assertEquals("REFRESH", xCache(fixture.post(CHAT, BODY, "Cache-Control", "no-cache")));
        assertEquals("HIT", xCache(fixture.post(CHAT, BODY)));
        assertEquals(3, fixture.upstream().calls());
    }

    @Test
    void healthAnswersWithASmallJsonStatus() throws Exception {
        HttpResponse<String> health = fixture.get("/_cache/health");
        assertEquals(200, health.statusCode());
        JsonNode body = JSON.readTree(health.body());
        assertEquals("ok", body.get("status").asText());
        assertEquals("openai", body.get("providers").get(0).asText());
        assertNotNull(body.get("uptimeSeconds"));
        assertEquals(ProcessHandle.current().pid(), body.path("pid").asLong(-1), "the process id, for a CI recipe's check");
        assertEquals("readthrough", body.path("mode").asText(null), "the mode now");
        assertEquals(404, fixture.get("/_cache/nothing").statusCode());
        assertEquals(0, fixture.upstream().calls());
    }

    @Test
    void tokenCountsAreKeptWhenTheUpstreamSendsNoUsage() throws Exception {
        fixture.handler(r -> Reply.json(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"Hello world\"},\"finish_reason\":\"stop\"}]}"));
        fixture.post(CHAT, BODY);
        fixture.post(CHAT, BODY);
        var stats = fixture.proxy().settledStats();
        assertEquals(1, stats.hits());
        assertTrue(stats.savedPromptTokens() > 0, "prompt tokens counted locally");
        assertEquals(2, stats.savedCompletionTokens(), "'Hello world' is two tokens in o200k_base");
    }
}
