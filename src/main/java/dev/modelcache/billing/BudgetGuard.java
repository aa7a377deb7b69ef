package dev.modelcache.billing;

import dev.modelcache.config.BillingConfig;
import dev.modelcache.http.ProxyError;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The daily caps on what the proxy spends on providers ({@code budget/...}), checked before each call to a
 * provider against the {@link CostLedger}'s figures for the current UTC day: overall ({@code dailyUsd},
 * {@code dailyTokens}), then for the caller ({@code perKeyDailyUsd}, {@code perKeyDailyTokens}). A cap is reached
 * once the day's spending is at or over it; the call that crosses it is not stopped, and calls running at once may
 * all pass before the ledger counts them. Answers from the cache are never refused.
 */
public final class BudgetGuard {
    /** No caps: every call may go. */
    public static final BudgetGuard NONE = new BudgetGuard(BillingConfig.defaults(), null);

    private final BillingConfig caps;
    private final CostLedger ledger;

    public BudgetGuard(BillingConfig caps, CostLedger ledger) {
        this.caps = caps;
        this.ledger = ledger;
    }

    /**
     * A cap that is reached. {@code reason} says which and until when; {@code replay}: the configuration wants the
     * call answered as in replay mode (504 {@code cache_miss}) rather than refused with {@link #error()}.
     */
    public record Breach(String reason, Instant resetsAt, long retryAfterSeconds, boolean replay) {
        /** The 429 {@code budget_exceeded}, with {@code Retry-After} in seconds until the cap resets. */
        public ProxyError error() {
            return new ProxyError(429, "budget_exceeded", "budget_exceeded",
                    "No call to the provider: " + reason + ". Answers already in the cache are still served.")
                    .withHeader("Retry-After", Long.toString(retryAfterSeconds));
        }
    }

    /** The first cap {@code caller} has reached today, if any. */
    public Optional<Breach> breach(String caller) {
        if (!caps.capped() || ledger == null) {
            return Optional.empty();
        }
        CostTally all = ledger.spentToday();
        String why = reached(all, caps.dailyUsd(), caps.dailyTokens(), "budget/dailyUsd", "budget/dailyTokens", "");
        if (why == null && (caps.perKeyDailyUsd() != null || caps.perKeyDailyTokens() != null)) {
            why = reached(ledger.spentToday(caller), caps.perKeyDailyUsd(), caps.perKeyDailyTokens(),
                    "budget/perKeyDailyUsd", "budget/perKeyDailyTokens", " by caller " + caller);
        }
        if (why == null) {
            return Optional.empty();
        }
        Instant now = ledger.clock().instant();
        Instant reset = ledger.today().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        long seconds = Math.max(1, (Duration.between(now, reset).toMillis() + 999) / 1000);
        return Optional.of(new Breach(why + "; it resets at " + reset + " (the next UTC midnight)", reset, seconds,
                caps.replayWhenExceeded()));
    }

    private static String reached(CostTally spent, BigDecimal usdCap, Long tokenCap, String usdKey, String tokenKey,
                                  String who) {
        if (usdCap != null && spent.usd().compareTo(usdCap) >= 0) {
            return "the daily budget " + usdKey + " of " + usdCap.toPlainString() + " USD is used up" + who + " ("
                    + spent.usd().stripTrailingZeros().toPlainString() + " USD spent today, UTC)";
        }
        if (tokenCap != null && spent.tokens().total() >= tokenCap) {
            return "the daily budget " + tokenKey + " of " + tokenCap + " tokens is used up" + who + " ("
                    + spent.tokens().total() + " tokens spent today, UTC)";
        }
        return null;
    }
}
