package dev.modelcache.billing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.store.SharedMap;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The budget's day counters shared by a fleet (issue 20, item 3): with {@code cache/clusterUri}, what all instances
 * spent and hold today, overall and per caller, lives in a {@link SharedMap} on the cluster, so that three instances
 * under a 1 USD cap spend about 1 USD, not 3. A row per UTC day and scope ({@code "<day> total"},
 * {@code "<day> caller <name>"}) holds four whole numbers: dollars spent and held in units of
 * 10<sup>-{@value #SCALE}</sup> USD (as {@link UsdSum} counts, exact for every price of the shipped table; a finer
 * amount is rounded up) and tokens spent and held. Each change is a compare-and-set of the row read.
 *
 * <p>A reservation maps onto the rows as it does onto the {@link BudgetBook}: before a call, its estimate is added to
 * the rows' {@code held} if, read at that moment, what the fleet spent plus what it holds plus the estimate stays
 * within the caps (one compare-and-set, so two instances cannot both take the last room); its settlement takes the
 * estimate off {@code held} and adds what the call cost to {@code spent}; a call without an answer only takes its
 * estimate off. Holding the estimate in the fleet, not just here, is what keeps calls running at once on several
 * instances from passing a cap together. A reservation of an instance killed during its call stays held for the
 * rest of the day, as the journal counts an unsettled reservation at its estimate: better to cap a little early.
 *
 * <p>The map unreachable (the cluster down, told at once by {@link SharedMap}): the caller counts against the caps
 * alone, on its own {@link BudgetBook}; the log says so once, and once again when the fleet's rows answer. What was
 * settled meanwhile (and a settlement or release that could not be written) is kept here and added to the rows
 * when they answer, before the next decision: the fleet's figures then include the outage's spending, so the fleet
 * does not spend its cap a second time after it. A stripe restarted whole comes back without rows: from then on
 * each instance's own book still bounds what it spends, and the rows count again from what comes next.
 */
final class FleetBudget {
    static final int SCALE = UsdSum.SCALE;
    /** At most this many callers are shown in {@link #report}. */
    static final int MOST_CALLERS = 1000;
    /** Compare-and-set attempts on one row before the change is kept for later (a row fought over that long). */
    static final int MOST_ATTEMPTS = 64;
    private static final Logger LOG = System.getLogger(FleetBudget.class.getName());

    /** What a call holds in the fleet's rows; {@code shared} false when they could not be reached at its reservation. */
    record Hold(LocalDate day, String caller, Spend estimate, boolean shared) {
    }

    /** A reservation's result: the call's {@link Hold}, or why the fleet's figures refuse it. */
    record Claim(Hold hold, String refused) {
    }

    private final SharedMap rows;
    /** Changes the rows could not take yet, by row; guarded by itself. */
    private final Map<String, FleetRow> later = new HashMap<>();
    private final AtomicBoolean reachable = new AtomicBoolean(true);

    FleetBudget(SharedMap rows) {
        this.rows = rows;
    }

    static long units(BigDecimal usd) {
        java.math.BigInteger units = usd.movePointRight(SCALE).setScale(0, RoundingMode.CEILING).toBigIntegerExact();
        return units.bitLength() < 62 ? units.longValue() : Long.MAX_VALUE / 4; // past 4.6e8 USD: a cap reached
    }

    static BigDecimal usd(long units) {
        return BigDecimal.valueOf(units, SCALE);
    }

    static String totalKey(LocalDate day) {
        return day + " total";
    }

    static String callerKey(LocalDate day, String caller) {
        return callerPrefix(day) + caller;
    }

    private static String callerPrefix(LocalDate day) {
        return day + " caller ";
    }

    /**
     * Holds {@code estimate} for a call of {@code caller} on {@code day} in the overall row, then in the caller's,
     * each only if its check (null: within the caps, else why not) passes on the row as read; a refusal by the
     * caller's row gives the overall row's hold back. A hold not {@code shared} when the rows cannot be reached.
     */
    Claim reserve(LocalDate day, String caller, Spend estimate, Function<BudgetBook.Standing, String> overall,
                  Function<BudgetBook.Standing, String> ofCaller) {
        FleetRow hold = FleetRow.held(estimate);
        if (!flush()) {
            return new Claim(new Hold(day, caller, estimate, false), null);
        }
        boolean total = false;
        try {
            String why = add(totalKey(day), hold, overall);
            if (why != null) {
                return new Claim(null, why);
            }
            total = true;
            why = add(callerKey(day, caller), hold, ofCaller);
            if (why != null) {
                change(totalKey(day), hold.negated());
                return new Claim(null, why);
            }
            answers();
            return new Claim(new Hold(day, caller, estimate, true), null);
        } catch (RuntimeException e) {
            if (total) {
                keep(totalKey(day), hold.negated());
            }
            unreachable(e);
            return new Claim(new Hold(day, caller, estimate, false), null);
        }
    }

