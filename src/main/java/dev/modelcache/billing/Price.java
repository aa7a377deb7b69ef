package dev.modelcache.billing;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * The list price of a model family, in US dollars per million tokens: {@code input}, {@code output}, and the prompt
 * cache's {@code cacheRead} and {@code cacheWrite} (the input price where the provider does not price them apart).
 * {@code pattern} names the family: a model name, or a glob where {@code *} stands for any characters
 * ({@code gpt-4o-mini*}), matched without regard to case.
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

    public boolean matches(String model) {
        return matches(pattern.toLowerCase(Locale.ROOT), 0, model.toLowerCase(Locale.ROOT), 0);
    }

    /**
     * How narrowly the pattern names its family: the more fixed characters, the more specific, and an exact name
     * beats any glob of the same length. Of two matching prices the more specific one applies.
     */
    public int specificity() {
        int fixed = pattern.replace("*", "").length();
        return fixed * 2 + (pattern.contains("*") ? 0 : 1);
    }

    private static boolean matches(String glob, int g, String text, int t) {
        if (g == glob.length()) {
            return t == text.length();
        }
        if (glob.charAt(g) == '*') {
            for (int rest = t; rest <= text.length(); rest++) {
                if (matches(glob, g + 1, text, rest)) {
                    return true;
                }
            }
            return false;
        }
        return t < text.length() && glob.charAt(g) == text.charAt(t) && matches(glob, g + 1, text, t + 1);
    }
}
