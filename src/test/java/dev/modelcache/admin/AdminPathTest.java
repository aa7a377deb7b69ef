package dev.modelcache.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelcache.admin.AdminPath.Route;
import dev.modelcache.http.RequestTarget;
import org.junit.jupiter.api.Test;

class AdminPathTest {
    private static Route route(String raw) {
        return AdminPath.of(raw, RequestTarget.normalPath(raw));
    }

    @Test
    void theExactSpellingIsAdminAfterNormalising() {
        for (String raw : new String[] {"/_cache", "/_cache/", "/_cache/stats", "/_cache//stats", "/_cache/./stats",
                "//_cache/stats", "/%5Fcache/stats", "/v1/../_cache/stats"}) {
            assertEquals(Route.ADMIN, route(raw), raw);
        }
    }

    @Test
    void nearSpellingsAndEscapesThroughDotSegmentsAreLookalikes() {
        for (String raw : new String[] {"/_CACHE/stats", "/_Cache", "/_cache./stats", "/_cache%2e/stats", "/_cachex",
                "/_cache/../v1/models", "/./_CACHE/../v1/models", "/v1/../_CACHE/stats", "/_cache%252e/stats",
                "/v1/x%2F_cache", "/v1/_cache/models"}) {
            assertEquals(Route.LOOKALIKE, route(raw), raw);
        }
    }

    @Test
    void providerPathsAreProxied() {
        for (String raw : new String[] {"/v1/chat/completions", "/v1beta/cachedContents", "/v1/models/cache_x",
                "/v1beta/models/gemini-2.5-flash:generateContent", "/api/chat"}) {
            assertEquals(Route.PROXY, route(raw), raw);
        }
    }

    /** The rule as written before the quick scan: decode twice, lower-case, split, look at every segment. */
    private static boolean looksAdminSlowly(String path) {
        String loose = RequestTarget.percentDecoded(RequestTarget.percentDecoded(path)).toLowerCase(java.util.Locale.ROOT);
        for (String segment : loose.split("[/\\\\]", -1)) {
            if (segment.strip().startsWith("_cache")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theQuickScanDecidesAsTheFullDecodingDoes() {
        String[] parts = {"/", "\\", "_", "c", "C", "a", "A", "ch", "he", "e", "E", "%5F", "%5f", "%255F", "%43", "%2F", " ",
                "v1", "x", ".", "\u212A", "\u0130", "_cache", "_CaChE", "%"};
        java.util.Random random = new java.util.Random(19);
        for (int n = 0; n < 50_000; n++) {
            StringBuilder path = new StringBuilder("/");
            for (int k = random.nextInt(9); k > 0; k--) {
                path.append(parts[random.nextInt(parts.length)]);
            }
            String candidate = path.toString();
            boolean expected;
            try {
                expected = looksAdminSlowly(candidate);
            } catch (RuntimeException e) {
                continue; // a malformed escape: the servlet refuses the path before it is routed
            }
            assertEquals(expected, AdminPath.looksAdmin(candidate), candidate);
        }
    }
}
