package dev.modelcache.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.stream.SseEvent;
import dev.modelcache.stream.StreamDialect;
import java.io.IOException;

/**
 * Ollama's streams: newline-delimited JSON ({@code application/x-ndjson}), one object a line, the last one with
 * {@code "done": true} (and {@code done_reason}, {@code prompt_eval_count}, {@code eval_count}). Every whole stream
 * ends with that line, so a stream without it was cut, however its HTTP framing ended. A failure inside a 200 stream
 * is a line {@code {"error":"..."}}. Ollama's OpenAI-compatible {@code /v1} streams are server-sent events that end
 * and fail as OpenAI's do (always with {@code [DONE]}), and are recognised the same way.
 */
final class OllamaStream implements StreamDialect {
    static final OllamaStream DIALECT = new OllamaStream();

    private OllamaStream() {
    }

    @Override
    public boolean terminalRequired() {
        return true;
    }

    @Override
    public boolean isTerminal(SseEvent event) {
        if (OpenAiStream.DIALECT.isTerminal(event)) {
            return true;
        }
        JsonNode line = parse(event.data());
        return line != null && line.path("done").asBoolean(false);
    }

    @Override
    public boolean isError(SseEvent event) {
        if (OpenAiStream.DIALECT.isError(event)) {
            return true;
        }
        JsonNode line = parse(event.data());
        return line != null && line.hasNonNull("error");
    }

    /** The line's JSON object, or null for a blank line or one that is not an object. */
    static JsonNode parse(String data) {
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
