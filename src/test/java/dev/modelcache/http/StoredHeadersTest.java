package dev.modelcache.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoredHeadersTest {
    @Test
    void keepsTheBodysTypeTheRequestIdsAndTheProvidersOwnFields() {
        for (String name : List.of("Content-Type", "content-type", "x-request-id", "X-Request-Id", "request-id",
                "apim-request-id", "openai-processing-ms", "openai-version", "OpenAI-Model", "anthropic-version")) {
            assertTrue(StoredHeaders.kept(name), name);
        }
    }

    @Test
    void dropsFramingHopByHopCookiesCredentialsAccountsStaleAndUnknownFields() {
        for (String name : List.of("Transfer-Encoding", "Content-Length", "Connection", "Keep-Alive", "Proxy-Connection",
                "Proxy-Authenticate", "Upgrade", "TE", "Trailer", "Set-Cookie", "Set-Cookie2", "Cookie", "Authorization",
                "WWW-Authenticate", "x-api-key", "Content-Encoding", "Date", "Age", "Expires", "Cache-Control", "ETag",
                "Alt-Svc", "Strict-Transport-Security", "Vary", "Server", "CF-RAY", "X-Cache", "Retry-After",
                "x-ratelimit-remaining-requests", "anthropic-ratelimit-tokens-remaining", "openai-organization",
                "OpenAI-Project", "anthropic-organization-id", "openai-api-key", "openai-secret", "openai-cookie",
                "x-request-id ", "request id", "", "content-type:")) {
            assertFalse(StoredHeaders.kept(name), name);
        }
    }

    @Test
    void keepsOrderAndValuesAndDropsAValueThatCouldSplitTheHead() {
        Headers stored = StoredHeaders.of(Headers.of("openai-b", "2", "Set-Cookie", "s=1", "request-id", "1",
                "openai-b", "3", "x-request-id", "req\r\nSet-Cookie: evil=1", "openai-tab", "a\tb", "openai-nul", "a\0b",
                "openai-unicode", "héllo"));
        assertEquals(List.of(Map.entry("openai-b", "2"), Map.entry("request-id", "1"), Map.entry("openai-b", "3"),
                Map.entry("openai-tab", "a\tb"), Map.entry("openai-unicode", "héllo")), stored.fields());
    }
}
