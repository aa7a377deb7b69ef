package dev.modelcache.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.stream.SseEvent;
import dev.modelcache.stream.StreamDialect;
import dev.modelcache.stream.StreamFraming;
import java.io.IOException;

/**
 * Ollama's streams: newline-delimited JSON ({@code application/x-ndjson}), one object a line, the last one with
 * {@code "done": true} (and {@code done_reason}, {@code prompt_eval_count}, {@code eval_count}). Every whole stream
 * ends with that line, so a stream without it was cut, however its HTTP framing ended. A failure inside a 200 stream
 * is a line {@code {"error":"..."}}.
 */
final class OllamaStream implements StreamDialect {
    static final OllamaStream DIALECT = new OllamaStream();

    private OllamaStream() {
    }

    @Override
    public StreamFraming framing() {
        return StreamFraming.NDJSON;
    }

    @Override
    public boolean terminalRequired() {
        return true;
    }

    @Override
    public boolean isTerminal(SseEvent event) {
        JsonNode line = parse(event.data());
        return line != null && line.path("done").asBoolean(false);
    }

    @Override
    public boolean isError(SseEvent event) {
        JsonNode line = parse(event.data());
        return line != null && line.hasNonNull("error");
    }

    /** The line's JSON object, or null for a blank line or one that is not an object. */
    static JsonNode parse(String data) {
        if (data == null || data.isBlank()) {
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
