package dev.modelcache.billing;

import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.files.AtomicFile;
import dev.modelcache.files.FlushedFile;
import dev.modelcache.events.ProxyListener;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * What the proxy spent on providers and what its cache saved, as a listener: each exchange answered by a provider
 * adds its tokens and their cost to {@code spent}, each hit adds what it would have cost to {@code saved} (with its
 * token counts, never zeroed), by provider, model and caller, in one bucket per UTC day. A request that shared an
 * identical request's call and got a non-2xx answer adds nothing: the call was counted once, for that request
 * ({@link ExchangeSummary#spending()} decides, for the metrics and the stats too).
 * The dollars are the summary's, priced once by the pipeline ({@link ExchangePricing}); the ledger never prices. An
 * exchange of a model without a price costs 0 and its model is reported as unpriced, as it was when counted (a price
 * file changed later does not re-judge it). The ledger lives in {@code <cache dir>/ledger.json}, written at most
 * about once a second after a change and on {@link #close()}, and keeps the last {@value #RETAINED_DAYS} days.
 * <p>
 * An exchange is counted without a lock (it was a monitor every request thread passed): the days are a concurrent
 * map of concurrent maps, each line's sums {@link CostCounter}s, and the report, the file and the budget read them as
 * {@link CostTally}s when they ask.
 */
public final class CostLedger implements ProxyListener, AutoCloseable {
    static final int RETAINED_DAYS = 366;
    private static final Logger LOG = System.getLogger(CostLedger.class.getName());
    private static final String UNKNOWN = "unknown";

    /** One row of the ledger: what a caller spent and saved on a model of a provider. */
    record Line(String provider, String model, String caller) {
    }

    /** A line's two sums, and how many of its exchanges had no price (counted at 0 USD), as read at one moment. */
    static final class Account {
        final CostTally spent = new CostTally();
        final CostTally saved = new CostTally();
        long unpriced;
    }

    /** A line's sums as they are counted, by many threads at once. */
    private static final class Counters {
        final CostCounter spent = new CostCounter();
        final CostCounter saved = new CostCounter();
        final LongAdder unpriced = new LongAdder();

        Account read() {
            Account account = new Account();
            account.spent.add(spent.tally());
            account.saved.add(saved.tally());
            account.unpriced = unpriced.sum();
            return account;
        }
    }

    private final String pricesChecked;
    private final Clock clock;
    private volatile Day day;
    private final ConcurrentSkipListMap<LocalDate, ConcurrentHashMap<Line, Counters>> days = new ConcurrentSkipListMap<>();
    private final FlushedFile onDisk;

    private CostLedger(String pricesChecked, Clock clock, Path file, SortedMap<LocalDate, Map<Line, Account>> kept) {
        this.pricesChecked = pricesChecked;
        this.clock = clock.withZone(ZoneOffset.UTC);
        kept.forEach((day, lines) -> {
            ConcurrentHashMap<Line, Counters> counted = new ConcurrentHashMap<>();
            lines.forEach((line, account) -> {
                Counters counters = new Counters();
                counters.spent.add(account.spent);
                counters.saved.add(account.saved);
                counters.unpriced.add(account.unpriced);
                counted.put(line, counters);
            });
            days.put(day, counted);
        });
        this.onDisk = new FlushedFile(file, "ledger", "the cost ledger", this::encode);
    }

    /** A ledger kept in memory only; {@code pricesChecked} is the price table's date, shown with the report. */
    public static CostLedger inMemory(String pricesChecked, Clock clock) {
        return new CostLedger(pricesChecked, clock, null, new TreeMap<>());
    }

    /**
     * The ledger of {@code cacheDir}, as its last run left it. A ledger file that cannot be read is moved aside (to
     * {@code ledger.json.unreadable}) with a warning, and the ledger starts empty: bookkeeping never stops the proxy.
     */
    public static CostLedger open(Path cacheDir, String pricesChecked, Clock clock) {
        Path file = cacheDir.resolve(LedgerFile.FILE_NAME);
        SortedMap<LocalDate, Map<Line, Account>> days = new TreeMap<>();
        if (Files.exists(file)) {
            try {
                days = LedgerFile.decode(Files.readAllBytes(file));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "cannot read the cost ledger " + file + " (" + e.getMessage()
                        + "); it is moved to " + file.getFileName() + ".unreadable and the ledger starts empty");
                if (!AtomicFile.moveAside(file)) {
                    LOG.log(Level.WARNING, "cannot move " + file + " aside");
                }
            }
        }
        return new CostLedger(pricesChecked, clock, file, days);
    }

    @Override
    public void exchangeEnded(ExchangeSummary exchange) {
        ExchangeSummary.Spending spending = exchange.spending();
        if (spending != ExchangeSummary.Spending.NONE) {
            record(exchange.provider(), exchange.model(), exchange.caller(), Tokens.of(exchange.usage()),
                    exchange.usd(), exchange.priced(), spending == ExchangeSummary.Spending.SAVED);
        }
    }

    /**
     * Adds one exchange that cost {@code usd} ({@code priced} false for a model without a price): {@code saved} for a
     * hit, else spent.
     */
    private void record(String provider, String model, String caller, Tokens tokens, BigDecimal usd, boolean priced,
                        boolean saved) {
        Line line = new Line(orUnknown(provider), orUnknown(model), orUnknown(caller));
        LocalDate today = today();
        ConcurrentHashMap<Line, Counters> lines = days.get(today);
        if (lines == null) {
            lines = days.computeIfAbsent(today, day -> new ConcurrentHashMap<>());
            while (days.size() > RETAINED_DAYS) { // a new day: the oldest goes
                days.pollFirstEntry();
            }
        }
        Counters counters = lines.get(line);
        if (counters == null) {
            counters = lines.computeIfAbsent(line, l -> new Counters());
        }
        (saved ? counters.saved : counters.spent).add(tokens, usd);
        if (!priced) {
            counters.unpriced.increment();
        }
        onDisk.changed();
    }

    /** The UTC day now. */
    public LocalDate today() {
        long now = clock.millis();
        Day day = this.day;
        if (day == null || now < day.fromMillis || now >= day.untilMillis) {
            LocalDate date = Instant.ofEpochMilli(now).atZone(clock.getZone()).toLocalDate();
            this.day = day = new Day(date, date.atStartOfDay(clock.getZone()).toInstant().toEpochMilli(),
                    date.plusDays(1).atStartOfDay(clock.getZone()).toInstant().toEpochMilli());
        }
        return day.date;
    }

    /**
     * A date and the instants it spans in the clock's zone: the date of every exchange between them, worked out once
     * a day instead of from the clock's instant for each exchange (which made a date-time every time).
     */
    private record Day(LocalDate date, long fromMillis, long untilMillis) {
    }

    public Clock clock() {
        return clock;
    }

    /** What all callers spent today (UTC). */
    public CostTally spentToday() {
        return spentToday(line -> true);
    }

    /** What {@code caller} spent today (UTC). */
    public CostTally spentToday(String caller) {
        return spentToday(line -> line.caller().equals(orUnknown(caller)));
    }

    /** What each caller spent today (UTC), by caller. */
    public Map<String, CostTally> spentTodayByCaller() {
        Map<String, CostTally> byCaller = new HashMap<>();
        days.getOrDefault(today(), new ConcurrentHashMap<>()).forEach((line, counters) ->
                byCaller.computeIfAbsent(line.caller(), caller -> new CostTally()).add(counters.spent.tally()));
        return byCaller;
    }

    private CostTally spentToday(Predicate<Line> which) {
        CostTally sum = new CostTally();
        days.getOrDefault(today(), new ConcurrentHashMap<>()).forEach((line, counters) -> {
            if (which.test(line)) {
                sum.add(counters.spent.tally());
            }
        });
        return sum;
    }

    /** The figures for {@code /_cache/stats}, as {@link LedgerReport} lays them out. */
    public com.fasterxml.jackson.databind.node.ObjectNode report() {
        return LedgerReport.of(read(), today(), pricesChecked);
    }

    /** Every day's lines as they stand now. */
    private SortedMap<LocalDate, Map<Line, Account>> read() {
        SortedMap<LocalDate, Map<Line, Account>> read = new TreeMap<>();
        days.forEach((day, lines) -> {
            Map<Line, Account> accounts = new HashMap<>();
            lines.forEach((line, counters) -> accounts.put(line, counters.read()));
            read.put(day, accounts);
        });
        return read;
    }

    /** Writes the ledger now if it changed since it was last written. */
    public void flush() throws IOException {
        onDisk.flush();
    }

    private byte[] encode() throws IOException {
        return LedgerFile.encode(read());
    }

    /** Stops the periodic writes and writes the ledger a last time. */
    @Override
    public void close() {
        onDisk.close();
    }

    private static String orUnknown(String value) {
        return value == null || value.isBlank() ? UNKNOWN : value;
    }
}
