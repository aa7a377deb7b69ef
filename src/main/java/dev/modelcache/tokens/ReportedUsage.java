package dev.modelcache.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.OptionalLong;

/**
 * Token counts a provider reported in a usage block, either side possibly missing. OpenAI chat, legacy completions and
 * embeddings name them {@code prompt_tokens} and {@code completion_tokens}; the Responses API and Anthropic
 * {@code input_tokens} and {@code output_tokens}. Anthropic leaves prompt-cache writes and reads out of
 * {@code input_tokens}, so {@code cache_creation_input_tokens} and {@code cache_read_input_tokens} are added back: the
 * prompt is then the whole prompt, as OpenAI's {@code prompt_tokens} (which includes cached tokens) reports it. The
 * parts of the prompt read from and written to the prompt cache are kept too: {@code cache_read_input_tokens} and
 * {@code cache_creation_input_tokens} (Anthropic), {@code prompt_tokens_details.cached_tokens} (OpenAI chat) and
 * {@code input_tokens_details.cached_tokens} (Responses API). A count is taken only from a non-negative integer.
 */
record ReportedUsage(OptionalLong prompt, OptionalLong completion, OptionalLong cacheRead, OptionalLong cacheWrite) {
    static final ReportedUsage NONE = new ReportedUsage(OptionalLong.empty(), OptionalLong.empty());

    /** A report without prompt-cache counts. */
    ReportedUsage(OptionalLong prompt, OptionalLong completion) {
        this(prompt, completion, OptionalLong.empty(), OptionalLong.empty());
    }

    static ReportedUsage of(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return NONE;
        }
        return new ReportedUsage(
                first(count(usage, "prompt_tokens"), wholeInput(usage)),
                first(count(usage, "completion_tokens"), count(usage, "output_tokens")),
                first(count(usage, "cache_read_input_tokens"), first(count(usage.path("prompt_tokens_details"), "cached_tokens"),
                        count(usage.path("input_tokens_details"), "cached_tokens"))),
                count(usage, "cache_creation_input_tokens"));
    }

    /** This report without its completion side, for a block whose completion count is only a placeholder. */
    ReportedUsage promptOnly() {
        return new ReportedUsage(prompt, OptionalLong.empty(), cacheRead, cacheWrite);
    }

    /** A later report over this one: each count the later report has replaces this one's. */
    ReportedUsage then(ReportedUsage later) {
        return new ReportedUsage(
                later.prompt.isPresent() ? later.prompt : prompt,
                later.completion.isPresent() ? later.completion : completion,
                later.cacheRead.isPresent() ? later.cacheRead : cacheRead,
                later.cacheWrite.isPresent() ? later.cacheWrite : cacheWrite);
    }

    private static OptionalLong wholeInput(JsonNode usage) {
        OptionalLong input = count(usage, "input_tokens");
        if (input.isEmpty()) {
            return input;
        }
        return OptionalLong.of(input.getAsLong()
                + count(usage, "cache_creation_input_tokens").orElse(0)
                + count(usage, "cache_read_input_tokens").orElse(0));
    }

    private static OptionalLong count(JsonNode usage, String field) {
        JsonNode value = usage.path(field);
        return value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0
                ? OptionalLong.of(value.longValue())
                : OptionalLong.empty();
    }

    private static OptionalLong first(OptionalLong a, OptionalLong b) {
        return a.isPresent() ? a : b;
    }
}
