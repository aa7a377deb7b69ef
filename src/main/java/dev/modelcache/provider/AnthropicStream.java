package dev.modelcache.provider;

import dev.modelcache.stream.SseEvent;
import dev.modelcache.stream.StreamDialect;

/**
 * Anthropic's Messages event stream: {@code message_start}, content blocks, {@code message_delta}, then
 * {@code message_stop}, which ends it; a failure is {@code event: error} with
 * {@code {"type":"error","error":{...}}}. Pings are ordinary events.
 */
final class AnthropicStream implements StreamDialect {
    static final AnthropicStream DIALECT = new AnthropicStream();

    private AnthropicStream() {
    }

    @Override
    public boolean isTerminal(SseEvent event) {
        return "message_stop".equals(event.type())
                || (event.type() == null && event.data() != null && event.data().startsWith("{\"type\":\"message_stop\""));
    }

    @Override
    public boolean isError(SseEvent event) {
        return "error".equals(event.type())
                || (event.type() == null && event.data() != null && event.data().startsWith("{\"type\":\"error\""));
    }
}
