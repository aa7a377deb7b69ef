package dev.modelcache.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.config.BillingConfig;
import dev.modelcache.config.ConfigKeys;
import dev.modelcache.http.ProxyError;
import dev.modelcache.store.SharedMap;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.tokens.Usage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The daily caps on what the proxy spends on providers ({@code budget/...}), per UTC day: overall ({@code dailyUsd},
 * {@code dailyTokens}), then for the caller ({@code perKeyDailyUsd}, {@code perKeyDailyTokens}). Before each call to
 * a provider, what the call may cost at most ({@link CallEstimate}) is reserved against the caps, atomically with
 * the check: a call goes only when what was spent today, plus what the calls under way reserved, plus its own
 * estimate stays within every cap. When its answer is counted the reservation is settled at what the call cost; a
 * call that got no answer releases it. So calls running at once cannot pass a cap together: spending stays within a
 * cap unless calls cost more than their estimates. The counters are the {@link BudgetBook}'s, durable at each
 * reservation and settlement. Answers from the cache are never refused.
 *
 * <p>With {@code cache/clusterUri} the caps count the whole fleet's spending: the day counters live in the cluster
 * too ({@link FleetBudget}), consulted first, and this instance's book still counts its own (its figures, and the
 * caps alone while the cluster cannot be reached).
 */
public final class BudgetGuard implements AutoCloseable {
    /** No caps: every call may go. */
    public static final BudgetGuard NONE = new BudgetGuard(BillingConfig.defaults(), BudgetBook.inMemory(), null,
            Clock.systemUTC());
    private static final String UNKNOWN = "unknown";
    private static final String ACROSS = " across the fleet";

    private final BillingConfig caps;
    private final BudgetBook book;
    private final CallEstimate estimates;
    private final Clock clock;
    /** The fleet's counters (with {@code cache/clusterUri}), consulted before this instance's book; null for none. */
    private final FleetBudget fleet;

    public BudgetGuard(BillingConfig caps, BudgetBook book, CallEstimate estimates, Clock clock) {
        this(caps, book, estimates, clock, null);
    }

    /** The same, with the caps counted across the fleet sharing {@code fleetRows} (null: this instance alone). */
    public BudgetGuard(BillingConfig caps, BudgetBook book, CallEstimate estimates, Clock clock, SharedMap fleetRows) {
        this.caps = caps;
        this.book = book;
        this.estimates = estimates;
        this.clock = clock.withZone(ZoneOffset.UTC);
        this.fleet = fleetRows == null || !caps.capped() ? null : new FleetBudget(fleetRows);
    }

    /**
     * The caps of {@code caps} over the journal in {@code cacheDir} (kept only when a cap is set), raised to at least
     * the {@code ledger}'s figures for today, so a budget never forgets spending the ledger knows of.
     */
    public static BudgetGuard open(BillingConfig caps, Path cacheDir, CostLedger ledger, PriceTable prices,
                                   TokenCounter counter, Clock clock) {
        return open(caps, cacheDir, ledger, prices, counter, clock, null);
    }

