package dev.modelcache.replay.cassette;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.http.Headers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CassetteHeadersTest {
    @Test
    void theBuiltInListAndTheSettingsNamesAreDroppedIgnoringCaseAndTheRestSortedByName() {
        CassetteHeaders headers = new CassetteHeaders(List.of("X-Served-By", "x-trace-*"));
        Headers answer = Headers.of("x-request-id", "req_1", "Content-Type", "application/json", "openai-version", "2020-10-01",
                "Date", "Mon, 07 Dec 2026 07:00:00 GMT", "openai-processing-ms", "120", "X-RateLimit-Remaining-Requests", "4999",
                "anthropic-ratelimit-tokens-reset", "2026-12-07T07:00:01Z", "x-served-by", "cache-1", "x-trace-span", "s",
                "cf-ray", "8f-AMS", "Link", "<b>", "link", "<a>");
        assertEquals(List.of(Map.entry("Content-Type", "application/json"), Map.entry("Link", "<b>"), Map.entry("link", "<a>"),
                Map.entry("openai-version", "2020-10-01")), headers.kept(answer).fields(),
                "sorted by name; the values of one name keep their order");
        assertTrue(CassetteHeaders.DEFAULTS.drops("REQUEST-ID"));
        assertFalse(CassetteHeaders.DEFAULTS.drops("x-served-by"), "only when the setting names it");
    }
}
