package dev.modelcache.stream;

import java.util.function.Consumer;

/**
 * Cuts a byte stream into server-sent events as the bytes arrive: an event ends at a blank line, whatever the line
 * endings ({@code \n}, {@code \r\n} or {@code \r}). Each event is handed on with its exact bytes, terminator
 * included, so that the events put together are the stream again. It knows nothing of any provider's event names.
 * An event longer than the bound is handed on in pieces as it arrives ({@link EventSplitter}).
 */
public final class SseSplitter implements EventSplitter {
    private final Consumer<byte[]> onEvent;
    private final PendingBytes pending;
    private int lineLength;
    private boolean afterCr;
    /** A blank line ended with CR: the event is complete, but an LF may still belong to it. */
    private boolean emitAfterCr;
    /** The event being read outgrew the bound: its bytes go on as they come. */
    private boolean inOversized;
    private boolean oversized;

    public SseSplitter(Consumer<byte[]> onEvent) {
        this(onEvent, MAX_EVENT_BYTES);
    }

    /** A splitter that holds at most {@code maxEventBytes} of an event. */
    public SseSplitter(Consumer<byte[]> onEvent, int maxEventBytes) {
        this.onEvent = onEvent;
        this.pending = new PendingBytes(maxEventBytes);
    }

    @Override
    public void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (afterCr) {
                afterCr = false;
                if (b == '\n') {
                    add(b);
                    if (emitAfterCr) {
                        emit();
                    }
                    continue;
                }
                if (emitAfterCr) {
                    emit();
                }
            }
            add(b);
            if (b == '\r') {
                afterCr = true;
                emitAfterCr = lineLength == 0;
                lineLength = 0;
            } else if (b == '\n') {
                boolean blank = lineLength == 0;
                lineLength = 0;
                if (blank) {
                    emit();
                }
            } else {
                lineLength++;
            }
        }
        if (inOversized && pending.size() > 0) {
            onEvent.accept(pending.take()); // nothing of an oversized event is held past the bytes that came
        }
    }

    /** At the end of the body: whatever is left (an event without its blank line) is handed on as it is. */
    @Override
    public void finish() {
        if (pending.size() > 0) {
            emit();
        }
    }

    @Override
    public boolean oversized() {
        return oversized;
    }

    /** The package's tests: the array held for the pending event. */
    int pendingCapacity() {
        return pending.capacity();
    }

    private void add(byte b) {
        if (pending.full()) {
            inOversized = true;
            oversized = true;
            onEvent.accept(pending.take());
        }
        pending.add(b);
    }

    private void emit() {
        emitAfterCr = false;
        lineLength = 0;
        inOversized = false;
        if (pending.size() > 0) { // empty when an oversized event's last bytes already went on
            onEvent.accept(pending.take());
        }
    }
}
