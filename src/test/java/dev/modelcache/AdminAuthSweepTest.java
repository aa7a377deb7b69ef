package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheMode;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every admin endpoint, every method, on a real proxy with {@code admin/token} set: without the token, or with a wrong
 * one (as a bearer token or in {@code X-Cache-Admin-Token}), each is a 401 {@code invalid_admin_token} that changes
 * nothing and never repeats what was sent; with the token, none is a 401. {@code /_cache/health} stays open. A new
 * endpoint is one more row in {@link #GUARDED} or {@link #OPEN}.
 */
class AdminAuthSweepTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "admin-sweep-token-4711";
    static final String WRONG = "WRONG-ADMIN-TOKEN-8812";
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"sweep\"}]}";
    static final String EXPLAIN = "{\"method\":\"POST\",\"path\":\"" + CHAT + "\",\"body\":" + BODY + "}";

    /** One admin call; {@code {id}} in the path stands for the stored entry's id. */
    record Call(String method, String path, String body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static Call call(String method, String path) {
        return new Call(method, path, null);
    }

    static Call call(String method, String path, String body) {
        return new Call(method, path, body);
    }

    /** Every endpoint behind the admin token, with every method it answers (and some it does not). */
    static final List<Call> GUARDED = List.of(
            call("GET", "/_cache/stats"),
            call("POST", "/_cache/stats"),
            call("GET", "/_cache/metrics"),
            call("GET", "/_cache/requests"),
            call("GET", "/_cache/requests?limit=5"),
            call("GET", "/_cache/entries"),
            call("GET", "/_cache/entries?q=sweep"),
            call("GET", "/_cache/entries/{id}"),
            call("PUT", "/_cache/entries/{id}/pin"),
            call("DELETE", "/_cache/entries/{id}/pin"),
            call("DELETE", "/_cache/entries/{id}"),
            call("DELETE", "/_cache/entries?provider=openai"),
            call("DELETE", "/_cache/entries?all=true&confirm=1"),
            call("GET", "/_cache/mode"),
            call("PUT", "/_cache/mode", "{\"mode\":\"replay\"}"),
            call("POST", "/_cache/mode?mode=passthrough"),
            call("POST", "/_cache/explain", EXPLAIN),
            call("POST", "/_cache/explain" + CHAT, BODY),
            call("GET", "/_cache/report"),
            call("POST", "/_cache/report/reset"),
            call("POST", "/_cache/sequences/reset"),
            call("GET", "/_cache/export"),
            call("POST", "/_cache/import", "not a zip"),
            call("GET", "/_cache/no-such-endpoint"),
            call("DELETE", "/_cache/no-such-endpoint"));

    /** Endpoints open to all: they hold no data. */
    static final List<Call> OPEN = List.of(
            call("GET", "/_cache/health"),
            call("GET", "/_cache/"),
            call("GET", "/_cache/ui/dashboard.js"));

    /** What a refused caller sends: nothing, or a wrong token either way. */
    static final List<String[]> WRONG_CREDENTIALS = List.of(
            new String[0],
            new String[] {"Authorization", "Bearer " + WRONG},
            new String[] {"X-Cache-Admin-Token", WRONG},
            new String[] {"Authorization", "Bearer " + TOKEN + "x"},
            new String[] {"Authorization", WRONG});

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER)).with("admin/token", TOKEN);
    String id;

    @BeforeEach
    void start() throws Exception {
        assertEquals(200, fixture.post(CHAT, BODY).statusCode());
        id = fixture.proxy().events().awaitStored(1).get(0).keyId();
        fixture.proxy().events().awaitSettled();
    }

    @Test
    void everyGuardedEndpointRefusesAMissingOrWrongTokenAndChangesNothing() throws Exception {
        for (Call call : GUARDED) {
            for (String[] credentials : WRONG_CREDENTIALS) {
                HttpResponse<String> answer = send(call, credentials);
                String what = call + " with " + String.join(": ", credentials);
                assertEquals(401, answer.statusCode(), what + ": " + answer.body());
                JsonNode error = JSON.readTree(answer.body());
                assertEquals("invalid_admin_token", error.at("/error/code").asText(), what + ": " + answer.body());
                assertEquals("invalid_request_error", error.at("/error/type").asText(), what + ": " + answer.body());
                assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), what);
                assertFalse(answer.body().contains(WRONG), what + " echoes the token sent: " + answer.body());
                assertFalse(answer.body().contains(TOKEN), what + " shows the token: " + answer.body());
            }
        }
        CacheKey key = new CacheKey(id);
        assertTrue(fixture.proxy().app().store().get(key).isPresent(), "the entry is still there");
        assertFalse(fixture.proxy().app().store().pinned(key), "the entry was not pinned");
        assertEquals(1, fixture.proxy().app().store().stats().entries());
        assertEquals(CacheMode.READTHROUGH, fixture.proxy().app().mode().get(), "the mode is unchanged");
        assertEquals(1, fixture.upstream().calls(), "no refused call reached the provider");
    }

    @Test
    void theTokenOpensEveryGuardedEndpointAsBearerOrInItsOwnHeader() throws Exception {
        for (String[] credentials : List.of(new String[] {"Authorization", "Bearer " + TOKEN},
                new String[] {"X-Cache-Admin-Token", TOKEN})) {
            for (Call call : GUARDED) {
                HttpResponse<String> answer = send(call, credentials);
                assertNotEquals(401, answer.statusCode(), call + " with " + credentials[0] + ": " + answer.body());
            }
        }
    }

    @Test
    void openEndpointsNeedNoToken() throws Exception {
        for (Call call : OPEN) {
            for (String[] credentials : WRONG_CREDENTIALS) {
                HttpResponse<String> answer = send(call, credentials);
                assertEquals(200, answer.statusCode(), call + " with " + String.join(": ", credentials) + ": " + answer.body());
            }
        }
    }

    private HttpResponse<String> send(Call call, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(fixture.proxy().uri(call.path().replace("{id}", id)))
                .timeout(Duration.ofSeconds(30))
                .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(call.body()));
        if (call.body() != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return fixture.proxy().client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
