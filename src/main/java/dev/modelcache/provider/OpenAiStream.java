package dev.modelcache.provider;

import dev.modelcache.stream.SseEvent;
import dev.modelcache.stream.StreamDialect;

/**
 * OpenAI's event streams: chat and legacy completions end with {@code data: [DONE]}, the Responses API with
 * {@code response.completed} (as the event's name or its data's {@code type}); a failure is {@code event: error},
 * the Responses API's {@code response.failed}, or a chunk that is an {@code error} object.
 */
final class OpenAiStream implements StreamDialect {
    /** OpenAI's end-of-stream sentinel on chat and legacy completions. */
    static final String DONE = "[DONE]";
    static final OpenAiStream DIALECT = new OpenAiStream();

    private OpenAiStream() {
    }

    @Override
    public boolean isTerminal(SseEvent event) {
        String data = event.data();
        return DONE.equals(data) || "response.completed".equals(event.type())
                || (data != null && data.contains("\"type\":\"response.completed\""));
    }

    @Override
    public boolean isError(SseEvent event) {
        String data = event.data();
        if ("error".equals(event.type()) || "response.failed".equals(event.type())) {
            return true;
        }
        return data != null && (data.startsWith("{\"error\"") || data.contains("\"type\":\"response.failed\"")
                || data.startsWith("{\"type\":\"error\""));
    }
}
