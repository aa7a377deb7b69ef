package dev.modelcache.stream;

import java.util.function.Consumer;

/**
 * The one splitting loop of every framing: it holds the bytes of the event under way (at most the bound, see
 * {@link EventSplitter}), asks the framing at each byte whether an event ends there ({@link #cutAt}), and hands each
 * event on with its exact bytes. Runs of bytes between cuts are copied in bulk. A framing only knows where its
 * events end; holding, the bound and the pieces of an oversized event are decided here, once.
 */
abstract class BoundarySplitter implements EventSplitter {
    /** Where an event ends, as seen from one byte. */
    enum Cut {
        /** Not here. */
        NONE,
        /** Just before this byte, which starts the next event. */
        BEFORE,
        /** With this byte, its last. */
        AFTER
    }

    private final Consumer<byte[]> onEvent;
    private final PendingBytes pending;
    /** The event being read outgrew the bound: its bytes go on as they come. */
    private boolean inOversized;
    private boolean oversized;

    BoundarySplitter(Consumer<byte[]> onEvent, int maxEventBytes) {
        this.onEvent = onEvent;
        this.pending = new PendingBytes(maxEventBytes);
    }

    /**
     * Whether an event ends at {@code b}, the next byte of the body; called once per byte, in order, so a framing
     * may keep its state (where a line began, a carriage return just read) across calls and feeds.
     */
    abstract Cut cutAt(byte b);

    @Override
    public final void feed(byte[] bytes, int offset, int length) {
        int start = offset;
        for (int i = offset; i < offset + length; i++) {
            Cut cut = cutAt(bytes[i]);
            if (cut == Cut.BEFORE) {
                add(bytes, start, i - start);
                emit();
                start = i;
            } else if (cut == Cut.AFTER) {
                add(bytes, start, i + 1 - start);
                emit();
                start = i + 1;
            }
        }
        add(bytes, start, offset + length - start);
        if (inOversized && pending.size() > 0) {
            onEvent.accept(pending.take()); // nothing of an oversized event is held past the bytes that came
        }
    }

    /** At the end of the body: whatever is left (an event without its terminator) is handed on as it is. */
    @Override
    public final void finish() {
        emit();
    }

    @Override
    public final boolean oversized() {
        return oversized;
    }

    /** The package's tests: the array held for the pending event. */
    final int pendingCapacity() {
        return pending.capacity();
    }

    private void add(byte[] bytes, int offset, int length) {
        while (length > 0) {
            if (pending.full()) {
                inOversized = true;
                oversized = true;
                onEvent.accept(pending.take());
            }
            int n = Math.min(length, pending.room());
            pending.add(bytes, offset, n);
            offset += n;
            length -= n;
        }
    }

    private void emit() {
        inOversized = false;
        if (pending.size() > 0) { // empty when an oversized event's last bytes already went on
            onEvent.accept(pending.take());
        }
    }
}
