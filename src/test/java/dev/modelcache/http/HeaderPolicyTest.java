package dev.modelcache.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one header policy, a decision at a time: hop-by-hop, upstream, stored, followers of an error, a client's head. */
class HeaderPolicyTest {
    private static List<String> names(Headers h) {
        return h.fields().stream().map(Map.Entry::getKey).toList();
    }

    // Hop-by-hop

    @Test
    void hopByHopFieldsAndThoseConnectionNamesNeverCrossTheProxy() {
        Headers h = Headers.of("Host", "h", "Connection", "x-trace, close", "X-Trace", "1", "Keep-Alive", "5",
                "Proxy-Authorization", "Basic x", "TE", "trailers", "Transfer-Encoding", "chunked", "Upgrade", "h2c",
                "Content-Length", "3", "Content-Type", "application/json", "Accept", "*/*");
        assertEquals(List.of("Content-Type", "Accept"), names(HeaderPolicy.endToEnd(h)));
        assertTrue(HeaderPolicy.hopByHop("Proxy-Connection"));
        assertFalse(HeaderPolicy.hopByHop("Content-Type"));
    }

    // Upstream

    @Test
    void upstreamGetsTheClientsEndToEndFieldsLessTheCachesOwnControlsAndTheHop() {
        Headers client = Headers.of("Content-Type", "application/json", "Authorization", "Bearer sk-alice",
                "X-Cache-TTL", "60", "x-cache-admin-token", "admin", "Cache-Control", "no-cache", "Pragma", "no-cache",
                "Accept-Encoding", "gzip", "Expect", "100-continue", "Connection", "close", "Host", "proxy",
                "OpenAI-Beta", "assistants=v2", "anthropic-version", "2023-06-01");
        assertEquals(List.of("Content-Type", "Authorization", "OpenAI-Beta", "anthropic-version"),
                names(HeaderPolicy.fromClient(client)));
    }

    @Test
    void nothingSentUpstreamCarriesTheAdminTokenOrItsHeaderWhoeverBuiltTheRequest() {
        Headers outgoing = Headers.of("Authorization", "Bearer admin-secret-1", "x-cache-admin-token", "other",
                "X-Cache-Admin-Token", "admin-secret-1", "x-api-key", "sk-ant", "X-Note", "prefix admin-secret-1 suffix",
                "Content-Type", "application/json");
        assertEquals(List.of("x-api-key", "Content-Type"), names(HeaderPolicy.sendable(outgoing, " admin-secret-1 ")));
        assertEquals(List.of("Authorization", "x-api-key", "X-Note", "Content-Type"),
                names(HeaderPolicy.sendable(outgoing, null)), "without a token only its header is dropped");
        assertEquals(names(HeaderPolicy.sendable(outgoing, null)), names(HeaderPolicy.sendable(outgoing, "  ")));
    }

    @Test
    void theCredentialHeadersAreTheOnesEverySdkSendsAKeyIn() {
        for (String name : List.of("Authorization", "authorization", "x-api-key", "X-Goog-Api-Key", "api-key")) {
            assertTrue(HeaderPolicy.credential(name), name);
        }
        assertFalse(HeaderPolicy.credential("Content-Type"));
    }

    // Stored

    @Test
    void storedKeepsTheBodysTypeTheRequestIdsAndTheProvidersOwnFields() {
        for (String name : List.of("Content-Type", "content-type", "x-request-id", "X-Request-Id", "request-id",
                "apim-request-id", "openai-processing-ms", "openai-version", "OpenAI-Model", "anthropic-version")) {
            assertTrue(HeaderPolicy.kept(name), name);
        }
    }

    @Test
    void storedDropsFramingHopByHopCookiesCredentialsAccountsStaleAndUnknownFields() {
        for (String name : List.of("Transfer-Encoding", "Content-Length", "Connection", "Keep-Alive", "Proxy-Connection",
                "Proxy-Authenticate", "Upgrade", "TE", "Trailer", "Set-Cookie", "Set-Cookie2", "Cookie", "Authorization",
                "WWW-Authenticate", "x-api-key", "Content-Encoding", "Date", "Age", "Expires", "Cache-Control", "ETag",
                "Alt-Svc", "Strict-Transport-Security", "Vary", "Server", "CF-RAY", "X-Cache", "Retry-After",
                "x-ratelimit-remaining-requests", "anthropic-ratelimit-tokens-remaining", "openai-organization",
                "OpenAI-Project", "anthropic-organization-id", "openai-api-key", "openai-secret", "openai-cookie",
                "x-request-id ", "request id", "", "content-type:")) {
            assertFalse(HeaderPolicy.kept(name), name);
        }
    }

