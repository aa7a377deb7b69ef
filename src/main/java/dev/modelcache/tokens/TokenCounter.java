package dev.modelcache.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Token counts of LLM API exchanges: what the provider reported when it did, counted with tiktoken's encodings (through
 * JTokkit) when it did not. Thread-safe and meant to be shared: the encodings load once, on first use of each.
 *
 * <p>The two sides of an exchange are settled separately. A side the provider reported is taken as is; a side it left
 * out is counted, and the usage is an estimate when that count is one (see {@link Usage}). The model that picks the
 * encoding is the first one recognised among the request's {@code model} and the one the response names (an Azure
 * request names a deployment, not a model), else whichever is named.
 */
public final class TokenCounter {
    /** A prompt count and whether it is an estimate. */
    public record Count(long tokens, boolean estimated) {
    }

    private static final LongAdder RUNS = new LongAdder();

    private final EncodingRegistry registry = Encodings.newLazyEncodingRegistry();

    /**
     * Times an encoding was taken up to count something, by any counter in this JVM since start: what a test reads
     * around an exchange to prove that a hit counts nothing (its usage is the one stored with the entry).
     */
    public static long runs() {
        return RUNS.sum();
    }

    /**
     * Usage of a non-streamed JSON exchange: prompt and completion from the response's {@code usage} when present
     * (chat: {@code prompt_tokens}/{@code completion_tokens}; Responses API and Anthropic: {@code input_tokens}/
     * {@code output_tokens}, Anthropic's cache reads and writes added to the input; embeddings: {@code prompt_tokens},
     * no completion), otherwise counted: the prompt with {@link #countPrompt}, the completion from
     * {@code choices[].message.content} and {@code tool_calls[].function.arguments}, {@code choices[].text} (legacy
     * completions), Responses API {@code output[].content[].text} and Anthropic {@code content[].text}.
     *
     * @param request the request body, or null when it was not JSON (its prompt then counts as 0)
     * @param response the response body, or null when it was not JSON
     */
    public Usage countResponse(JsonNode request, JsonNode response) {
        ReportedUsage reported = ReportedUsage.of(response == null ? null : response.get("usage"));
        String model = model(modelOf(request), modelOf(response));
        return settle(reported, model, request, tally -> CompletionCounter.count(response, tally));
    }

    /**
     * Usage of a streamed exchange, given each server-sent event's data payload in order; the {@code [DONE]} sentinel
     * and payloads that are not JSON are ignored. Sides come from a usage block when one was sent (an OpenAI chat chunk
     * with {@code usage}, the Responses API's {@code response.completed}, Anthropic's {@code message_start} for the
     * prompt and {@code message_delta} for the output), otherwise the completion is counted from the joined deltas and
     * the prompt with {@link #countPrompt}.
     *
     * @param request the request body, or null when it was not JSON (its prompt then counts as 0)
     */
    public Usage countStream(JsonNode request, List<String> dataPayloads) {
        StreamTranscript transcript = StreamTranscript.read(dataPayloads);
        String model = model(modelOf(request), transcript.model());
        return settle(transcript.usage(), model, request, transcript::countGenerated);
    }

    /**
     * Prompt tokens of a request body: chat {@code messages} with OpenAI's documented framing (3 tokens per message, 1
     * more per {@code name}, 3 to prime the reply; content a string or an array of parts, text parts counted, image
     * parts approximated), {@code tools}/{@code functions} definitions (their JSON, approximate), legacy
     * {@code prompt} (a string or strings), embeddings {@code input} (a string, strings, token ids, arrays of token
     * ids), Responses API {@code instructions} and {@code input} (framed like chat, approximate).
     *
     * @param model the model whose encoding to use; null to use the request's {@code model}
     * @param request the request body; null counts as no prompt
     */
    public Count countPrompt(String model, JsonNode request) {
        String effective = model != null ? model : modelOf(request);
        Tally tally = tally(effective);
        PromptCounter.count(effective, request, tally);
        return new Count(tally.tokens(), tally.estimated());
    }

    /** Tokens of plain text with the model's encoding; special-token markup counts as the ordinary text it is. */
    public int countText(String model, String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        RUNS.increment();
        return registry.getEncoding(encodingFor(model)).countTokensOrdinary(text);
    }

    /**
     * The encoding the model uses: o200k_base for gpt-4o, chatgpt-4o, gpt-4.1, gpt-4.5, gpt-5, o1, o3, o4, codex,
     * gpt-image and omni-moderation; cl100k_base for gpt-4, gpt-3.5, text-embedding-3, text-embedding-ada-002,
     * davinci-002 and babbage-002; p50k and r50k for the older GPT-3 family. Dated snapshots, variants, routing
     * prefixes ({@code openai/gpt-4o}) and fine-tunes ({@code ft:gpt-4o-mini:org::id}) follow their base model. An
     * unknown model gets o200k_base, and {@link #knows} is false for it.
     */
    public EncodingType encodingFor(String model) {
        return ModelEncodings.choose(model).type();
    }

    /** Whether the model's encoding is known rather than guessed. */
    public boolean knows(String model) {
        return ModelEncodings.choose(model).known();
    }

    private Usage settle(ReportedUsage reported, String model, JsonNode request, Consumer<Tally> generated) {
        long prompt;
        boolean estimated = false;
        if (reported.prompt().isPresent()) {
            prompt = reported.prompt().getAsLong();
        } else {
            Count counted = countPrompt(model, request);
            prompt = counted.tokens();
            estimated = counted.estimated();
        }
        long completion;
        if (reported.completion().isPresent()) {
            completion = reported.completion().getAsLong();
        } else {
            Tally tally = tally(model);
            generated.accept(tally);
            completion = tally.tokens();
            estimated |= tally.estimated();
        }
        return new Usage(prompt, completion, estimated, reported.cacheRead().orElse(0), reported.cacheWrite().orElse(0));
    }

    private Tally tally(String model) {
        RUNS.increment();
        ModelEncodings.Choice choice = ModelEncodings.choose(model);
        return new Tally(registry.getEncoding(choice.type()), choice.known());
    }

    private static String model(String requested, String responded) {
        if (requested != null && ModelEncodings.choose(requested).known()) {
            return requested;
        }
        if (responded != null && ModelEncodings.choose(responded).known()) {
            return responded;
        }
        return requested != null ? requested : responded;
    }

    private static String modelOf(JsonNode body) {
        JsonNode model = body == null ? null : body.get("model");
        return model != null && model.isTextual() ? model.asText() : null;
    }
}
