package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.config.BillingConfig;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.http.ProxyError;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.tokens.Usage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class BudgetGuardTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final TokenCounter COUNTER = new TokenCounter();
    static final String PATH = "/v1/chat/completions";

    static BillingConfig caps(String dailyUsd, Long dailyTokens, String perKeyUsd, Long perKeyTokens, boolean replay) {
        return new BillingConfig(null, dailyUsd == null ? null : new BigDecimal(dailyUsd), dailyTokens,
                perKeyUsd == null ? null : new BigDecimal(perKeyUsd), perKeyTokens, replay);
    }

    static JsonNode ask(String model, int maxTokens) {
        try {
            return JSON.readTree("{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A guard whose book already holds alice's one call: gpt-4o-mini, 1000 + 500 tokens, 0.00045 USD. */
    static BudgetGuard guard(BillingConfig caps) {
        CostLedger ledger = CostLedger.inMemory(PriceTable.builtIn().checked(), CostLedgerTest.NOON);
        ledger.exchangeEnded(CostLedgerTest.exchange("gpt-4o-mini", CacheStatus.MISS, false, 1000, 500, "alice"));
        BudgetBook book = BudgetBook.inMemory();
        ledger.spentTodayByCaller().forEach((caller, tally) ->
                book.atLeast(ledger.today(), caller, new Spend(tally.usd(), tally.tokens().total())));
        return new BudgetGuard(caps, book, new CallEstimate(PriceTable.builtIn(), COUNTER), CostLedgerTest.NOON);
    }

    static BudgetGuard.Admission admit(BudgetGuard guard, String caller, int maxTokens) {
        return guard.admit(caller, "gpt-4o-mini", PATH, ask("gpt-4o-mini", maxTokens));
    }

    @Test
    void belowEveryCapACallMayGo() {
        BudgetGuard guard = guard(caps("0.001", 2000L, "0.001", 2000L, false));
        assertInstanceOf(BudgetGuard.Reservation.class, admit(guard, "alice", 100));
        assertSame(BudgetGuard.Reservation.FREE, admit(BudgetGuard.NONE, "alice", 100));
    }

    @Test
    void aReachedDailyUsdCapIsA429SayingWhichCapAndWhenItResets() {
        BudgetGuard guard = guard(caps("0.00045", null, null, null, false));
        BudgetGuard.Breach breach = assertInstanceOf(BudgetGuard.Breach.class, admit(guard, "bob", 1));
        assertFalse(breach.replay());
        assertEquals(Instant.parse("2026-12-04T00:00:00Z"), breach.resetsAt());
        assertEquals(12 * 3600, breach.retryAfterSeconds());
        ProxyError error = breach.error();
        assertEquals(429, error.status());
        assertEquals("budget_exceeded", error.code());
        assertEquals(Long.toString(12 * 3600), error.headers().get("Retry-After"));
        String body = new String(error.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("budget/dailyUsd") && body.contains("2026-12-04T00:00:00Z"), body);
    }

    @Test
    void aReachedDailyTokenCapIsReachedForEveryone() {
        BudgetGuard guard = guard(caps(null, 1500L, null, null, true));
        BudgetGuard.Breach breach = assertInstanceOf(BudgetGuard.Breach.class, admit(guard, "bob", 1));
        assertTrue(breach.replay());
        assertTrue(breach.reason().contains("budget/dailyTokens"), breach.reason());
    }

    @Test
    void aPerKeyCapStopsOnlyTheCallerWhoReachedIt() {
        BudgetGuard guard = guard(caps(null, null, "0.0004", 1_000_000L, false));
        BudgetGuard.Breach breach = assertInstanceOf(BudgetGuard.Breach.class, admit(guard, "alice", 1));
        assertTrue(breach.reason().contains("budget/perKeyDailyUsd") && breach.reason().contains("alice"), breach.reason());
        assertInstanceOf(BudgetGuard.Reservation.class, admit(guard, "bob", 1));
    }

    @Test
    void callsUnderWayHoldTheirEstimateSoTheNextCallThatCouldPassTheCapIsRefused() {
        // 1500 spent; each call may use its prompt plus 1000 output tokens: one more fits under 3000, two do not.
        BudgetGuard guard = guard(caps(null, 3000L, null, null, false));
        BudgetGuard.Reservation first = assertInstanceOf(BudgetGuard.Reservation.class, admit(guard, "bob", 1000));
        BudgetGuard.Breach breach = assertInstanceOf(BudgetGuard.Breach.class, admit(guard, "carol", 1000));
        assertTrue(breach.reason().contains("held by calls under way"), breach.reason());
        first.settle(new Usage(10, 20, false));
        assertInstanceOf(BudgetGuard.Reservation.class, admit(guard, "carol", 1000),
                "settled at what it cost, the first call leaves room");
    }

    @Test
    void aCallThatGotNoAnswerReleasesItsReservation() {
        BudgetGuard guard = guard(caps(null, 3000L, null, null, false));
        BudgetGuard.Reservation first = assertInstanceOf(BudgetGuard.Reservation.class, admit(guard, "bob", 1000));
        first.close();
        first.settle(new Usage(100_000, 0, false)); // too late: a closed reservation is done
        BudgetGuard.Reservation second = assertInstanceOf(BudgetGuard.Reservation.class, admit(guard, "bob", 1000));
        second.settle(new Usage(5, 5, false));
        second.close(); // a settled reservation stays settled
        assertEquals(1510, spentTokens(guard));
    }

    @Test
    void anUnpricedModelIsNotBoundByADollarCapButIsByATokenCap() {
        BudgetGuard dollars = guard(caps("0.001", null, null, null, false));
        assertInstanceOf(BudgetGuard.Reservation.class,
                dollars.admit("bob", "my-local-model", PATH, ask("my-local-model", 100_000)));
        BudgetGuard tokens = guard(caps(null, 50_000L, null, null, false));
        assertInstanceOf(BudgetGuard.Breach.class, tokens.admit("bob", "my-local-model", PATH, ask("my-local-model", 100_000)));
    }

    static long spentTokens(BudgetGuard guard) {
        BudgetBook.Standing standing = guard.book().standing(LocalDate.of(2026, 12, 3));
        assertEquals(0, standing.reserved().tokens(), "nothing held");
        return standing.spent().tokens();
    }
}