    @Test
    void storedKeepsOrderAndValuesAndDropsAValueThatCouldSplitTheHead() {
        Headers stored = HeaderPolicy.stored(Headers.of("openai-b", "2", "Set-Cookie", "s=1", "request-id", "1",
                "openai-b", "3", "x-request-id", "req\r\nSet-Cookie: evil=1", "openai-tab", "a\tb", "openai-nul", "a\0b",
                "openai-unicode", "héllo"));
        assertEquals(List.of(Map.entry("openai-b", "2"), Map.entry("request-id", "1"), Map.entry("openai-b", "3"),
                Map.entry("openai-tab", "a\tb"), Map.entry("openai-unicode", "héllo")), stored.fields());
    }

    // Followers of an error

    @Test
    void followersOfAnErrorSeeRetryAfterRateLimitsAndTheRequestId() {
        Headers shared = HeaderPolicy.sharedError(Headers.of("Content-Type", "application/json", "Retry-After", "7",
                "x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "6s",
                "anthropic-ratelimit-output-tokens-remaining", "0", "x-request-id", "req_1", "Date", "d",
                "openai-processing-ms", "12", "Server", "cloudflare"));
        assertEquals(List.of("Content-Type", "Retry-After", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens",
                "anthropic-ratelimit-output-tokens-remaining", "x-request-id", "Date", "openai-processing-ms", "Server"),
                names(shared));
    }

    @Test
    void followersOfAnErrorNeverSeeCredentialsCookiesTheAccountTheCachesFieldsOrTheHop() {
        Headers shared = HeaderPolicy.sharedError(Headers.of("Set-Cookie", "__cf_bm=s", "Set-Cookie2", "x",
                "Cookie", "c", "Authorization", "Bearer sk", "Proxy-Authorization", "Basic p", "x-goog-api-key", "k",
                "openai-api-key", "k", "x-client-secret", "s", "x-session-token", "t", "x-password", "p",
                "openai-organization", "org-alice", "OpenAI-Project", "proj_1", "anthropic-organization-id", "o",
                "X-Cache", "HIT", "X-Cache-Status", "x", "Age", "3", "Connection", "close", "Transfer-Encoding", "chunked",
                "Content-Length", "9", "x-request-id", "req\r\nSet-Cookie: evil=1", "Retry-After", "1"));
        assertEquals(List.of("Retry-After"), names(shared));
    }

    // A client's head

    @Test
    void aHitShowsWhatIsStoredAndAnyOtherAnswerItsEndToEndFields() {
        Headers fields = Headers.of("Content-Type", "text/event-stream", "Set-Cookie", "s=1", "Connection", "close",
                "openai-organization", "org-alice");
        assertEquals(List.of("Content-Type"), names(HeaderPolicy.toClient(fields, true)));
        assertEquals(List.of("Content-Type", "Set-Cookie", "openai-organization"), names(HeaderPolicy.toClient(fields, false)));
    }

    @Test
    void aFieldNameIsATokenExactlyAsTheGrammarSays() {
        java.util.regex.Pattern token = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
        for (char c = 0; c < 0x180; c++) {
            for (String name : List.of("openai-a" + c, String.valueOf(c), "x-request-id" + c)) {
                boolean expected = token.matcher(name).matches();
                assertEquals(expected && HeaderPolicy.kept("openai-a") && name.startsWith("openai-")
                        || expected && name.equals("x-request-id"), HeaderPolicy.kept(name), name);
                if (!expected) {
                    assertFalse(HeaderPolicy.shared(name), name);
                }
            }
        }
        assertFalse(HeaderPolicy.kept(""));
        assertFalse(HeaderPolicy.shared(""));
        assertFalse(HeaderPolicy.kept(null));
    }
}
