package dev.modelcache.billing;

import static dev.modelcache.billing.CostLedgerTest.exchange;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.support.TestClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The ledger's day is worked out once a day, yet an exchange a millisecond past midnight (UTC) is the next day's. */
class CostLedgerDayTest {
    private static void dayTurns(TestClock time, Clock clock, String before, String after) {
        CostLedger ledger = CostLedger.inMemory(CostLedgerTest.PRICING.checked(), clock);
        ledger.exchangeEnded(exchange("gpt-4o-mini", CacheStatus.MISS, false, 1000, 0, "a"));
        ledger.exchangeEnded(exchange("gpt-4o-mini", CacheStatus.MISS, false, 1000, 0, "a"));
        assertEquals(LocalDate.parse(before), ledger.today());
        time.advance(Duration.ofMillis(1));
        assertEquals(LocalDate.parse(after), ledger.today());
        ledger.exchangeEnded(exchange("gpt-4o-mini", CacheStatus.MISS, false, 1000, 0, "a"));
        JsonNode report = ledger.report();
        assertEquals(2, report.at("/days/" + before + "/spent/count").asLong());
        assertEquals(1, report.at("/days/" + after + "/spent/count").asLong());
        assertEquals(1, report.at("/today/spent/count").asLong());
        time.advance(Duration.ofDays(1));
        assertEquals(LocalDate.parse(after).plusDays(1), ledger.today());
    }

    @Test
    void anExchangeJustPastMidnightIsTheNextDaysInUtc() {
        TestClock time = new TestClock(Instant.parse("2026-12-03T23:59:59.999Z"));
        dayTurns(time, time, "2026-12-03", "2026-12-04");
    }

    @Test
    void theDaysAreUtcDaysWhateverTheClocksZone() {
        TestClock time = new TestClock(Instant.parse("2026-12-03T23:59:59.999Z")); // already the 4th in Berlin
        dayTurns(time, time.withZone(ZoneId.of("Europe/Berlin")), "2026-12-03", "2026-12-04");
    }
}
