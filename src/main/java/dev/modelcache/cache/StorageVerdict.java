package dev.modelcache.cache;

/**
 * Whether a finished answer may be stored: one pure decision over what the relay saw, after httpclient5-cache's
 * {@code ResponseCachingPolicy}. An answer is stored only when it is whole and it is what the provider meant:
 * <ul>
 *   <li>a 2xx status other than 206 (errors and partial content pass through, never stored);</li>
 *   <li>no error event inside a 2xx stream (the provider failed mid-stream);</li>
 *   <li>a stream without framing (it ran until the connection closed, so a cut looks like an end) must show its
 *       terminal event ({@code [DONE]}, {@code response.completed}, {@code message_stop}), and so must any stream
 *       of an API that always ends with one (Ollama's {@code "done": true} line);</li>
 *   <li>the copy was kept whole (not past {@code cache/maxEntryMB}, and its spill file did not fail);</li>
 *   <li>the body is not in a content coding the proxy could not undo.</li>
 * </ul>
 */
public final class StorageVerdict {
    /** Why an answer is or is not stored. */
    public enum Verdict {
        STORE, NOT_SUCCESS, ERROR_EVENT, UNTERMINATED, NOT_CAPTURED, ENCODED;

        public boolean store() {
            return this == STORE;
        }
    }

    /**
     * What the relay saw of an answer. {@code framed}: it came chunked or with a length, so HttpClient would have
     * failed a cut; {@code encoded}: it still carries a {@code Content-Encoding} the proxy did not decode;
     * {@code terminalRequired}: the API ends every whole stream with its terminal event (Ollama's {@code done: true}
     * line), so a stream without it was cut even if its HTTP framing ended cleanly.
     */
    public record Answer(int status, boolean eventStream, boolean framed, boolean sawTerminalEvent,
                         boolean sawErrorEvent, boolean captured, boolean encoded, boolean terminalRequired) {
        /** An answer of an API that does not always end its streams with a terminal event. */
        public Answer(int status, boolean eventStream, boolean framed, boolean sawTerminalEvent,
                      boolean sawErrorEvent, boolean captured, boolean encoded) {
            this(status, eventStream, framed, sawTerminalEvent, sawErrorEvent, captured, encoded, false);
        }
    }

    private StorageVerdict() {
    }

    /** Only whole 2xx answers (not 206 partial content) are ever stored. */
    public static boolean storableStatus(int status) {
        return status >= 200 && status < 300 && status != 206;
    }

    public static Verdict decide(Answer answer) {
        if (!storableStatus(answer.status())) {
            return Verdict.NOT_SUCCESS;
        }
        if (!answer.captured()) {
            return Verdict.NOT_CAPTURED;
        }
        if (answer.encoded()) {
            return Verdict.ENCODED;
        }
        if (answer.eventStream() && answer.sawErrorEvent()) {
            return Verdict.ERROR_EVENT;
        }
        if (answer.eventStream() && (!answer.framed() || answer.terminalRequired()) && !answer.sawTerminalEvent()) {
            return Verdict.UNTERMINATED;
        }
        return Verdict.STORE;
    }
}
