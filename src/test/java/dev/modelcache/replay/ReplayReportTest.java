package dev.modelcache.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.replay.StoredRequests.Part;
import dev.modelcache.support.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayReportTest {
    @Test
    void aKeptMissIsSmallWhateverModelAndPathTheRequestHeld() {
        ReplayReport report = new ReplayReport();
        RequestRecord request = StoredRequests.chat().with(Part.PATH, "/v1/" + "p".repeat(10_000))
                .set("model", "\"" + "m".repeat(1_000_000) + "\"").record();
        report.missed(request, new CacheKey("ab".repeat(32)), Explanation.nothingToCompare("none"), true);
        JsonNode miss = report.snapshot(List.of()).path("misses").path(0);
        assertEquals(ReplayReport.MAX_TEXT, miss.path("model").asText().length());
        assertEquals(ReplayReport.MAX_TEXT, miss.path("path").asText().length());
        assertTrue(miss.toString().length() < 2_000, miss.toString().length() + " characters");
    }

    @Test
    void missTimesAndTheStartOfTheCountAreReadFromTheProxysClock() {
        TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
        ReplayReport report = new ReplayReport(clock);
        clock.advance(Duration.ofMinutes(5));
        report.missed(StoredRequests.chat().record(), new CacheKey("ab".repeat(32)), Explanation.nothingToCompare("none"), true);
        JsonNode snapshot = report.snapshot(List.of());
        assertEquals("2026-03-01T10:00:00Z", snapshot.path("since").asText());
        assertEquals("2026-03-01T10:05:00Z", snapshot.path("misses").path(0).path("at").asText());
        clock.advance(Duration.ofMinutes(5));
        report.reset();
        assertEquals("2026-03-01T10:10:00Z", report.snapshot(List.of()).path("since").asText());
    }
}
