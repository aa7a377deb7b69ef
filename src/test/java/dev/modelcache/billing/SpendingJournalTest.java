package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The budget's counters are on disk the moment they change: a book abandoned without close loses nothing. */
class SpendingJournalTest {
    static final LocalDate DAY = LocalDate.of(2026, 12, 3);

    @TempDir
    Path cacheDir;

    static Spend usd(String usd, long tokens) {
        return new Spend(new BigDecimal(usd), tokens);
    }

    static void assertSpend(Spend expected, Spend actual) {
        assertEquals(0, expected.usd().compareTo(actual.usd()), "expected " + expected + ", got " + actual);
        assertEquals(expected.tokens(), actual.tokens(), "expected " + expected + ", got " + actual);
    }

    @Test
    void spendingRecordedByABookThatWasNeverClosedIsAllThereOnReopen() {
        BudgetBook book = BudgetBook.open(cacheDir, DAY);
        for (int i = 0; i < 30; i++) {
            long id = book.reserve(DAY, i % 2 == 0 ? "alice" : "bob", usd("0.01", 1000));
            book.settle(id, usd("0.002", 300));
        }
        long underWay = book.reserve(DAY, "alice", usd("0.01", 1000));
        // Abandoned: no close, no flush; what a kill -9 leaves.
        BudgetBook reopened = BudgetBook.open(cacheDir, DAY);
        BudgetBook.Standing all = reopened.standing(DAY);
        assertSpend(usd("0.07", 10_000), all.spent()); // 30 settled calls and the unsettled one at its estimate
        assertSpend(Spend.ZERO, all.reserved());
        assertSpend(usd("0.04", 5_500), reopened.standing(DAY, "alice").spent());
        assertSpend(usd("0.03", 4_500), reopened.standing(DAY, "bob").spent());
        book.settle(underWay, Spend.ZERO);
        reopened.close();
        book.close();
    }

    @Test
    void theJournalIsTheOwnersOnlyFromItsFirstLine() throws Exception {
        try (BudgetBook book = BudgetBook.open(cacheDir, DAY)) {
            book.settle(book.reserve(DAY, "alice", usd("0.01", 1000)), usd("0.002", 300));
        }
        assertEquals(dev.modelcache.files.OwnerOnly.FILE,
                Files.getPosixFilePermissions(cacheDir.resolve(SpendingJournal.FILE_NAME)));
    }

    @Test
    void reopeningCompactsTheJournalAndKeepsTodayAndYesterdayOnly() throws Exception {
        try (BudgetBook book = BudgetBook.open(cacheDir, DAY.minusDays(5))) {
            book.settle(book.reserve(DAY.minusDays(5), "alice", usd("1", 1)), usd("1", 1));
            book.settle(book.reserve(DAY.minusDays(1), "alice", usd("2", 2)), usd("2", 2));
            book.settle(book.reserve(DAY, "alice", usd("3", 3)), usd("3", 3));
        }
        try (BudgetBook book = BudgetBook.open(cacheDir, DAY)) {
            assertSpend(usd("3", 3), book.standing(DAY).spent());
            assertSpend(usd("2", 2), book.standing(DAY.minusDays(1)).spent());
            assertSpend(Spend.ZERO, book.standing(DAY.minusDays(5)).spent());
        }
        assertEquals(2, Files.readAllLines(cacheDir.resolve(SpendingJournal.FILE_NAME)).size(), "one line per day and caller");
    }

    @Test
    void aLongRunningBookCompactsItsJournalAndKeepsTheReservationsUnderWay() throws Exception {
        BudgetBook book = BudgetBook.open(cacheDir, DAY, 10);
        long underWay = book.reserve(DAY, "bob", usd("1", 100));
        for (int i = 0; i < 12; i++) {
            book.settle(book.reserve(DAY, "alice", usd("0.5", 50)), usd("0.25", 25));
        }
        assertTrue(Files.readAllLines(cacheDir.resolve(SpendingJournal.FILE_NAME)).size() < 10, "compacted");
        book.settle(underWay, usd("0.5", 50)); // settled after the compaction
        BudgetBook reopened = BudgetBook.open(cacheDir, DAY); // book abandoned, as by a kill -9
        assertSpend(usd("3", 300), reopened.standing(DAY, "alice").spent());
        assertSpend(usd("0.5", 50), reopened.standing(DAY, "bob").spent());
        reopened.close();
        book.close();
    }

    @Test
    void aLineTornByACrashMidWriteIsSkipped() throws Exception {
        try (BudgetBook book = BudgetBook.open(cacheDir, DAY)) {
            book.settle(book.reserve(DAY, "alice", usd("0.5", 50)), usd("0.25", 25));
        }
        Files.writeString(cacheDir.resolve(SpendingJournal.FILE_NAME), "{\"r\":7,\"day\":\"2026-12-03\",\"cal",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (BudgetBook book = BudgetBook.open(cacheDir, DAY)) {
            assertSpend(usd("0.25", 25), book.standing(DAY).spent());
        }
    }

    @Test
    void aJournalThatCannotBeWrittenLeavesTheCountersInMemory() throws Exception {
        Path notAFolder = Files.writeString(cacheDir.resolve("file"), "x");
        try (BudgetBook book = BudgetBook.open(notAFolder, DAY)) {
            book.settle(book.reserve(DAY, "alice", usd("0.5", 50)), usd("0.25", 25));
            assertSpend(usd("0.25", 25), book.standing(DAY).spent());
        }
        assertTrue(Files.isRegularFile(notAFolder));
    }
}
