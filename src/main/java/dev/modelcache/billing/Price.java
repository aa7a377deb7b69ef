package dev.modelcache.billing;

import dev.modelcache.http.ModelGlob;
import java.math.BigDecimal;

/**
 * The list price of a model family, in US dollars per million tokens: {@code input}, {@code output}, and the prompt
 * cache's {@code cacheRead} and {@code cacheWrite} (the input price where the provider does not price them apart).
 * {@code pattern} names the family: a model name, or a glob ({@code gpt-4o-mini*}) read as every model glob is
 * ({@link ModelGlob}: {@code *} any run of characters, {@code ?} one, without regard to case).
 */
public record Price(String pattern, BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite) {

    public Price {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("a price needs a model pattern");
        }
        for (BigDecimal value : new BigDecimal[] {input, output, cacheRead, cacheWrite}) {
            if (value == null || value.signum() < 0) {
                throw new IllegalArgumentException("the prices of " + pattern + " must be numbers of 0 or more");
            }
        }
    }

    /** What {@code tokens} cost at this price, exactly, in US dollars. */
    public BigDecimal cost(Tokens tokens) {
        BigDecimal perMillion = input.multiply(BigDecimal.valueOf(tokens.plainInput()))
                .add(cacheRead.multiply(BigDecimal.valueOf(tokens.cacheRead())))
                .add(cacheWrite.multiply(BigDecimal.valueOf(tokens.cacheWrite())))
                .add(output.multiply(BigDecimal.valueOf(tokens.output())));
        return perMillion(perMillion);
    }

    /**
     * {@code amount} divided by a million, exactly as {@code amount.divide(1000000)} gives it (the same value at the
     * same scale: the least that holds it, at least {@code amount}'s), by moving the decimal point: the division
     * allocated a MutableBigInteger and its arrays for every exchange priced.
     */
    static BigDecimal perMillion(BigDecimal amount) {
        BigDecimal exact = amount.movePointLeft(6).stripTrailingZeros();
        return exact.scale() < amount.scale() ? exact.setScale(amount.scale()) : exact;
    }

    /** True when the pattern names {@code model}, by the one rule for model globs ({@link ModelGlob}). */
    public boolean matches(String model) {
        return ModelGlob.matches(pattern, model);
    }

    /**
     * How narrowly the pattern names its family ({@link ModelGlob#specificity}): the more fixed characters, the more
     * specific, and an exact name beats any glob of the same length. Of two matching prices the more specific one
     * applies.
     */
    public int specificity() {
        return ModelGlob.specificity(pattern);
    }
}
