package dev.modelcache.stream;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into server-sent events as the bytes arrive: an event ends at a blank line, whatever the line
 * endings ({@code \n}, {@code \r\n} or {@code \r}). Each event is handed on with its exact bytes, terminator
 * included, so that the events put together are the stream again. It knows nothing of any provider's event names.
 */
public final class SseSplitter implements EventSplitter {
    private final Consumer<byte[]> onEvent;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private int lineLength;
    private boolean afterCr;
    /** A blank line ended with CR: the event is complete, but an LF may still belong to it. */
    private boolean emitAfterCr;

    public SseSplitter(Consumer<byte[]> onEvent) {
        this.onEvent = onEvent;
    }

    @Override
    public void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (afterCr) {
                afterCr = false;
                if (b == '\n') {
                    pending.write(b);
                    if (emitAfterCr) {
                        emit();
                    }
                    continue;
                }
                if (emitAfterCr) {
                    emit();
                }
            }
            pending.write(b);
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
    }

    /** At the end of the body: whatever is left (an event without its blank line) is handed on as it is. */
    @Override
    public void finish() {
        if (pending.size() > 0) {
            emit();
        }
    }

    private void emit() {
        emitAfterCr = false;
        lineLength = 0;
        byte[] event = pending.toByteArray();
        pending.reset();
        onEvent.accept(event);
    }
}
