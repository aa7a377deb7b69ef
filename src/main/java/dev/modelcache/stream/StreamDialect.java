package dev.modelcache.stream;

/**
 * How one provider's event stream ends and fails: which event closes it normally (a stream without framing is
 * stored only when it shows one) and which reports a failure inside a 200 stream (such a stream is relayed but never
 * stored). Each provider adapter supplies its own.
 */
public interface StreamDialect {
    /** True for the event that closes a stream normally. */
    boolean isTerminal(SseEvent event);

    /** True for an event that reports a failure inside a successful stream. */
    boolean isError(SseEvent event);

    /**
     * True when every whole stream of this API ends with its terminal event, so that a stream without one is a cut
     * one and never stored even when its HTTP framing ended cleanly; false when only a stream without HTTP framing
     * must show it.
     */
    default boolean terminalRequired() {
        return false;
    }

    /**
     * True when an event may carry the usage its provider reports (OpenAI's and Anthropic's {@code usage}, Gemini's
     * {@code usageMetadata}, Ollama's {@code eval_count}): past the counting bound, the last such event is kept.
     */
    default boolean reportsUsage(SseEvent event) {
        String data = event.data();
        return data != null && (data.contains("\"usage") || data.contains("eval_count\""));
    }
}
