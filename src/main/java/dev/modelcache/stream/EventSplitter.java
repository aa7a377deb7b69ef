package dev.modelcache.stream;

/**
 * Cuts a streamed body into its events as the bytes arrive and hands each one on with its exact bytes, so that the
 * events put together are the body again. How a stream is cut is its {@link StreamFraming}.
 */
public interface EventSplitter {
    /** Takes the next bytes of the body; every event they complete is handed on before this returns. */
    void feed(byte[] bytes, int offset, int length);

    /** At the end of the body: whatever is left (an event without its terminator) is handed on as it is. */
    void finish();
}
