package dev.modelcache.billing;

import java.math.BigDecimal;

/**
 * An amount a budget counts: US dollars (exact) and tokens (input and output, as a token cap counts them). Used for
 * what was spent, what calls under way have reserved, and what one call may cost.
 */
public record Spend(BigDecimal usd, long tokens) {
    public static final Spend ZERO = new Spend(BigDecimal.ZERO, 0);

    public Spend {
        if (usd == null || usd.signum() < 0 || tokens < 0) {
            throw new IllegalArgumentException("a spend is 0 or more dollars and tokens");
        }
    }

    public Spend plus(Spend other) {
        return new Spend(usd.add(other.usd), tokens + other.tokens);
    }

    /** Each side the larger of the two. */
    public Spend atLeast(Spend other) {
        return new Spend(usd.max(other.usd), Math.max(tokens, other.tokens));
    }
}
