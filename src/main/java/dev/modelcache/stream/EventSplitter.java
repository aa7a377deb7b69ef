package dev.modelcache.stream;

/**
 * Cuts a streamed body into its events as the bytes arrive and hands each one on with its exact bytes, so that the
 * events put together are the body again. How a stream is cut is its {@link StreamFraming}.
 *
 * <p>An event is held until its end arrives, but never more than {@link #MAX_EVENT_BYTES} of it: past that, what
 * there is goes on at once and the rest of that event goes on as it arrives, in pieces that are not whole events,
 * and {@link #oversized()} says so. The bytes put together are still the body; such an answer is relayed but
 * never stored.
 */
public interface EventSplitter {
    /**
     * The most bytes of one event held while waiting for its end: 8 MiB. Above the largest events real APIs send
     * (a whole answer in OpenAI's {@code response.completed}, a generated image in base64, a few MB), and low enough
     * that a stream that never ends its event (a broken or hostile upstream) costs a bounded part of the heap.
     */
    int MAX_EVENT_BYTES = 8 * 1024 * 1024;

    /** Takes the next bytes of the body; every event they complete is handed on before this returns. */
    void feed(byte[] bytes, int offset, int length);

    /** At the end of the body: whatever is left (an event without its terminator) is handed on as it is. */
    void finish();

    /** True once an event outgrew {@link #MAX_EVENT_BYTES} and was handed on in pieces instead of whole. */
    boolean oversized();
}
