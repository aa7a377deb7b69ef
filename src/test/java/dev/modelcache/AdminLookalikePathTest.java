package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.RawHttp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A mistyped admin path is never proxied with the admin token: {@code /_cache} in any case or near spelling, and a
 * path that only leaves {@code /_cache} through {@code ..}, are refused; and no header that carries the admin token
 * ever reaches a provider, whatever the path.
 */
class AdminLookalikePathTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "lookalike-admin-token-2718";
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER)).with("admin/token", TOKEN);

    @Test
    void nearSpellingsOfCacheAreRefusedAndNeverProxied() throws Exception {
        List<String> paths = List.of("/_CACHE/stats", "/_Cache/stats", "/_cache./stats", "/_cache%2e/stats",
                "/_cache%2E/stats", "/%5FCACHE/stats", "/_cache;x/stats", "/_cache/../v1/models",
                "/_cache/%2e%2e/v1/models", "/./_cache/../v1/models", "/v1/../_CACHE/stats", "/_cachex/stats",
                "/_cache.", "/_CACHE");
        for (String path : paths) {
            for (String[] token : List.of(new String[] {"Authorization", "Bearer " + TOKEN},
                    new String[] {"X-Cache-Admin-Token", TOKEN})) {
                RawHttp.Answer answer = RawHttp.send(fixture.proxy().uri("/"), "GET", path, null, token);
                assertTrue(answer.status() == 404 || answer.status() == 400, path + ": " + answer.status());
                assertFalse(answer.body().contains(TOKEN), answer.body());
                assertTrue(JSON.readTree(answer.body()).at("/error/message").isTextual(), path + ": " + answer.body());
            }
        }
        assertEquals(0, fixture.upstream().calls(), "no look-alike of /_cache reached the provider: " + fixture.upstream().requests());
    }

    @Test
    void theExactSpellingStillServesTheAdminEndpointsAlsoWhenItsUnreservedCharactersAreEncoded() throws Exception {
        for (String path : List.of("/_cache/stats", "/_cache//stats", "/_cache/./stats", "//_cache/stats",
                "/%5Fcache/stats", "/_cach%65/stats")) {
            RawHttp.Answer answer = RawHttp.send(fixture.proxy().uri("/"), "GET", path, null, "Authorization", "Bearer " + TOKEN);
            assertEquals(200, answer.status(), path + ": " + answer.body());
        }
        assertEquals(0, fixture.upstream().calls());
    }

    @Test
    void aHeaderCarryingTheAdminTokenNeverReachesTheProvider() throws Exception {
        String[][] carriers = {{"Authorization", "Bearer " + TOKEN}, {"X-Cache-Admin-Token", TOKEN},
                {"x-api-key", TOKEN}, {"x-goog-api-key", TOKEN}, {"api-key", TOKEN}, {"X-Custom", "a " + TOKEN + " b"}};
        int i = 0;
        for (String[] carrier : carriers) {
            RawHttp.Answer answer = RawHttp.send(fixture.proxy().uri("/"), "POST", CHAT, BODY.replace("hi", "hi " + i++), carrier);
            assertNotEquals(0, answer.status());
        }
        assertEquals(carriers.length, fixture.upstream().calls());
        for (FakeUpstream.Request seen : fixture.upstream().requests()) {
            assertFalse(seen.headers().toString().contains(TOKEN), seen.headers().toString());
            assertFalse(seen.headers().containsKey("x-cache-admin-token"));
        }
    }
}
