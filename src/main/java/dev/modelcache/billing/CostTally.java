package dev.modelcache.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;

/**
 * A running sum of exchanges, their tokens and their cost in US dollars (exact). Not thread-safe: the
 * {@link CostLedger} counts on {@link CostCounter}s and hands out tallies as read from them.
 */
public final class CostTally {
    private long count;
    private Tokens tokens = Tokens.NONE;
    private BigDecimal usd = BigDecimal.ZERO;

    /** Counts one exchange of {@code spentOrSaved} tokens costing {@code cost}. */
    public void add(Tokens spentOrSaved, BigDecimal cost) {
        count++;
        tokens = tokens.plus(spentOrSaved);
        usd = usd.add(cost);
    }

    public void add(CostTally other) {
        count += other.count;
        tokens = tokens.plus(other.tokens);
        usd = usd.add(other.usd);
    }

    /** A tally of {@code count} exchanges of {@code tokens} costing {@code usd} in all. */
    static CostTally of(long count, Tokens tokens, BigDecimal usd) {
        CostTally tally = new CostTally();
        tally.count = count;
        tally.tokens = tokens;
        tally.usd = usd;
        return tally;
    }

    public CostTally copy() {
        CostTally copy = new CostTally();
        copy.add(this);
        return copy;
    }

    public long count() {
        return count;
    }

    public Tokens tokens() {
        return tokens;
    }

    public BigDecimal usd() {
        return usd;
    }

    /** {@code count}, the tokens by kind and in all ({@code tokens}: input and output), and {@code usd}. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("count", count);
        json.put("inputTokens", tokens.input());
        json.put("outputTokens", tokens.output());
        json.put("cacheReadTokens", tokens.cacheRead());
        json.put("cacheWriteTokens", tokens.cacheWrite());
        json.put("tokens", tokens.total());
        json.put("usd", usd.signum() == 0 ? BigDecimal.ZERO : usd.stripTrailingZeros());
        return json;
    }

    /** A tally as {@link #toJson()} wrote it; missing fields count as 0. */
    public static CostTally fromJson(JsonNode json) {
        CostTally tally = new CostTally();
        tally.count = json.path("count").asLong();
        tally.tokens = new Tokens(json.path("inputTokens").asLong(), json.path("outputTokens").asLong(),
                json.path("cacheReadTokens").asLong(), json.path("cacheWriteTokens").asLong());
        tally.usd = json.path("usd").isNumber() ? json.path("usd").decimalValue() : BigDecimal.ZERO;
        return tally;
    }
}
