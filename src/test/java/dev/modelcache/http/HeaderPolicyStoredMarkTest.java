package dev.modelcache.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fields that {@link HeaderPolicy#stored} made, or found as it keeps them, are marked so: a hit's head does not
 * filter them again, and each field name's verdict is worked out once.
 */
class HeaderPolicyStoredMarkTest {
    @Test
    void storedFieldsAreNotFilteredAgainOnReplay() {
        Headers upstream = Headers.of("Content-Type", "application/json", "openai-organization", "acme",
                "x-request-id", "req_1", "Set-Cookie", "a=b");
        Headers stored = HeaderPolicy.stored(upstream);
        assertEquals(List.of(Map.entry("Content-Type", "application/json"), Map.entry("x-request-id", "req_1")),
                stored.fields(), "the allow-list, as before");
        assertSame(stored, HeaderPolicy.stored(stored), "stored fields are not filtered again");
        assertSame(stored, HeaderPolicy.toClient(stored, true), "nor when a hit's head is written");

        Headers clean = Headers.of("Content-Type", "application/json", "openai-processing-ms", "12");
        Headers kept = HeaderPolicy.stored(clean);
        assertSame(clean.fields(), kept.fields(), "all kept: the same list, no copy");
        assertSame(kept, HeaderPolicy.toClient(kept, true));
    }

    @Test
    void aNameIsJudgedOnceAndAnUnsafeValueIsStillDropped() {
        HeaderPolicy.stored(Headers.of("openai-model-x", "1"));
        long verdicts = HeaderPolicy.keptVerdicts();
        for (int i = 0; i < 5; i++) {
            assertEquals(1, HeaderPolicy.stored(Headers.of("openai-model-x", "1", "openai-line", "a\nb")).fields().size());
        }
        assertEquals(1, HeaderPolicy.keptVerdicts() - verdicts, "only the new name was judged, once");
    }
}
