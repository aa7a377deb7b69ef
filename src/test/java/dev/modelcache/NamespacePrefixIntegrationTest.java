package dev.modelcache;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.AnthropicFixtures;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.OpenAiFixtures;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /_ns/<namespace>/...}: the namespace in the path, for clients that set a base URL but no header (the JUnit 5
 * extension gives each test class one). Over HTTP, against the fake provider.
 */
class NamespacePrefixIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ASK = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension()
            .provider("anthropic", "anthropic", "", "claude-*")
            .handler(request -> request.target().startsWith("/v1/messages")
                    ? Reply.json(200, AnthropicFixtures.MESSAGE) : Reply.json(200, OpenAiFixtures.CHAT_ANSWER));

    @Test
    void thePrefixIsTheNamespaceHeaderAndTheProviderSeesThePathWithoutIt() throws Exception {
        TestProxy proxy = fixture.proxy();
        HttpResponse<String> first = proxy.post("/_ns/ChatTest" + CHAT, ASK);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("MISS", ProxyExtension.xCache(first));
        assertEquals(CHAT, fixture.upstream().requests().get(0).target(), "the provider never sees the prefix");
        proxy.settledStats();

        assertEquals("HIT", ProxyExtension.xCache(proxy.post(CHAT, ASK, "X-Cache-Namespace", "ChatTest")),
                "the same entry as with the header");
        assertEquals("HIT", ProxyExtension.xCache(proxy.post("/_ns/ChatTest" + CHAT, ASK, "X-Cache-Namespace", "ChatTest")),
                "the header may say the same");
        assertEquals("MISS", ProxyExtension.xCache(proxy.post(CHAT, ASK)), "without a namespace: another entry");
        proxy.settledStats();
        JsonNode entries = JSON.readTree(proxy.get("/_cache/entries?namespace=ChatTest").body());
        assertEquals(1, entries.path("count").asInt(), entries.toString());
        assertEquals(2, fixture.upstream().calls(), "the prefixed request and the header's are one entry");
    }

    @Test
    void aHeaderNamingAnotherNamespaceIsRefusedInTheProvidersErrorShape() throws Exception {
        TestProxy proxy = fixture.proxy();
        HttpResponse<String> openai = proxy.post("/_ns/ChatTest" + CHAT, ASK, "X-Cache-Namespace", "Other");
        assertEquals(400, openai.statusCode());
        assertEquals("invalid_cache_namespace", JSON.readTree(openai.body()).path("error").path("code").asText(), openai.body());

        HttpResponse<String> anthropic = proxy.post("/_ns/ChatTest" + AnthropicFixtures.MESSAGES, AnthropicFixtures.REQUEST,
                "X-Cache-Namespace", "Other", "x-api-key", "sk-ant-test", "anthropic-version", "2023-06-01");
        assertEquals(400, anthropic.statusCode());
        JsonNode body = JSON.readTree(anthropic.body());
        assertEquals("error", body.path("type").asText(), "Anthropic's shape: " + anthropic.body());
        assertEquals("invalid_cache_namespace", body.path("error").path("code").asText(), anthropic.body());
        assertEquals(0, fixture.upstream().calls());
    }

    @Test
    void aPrefixThatNamesNoNamespaceIsRefused() throws Exception {
        HttpResponse<String> bad = fixture.proxy().post("/_ns/-bad" + CHAT, ASK);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("invalid_cache_namespace"), bad.body());
        assertEquals(0, fixture.upstream().calls());
    }

    @Test
    void adminPathsBelowThePrefixAreNeverProxied() throws Exception {
        HttpResponse<String> admin = fixture.proxy().get("/_ns/ChatTest/_cache/stats");
        assertEquals(404, admin.statusCode());
        assertEquals(0, fixture.upstream().calls());
    }
}
