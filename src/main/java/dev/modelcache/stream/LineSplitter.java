package dev.modelcache.stream;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * Cuts newline-delimited JSON into lines as the bytes arrive: a line ends at {@code \n} (a {@code \r} before it stays
 * part of the line). Each line is handed on with its exact bytes, {@code \n} included, so that the lines put together
 * are the stream again; a last line without {@code \n} is handed on by {@link #finish()}. It knows nothing of JSON.
 */
public final class LineSplitter implements EventSplitter {
    private final Consumer<byte[]> onLine;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public LineSplitter(Consumer<byte[]> onLine) {
        this.onLine = onLine;
    }

    @Override
    public void feed(byte[] bytes, int offset, int length) {
        int start = offset;
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == '\n') {
                pending.write(bytes, start, i + 1 - start);
                emit();
                start = i + 1;
            }
        }
        pending.write(bytes, start, offset + length - start);
    }

    @Override
    public void finish() {
        if (pending.size() > 0) {
            emit();
        }
    }

    private void emit() {
        byte[] line = pending.toByteArray();
        pending.reset();
        onLine.accept(line);
    }
}
