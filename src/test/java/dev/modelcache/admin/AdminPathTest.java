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
}
