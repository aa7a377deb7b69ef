package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a process that is spending: a separate JVM reserves and settles calls in a loop on a cache folder,
 * saying after each settlement that it returned, and is killed with SIGKILL (no shutdown hook, no close). Every call
 * it said was settled is in the budget when the folder is opened again, and the one under way, if any, counts at its
 * estimate.
 */
class BudgetKillTest {
    static final LocalDate DAY = LocalDate.of(2026, 12, 3);
    static final Spend ESTIMATE = new Spend(new BigDecimal("0.01"), 1000);
    static final Spend COST = new Spend(new BigDecimal("0.003"), 300);
    static final int SEEN = 30;

    @TempDir
    Path cacheDir;

    /** The spending process: settles calls until it is killed, one line on stdout per settled call. */
    public static void main(String[] args) {
        BudgetBook book = BudgetBook.open(Path.of(args[0]), DAY);
        for (long n = 1; ; n++) {
            long id = book.reserve(DAY, "alice", ESTIMATE);
            book.settle(id, COST);
            System.out.println(n);
            System.out.flush();
        }
    }

    @Test
    void everyCallSettledBeforeAKillDashNineIsCountedAfterARestart() throws Exception {
        long seen = KilledChild.runUntil(BudgetKillTest.class, SEEN, cacheDir.toString());
        assertEquals(SEEN, seen, "the spending process ran");
        try (BudgetBook book = BudgetBook.open(cacheDir, DAY)) {
            BudgetBook.Standing standing = book.standing(DAY);
            long tokens = standing.spent().tokens();
            long underWay = tokens % COST.tokens() == 0 ? 0 : 1; // 1000 is not a multiple of 300
            long settled = (tokens - underWay * ESTIMATE.tokens()) / COST.tokens();
            assertEquals(tokens, settled * COST.tokens() + underWay * ESTIMATE.tokens(), "whole calls: " + standing);
            assertTrue(settled >= SEEN, "every call it said was settled is counted: " + standing);
            BigDecimal usd = COST.usd().multiply(BigDecimal.valueOf(settled)).add(ESTIMATE.usd().multiply(BigDecimal.valueOf(underWay)));
            assertEquals(0, usd.compareTo(standing.spent().usd()), "and its dollars: " + standing);
        }
    }
}
