package dev.modelcache.tokens;

/**
 * Token counts of one exchange. {@code estimated} is true when any part was counted with a guessed encoding or
 * approximated (images, tool definitions, an unknown model, framing the provider does not document), false when the
 * numbers came from the provider's usage block or from an exact count with the model's known encoding.
 */
public record Usage(long promptTokens, long completionTokens, boolean estimated) {
    /** No tokens, exactly: an exchange that carried no model traffic. */
    public static final Usage NONE = new Usage(0, 0, false);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative: "
                    + promptTokens + " prompt, " + completionTokens + " completion");
        }
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
