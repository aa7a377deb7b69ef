package dev.modelcache.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.tokens.Usage;
import java.io.IOException;
import java.util.List;

/**
 * Token counts from Gemini's {@code usageMetadata}: the prompt is {@code promptTokenCount} (which includes the
 * {@code cachedContentTokenCount} read from a context cache, kept as cache reads) plus
 * {@code toolUsePromptTokenCount}; the output is {@code candidatesTokenCount} plus {@code thoughtsTokenCount}
 * (thinking is billed as output). A stream repeats the block, growing, on its events: the last one holds. Answers
 * without a block (embeddings, token counts) report no tokens, and none are guessed.
 */
final class GeminiUsage {
    private GeminiUsage() {
    }

    /** True for a response in the native shape: OpenAI-shaped ones (the compatible endpoint) name their {@code object}. */
    static boolean isNative(JsonNode response) {
        return response != null && (response.isArray() || (response.isObject() && !response.has("object")));
    }

    /** Usage of a native answer: an object, or the JSON array a stream without {@code alt=sse} is (its last block). */
    static Usage of(JsonNode response) {
        JsonNode last = null;
        for (JsonNode part : response.isArray() ? response : List.of(response)) {
            if (part.path("usageMetadata").isObject()) {
                last = part.path("usageMetadata");
            }
        }
        return last == null ? Usage.NONE : fromMetadata(last);
    }

    /** Usage of a native event stream, from the last event that carries {@code usageMetadata}. */
    static Usage ofStream(List<String> dataPayloads) {
        JsonNode last = null;
        for (String payload : dataPayloads) {
            JsonNode event = parse(payload);
            if (event != null && event.path("usageMetadata").isObject()) {
                last = event.path("usageMetadata");
            }
        }
        return last == null ? Usage.NONE : fromMetadata(last);
    }

    /** True when a stream's payloads are native events (the OpenAI-compatible endpoint's chunks name their object). */
    static boolean isNativeStream(List<String> dataPayloads) {
        for (String payload : dataPayloads) {
            JsonNode event = parse(payload);
            if (event != null) {
                return isNative(event);
            }
        }
        return true;
    }

    static Usage fromMetadata(JsonNode metadata) {
        long prompt = count(metadata, "promptTokenCount") + count(metadata, "toolUsePromptTokenCount");
        long output = count(metadata, "candidatesTokenCount") + count(metadata, "thoughtsTokenCount");
        long cached = Math.min(count(metadata, "cachedContentTokenCount"), prompt);
        return new Usage(prompt, output, false, cached, 0);
    }

    private static long count(JsonNode metadata, String field) {
        JsonNode value = metadata.path(field);
        return value.isIntegralNumber() && value.canConvertToLong() && value.longValue() > 0 ? value.longValue() : 0;
    }

    private static JsonNode parse(String payload) {
        if (payload == null || !payload.stripLeading().startsWith("{")) {
            return null;
        }
        try {
            return JsonParsers.RESPONSE.readTree(payload);
        } catch (IOException e) {
            return null;
        }
    }
}
