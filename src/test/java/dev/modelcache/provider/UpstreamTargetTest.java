package dev.modelcache.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelcache.http.ProxyError;
import java.net.URI;
import org.junit.jupiter.api.Test;

class UpstreamTargetTest {
    private static URI target(String base, String path, String query) {
        return UpstreamTarget.resolve(URI.create(base), path, query, "p");
    }

    @Test
    void requestPathFollowsTheBaseUrlsPathPrefix() {
        assertEquals(URI.create("https://h/openai/v1/chat"), target("https://h/openai", "/v1/chat", null));
        assertEquals(URI.create("https://h/openai/v1/chat"), target("https://h/openai/", "/v1/chat", null));
        assertEquals(URI.create("https://h/a/b/v1/chat"), target("https://h/a/b", "/v1/chat", null));
    }

    @Test
    void baseUrlWithoutPathGivesTheRequestPathAsItIs() {
        assertEquals(URI.create("https://h/v1/chat"), target("https://h", "/v1/chat", null));
        assertEquals(URI.create("http://127.0.0.1:8080/v1/models"), target("http://127.0.0.1:8080/", "/v1/models", null));
    }

    @Test
    void queryIsKeptAsItCame() {
        assertEquals("https://h/p/v1/x?api-version=2024-10-21&a=%20b",
                target("https://h/p", "/v1/x", "api-version=2024-10-21&a=%20b").toString());
    }

    @Test
    void colonInAPathSegmentIsNotReadAsAScheme() {
        assertEquals(URI.create("https://h/v1beta/models/gemini-2.0-flash:generateContent"),
                target("https://h", "/v1beta/models/gemini-2.0-flash:generateContent", null));
        assertEquals(URI.create("https://h/g/a:b"), target("https://h/g", "/a:b", null));
    }

    @Test
    void rootPathIsTheBaseFolder() {
        assertEquals(URI.create("https://h/openai/"), target("https://h/openai", "/", null));
    }

    @Test
    void unsendableQueryIsA400ThatQuotesNothing() {
        ProxyError e = assertThrows(ProxyError.class, () -> target("https://h", "/v1/x", "key=secret value"));
        assertEquals(400, e.status());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void noPathOrQueryLeavesTheBaseUrlsSchemeHostAndPort() {
        for (String path : new String[] {"//evil.example/x", "///evil.example/x", "/./evil.example:80/x", "/@evil.example/x",
                "/v1/..//evil.example/x", "/http://evil.example/x", "/%2F%2Fevil.example/x"}) {
            try {
                URI target = target("https://h:8443/base", path, "u=//evil.example/&@evil.example");
                assertEquals("h", target.getHost(), path);
                assertEquals(8443, target.getPort(), path);
                assertEquals("https", target.getScheme(), path);
                assertEquals(null, target.getRawUserInfo(), path);
            } catch (ProxyError refused) {
                assertEquals(400, refused.status(), path);
            }
        }
    }

    @Test
    void sameOriginComparesSchemeHostAndEffectivePort() {
        URI base = URI.create("https://H.example/base");
        org.junit.jupiter.api.Assertions.assertTrue(UpstreamTarget.sameOrigin(base, URI.create("https://h.example:443/base/x")));
        assertFalse(UpstreamTarget.sameOrigin(base, URI.create("http://h.example/base/x")));
        assertFalse(UpstreamTarget.sameOrigin(base, URI.create("https://evil.example/base/x")));
        assertFalse(UpstreamTarget.sameOrigin(base, URI.create("https://h.example:444/base/x")));
        assertFalse(UpstreamTarget.sameOrigin(base, URI.create("https://u@h.example/base/x")));
        assertFalse(UpstreamTarget.sameOrigin(base, URI.create("/base/x")));
    }
}
