package dev.modelcache.stream;

import java.util.function.Consumer;

/**
 * Cuts newline-delimited JSON into lines as the bytes arrive: a line ends at {@code \n} (a {@code \r} before it stays
 * part of the line). Each line is handed on with its exact bytes, {@code \n} included, so that the lines put together
 * are the stream again; a last line without {@code \n} is handed on by {@link #finish()}. It knows nothing of JSON.
 * A line longer than the bound is handed on in pieces as it arrives ({@link EventSplitter}).
 */
public final class LineSplitter extends BoundarySplitter {
    public LineSplitter(Consumer<byte[]> onLine) {
        this(onLine, MAX_EVENT_BYTES);
    }

    /** A splitter that holds at most {@code maxLineBytes} of a line. */
    public LineSplitter(Consumer<byte[]> onLine, int maxLineBytes) {
        super(onLine, maxLineBytes);
    }

    @Override
    Cut cutAt(byte b) {
        return b == '\n' ? Cut.AFTER : Cut.NONE;
    }
}
