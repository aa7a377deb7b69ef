package dev.modelcache;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.admin.AdminEndpoints;
import dev.modelcache.auth.ProxyKeys;
import dev.modelcache.proxy.StoredAnswers;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.TestClock;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /_cache/explain} plans a request with the pipeline's own plan ({@link StoredAnswers#explain}), over
 * HTTP: under proxy keys it names the key the proxy uses for that caller, in a sequence the key of the answer the
 * next request gets (without taking it), and it says "hit" only for an entry fresh enough for the request.
 */
class ExplainAgreesWithPipelineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ASK = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String ALICE = "mc-alice-7f3a9c";
    static final String BOB = "mc-bob-55e01a";
    static final String ADMIN = "admin-token-1234";
    /** The proxy's time: a test moves it past a max-age or a lifetime instead of sleeping. */
    final TestClock clock = new TestClock();

    final AtomicInteger answers = new AtomicInteger();
    /** A proxy whose provider answers "answer 1", "answer 2", ... in turn, with an admin token. */
    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().clock(clock).with("admin/token", ADMIN).handler(r -> Reply.json(200,
            "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"answer " + answers.incrementAndGet() + "\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}"));
    FakeUpstream upstream;
    TestProxy proxy;

    void start(String... settings) throws Exception {
        fixture.with(settings);
        upstream = fixture.upstream();
        proxy = fixture.proxy();
    }

    HttpResponse<String> ask(String... headers) throws Exception {
        HttpResponse<String> response = proxy.post(CHAT, ASK, headers);
        proxy.settledStats();
        return response;
    }

    HttpResponse<String> explain(String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = AdminEndpoints.TOKEN_HEADER;
        all[1] = ADMIN;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return proxy.post("/_cache/explain" + CHAT, ASK, all);
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    static String key(HttpResponse<String> response) {
        return response.headers().firstValue("X-Cache-Key").orElseThrow();
    }

    static String content(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("choices").path(0).path("message").path("content").asText();
    }

    @Test
    void underProxyKeysExplainNamesTheKeyTheProxyUsesForThatCaller() throws Exception {
        start("auth/keys", "alice:sha256:" + ProxyKeys.sha256Hex(ALICE) + ",bob:sha256:" + ProxyKeys.sha256Hex(BOB),
                "providers/openai/apiKey", "sk-server-side-9d8c7b");
        HttpResponse<String> stored = ask("Authorization", "Bearer " + ALICE);
        assertEquals("MISS", stored.headers().firstValue("X-Cache").orElseThrow());

        JsonNode alice = json(explain("Authorization", "Bearer " + ALICE));
        assertEquals(key(stored), alice.path("key").asText(), alice.toString());
        assertTrue(alice.path("hit").asBoolean(), alice.toString());
        String wrapper = "{\"method\":\"POST\",\"path\":\"" + CHAT + "\",\"headers\":{\"x-api-key\":\"" + ALICE + "\"},"
                + "\"body\":" + ASK + "}";
        JsonNode wrapped = json(proxy.post("/_cache/explain", wrapper, AdminEndpoints.TOKEN_HEADER, ADMIN));
        assertEquals(key(stored), wrapped.path("key").asText(), "the wrapped form too: " + wrapped);

        JsonNode bob = json(explain("Authorization", "Bearer " + BOB));
        assertNotEquals(key(stored), bob.path("key").asText(), bob.toString());
        assertFalse(bob.path("hit").asBoolean(), bob.toString());
        assertEquals(bob.path("key").asText(), key(ask("Authorization", "Bearer " + BOB)), "the proxy agrees");

        HttpResponse<String> nobody = explain();
        assertEquals(401, nobody.statusCode(), nobody.body());
        assertTrue(nobody.body().contains("invalid_proxy_key"), nobody.body());
        assertEquals(2, upstream.calls());
    }

    @Test
    void inASequenceExplainNamesTheNextAnswerWithoutTakingIt() throws Exception {
        start("cache/sequences", "true");
        String first = key(ask());
        String second = key(ask());
        assertNotEquals(first, second);
        proxy.post("/_cache/sequences/reset", "", AdminEndpoints.TOKEN_HEADER, ADMIN);

        for (int i = 0; i < 2; i++) {
            JsonNode next = json(explain());
            assertEquals(first, next.path("key").asText(), "explained twice, still the first: " + next);
            assertTrue(next.path("hit").asBoolean(), next.toString());
        }
        HttpResponse<String> one = ask();
        assertEquals(first, key(one));
        assertEquals("answer 1", content(one), "explaining took no step of the sequence");

        JsonNode next = json(explain());
        assertEquals(second, next.path("key").asText(), next.toString());
        assertEquals("answer 2", content(ask()));
        assertEquals(2, upstream.calls());
    }

    @Test
    void anEntryOlderThanTheRequestsMaxAgeIsNoHitForExplainNorForTheProxy() throws Exception {
        start();
        HttpResponse<String> stored = ask();
        JsonNode now = json(explain("Cache-Control", "max-age=0"));
        assertTrue(now.path("hit").asBoolean(), "max-age=0 takes an entry stored this very millisecond: " + now);
        clock.advance(Duration.ofMillis(1));
        JsonNode fresh = json(explain());
        assertTrue(fresh.path("hit").asBoolean(), fresh.toString());
        JsonNode stale = json(explain("Cache-Control", "max-age=0"));
        assertEquals(key(stored), stale.path("key").asText(), stale.toString());
        assertFalse(stale.path("hit").asBoolean(), stale.toString());
        assertEquals("MISS", ask("Cache-Control", "max-age=0").headers().firstValue("X-Cache").orElseThrow(),
                "the proxy agrees");
        assertEquals(2, upstream.calls());
    }

    @Test
    void anExpiredEntryIsNoHitForExplainNorForTheProxy() throws Exception {
        start();
        HttpResponse<String> stored = ask("X-Cache-TTL", "60");
        clock.advance(Duration.ofSeconds(59));
        JsonNode live = json(explain());
        assertTrue(live.path("hit").asBoolean(), live.toString());
        clock.advance(Duration.ofSeconds(1));
        JsonNode expired = json(explain());
        assertEquals(key(stored), expired.path("key").asText(), expired.toString());
        assertFalse(expired.path("hit").asBoolean(), "its own minute is over: " + expired);
        assertEquals("MISS", ask().headers().firstValue("X-Cache").orElseThrow(), "the proxy agrees");
        assertEquals(2, upstream.calls());
    }
}
