package dev.modelcache.stream;

import java.util.function.Consumer;

/**
 * Cuts a byte stream into server-sent events as the bytes arrive: an event ends at a blank line, whatever the line
 * endings ({@code \n}, {@code \r\n} or {@code \r}). Each event is handed on with its exact bytes, terminator
 * included, so that the events put together are the stream again. It knows nothing of any provider's event names.
 * An event longer than the bound is handed on in pieces as it arrives ({@link EventSplitter}).
 */
public final class SseSplitter extends BoundarySplitter {
    private int lineLength;
    private boolean afterCr;
    /** A blank line ended with CR: the event is complete, but an LF may still belong to it. */
    private boolean endAfterCr;

    public SseSplitter(Consumer<byte[]> onEvent) {
        this(onEvent, MAX_EVENT_BYTES);
    }

    /** A splitter that holds at most {@code maxEventBytes} of an event. */
    public SseSplitter(Consumer<byte[]> onEvent, int maxEventBytes) {
        super(onEvent, maxEventBytes);
    }

    /**
     * A blank line ends the event. One ended by {@code \r} alone is known complete only at the next byte: an
     * {@code \n} then is still its own ({@link Cut#AFTER}), anything else starts the next event ({@link Cut#BEFORE}).
     */
    @Override
    Cut cutAt(byte b) {
        Cut cut = Cut.NONE;
        if (afterCr) {
            afterCr = false;
            if (b == '\n') {
                return ended(endAfterCr ? Cut.AFTER : Cut.NONE);
            }
            if (endAfterCr) {
                cut = ended(Cut.BEFORE);
            }
        }
        if (b == '\r') {
            afterCr = true;
            endAfterCr = lineLength == 0;
            lineLength = 0;
        } else if (b == '\n') {
            boolean blank = lineLength == 0;
            lineLength = 0;
            if (blank) {
                return ended(Cut.AFTER);
            }
        } else {
            lineLength++;
        }
        return cut;
    }

    /** {@code cut}, after forgetting the line that ended there when it is one. */
    private Cut ended(Cut cut) {
        if (cut != Cut.NONE) {
            endAfterCr = false;
            lineLength = 0;
        }
        return cut;
    }
}
