package dev.modelcache.billing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.tokens.TokenCounter;
import java.util.Locale;

/**
 * What a call to a provider may cost at most, before it goes out: its prompt, counted as the {@link TokenCounter}
 * counts prompts, plus the output it allows, priced with the {@link PriceTable}. The output allowance is the first
 * limit the request sets, whatever the API names it: {@code max_completion_tokens} (OpenAI chat),
 * {@code max_output_tokens} (Responses API), {@code max_tokens} (Anthropic, OpenAI's older name, Ollama's
 * {@code /v1}), {@code generationConfig.maxOutputTokens} (Gemini), {@code options.num_predict} (Ollama), times
 * {@code n} when it asks for several choices. A request that sets none may generate up to
 * {@value #DEFAULT_OUTPUT_TOKENS} tokens by this estimate (setting a limit makes it tight); an embedding none.
 *
 * <p>A prompt the counter does not know how to read (Gemini's {@code contents}) is taken as a token per
 * {@value #CHARS_PER_TOKEN} characters of the body. The input is priced at the plain input price: a prompt-cache read
 * costs less; an Anthropic prompt-cache write costs more (1.25 times), which the estimate misses. A model without a
 * price is estimated at 0 US dollars: its calls count 0 in the ledger too, so a cap in dollars never bounded them;
 * a cap in tokens does.
 */
public final class CallEstimate {
    /** Output tokens assumed for a request that sets no limit of its own. */
    public static final int DEFAULT_OUTPUT_TOKENS = 4096;
    static final int CHARS_PER_TOKEN = 4;
    private static final int MOST_CHOICES = 128;

    private final PriceTable prices;
    private final TokenCounter counter;

    public CallEstimate(PriceTable prices, TokenCounter counter) {
        this.prices = prices;
        this.counter = counter;
    }

    /** The most a call of {@code model} on {@code path} with {@code body} (null: none or not JSON) may cost. */
    public Spend of(String model, String path, JsonNode body) {
        Tokens tokens = tokens(model, path, body);
        return new Spend(prices.cost(model, tokens), tokens.total());
    }

    /** What {@code tokens} of {@code model} cost, as the ledger prices them. */
    public Spend actual(String model, Tokens tokens) {
        return new Spend(prices.cost(model, tokens), tokens.total());
    }

    Tokens tokens(String model, String path, JsonNode body) {
        long prompt = 0;
        if (body != null && body.isObject()) {
            prompt = counter.countPrompt(model, body).tokens();
            if (prompt == 0 && !body.isEmpty()) {
                prompt = (body.toString().length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
            }
        }
        return new Tokens(prompt, output(path, body), 0, 0);
    }

    static long output(String path, JsonNode body) {
        JsonNode request = body == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : body;
        long limit = first(request.path("max_completion_tokens"), request.path("max_output_tokens"),
                request.path("max_tokens"), request.path("generationConfig").path("maxOutputTokens"),
                request.path("options").path("num_predict"));
        if (limit < 0) {
            boolean embedding = path != null && path.toLowerCase(Locale.ROOT).contains("embed");
            limit = embedding ? 0 : DEFAULT_OUTPUT_TOKENS;
        }
        JsonNode n = request.path("n");
        long choices = n.isIntegralNumber() && n.longValue() > 1 ? Math.min(n.longValue(), MOST_CHOICES) : 1;
        return limit * choices;
    }

    /** The first positive whole number among {@code limits}, or -1. */
    private static long first(JsonNode... limits) {
        for (JsonNode limit : limits) {
            if (limit.isIntegralNumber() && limit.canConvertToLong() && limit.longValue() > 0) {
                return limit.longValue();
            }
        }
        return -1;
    }
}
