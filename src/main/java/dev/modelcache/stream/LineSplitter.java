package dev.modelcache.stream;

import java.util.function.Consumer;

/**
 * Cuts newline-delimited JSON into lines as the bytes arrive: a line ends at {@code \n} (a {@code \r} before it stays
 * part of the line). Each line is handed on with its exact bytes, {@code \n} included, so that the lines put together
 * are the stream again; a last line without {@code \n} is handed on by {@link #finish()}. It knows nothing of JSON.
 * A line longer than the bound is handed on in pieces as it arrives ({@link EventSplitter}).
 */
public final class LineSplitter implements EventSplitter {
    private final Consumer<byte[]> onLine;
    private final PendingBytes pending;
    /** The line being read outgrew the bound: its bytes go on as they come. */
    private boolean inOversized;
    private boolean oversized;

    public LineSplitter(Consumer<byte[]> onLine) {
        this(onLine, MAX_EVENT_BYTES);
    }

    /** A splitter that holds at most {@code maxLineBytes} of a line. */
    public LineSplitter(Consumer<byte[]> onLine, int maxLineBytes) {
        this.onLine = onLine;
        this.pending = new PendingBytes(maxLineBytes);
    }

    @Override
    public void feed(byte[] bytes, int offset, int length) {
        int start = offset;
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == '\n') {
                add(bytes, start, i + 1 - start);
                emit();
                start = i + 1;
            }
        }
        add(bytes, start, offset + length - start);
        if (inOversized && pending.size() > 0) {
            onLine.accept(pending.take()); // nothing of an oversized line is held past the bytes that came
        }
    }

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

    /** The package's tests: the array held for the pending line. */
    int pendingCapacity() {
        return pending.capacity();
    }

    private void add(byte[] bytes, int offset, int length) {
        while (length > 0) {
            if (pending.full()) {
                inOversized = true;
                oversized = true;
                onLine.accept(pending.take());
            }
            int n = Math.min(length, pending.room());
            pending.add(bytes, offset, n);
            offset += n;
            length -= n;
        }
    }

    private void emit() {
        inOversized = false;
        onLine.accept(pending.take());
    }
}
