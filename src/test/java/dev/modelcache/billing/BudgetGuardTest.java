package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.BillingConfig;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.http.ProxyError;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BudgetGuardTest {
    static BillingConfig caps(String dailyUsd, Long dailyTokens, String perKeyUsd, Long perKeyTokens, boolean replay) {
        return new BillingConfig(null, dailyUsd == null ? null : new BigDecimal(dailyUsd), dailyTokens,
                perKeyUsd == null ? null : new BigDecimal(perKeyUsd), perKeyTokens, replay);
    }

    static CostLedger ledgerWithOneCall(String caller) {
        CostLedger ledger = CostLedger.inMemory(PriceTable.builtIn(), CostLedgerTest.NOON);
        // 0.00045 USD, 1500 tokens.
        ledger.exchangeEnded(CostLedgerTest.exchange("gpt-4o-mini", CacheStatus.MISS, false, 1000, 500, caller));
        return ledger;
    }

    @Test
    void belowEveryCapACallMayGo() {
        BudgetGuard guard = new BudgetGuard(caps("0.001", 2000L, "0.001", 2000L, false), ledgerWithOneCall("alice"));
        assertTrue(guard.breach("alice").isEmpty());
        assertTrue(BudgetGuard.NONE.breach("alice").isEmpty());
    }

    @Test
    void aReachedDailyUsdCapIsA429SayingWhichCapAndWhenItResets() {
        BudgetGuard guard = new BudgetGuard(caps("0.00045", null, null, null, false), ledgerWithOneCall("alice"));
        BudgetGuard.Breach breach = guard.breach("bob").orElseThrow();
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
        BudgetGuard guard = new BudgetGuard(caps(null, 1500L, null, null, true), ledgerWithOneCall("alice"));
        BudgetGuard.Breach breach = guard.breach("bob").orElseThrow();
        assertTrue(breach.replay());
        assertTrue(breach.reason().contains("budget/dailyTokens"), breach.reason());
    }

    @Test
    void aPerKeyCapStopsOnlyTheCallerWhoReachedIt() {
        BudgetGuard guard = new BudgetGuard(caps(null, null, "0.0004", 1_000_000L, false), ledgerWithOneCall("alice"));
        BudgetGuard.Breach breach = guard.breach("alice").orElseThrow();
        assertTrue(breach.reason().contains("budget/perKeyDailyUsd") && breach.reason().contains("alice"), breach.reason());
        assertTrue(guard.breach("bob").isEmpty());
    }
}
