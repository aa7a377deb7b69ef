package dev.modelcache.billing;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The budget's own counters: what each caller spent per UTC day, and what the calls under way have reserved. A call
 * reserves what it may cost before it goes out ({@link #reserve}); when its answer is counted the reservation is
 * {@linkplain #settle settled}, replaced by what it did cost. Both are in the {@link SpendingJournal} before the
 * method returns, so a crash loses nothing a cap counts. A journal that cannot be written (a full disk) is logged
 * once and the counters go on in memory: the caps still hold while the process lives.
 */
public final class BudgetBook implements AutoCloseable {
    private static final Logger LOG = System.getLogger(BudgetBook.class.getName());

    /** What a caller, or all callers, spent and have reserved on a day. */
    public record Standing(Spend spent, Spend reserved) {
        public Spend committed() {
            return spent.plus(reserved);
        }
    }

    /** Appended lines after which the journal is compacted while the proxy runs (about 15 MB). */
    static final long COMPACT_AFTER_LINES = 100_000;

    private final Map<LocalDate, Map<String, Spend>> spent;
    private final Map<Long, SpendingJournal.Reserved> underWay = new HashMap<>();
    private final SpendingJournal journal;
    private final long compactAfter;
    private long nextId = 1;
    private boolean warned;

    private BudgetBook(Map<LocalDate, Map<String, Spend>> spent, SpendingJournal journal, long compactAfter) {
        this.spent = spent;
        this.journal = journal;
        this.compactAfter = compactAfter;
    }

    /** Counters kept in memory only. */
    public static BudgetBook inMemory() {
        return new BudgetBook(new TreeMap<>(), null, COMPACT_AFTER_LINES);
    }

    /**
     * The counters of {@code cacheDir}'s journal as the last run left them (unsettled reservations counted at their
     * estimate), keeping {@code today} and the day before. A journal that cannot be opened is logged and the counters
     * are kept in memory only.
     */
    public static BudgetBook open(Path cacheDir, LocalDate today) {
        return open(cacheDir, today, COMPACT_AFTER_LINES);
    }

    /** The same, compacting the journal after {@code compactAfter} appended lines. */
    static BudgetBook open(Path cacheDir, LocalDate today, long compactAfter) {
        try {
            SpendingJournal journal = SpendingJournal.open(cacheDir, today.minusDays(1));
            Map<LocalDate, Map<String, Spend>> days = new TreeMap<>();
            journal.replayed().forEach((day, callers) -> days.put(day, new HashMap<>(callers)));
            return new BudgetBook(days, journal, compactAfter);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot open the budget journal in " + cacheDir + " (" + e.getMessage()
                    + "); the budget is counted in memory only and a crash loses it");
            return inMemory();
        }
    }

    /**
     * Raises what {@code caller} spent on {@code day} to at least {@code floor} on each side: the cost ledger's
     * figures, for a journal younger than the ledger (a first start with this journal, caps set during the day).
     */
    public synchronized void atLeast(LocalDate day, String caller, Spend floor) {
        spent.computeIfAbsent(day, d -> new HashMap<>()).merge(caller, floor, Spend::atLeast);
    }

    /** What all callers spent and reserved on {@code day}. */
    public synchronized Standing standing(LocalDate day) {
        return standing(day, null);
    }

    /** What {@code caller} (null: all callers) spent and reserved on {@code day}. */
    public synchronized Standing standing(LocalDate day, String caller) {
        Spend done = Spend.ZERO;
        for (Map.Entry<String, Spend> line : spent.getOrDefault(day, Map.of()).entrySet()) {
            if (caller == null || caller.equals(line.getKey())) {
                done = done.plus(line.getValue());
            }
        }
        Spend held = Spend.ZERO;
        for (SpendingJournal.Reserved reservation : underWay.values()) {
            if (reservation.day().equals(day) && (caller == null || caller.equals(reservation.caller()))) {
                held = held.plus(reservation.estimate());
            }
        }
        return new Standing(done, held);
    }

    /** Reserves {@code estimate} for a call of {@code caller} on {@code day}, durably; returns the reservation's id. */
    public synchronized long reserve(LocalDate day, String caller, Spend estimate) {
        long id = nextId++;
        underWay.put(id, new SpendingJournal.Reserved(day, caller, estimate));
        spent.keySet().removeIf(kept -> kept.isBefore(day.minusDays(1)));
        if (journal != null) {
            try {
                journal.reserved(id, day, caller, estimate);
            } catch (IOException e) {
                failed(e);
            }
        }
        return id;
    }

    /** Replaces reservation {@code id} by what the call cost ({@link Spend#ZERO} when it failed), durably. */
    public synchronized void settle(long id, Spend actual) {
        SpendingJournal.Reserved held = underWay.remove(id);
        if (held == null) {
            return;
        }
        spent.computeIfAbsent(held.day(), d -> new HashMap<>()).merge(held.caller(), actual, Spend::plus);
        if (journal != null) {
            try {
                journal.settled(id, actual);
                if (journal.appended() >= compactAfter) {
                    journal.rewrite(spent, underWay);
                }
            } catch (IOException e) {
                failed(e);
            }
        }
    }

    private void failed(IOException e) {
        if (!warned) {
            warned = true;
            LOG.log(Level.WARNING, "cannot write the budget journal (" + e.getMessage() + "); the caps go on counting in"
                    + " memory, and a crash now would lose what they counted since");
        }
    }

    @Override
    public void close() {
        if (journal != null) {
            journal.close();
        }
    }
}
