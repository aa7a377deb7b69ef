package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.RawHttp;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where the proxy connects comes from the provider table alone: no request path or request line reaches another
 * host, and {@code upstream/denyAddresses} is enforced when a connection is opened, with a 502 that names the
 * provider.
 */
class DestinationPolicyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER));
    /** Another host, which no request may reach: the second fixture's fixture.upstream(). */
    @RegisterExtension
    final ProxyExtension another = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER));

    @Test
    void noRequestPathOrRequestLineReachesAnotherHost() throws Exception {
        FakeUpstream evil = another.upstream();
        String at = "127.0.0.1:" + URI.create(evil.baseUrl()).getPort();
        List<String> targets = List.of("//" + at + "/v1/models", "///" + at + "/v1/models", "/\\\\" + at + "/v1/models",
                "/@" + at + "/v1/models", "/%2F%2F" + at + "/v1/models", "/%2f" + at + "/v1/models",
                "/v1/models/..//" + at + "/x", "http://" + at + "/v1/models", "/v1/models?u=http://" + at + "/",
                "/v1/models?@" + at, "/..%2F..%2F" + at);
        for (String target : targets) {
            RawHttp.Answer answer = RawHttp.send(fixture.proxy().uri("/"), "GET", target, null, "Authorization", "Bearer sk-x");
            assertTrue(answer.status() > 0, target);
        }
        assertEquals(0, evil.calls(), "another host was contacted: " + evil.requests());
        for (FakeUpstream.Request seen : fixture.upstream().requests()) {
            assertFalse(seen.target().startsWith("//") || seen.target().startsWith("http"), seen.target());
        }
    }

    @Test
    void aProviderAtADeniedAddressIsA502NamingItAndNeverContacted() throws Exception {
        int port = URI.create(fixture.upstream().baseUrl()).getPort();
        for (String base : List.of("http://localhost:" + port, "http://127.0.0.1:" + port, "http://[::ffff:127.0.0.1]:" + port)) {
            fixture.with("providers/openai/baseUrl", base, "upstream/denyAddresses", "metadata,127.0.0.0/8,::1",
                    "providers/openai/apiKey", "sk-server-side-secret");
            HttpResponse<String> answer = fixture.restart().post(CHAT, BODY);
            assertEquals(502, answer.statusCode(), base + ": " + answer.body());
            JsonNode error = JSON.readTree(answer.body()).path("error");
            assertEquals("upstream_address_denied", error.path("code").asText(), answer.body());
            assertTrue(error.path("message").asText().contains("'openai'"), answer.body());
            assertTrue(error.path("message").asText().contains("upstream/denyAddresses"), answer.body());
            assertFalse(answer.body().contains("sk-server-side-secret"), answer.body());
        }
        assertEquals(0, fixture.upstream().calls());
    }

    @Test
    void byDefaultLoopbackStaysAllowed() throws Exception {
        String base = "http://localhost:" + URI.create(fixture.upstream().baseUrl()).getPort();
        fixture.with("providers/openai/baseUrl", base);
        assertEquals(200, fixture.post(CHAT, BODY).statusCode());
        assertEquals(1, fixture.upstream().calls());
    }
}
