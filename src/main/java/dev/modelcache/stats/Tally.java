package dev.modelcache.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.billing.UsdSum;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.ExchangeSummary.Spending;
import dev.modelcache.http.CacheStatus;
import java.math.BigDecimal;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of a set of exchanges (all of them, or one provider's, model's, namespace's or caller's): requests by
 * cache status, hits that waited for an identical request in flight, errors (answered with a status of 400 or
 * more), the exchanges that called a provider themselves, tokens and US dollars saved and spent (the summary's, priced
 * once by the pipeline), the exchanges of those whose model had no price ({@code unpriced}: their tokens are counted,
 * their dollars are not known), and the time they took. Thread-safe without a lock: every count is a
 * {@link LongAdder} and the dollars an exact {@link UsdSum}, so request threads add at once and never wait for each
 * other; a reader sees each count as it is then (the counts of one exchange may be seen half added).
 */
final class Tally {
    /** The counts by their names in the counters file, in the order they are written. */
    private static final String[] NAMES = {"requests", "hits", "misses", "refreshes", "bypasses", "refused",
            "coalesced", "errors", "upstreamCalls", "savedInputTokens", "savedOutputTokens", "spentInputTokens",
            "spentOutputTokens", "unpriced", "totalMillis"};
    private static final int REQUESTS = 0, HITS = 1, MISSES = 2, REFRESHES = 3, BYPASSES = 4, REFUSED = 5,
            COALESCED = 6, ERRORS = 7, UPSTREAM_CALLS = 8, SAVED_INPUT = 9, SAVED_OUTPUT = 10, SPENT_INPUT = 11,
            SPENT_OUTPUT = 12, UNPRICED = 13, TOTAL_MILLIS = 14;

    private final LongAdder[] counts = new LongAdder[NAMES.length];
    private final UsdSum savedUsd = new UsdSum();
    private final UsdSum spentUsd = new UsdSum();

    Tally() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Counts one exchange, at the dollars its summary carries. */
    void add(ExchangeSummary exchange) {
        counts[REQUESTS].increment();
        if (exchange.cacheStatus() == null) {
            counts[REFUSED].increment();
        } else {
            switch (exchange.cacheStatus()) {
                case HIT -> counts[HITS].increment();
                case MISS -> counts[MISSES].increment();
                case REFRESH -> counts[REFRESHES].increment();
                case BYPASS -> counts[BYPASSES].increment();
            }
        }
        if (exchange.coalesced() && exchange.cacheStatus() == CacheStatus.HIT) {
            counts[COALESCED].increment();
        }
        if (exchange.httpStatus() >= 400) {
            counts[ERRORS].increment();
        }
        if (exchange.upstreamMillis() >= 0) {
            counts[UPSTREAM_CALLS].increment();
        }
        Spending spending = exchange.spending();
        if (spending == Spending.SAVED) {
            addSome(SAVED_INPUT, exchange.usage().promptTokens());
            addSome(SAVED_OUTPUT, exchange.usage().completionTokens());
            savedUsd.add(exchange.usd());
        } else if (spending == Spending.SPENT) {
            addSome(SPENT_INPUT, exchange.usage().promptTokens());
            addSome(SPENT_OUTPUT, exchange.usage().completionTokens());
            spentUsd.add(exchange.usd());
        }
        if (exchange.unpriced()) {
            counts[UNPRICED].increment();
        }
        addSome(TOTAL_MILLIS, Math.max(0, exchange.totalMillis()));
    }

    /** Adds {@code amount} to count {@code index}, skipping a 0: each add is an atomic write on a shared count. */
    private void addSome(int index, long amount) {
        if (amount != 0) {
            counts[index].add(amount);
        }
    }

    long requests() {
        return counts[REQUESTS].sum();
    }

    long hits() {
        return counts[HITS].sum();
    }

    long misses() {
        return counts[MISSES].sum();
    }

    long refreshes() {
        return counts[REFRESHES].sum();
    }

    long bypasses() {
        return counts[BYPASSES].sum();
    }

    long refused() {
        return counts[REFUSED].sum();
    }

    long coalesced() {
        return counts[COALESCED].sum();
    }

    long errors() {
        return counts[ERRORS].sum();
    }

    long savedInputTokens() {
        return counts[SAVED_INPUT].sum();
    }

    long savedOutputTokens() {
        return counts[SAVED_OUTPUT].sum();
    }

    long spentInputTokens() {
        return counts[SPENT_INPUT].sum();
    }

    long spentOutputTokens() {
        return counts[SPENT_OUTPUT].sum();
    }

    long unpriced() {
        return counts[UNPRICED].sum();
    }

    BigDecimal savedUsd() {
        return savedUsd.sum();
    }

    BigDecimal spentUsd() {
        return spentUsd.sum();
    }

    /** Hits over look-ups that found or missed (refreshes and bypasses do not look); null before the first. */
    Double hitRatio() {
        long hits = hits();
        long lookups = hits + misses();
        return lookups == 0 ? null : (double) hits / lookups;
    }

    /** The figures of one group, as {@code /_cache/stats} shows them in its breakdowns. */
    ObjectNode toJson() {
        long requests = requests();
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("requests", requests);
        json.put("hits", hits());
        json.put("misses", misses());
        json.put("refreshes", refreshes());
        json.put("bypasses", bypasses());
        json.put("errors", errors());
        json.put("upstreamCalls", counts[UPSTREAM_CALLS].sum());
        json.put("hitRatio", hitRatio());
        json.put("savedTokens", savedInputTokens() + savedOutputTokens());
        json.put("spentTokens", spentInputTokens() + spentOutputTokens());
        json.put("savedUsd", usd(savedUsd()));
        json.put("spentUsd", usd(spentUsd()));
        json.put("unpriced", unpriced());
        json.put("avgMillis", requests == 0 ? 0 : counts[TOTAL_MILLIS].sum() / requests);
        return json;
    }

    /** Every count by its name, for the counters file. */
    ObjectNode encode() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < NAMES.length; i++) {
            json.put(NAMES[i], counts[i].sum());
            if (i == SPENT_OUTPUT) {
                json.put("savedUsd", usd(savedUsd()));
                json.put("spentUsd", usd(spentUsd()));
            }
        }
        return json;
    }

    /** A tally as {@link #encode()} wrote it; missing fields count as 0. */
    static Tally decode(JsonNode json) {
        Tally tally = new Tally();
        if (!json.isObject()) {
            return tally;
        }
        for (int i = 0; i < NAMES.length; i++) {
            JsonNode count = json.path(NAMES[i]);
            if (!count.isMissingNode() && !count.isNull() && !count.canConvertToLong()) {
                throw new IllegalArgumentException("not a tally: " + NAMES[i] + " is " + count);
            }
            tally.counts[i].add(count.asLong());
        }
        tally.savedUsd.add(dollars(json, "savedUsd"));
        tally.spentUsd.add(dollars(json, "spentUsd"));
        return tally;
    }

    private static BigDecimal dollars(JsonNode json, String name) {
        JsonNode value = json.path(name);
        if (value.isMissingNode() || value.isNull()) {
            return BigDecimal.ZERO;
        }
        if (!value.isNumber()) {
            throw new IllegalArgumentException("not a tally: " + name + " is " + value);
        }
        return value.decimalValue();
    }

    static BigDecimal usd(BigDecimal value) {
        return value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    }
}
