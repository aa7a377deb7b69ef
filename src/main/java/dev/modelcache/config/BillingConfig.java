package dev.modelcache.config;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The keys of prices and budgets. {@code prices/file}: a JSON price file over the shipped table (null: the shipped
 * table alone). {@code budget/dailyUsd} and {@code budget/dailyTokens}: caps on what all callers together spend on
 * providers per UTC day; {@code budget/perKeyDailyUsd} and {@code budget/perKeyDailyTokens}: the same per caller.
 * Each cap is null when unset (no cap). {@code budget/onExceeded}: what a call past a cap gets, {@code reject} (429
 * {@code budget_exceeded}, the default) or {@code replay} (the cache answers alone, as in replay mode).
 */
public record BillingConfig(Path pricesFile, BigDecimal dailyUsd, Long dailyTokens, BigDecimal perKeyDailyUsd,
                            Long perKeyDailyTokens, boolean replayWhenExceeded) {

    /** No price file, no caps. */
    public static BillingConfig defaults() {
        return new BillingConfig(null, null, null, null, null, false);
    }

    static BillingConfig read(ConfigReader r) {
        String onExceeded = r.textOrDefault(ConfigKeys.BUDGET_ON_EXCEEDED).trim().toLowerCase(Locale.ROOT);
        if (!onExceeded.equals("reject") && !onExceeded.equals("replay")) {
            throw new ConfigException(ConfigKeys.BUDGET_ON_EXCEEDED.key(), "'" + onExceeded + "' is not one of reject, replay");
        }
        return new BillingConfig(r.path(ConfigKeys.PRICES_FILE, null), usd(r, ConfigKeys.BUDGET_DAILY_USD),
                tokens(r, ConfigKeys.BUDGET_DAILY_TOKENS), usd(r, ConfigKeys.BUDGET_PER_KEY_DAILY_USD),
                tokens(r, ConfigKeys.BUDGET_PER_KEY_DAILY_TOKENS), onExceeded.equals("replay"));
    }

    /** True when any cap is set. */
    public boolean capped() {
        return dailyUsd != null || dailyTokens != null || perKeyDailyUsd != null || perKeyDailyTokens != null;
    }

    private static BigDecimal usd(ConfigReader r, ConfigKeys key) {
        String raw = r.text(key).orElse(null);
        if (raw == null) {
            return null;
        }
        BigDecimal value;
        try {
            value = new BigDecimal(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key.key(), "'" + raw + "' is not an amount of US dollars (for example 25 or 2.50)");
        }
        if (value.signum() <= 0) {
            throw new ConfigException(key.key(), value + " must be more than 0 (leave it unset for no cap)");
        }
        return value;
    }

    private static Long tokens(ConfigReader r, ConfigKeys key) {
        return r.text(key).isPresent() ? r.number(key, 1, Long.MAX_VALUE) : null;
    }
}
