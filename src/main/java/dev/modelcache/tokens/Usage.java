package dev.modelcache.tokens;

/**
 * Token counts of one exchange. {@code estimated} is true when any part was counted with a guessed encoding or
 * approximated (images, tool definitions, an unknown model, framing the provider does not document), false when the
 * numbers came from the provider's usage block or from an exact count with the model's known encoding.
 *
 * <p>{@code promptTokens} is the whole prompt. Of it, {@code cacheReadTokens} were read from the provider's prompt
 * cache (Anthropic's {@code cache_read_input_tokens}, OpenAI's {@code cached_tokens}) and {@code cacheWriteTokens}
 * written to it (Anthropic's {@code cache_creation_input_tokens}); both are 0 when the provider reported none. They
 * are priced differently from the rest of the prompt.
 */
public record Usage(long promptTokens, long completionTokens, boolean estimated, long cacheReadTokens,
                    long cacheWriteTokens) {
    /** No tokens, exactly: an exchange that carried no model traffic. */
    public static final Usage NONE = new Usage(0, 0, false);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0 || cacheReadTokens < 0 || cacheWriteTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative: " + promptTokens + " prompt, "
                    + completionTokens + " completion, " + cacheReadTokens + " cache read, " + cacheWriteTokens + " cache write");
        }
    }

    /** Counts without prompt-cache reads or writes. */
    public Usage(long promptTokens, long completionTokens, boolean estimated) {
        this(promptTokens, completionTokens, estimated, 0, 0);
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
