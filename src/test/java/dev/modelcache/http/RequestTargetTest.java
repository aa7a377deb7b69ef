package dev.modelcache.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestTargetTest {
    @Test
    void dotSegmentsRepeatedSlashesAndEncodedUnreservedCharactersAreNormalised() {
        assertEquals("/v1/files", RequestTarget.normalPath("/v1/chat/../files"));
        assertEquals("/v1/files", RequestTarget.normalPath("/v1//files"));
        assertEquals("/v1/files", RequestTarget.normalPath("/v1/%66iles"));
        assertEquals("/v1/files", RequestTarget.normalPath("/v1/./files"));
        assertEquals("/v1/files", RequestTarget.normalPath("//v1///./x/%2E%2e/files"));
        assertEquals("/v1/responses/resp_1", RequestTarget.normalPath("/v1/models/../responses/resp_1"));
        assertEquals("/v1/chat/completions", RequestTarget.normalPath("/v1/chat/completions"));
    }

    @Test
    void aTrailingSlashOrDotSegmentKeepsTheDirectorySlash() {
        assertEquals("/v1/models/", RequestTarget.normalPath("/v1/models/"));
        assertEquals("/v1/models/", RequestTarget.normalPath("/v1/models/."));
        assertEquals("/v1/", RequestTarget.normalPath("/v1/models/.."));
        assertEquals("/", RequestTarget.normalPath("/v1/.."));
        assertEquals("/", RequestTarget.normalPath(""));
        assertEquals("/", RequestTarget.normalPath("/"));
    }

    @Test
    void otherEscapesStayEncodedInUpperCase() {
        assertEquals("/v1/a%2Fb%20c", RequestTarget.normalPath("/v1/a%2fb%20c"));
        assertEquals("/v1/files/file-%C3%A9", RequestTarget.normalPath("/v1/files/file-%c3%a9"));
        assertEquals("/v1/a:b@c!$&'()*+,=", RequestTarget.normalPath("/v1/a:b@c!$&'()*+,="));
    }

    @Test
    void aPathThatCannotBeNormalisedSafelyIsA400() {
        for (String path : new String[] {"/v1/files;x=1", "/v1/chat/completions;jsessionid=a", "/../v1/files",
                "/v1/../../files", "/v1/%zz", "/v1/%6", "/v1/a b", "/v1/a\"b", "v1/files", "/v1/\u00e9"}) {
            ProxyError e = assertThrows(ProxyError.class, () -> RequestTarget.normalPath(path), path);
            assertEquals(400, e.status(), path);
            assertEquals("invalid_path", e.code(), path);
        }
    }

    @Test
    void aWellFormedQueryIsKeptAsSent() {
        assertNull(RequestTarget.checkedQuery(null));
        assertEquals("", RequestTarget.checkedQuery(""));
        assertEquals("api-version=2024-06-01&after=m%201&x=a/b?c:d@e;f!$'()*+,",
                RequestTarget.checkedQuery("api-version=2024-06-01&after=m%201&x=a/b?c:d@e;f!$'()*+,"));
    }

    @Test
    void aMalformedQueryIsA400ThatDoesNotRepeatIt() {
        for (String query : new String[] {"key=SECRET123&a=%zz", "key=SECRET123&a=%", "key=SECRET123&a=%4",
                "key=SECRET123&a=b c", "key=SECRET123&a={}", "key=SECRET123&a=|", "key=SECRET123#x"}) {
            ProxyError e = assertThrows(ProxyError.class, () -> RequestTarget.checkedQuery(query), query);
            assertEquals(400, e.status());
            assertEquals("invalid_query", e.code());
            assertFalse(e.getMessage().contains("SECRET123"), e.getMessage());
            assertFalse(new String(e.body(), java.nio.charset.StandardCharsets.UTF_8).contains("SECRET123"));
        }
    }

    @Test
    void theCanonicalQueryDecodesUnreservedEscapesInNamesAndValues() {
        assertNull(RequestTarget.canonicalQuery(null));
        assertEquals("", RequestTarget.canonicalQuery(""));
        assertEquals("key=AIza&alt=sse", RequestTarget.canonicalQuery("k%65y=%41Iza&%61lt=sse"));
        assertEquals("a=%2F%20b&c", RequestTarget.canonicalQuery("a=%2f%20b&c"));
        assertEquals("KEY=x&page_token=t", RequestTarget.canonicalQuery("KEY=x&page%5Ftoken=t"));
    }

    @Test
    void aCredentialNameSpelledAmbiguouslyOrGivenTwiceIsA400ThatDoesNotRepeatIt() {
        for (String query : new String[] {"key=a&k%65y=SECRET123", "KEY=SECRET123&key=b", "key+=SECRET123",
                "%20key=SECRET123", "key%00=SECRET123", "ke%0Ay=SECRET123", "api%2Dkey=SECRET123&api-key=x"}) {
            ProxyError e = assertThrows(ProxyError.class, () -> RequestTarget.canonicalQuery(query), query);
            assertEquals("invalid_query", e.code(), query);
            assertFalse(e.getMessage().contains("SECRET123"), e.getMessage());
        }
    }

    @Test
    void withoutParameterDropsEveryCaseOfTheName() {
        assertEquals("alt=sse&x=1", RequestTarget.withoutParameter("alt=sse&KEY=a&x=1", "key"));
        assertNull(RequestTarget.withoutParameter("key=a", "key"));
        assertNull(RequestTarget.withoutParameter(null, "key"));
        assertEquals("keys=1&monkey=2", RequestTarget.withoutParameter("keys=1&monkey=2", "key"));
    }

    @Test
    void aPathThatIsNormalAlreadyIsItselfAndTheQuickScanAgreesWithTheLongWay() {
        String[] parts = {"/", "/", "v1", "chat", "completions", ".", "..", ".a", "...", "%2E", "%2F", "%41", "%zz", ";",
                "x", "~", "-", "_", ":", "@", "+", " ", "\u00e9", "?", "#", "\\"};
        java.util.Random random = new java.util.Random(19);
        for (int n = 0; n < 50_000; n++) {
            StringBuilder path = new StringBuilder("/");
            for (int k = random.nextInt(8); k > 0; k--) {
                path.append(parts[random.nextInt(parts.length)]);
            }
            String raw = path.toString();
            String slow;
            try {
                slow = RequestTarget.normalised(raw);
            } catch (ProxyError e) {
                assertThrows(ProxyError.class, () -> RequestTarget.normalPath(raw), raw);
                continue;
            }
            assertEquals(slow, RequestTarget.normalPath(raw), raw);
            if (RequestTarget.isNormal(raw)) {
                assertEquals(raw, slow, raw);
            }
        }
        for (String normal : new String[] {"/", "/v1/chat/completions", "/v1/models/", "/v1beta/models/gemini-2.5-flash:generateContent"}) {
            assertTrue(RequestTarget.isNormal(normal), normal);
        }
    }
}
