package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.modelcache.config.BillingConfig;
import dev.modelcache.support.FakeSharedMap;
import dev.modelcache.support.LogCapture;
import dev.modelcache.tokens.Usage;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, item 3: the budget's day counters shared by a fleet, against a fake of the cluster's map. Two guards given
 * the same map are two instances of one fleet.
 */
class FleetBudgetTest {
    private static final LocalDate DAY = LocalDate.parse("2026-12-03");
    /** Per caller, 3500 tokens a day: each call below may use about 1008 (its prompt and 1000) and uses 1000. */
    private static final BillingConfig PER_KEY = BudgetGuardTest.caps(null, null, null, 3500L, false);

    private final FakeSharedMap cluster = new FakeSharedMap();
    private final LogCapture log = new LogCapture();

    @BeforeEach
    void capture() {
        Logger.getLogger(FleetBudget.class.getName()).addHandler(log);
    }

    @AfterEach
    void release() {
        Logger.getLogger(FleetBudget.class.getName()).removeHandler(log);
    }

    private BudgetGuard instance(BillingConfig caps, FakeSharedMap shared) {
        return new BudgetGuard(caps, BudgetBook.inMemory(), new CallEstimate(PriceTable.builtIn(), BudgetGuardTest.COUNTER),
                CostLedgerTest.NOON, shared);
    }

    /** A call of {@code caller} that goes and uses 1000 tokens; false when the budget refuses it. */
    private static boolean call(BudgetGuard guard, String caller) {
        BudgetGuard.Admission admission = BudgetGuardTest.admit(guard, caller, 1000);
        if (admission instanceof BudgetGuard.Breach) {
            return false;
        }
        ((BudgetGuard.Reservation) admission).settle(new Usage(10, 990, false));
        return true;
    }

    private long warnings() {
        return log.records.stream().filter(r -> r.getLevel() == Level.WARNING).count();
    }

    @Test
    void aPerKeyCapSetOnTwoInstancesHoldsForThePair() {
        BudgetGuard a = instance(PER_KEY, cluster);
        BudgetGuard b = instance(PER_KEY, cluster);
        assertTrue(call(a, "alice"));
        assertTrue(call(b, "alice"));
        assertTrue(call(a, "alice"), "3000 tokens spent by the pair, with room for one more call");
        assertFalse(call(b, "alice"), "the pair reached the cap: B refuses though it spent 1000 itself");
        BudgetGuard.Breach breach = assertInstanceOf(BudgetGuard.Breach.class, BudgetGuardTest.admit(a, "alice", 1000));
        assertTrue(breach.reason().contains("by caller alice across the fleet"), breach.reason());
        assertTrue(breach.reason().contains("3000 tokens spent today"), breach.reason());
        assertTrue(call(b, "bob"), "another caller has a cap of its own");
        assertEquals(2000, a.book().standing(DAY, "alice").spent().tokens(), "A's own book keeps A's figures");
    }