    /** The call held by {@code hold} cost {@code actual}: its hold becomes that spending (now, or when the rows answer). */
    void settle(Hold hold, Spend actual) {
        FleetRow change = FleetRow.spent(actual);
        if (hold.shared()) {
            change = change.plus(FleetRow.held(hold.estimate()).negated());
        }
        change(totalKey(hold.day()), change);
        change(callerKey(hold.day(), hold.caller()), change);
    }

    /** The call held by {@code hold} cost nothing: its hold is given back. */
    void release(Hold hold) {
        if (hold.shared()) {
            FleetRow change = FleetRow.held(hold.estimate()).negated();
            change(totalKey(hold.day()), change);
            change(callerKey(hold.day(), hold.caller()), change);
        }
    }

    /** Applies {@code change} to row {@code key} now, or keeps it for when the rows answer. */
    private void change(String key, FleetRow change) {
        try {
            if (flush()) {
                add(key, change, null);
                return;
            }
        } catch (RuntimeException e) {
            unreachable(e);
        }
        keep(key, change);
    }

    private void keep(String key, FleetRow change) {
        synchronized (later) {
            later.merge(key, change, FleetRow::plus);
        }
    }

    /** Adds what was kept for later to the rows; false when they cannot be reached (what is left stays kept). */
    boolean flush() {
        Map<String, FleetRow> kept;
        synchronized (later) {
            if (later.isEmpty()) {
                return true;
            }
            kept = new HashMap<>(later);
            later.clear();
        }
        int settled = 0;
        try {
            for (Map.Entry<String, FleetRow> row : Map.copyOf(kept).entrySet()) {
                add(row.getKey(), row.getValue(), null);
                kept.remove(row.getKey());
                settled++;
            }
        } catch (RuntimeException e) {
            kept.forEach(this::keep);
            unreachable(e);
            return false;
        }
        LOG.log(Level.INFO, "added " + settled + " budget change(s) made while the fleet's counters were unreachable");
        answers();
        return true;
    }

    /**
     * One compare-and-set of row {@code key} by {@code change}, if {@code check} (null: none) passes on the row read;
     * null when done, else why not. Throws when the rows cannot be reached or the row was fought over too long.
     */
    private String add(String key, FleetRow change, Function<BudgetBook.Standing, String> check) {
        for (int attempt = 0; attempt < MOST_ATTEMPTS; attempt++) {
            String seen = rows.get(key);
            FleetRow row = FleetRow.parse(seen);
            String why = check == null ? null : check.apply(row.standing());
            if (why != null) {
                return why;
            }
            String next = row.applied(change).text();
            if (seen == null ? rows.putIfAbsent(key, next) == null : rows.replace(key, seen, next)) {
                return null;
            }
        }
        throw new IllegalStateException("the fleet's budget row " + key + " changed under " + MOST_ATTEMPTS + " attempts");
    }

    private void answers() {
        if (reachable.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "the fleet's budget counters answer again: the caps count the fleet's spending again");
        }
    }

    private void unreachable(RuntimeException e) {
        if (reachable.compareAndSet(true, false)) {
            LOG.log(Level.WARNING, "the fleet's budget counters cannot be reached (" + e.getMessage() + "); until they "
                    + "answer, this instance counts its own spending against the caps, and adds it to the fleet's after");
        }
    }

    /**
     * The fleet's figures of {@code day} for {@code /_cache/stats}: {@code state} ({@code shared} or
     * {@code unreachable}), and while shared {@code today} and {@code byCaller}, each {@code spent} and {@code held}
     * ({@code usd}, {@code tokens}). Callers are named as the ledger names them; no credential is in a row.
     */
    ObjectNode report(LocalDate day) {
        ObjectNode fleet = JsonNodeFactory.instance.objectNode();
        fleet.put("day", day.toString());
        try {
            FleetRow total = FleetRow.parse(rows.get(totalKey(day)));
            Map<String, String> callers = rows.startingWith(callerPrefix(day), MOST_CALLERS);
            fleet.put("state", "shared");
            fleet.set("today", json(total));
            ObjectNode byCaller = fleet.putObject("byCaller");
            callers.forEach((key, row) -> byCaller.set(key.substring(callerPrefix(day).length()), json(FleetRow.parse(row))));
        } catch (RuntimeException e) {
            fleet.put("state", "unreachable");
        }
        return fleet;
    }

    private static ObjectNode json(FleetRow row) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("spent", amount(row.spentUnits(), row.spentTokens()));
        json.set("held", amount(row.heldUnits(), row.heldTokens()));
        return json;
    }

    private static ObjectNode amount(long units, long tokens) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("usd", units == 0 ? BigDecimal.ZERO : usd(units).stripTrailingZeros());
        json.put("tokens", tokens);
        return json;
    }
}
