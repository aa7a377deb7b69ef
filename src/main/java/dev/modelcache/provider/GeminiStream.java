package dev.modelcache.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.stream.SseEvent;
import dev.modelcache.stream.StreamDialect;
import java.io.IOException;

/**
 * Gemini's event stream ({@code :streamGenerateContent?alt=sse}): each event is {@code data: {GenerateContentResponse}},
 * with no closing sentinel. The last one carries a {@code finishReason} on its candidates (or, for a blocked
 * prompt, {@code promptFeedback.blockReason}); a failure is an event whose data is an {@code error} object. The
 * OpenAI-compatible endpoint's streams end and fail as OpenAI's do, and are recognised the same way.
 */
final class GeminiStream implements StreamDialect {
    static final GeminiStream DIALECT = new GeminiStream();

    private GeminiStream() {
    }

    @Override
    public boolean isTerminal(SseEvent event) {
        if (OpenAiStream.DIALECT.isTerminal(event)) {
            return true;
        }
        JsonNode data = json(event);
        if (data == null) {
            return false;
        }
        for (JsonNode candidate : data.path("candidates")) {
            if (!candidate.path("finishReason").asText("").isEmpty()) {
                return true;
            }
        }
        return !data.path("promptFeedback").path("blockReason").asText("").isEmpty();
    }

    @Override
    public boolean isError(SseEvent event) {
        if (OpenAiStream.DIALECT.isError(event)) {
            return true;
        }
        JsonNode data = json(event);
        return data != null && data.has("error");
    }

    /** The event's data as a JSON object, or null. */
    private static JsonNode json(SseEvent event) {
        String data = event.data();
        if (data == null || !data.stripLeading().startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = JsonParsers.RESPONSE.readTree(data);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }
}
