package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.ProxyExtension.xCache;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.RawHttp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What counts as the same request, seen over HTTP: one spelling per path, exact numbers, whole documents. */
class SameRequestIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String FILE = "{\"model\":\"gpt-4o-mini\",\"purpose\":\"batch\"}";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER));

    @Test
    void everySpellingOfTheFilesPathIsPassedThroughAsTheFilesPathIs() throws Exception {
        for (String path : new String[] {"/v1/files", "/v1/chat/../files", "/v1//files", "/v1/%66iles"}) {
            int before = fixture.upstream().calls();
            for (int i = 0; i < 2; i++) {
                RawHttp.Answer answer = RawHttp.send(fixture.proxy().uri("/"), "POST", path, FILE);
                assertEquals(200, answer.status(), path);
                assertEquals("BYPASS", answer.header("X-Cache"), path);
            }
            assertEquals(before + 2, fixture.upstream().calls(), path + " is never answered from the cache");
            assertEquals("/v1/files", fixture.upstream().requests().get(fixture.upstream().calls() - 1).target(),
                    "the provider gets the normal path for " + path);
        }
    }

    @Test
    void aResponsePollUnderADotSegmentIsNotCachedAsAModelListing() throws Exception {
        fixture.handler(r -> Reply.json(200, "{\"id\":\"resp_1\",\"status\":\"in_progress\"}"));
        for (int i = 0; i < 2; i++) {
            RawHttp.Answer answer = RawHttp.send(fixture.proxy().uri("/"), "GET", "/v1/models/../responses/resp_1", null);
            assertEquals("BYPASS", answer.header("X-Cache"));
        }
        assertEquals(2, fixture.upstream().calls());
        assertEquals("/v1/responses/resp_1", fixture.upstream().requests().get(1).target());
    }

    @Test
    void everySpellingOfAnAdminPathIsTheAdminEndpointAndNeverForwarded() throws Exception {
        for (String path : new String[] {"/_cache//health", "/v1/../_cache/health", "/_cache/./health", "/%5Fcache/health"}) {
            RawHttp.Answer answer = RawHttp.send(fixture.proxy().uri("/"), "GET", path, null);
            assertEquals(200, answer.status(), path);
            assertEquals("ok", JSON.readTree(answer.body()).path("status").asText(), path);
        }
        assertEquals(0, fixture.upstream().calls(), "no admin path reached the provider");
    }

    @Test
    void aPathThatIsNotNormalIsRefusedWith400() throws Exception {
        // A malformed escape in the path never gets this far: Tomcat refuses it itself (RequestTargetTest covers it).
        for (String path : new String[] {"/v1/chat/completions;x=1", "/v1/files;x=1/../../chat/completions"}) {
            RawHttp.Answer answer = RawHttp.send(fixture.proxy().uri("/"), "POST", path, FILE);
            assertEquals(400, answer.status(), path);
            assertEquals("invalid_path", JSON.readTree(answer.body()).at("/error/code").asText(), path);
            assertEquals("invalid_request_error", JSON.readTree(answer.body()).at("/error/type").asText(), path);
        }
        assertEquals(0, fixture.upstream().calls());
    }

    @Test
    void aStringLongerThanJacksonsDefaultLimitIsForwardedAndCached() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(21_000_000) + "\"}]}";
        HttpResponse<String> first = fixture.post(CHAT, body);
        HttpResponse<String> second = fixture.post(CHAT, body);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("MISS", xCache(first));
        assertEquals("HIT", xCache(second));
        assertEquals(1, fixture.upstream().calls());
        assertEquals(body.length(), fixture.upstream().requests().get(0).body().length);
    }

    @Test
    void aNumberBeyondTheDoubleRangeAndTheStringInfinityAreDifferentRequests() throws Exception {
        fixture.post(CHAT, "{\"model\":\"gpt-4o-mini\",\"temperature\":1e400}");
        HttpResponse<String> infinity = fixture.post(CHAT, "{\"model\":\"gpt-4o-mini\",\"temperature\":\"Infinity\"}");
        assertEquals("MISS", xCache(infinity));
        assertEquals(2, fixture.upstream().calls());
    }

    @Test
    void contentAfterTheJsonDocumentIsRefusedWith400() throws Exception {
        HttpResponse<String> response = fixture.post(CHAT, "{\"model\":\"gpt-4o-mini\"} {\"model\":\"gpt-4o\"}");
        assertEquals(400, response.statusCode());
        assertEquals("invalid_json", JSON.readTree(response.body()).at("/error/code").asText());
        assertEquals(0, fixture.upstream().calls());
    }

    @Test
    void anotherOrganizationOrProjectIsAnotherRequest() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\"}";
        fixture.post(CHAT, body, "Authorization", "Bearer sk-alice", "OpenAI-Organization", "org-1");
        assertEquals("MISS", fixture.post(CHAT, body, "Authorization", "Bearer sk-alice", "OpenAI-Organization", "org-2")
                .headers().firstValue("X-Cache").orElse(null));
        assertEquals("MISS", xCache(fixture.post(CHAT, body, "Authorization", "Bearer sk-alice", "OpenAI-Organization", "org-1",
                "OpenAI-Project", "proj_1")));
        assertEquals("HIT", fixture.post(CHAT, body, "Authorization", "Bearer sk-alice", "OpenAI-Organization", "org-1")
                .headers().firstValue("X-Cache").orElse(null));
        assertEquals(3, fixture.upstream().calls());
    }
}