    /**
     * The same, the caps counted across the fleet whose day counters are {@code fleetRows} (the cluster's; null: this
     * instance alone). This instance's book goes on counting its own spending: its figures, and the caps' fallback
     * while the fleet's counters cannot be reached.
     */
    public static BudgetGuard open(BillingConfig caps, Path cacheDir, CostLedger ledger, PriceTable prices,
                                   TokenCounter counter, Clock clock, SharedMap fleetRows) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        BudgetBook book = caps.capped() ? BudgetBook.open(cacheDir, today) : BudgetBook.inMemory();
        ledger.spentTodayByCaller().forEach((caller, tally) ->
                book.atLeast(today, caller, new Spend(tally.usd(), tally.tokens().total())));
        return new BudgetGuard(caps, book, new CallEstimate(prices, counter), clock, fleetRows);
    }

    /** What {@link #admit} answers: a {@link Reservation} (the call may go) or a {@link Breach}. */
    public sealed interface Admission permits Reservation, Breach {
    }

    /**
     * A cap the call would pass. {@code reason} says which and until when; {@code replay}: the configuration wants
     * the call answered as in replay mode (504 {@code cache_miss}) rather than refused with {@link #error()}.
     */
    public record Breach(String reason, Instant resetsAt, long retryAfterSeconds, boolean replay) implements Admission {
        /** The 429 {@code budget_exceeded}, with {@code Retry-After} in seconds until the cap resets. */
        public ProxyError error() {
            return new ProxyError(429, "budget_exceeded", "budget_exceeded",
                    "No call to the provider: " + reason + ". Answers already in the cache are still served.")
                    .withHeader("Retry-After", Long.toString(retryAfterSeconds));
        }
    }

    /**
     * What a call that may go holds against the caps until its answer is counted: {@link #settle} it with the
     * answer's usage, or {@link #close()} it unsettled (the call failed or got no answer) to release it.
     */
    public static final class Reservation implements Admission, AutoCloseable {
        /** A call no cap counts. */
        public static final Reservation FREE = new Reservation(null, 0, null, null, null, null);

        private final BudgetBook book;
        private final long id;
        private final CallEstimate estimates;
        private final String model;
        private final FleetBudget fleet;
        private final FleetBudget.Hold shared;
        private boolean settled;

        private Reservation(BudgetBook book, long id, CallEstimate estimates, String model, FleetBudget fleet,
                            FleetBudget.Hold shared) {
            this.book = book;
            this.id = id;
            this.estimates = estimates;
            this.model = model;
            this.fleet = fleet;
            this.shared = shared;
        }

        /** The call's answer is counted: it cost {@code usage}, priced as the ledger prices it. */
        public void settle(Usage usage) {
            if (book != null && !settled) {
                settled = true;
                Spend actual = estimates.actual(model, Tokens.of(usage == null ? Usage.NONE : usage));
                book.settle(id, actual);
                if (fleet != null) {
                    fleet.settle(shared, actual);
                }
            }
        }

        /** Releases the reservation if it was not settled: the call cost nothing. */
        @Override
        public void close() {
            if (book != null && !settled) {
                settled = true;
                book.settle(id, Spend.ZERO);
                if (fleet != null) {
                    fleet.release(shared);
                }
            }
        }
    }

    /**
     * Reserves what a call of {@code caller} to {@code model} on {@code path} with {@code body} may cost, or says
     * which cap it would pass. Without caps every call may go, and nothing is counted here.
     */
    public Admission admit(String caller, String model, String path, JsonNode body) {
        if (!caps.capped()) {
            return Reservation.FREE;
        }
        String who = caller == null || caller.isBlank() ? UNKNOWN : caller;
        return admit(who, model, estimates.of(model, path, body));
    }

    /**
     * With a fleet, its counters first (their own compare-and-set makes their check and hold one step, so no lock is
     * held while the cluster answers), then this instance's book; a refusal by the book gives the fleet's hold back.
     */
    private Admission admit(String who, String model, Spend estimate) {
        LocalDate today = LocalDate.now(clock);
        FleetBudget.Hold shared = null;
        if (fleet != null) {
            boolean perKey = caps.perKeyDailyUsd() != null || caps.perKeyDailyTokens() != null;
            FleetBudget.Claim claim = fleet.reserve(today, who, estimate,
                    standing -> passed(standing, estimate, caps.dailyUsd(), caps.dailyTokens(),
                            ConfigKeys.BUDGET_DAILY_USD.key(), ConfigKeys.BUDGET_DAILY_TOKENS.key(), ACROSS),
                    standing -> !perKey ? null : passed(standing, estimate, caps.perKeyDailyUsd(),
                            caps.perKeyDailyTokens(), ConfigKeys.BUDGET_PER_KEY_DAILY_USD.key(),
                            ConfigKeys.BUDGET_PER_KEY_DAILY_TOKENS.key(), " by caller " + who + ACROSS));
            if (claim.refused() != null) {
                return breach(today, claim.refused());
            }
            shared = claim.hold();
        }
        Admission here = admitHere(today, who, model, estimate, shared);
        if (here instanceof Breach && shared != null) {
            fleet.release(shared);
        }
        return here;
    }

    /** The check and the reservation in this instance's book, as one step: two calls cannot both take the last room. */
    private synchronized Admission admitHere(LocalDate today, String who, String model, Spend estimate,
                                             FleetBudget.Hold shared) {
        String why = passed(book.standing(today), estimate, caps.dailyUsd(), caps.dailyTokens(),
                ConfigKeys.BUDGET_DAILY_USD.key(), ConfigKeys.BUDGET_DAILY_TOKENS.key(), "");
        if (why == null && (caps.perKeyDailyUsd() != null || caps.perKeyDailyTokens() != null)) {
            why = passed(book.standing(today, who), estimate, caps.perKeyDailyUsd(), caps.perKeyDailyTokens(),
                    ConfigKeys.BUDGET_PER_KEY_DAILY_USD.key(), ConfigKeys.BUDGET_PER_KEY_DAILY_TOKENS.key(), " by caller " + who);
        }
        if (why != null) {
            return breach(today, why);
        }
        return new Reservation(book, book.reserve(today, who, estimate), estimates, model, fleet, shared);
    }

    private Breach breach(LocalDate today, String why) {
        Instant reset = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        long seconds = Math.max(1, (Duration.between(clock.instant(), reset).toMillis() + 999) / 1000);
        return new Breach(why + "; it resets at " + reset + " (the next UTC midnight)", reset, seconds,
                caps.replayWhenExceeded());
    }

    /**
     * The cluster answers again (its probe found it): what this instance settled while it could not be reached is
     * added to the fleet's counters now, not only at its next call, so the other instances' caps count it at once.
     */
    public void clusterAnswers() {
        if (fleet != null) {
            fleet.flush();
        }
    }

    /**
     * {@code costs} (the ledger's report, this instance's figures) with the fleet's figures of today under
     * {@code "fleet"} when the caps are counted across a fleet; unchanged otherwise.
     */
    public ObjectNode withFleet(ObjectNode costs) {
        if (fleet != null) {
            costs.set("fleet", fleet.report(LocalDate.now(clock)));
        }
        return costs;
    }

    private static String passed(BudgetBook.Standing standing, Spend estimate, BigDecimal usdCap, Long tokenCap,
                                 String usdKey, String tokenKey, String who) {
        Spend committed = standing.committed();
        if (usdCap != null) {
            String figures = " (" + plain(standing.spent().usd()) + " USD spent today, UTC, and "
                    + plain(standing.reserved().usd()) + " USD held by calls under way)";
            if (committed.usd().compareTo(usdCap) >= 0) {
                return "the daily budget " + usdKey + " of " + plain(usdCap) + " USD is used up" + who + figures;
            }
            if (committed.usd().add(estimate.usd()).compareTo(usdCap) > 0) {
                return "this call, which may cost up to " + plain(estimate.usd()) + " USD, could pass the daily budget "
                        + usdKey + " of " + plain(usdCap) + " USD" + who + figures;
            }
        }
        if (tokenCap != null) {
            String figures = " (" + standing.spent().tokens() + " tokens spent today, UTC, and "
                    + standing.reserved().tokens() + " held by calls under way)";
            if (committed.tokens() >= tokenCap) {
                return "the daily budget " + tokenKey + " of " + tokenCap + " tokens is used up" + who + figures;
            }
            if (committed.tokens() + estimate.tokens() > tokenCap) {
                return "this call, which may use up to " + estimate.tokens() + " tokens, could pass the daily budget "
                        + tokenKey + " of " + tokenCap + " tokens" + who + figures;
            }
        }
        return null;
    }

    private static String plain(BigDecimal usd) {
        return usd.signum() == 0 ? "0" : usd.stripTrailingZeros().toPlainString();
    }

    BudgetBook book() {
        return book;
    }

    @Override
    public void close() {
        book.close();
    }
}
