package dev.modelcache.stats;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.ExchangeSummary.Spending;
import dev.modelcache.http.CacheStatus;
import java.math.BigDecimal;

/**
 * The counts of a set of exchanges (all of them, or one provider's, model's, namespace's or caller's): requests by
 * cache status, hits that waited for an identical request in flight, errors (answered with a status of 400 or
 * more), the exchanges that called a provider themselves, tokens and US dollars saved and spent (the summary's, priced
 * once by the pipeline), the exchanges of those whose model had no price ({@code unpriced}: their tokens are counted,
 * their dollars are not known), and the time they took. Not thread-safe: {@link UsageStats} guards it.
 */
final class Tally {
    /** Reads and writes the fields themselves, so the file has exactly the counts kept here. */
    private static final ObjectMapper FILE = new ObjectMapper()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    long requests;
    long hits;
    long misses;
    long refreshes;
    long bypasses;
    long refused;
    long coalesced;
    long errors;
    long upstreamCalls;
    long savedInputTokens;
    long savedOutputTokens;
    long spentInputTokens;
    long spentOutputTokens;
    BigDecimal savedUsd = BigDecimal.ZERO;
    BigDecimal spentUsd = BigDecimal.ZERO;
    long unpriced;
    long totalMillis;

    /** Counts one exchange, at the dollars its summary carries. */
    void add(ExchangeSummary exchange) {
        requests++;
        if (exchange.cacheStatus() == null) {
            refused++;
        } else {
            switch (exchange.cacheStatus()) {
                case HIT -> hits++;
                case MISS -> misses++;
                case REFRESH -> refreshes++;
                case BYPASS -> bypasses++;
            }
        }
        if (exchange.coalesced() && exchange.cacheStatus() == CacheStatus.HIT) {
            coalesced++;
        }
        if (exchange.httpStatus() >= 400) {
            errors++;
        }
        if (exchange.upstreamMillis() >= 0) {
            upstreamCalls++;
        }
        Spending spending = exchange.spending();
        if (spending == Spending.SAVED) {
            savedInputTokens += exchange.usage().promptTokens();
            savedOutputTokens += exchange.usage().completionTokens();
            savedUsd = savedUsd.add(exchange.usd());
        } else if (spending == Spending.SPENT) {
            spentInputTokens += exchange.usage().promptTokens();
            spentOutputTokens += exchange.usage().completionTokens();
            spentUsd = spentUsd.add(exchange.usd());
        }
        if (exchange.unpriced()) {
            unpriced++;
        }
        totalMillis += Math.max(0, exchange.totalMillis());
    }

    /** Hits over look-ups that found or missed (refreshes and bypasses do not look); null before the first. */
    Double hitRatio() {
        long lookups = hits + misses;
        return lookups == 0 ? null : (double) hits / lookups;
    }

    /** The figures of one group, as {@code /_cache/stats} shows them in its breakdowns. */
    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("requests", requests);
        json.put("hits", hits);
        json.put("misses", misses);
        json.put("refreshes", refreshes);
        json.put("bypasses", bypasses);
        json.put("errors", errors);
        json.put("upstreamCalls", upstreamCalls);
        json.put("hitRatio", hitRatio());
        json.put("savedTokens", savedInputTokens + savedOutputTokens);
        json.put("spentTokens", spentInputTokens + spentOutputTokens);
        json.put("savedUsd", usd(savedUsd));
        json.put("spentUsd", usd(spentUsd));
        json.put("unpriced", unpriced);
        json.put("avgMillis", requests == 0 ? 0 : totalMillis / requests);
        return json;
    }

    /** Every field by its name, for the counters file. */
    ObjectNode encode() {
        return FILE.valueToTree(this);
    }

    /** A tally as {@link #encode()} wrote it; missing fields count as 0. */
    static Tally decode(JsonNode json) {
        if (!json.isObject()) {
            return new Tally();
        }
        try {
            return FILE.treeToValue(json, Tally.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a tally: " + e.getOriginalMessage(), e);
        }
    }

    static BigDecimal usd(BigDecimal value) {
        return value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    }
}
