package dev.modelcache.billing;

import dev.modelcache.tokens.Usage;

/**
 * Token counts as they are priced. {@code input} is the whole prompt; {@code cacheRead} and {@code cacheWrite} are
 * the parts of it the provider read from or wrote to its prompt cache (priced apart when the table says so), and
 * {@code output} is the completion.
 */
public record Tokens(long input, long output, long cacheRead, long cacheWrite) {
    public static final Tokens NONE = new Tokens(0, 0, 0, 0);

    public Tokens {
        if (input < 0 || output < 0 || cacheRead < 0 || cacheWrite < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
    }

    /** The counts of an exchange's usage, prompt-cache reads and writes included (parts of the whole prompt). */
    public static Tokens of(Usage usage) {
        return new Tokens(usage.promptTokens(), usage.completionTokens(), usage.cacheReadTokens(), usage.cacheWriteTokens());
    }

    /** Input and output: what a token cap counts. */
    public long total() {
        return input + output;
    }

    /** The input tokens that are neither cache reads nor cache writes. */
    public long plainInput() {
        return Math.max(0, input - cacheRead - cacheWrite);
    }

    public Tokens plus(Tokens other) {
        return new Tokens(input + other.input, output + other.output, cacheRead + other.cacheRead,
                cacheWrite + other.cacheWrite);
    }
}