    /**
     * Three instances under one daily cap of 10,000 tokens, four threads each calling at once until refused: the fleet
     * spends about the cap (9000: a tenth call of about 1008 tokens would pass it), not three times the cap.
     */
    @Test
    void threeInstancesCallingAtOnceSpendAboutOneCapNotThree() throws Exception {
        BillingConfig caps = BudgetGuardTest.caps(null, 10_000L, null, null, false);
        List<BudgetGuard> fleet = List.of(instance(caps, cluster), instance(caps, cluster), instance(caps, cluster));
        ExecutorService threads = Executors.newFixedThreadPool(12);
        try {
            List<Future<Integer>> made = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                BudgetGuard guard = fleet.get(i % 3);
                String caller = "caller-" + i;
                made.add(threads.submit(() -> {
                    int calls = 0;
                    while (call(guard, caller)) {
                        calls++;
                    }
                    return calls;
                }));
            }
            int calls = 0;
            for (Future<Integer> each : made) {
                calls += each.get(30, TimeUnit.SECONDS);
            }
            FleetRow total = FleetRow.parse(cluster.values.get(FleetBudget.totalKey(DAY)));
            assertEquals(9, calls);
            assertEquals(9000, total.spentTokens());
            assertEquals(0, total.heldTokens(), "every hold was given back or settled");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void withoutASharedMapEachInstanceCountsAlone() {
        BudgetGuard a = instance(PER_KEY, null);
        BudgetGuard b = instance(PER_KEY, null);
        for (int i = 0; i < 3; i++) {
            assertTrue(call(a, "alice"));
            assertTrue(call(b, "alice"));
        }
        assertTrue(cluster.values.isEmpty());
        assertFalse(a.withFleet(JsonNodeFactory.instance.objectNode()).has("fleet"), "no fleet without a cluster");
    }

    @Test
    void aCallUnderWayOnOneInstanceHoldsItsEstimateForTheFleet() {
        BillingConfig caps = BudgetGuardTest.caps(null, 1500L, null, null, false);
        BudgetGuard a = instance(caps, cluster);
        BudgetGuard b = instance(caps, cluster);
        BudgetGuard.Reservation underWay = assertInstanceOf(BudgetGuard.Reservation.class,
                BudgetGuardTest.admit(a, "alice", 1000));
        assertInstanceOf(BudgetGuard.Breach.class, BudgetGuardTest.admit(b, "bob", 1000),
                "A's call holds about 1008 tokens of 1500 in the fleet");
        underWay.close();
        assertEquals("0 0 0 0", cluster.values.get(FleetBudget.totalKey(DAY)), "a call without an answer gives its hold back");
        assertTrue(call(b, "bob"));
    }

    @Test
    void aRowCountsDollarsExactlyAndRoundsAFinerAmountUp() {
        FleetBudget fleet = new FleetBudget(cluster);
        FleetBudget.Claim claim = fleet.reserve(DAY, "alice", new Spend(new BigDecimal("0.0025"), 4107), s -> null, s -> null);
        assertNull(claim.refused());
        assertEquals("0 0 25000000 4107", cluster.values.get(FleetBudget.totalKey(DAY)));
        fleet.settle(claim.hold(), new Spend(new BigDecimal("0.00045"), 1500));
        assertEquals("4500000 1500 0 0", cluster.values.get(FleetBudget.callerKey(DAY, "alice")));
        assertEquals(1, FleetBudget.units(new BigDecimal("0.00000000000001")));
        JsonNode report = fleet.report(DAY);
        assertEquals("shared", report.path("state").asText());
        assertEquals(new BigDecimal("0.00045"), report.path("today").path("spent").path("usd").decimalValue());
        assertEquals(1500, report.path("byCaller").path("alice").path("spent").path("tokens").asLong());
        assertEquals(0, report.path("byCaller").path("alice").path("held").path("tokens").asLong());
    }

    @Test
    void theClusterDownEachInstanceCountsAloneThenAddsItsSpendingWhenItIsBack() {
        BudgetGuard a = instance(PER_KEY, cluster);
        BudgetGuard b = instance(PER_KEY, cluster);
        assertTrue(call(a, "alice"));
        cluster.down = true;
        assertTrue(call(b, "alice"));
        assertTrue(call(a, "alice"));
        assertTrue(call(b, "alice"), "each instance's own book allows 3500: 2000 spent by each");
        assertEquals(2, warnings(), "each instance says once that the fleet's counters are gone: " + log.records);
        assertEquals("unreachable", a.withFleet(JsonNodeFactory.instance.objectNode()).path("fleet").path("state").asText());
        cluster.down = false;
        b.clusterAnswers(); // the cluster's probe finds it back: B adds its outage's spending at once
        assertFalse(call(a, "alice"), "back, the fleet's row has the outage's spending too: 4000 tokens");
        assertEquals(4000, FleetRow.parse(cluster.values.get(FleetBudget.callerKey(DAY, "alice"))).spentTokens());
        assertEquals(4, warnings(), "and each says once that they answer again");
    }

    @Test
    void aHoldGivenBackDuringAnOutageIsGivenBackWhenTheClusterAnswers() {
        BudgetGuard a = instance(PER_KEY, cluster);
        BudgetGuard.Reservation underWay = assertInstanceOf(BudgetGuard.Reservation.class,
                BudgetGuardTest.admit(a, "alice", 1000));
        cluster.down = true;
        underWay.settle(new Usage(10, 490, false));
        cluster.down = false;
        assertTrue(call(a, "alice"));
        FleetRow row = FleetRow.parse(cluster.values.get(FleetBudget.callerKey(DAY, "alice")));
        assertEquals(1500, row.spentTokens(), "the first call's settlement (500 tokens) reached the row once it answered");
        assertEquals(0, row.heldTokens(), "and its hold was given back");
        assertEquals(0, row.heldUnits());
    }
}
