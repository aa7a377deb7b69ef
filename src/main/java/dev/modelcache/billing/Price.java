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
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

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
        return perMillion.divide(MILLION);
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
